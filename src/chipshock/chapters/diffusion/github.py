"""The GitHub top lists: owner origins, repository kinds, star and fork flows, the repository-level
difference-in-differences around the shocks, the second top-100 list, and their charts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from chipshock import charts
from chipshock.chapters.diffusion.common import (
    ORIGIN_COLOURS_ALL,
    REVISION_SHARE,
    TOPIC,
    EmptySelection,
    release_ticks,
    shock_rules,
)
from chipshock.chapters.diffusion.hubs import share_trend
from chipshock.chapters.diffusion.parameters import (
    ESTIMATORS,
    OWNER_ORIGINS,
    REPO_KINDS,
    REPO_PANELS,
)
from chipshock.charts import _scale
from chipshock.data import curated
from chipshock.data.catalog import MODEL_REPO_BASE, REPO_KIND, REPO_OWNER_ORIGIN
from chipshock.econometrics import did as D
from chipshock.econometrics.models import Fit, fit_ols
from chipshock.econometrics.power import mde
from chipshock.errors import DataError, UserError
from chipshock.numbers import number, percent
from chipshock.paths import Project
from chipshock.tables import Col
from chipshock.wording import ALPHA, is_significant

MIN_WEEKS_EACH_SIDE = 4  # weeks a repository needs in the top list before and after a shock


MIN_REPOS_PER_SIDE = 5   # repositories of each origin, observed before and after, to estimate a shock


FEW_CLUSTERS = 30        # below this many clusters, the wild cluster bootstrap p-value is reported


BOOT_DRAWS = 9_999


EVENT_BIN = 4           # weeks per event-study bin


def read_owner_origin(root: Path) -> pd.DataFrame:
    """The curated owner → origin table (one row per GitHub owner, with its reason)."""
    return curated.repo_owner_origin(root, OWNER_ORIGINS)


def owner_origin(project: Project) -> pd.DataFrame:
    return read_owner_origin(project.root)


def read_repo_kind(root: Path) -> pd.DataFrame:
    """The curated repository → kind table (model, infrastructure, application, resource), with reasons."""
    return curated.repo_kind(root, REPO_KINDS)


def repo_kind(project: Project) -> pd.DataFrame:
    return read_repo_kind(project.root)


def read_model_base(root: Path, kinds: pd.DataFrame) -> pd.DataFrame:
    """The curated model repository → base model table (family and origin of the model it is built
    on, with reasons); DataError naming any model repository of the kind table it does not list."""
    out = curated.model_repo_base(root, OWNER_ORIGINS)
    missing = sorted(set(kinds.loc[kinds["kind"] == "model", "repo"]) - set(out["repo"]))
    if missing:
        raise DataError(f"{len(missing)} model repositories are not in {MODEL_REPO_BASE}: "
                        f"{', '.join(missing[:10])}; add each with its base model's family, origin "
                        "and a reason")
    return out


def with_base_origin(flows: pd.DataFrame, kinds: pd.DataFrame, base: pd.DataFrame) -> pd.DataFrame:
    """Flows with the repository's kind and the origin that classifies it: the base model's origin
    for a model repository (a Llama fine-tune by a Chinese owner counts as U.S.), the owner's otherwise."""
    kind = flows["repo"].map(dict(zip(kinds["repo"], kinds["kind"], strict=True)))
    base_origin = flows["repo"].map(dict(zip(base["repo"], base["base_origin"], strict=True)))
    return flows.assign(kind=kind, owner_origin=flows["origin"],
                        origin=base_origin.where(kind == "model", flows["origin"]))


KIND_ROWS = {"model, by base model": ("model", "origin"), "model, by owner": ("model", "owner_origin"),
             "infrastructure": ("infrastructure", "origin"), "application": ("application", "origin"),
             "resource": ("resource", "origin")}


def cn_share_by_kind(flows: pd.DataFrame) -> pd.DataFrame:
    """Per kind, China's share of the fork (or star) flows in the first and last twelve months and
    over the whole panel, with the fitted monthly trend (per year, HAC interval); model repositories
    twice, classified by base model and by owner. `flows` come from `with_base_origin`."""
    rows = {}
    for label, (kind, column) in KIND_ROWS.items():
        sub = flows[flows["kind"] == kind].assign(origin=lambda f, c=column: f[c])
        if sub.empty:
            continue
        monthly = monthly_flows(sub)
        cn = monthly.pivot(index="month", columns="origin", values="share").fillna(0.0)
        cn = cn["CN"] if "CN" in cn else pd.Series(0.0, index=cn.index)
        f = sub[~sub["revision"]]
        t = share_trend(cn) if len(cn) >= 3 else {"slope": np.nan, "ci_low": np.nan, "ci_high": np.nan}
        rows[label] = {"repositories": sub["repo"].nunique(), "first 12 months": float(cn.iloc[:12].mean()),
                       "last 12 months": float(cn.iloc[-12:].mean()),
                       "whole panel": float(f.loc[f["origin"] == "CN", "flow"].sum() / f["flow"].sum()),
                       "trend per year": t["slope"], "trend low": t["ci_low"], "trend high": t["ci_high"]}
    return pd.DataFrame(rows).T


def unclassified_owners(owners: pd.Series, table: pd.DataFrame) -> list[str]:
    """Owners that the curated table does not list."""
    return sorted(set(owners) - set(table["owner"]))


def ranking_panel(ranking: pd.DataFrame, owners: pd.DataFrame, p: dict[str, Any],
                  kinds: pd.DataFrame | None = None) -> pd.DataFrame:
    """The LLM topic list within the date range and rank cut-off, with owner, owner origin and kind.

    With a kind table, only the repositories of the kinds in `p["repo_kinds"]` are kept.
    """
    d = ranking["date"]
    first, after = pd.Timestamp(p["start_date"]), pd.Timestamp(p["end_date"]) + pd.Timedelta(days=1)
    sel = ranking[(ranking["item"] == TOPIC) & (ranking["rank"] <= p["top_n"]) & (d >= first) & (d < after)]
    owner = sel["repo"].str.split("/", n=1).str[0]
    missing = unclassified_owners(owner, owners)
    if missing:
        raise DataError(f"{len(missing)} repository owner(s) are not in {REPO_OWNER_ORIGIN}: "
                        f"{', '.join(missing[:10])}; add them with an origin and a reason")
    origin = owner.map(dict(zip(owners["owner"], owners["origin"], strict=True)))
    out = sel.assign(owner=owner, origin=origin)
    if kinds is None:
        return out
    unkinded = sorted(set(out["repo"]) - set(kinds["repo"]))
    if unkinded:
        raise DataError(f"{len(unkinded)} repositories are not in {REPO_KIND}: {', '.join(unkinded[:10])}; "
                        "add them with a kind (model, infrastructure, application, resource) and a reason")
    out = out.assign(kind=out["repo"].map(dict(zip(kinds["repo"], kinds["kind"], strict=True))))
    return out[out["kind"].isin(p["repo_kinds"])]


def kind_counts(every: pd.DataFrame, p: dict[str, Any]) -> pd.DataFrame:
    """Repositories of the list per kind and owner origin, and whether each kind is analysed; `every`
    is the ranking panel of every kind."""
    table = every.drop_duplicates("repo").groupby(["kind", "origin"]).size().unstack("origin")
    table = table.reindex(index=list(REPO_KINDS), columns=list(OWNER_ORIGINS)).fillna(0).astype(int)
    return table.assign(analysed=[k in p["repo_kinds"] for k in table.index])


def daily_flows(panel: pd.DataFrame, metric: str) -> pd.DataFrame:
    """Daily change of a stock (forks or stars) per repository.

    A flow is the difference between a repository's value on two consecutive calendar days on both
    of which it is in the list: a repository entering the top list has no flow on its first day,
    one leaving it none after its last, and a missing day (or a gap in the repository's presence)
    breaks the chain. Days on which at least REVISION_SHARE of the repositories lose forks/stars
    are GitHub recounts, not activity, and are flagged (`revision`).
    """
    s = panel.sort_values(["repo", "date"], kind="stable")
    prev_date = s.groupby("repo")["date"].shift()
    prev = s.groupby("repo")[metric].shift()
    ok = (s["date"] - prev_date).dt.days == 1
    out = s.loc[ok, ["date", "repo", "owner", "origin", "rank"]].assign(
        flow=(s.loc[ok, metric] - prev[ok]).astype(float))
    neg = out.groupby("date")["flow"].transform(lambda x: float((x < 0).mean()))
    return out.assign(revision=neg >= REVISION_SHARE)


def flow_accounting(panel: pd.DataFrame, flows: pd.DataFrame) -> dict[str, Any]:
    """How many repository-days give a flow, and why the others do not."""
    s = panel.sort_values(["repo", "date"], kind="stable")
    gap = s.groupby("repo")["date"].diff().dt.days
    return {"repo_days": len(s), "entries": int(gap.isna().sum()),
            "re_entries_or_gaps": int((gap > 1).sum()), "flows": len(flows),
            "revision_days": int(flows.loc[flows["revision"], "date"].nunique()),
            "revision_flows": int(flows["revision"].sum()),
            "negative_share": float((flows.loc[~flows["revision"], "flow"] < 0).mean())}


def monthly_flows(flows: pd.DataFrame) -> pd.DataFrame:
    """Flows summed per calendar month and owner origin (recount days left out), with shares."""
    f = flows[~flows["revision"]]
    month = f["date"].dt.to_period("M").dt.to_timestamp()
    out = f.groupby([month.rename("month"), "origin"])["flow"].sum().rename("value").reset_index()
    total = out.groupby("month")["value"].transform("sum")
    return out.assign(share=out["value"] / total.where(total > 0))


def weekly_panel(flows: pd.DataFrame) -> pd.DataFrame:
    """Repository × week: mean daily flow over the days with a flow (recount days left out)."""
    f = flows[~flows["revision"]]
    week = (f["date"] - pd.to_timedelta(f["date"].dt.day_of_week, unit="D")).rename("week")
    return (f.groupby(["repo", week]).agg(flow=("flow", "mean"), days=("flow", "size"),
                                          origin=("origin", "first")).reset_index())


REPO_DESIGN = D.Design(unit="repo", period="week", region="origin", outcome="flow", freq="W")


@dataclass(frozen=True)
class RepoDesign:
    """The repository-level comparison: CN-owned against U.S.-owned repositories.

    `panel` is one of REPO_PANELS: `listed` keeps every repository listed in a shock's window, with
    its flows while listed (entry-robust); `both_sides` those listed MIN_WEEKS_EACH_SIDE weeks on
    each side; `balanced` those listed in every week (selection on staying in the list).
    """

    window: int
    panel: str
    estimator: str
    design: D.Design = REPO_DESIGN

    def __post_init__(self) -> None:
        if self.panel not in REPO_PANELS:
            raise ValueError(f"unknown repository panel {self.panel!r}; use one of {tuple(REPO_PANELS)}")


def window_weeks(stacked: pd.DataFrame) -> pd.DataFrame:
    """Per shock and repository: weeks observed before and after, first and last relative week."""
    return stacked.groupby(["shock", "repo"]).agg(
        origin=("origin", "first"), pre=("post", lambda x: int((x == 0).sum())),
        post=("post", lambda x: int(x.sum())), first=("rel", "min"), last=("rel", "max"))


def eligible(stacked: pd.DataFrame, rd: RepoDesign) -> pd.DataFrame:
    """The repositories of each shock window that the panel kind keeps (see RepoDesign)."""
    weeks = window_weeks(stacked)
    if rd.panel == "balanced":
        ok = (weeks["pre"] == weeks.groupby("shock")["pre"].transform("max")) & \
             (weeks["post"] == weeks.groupby("shock")["post"].transform("max"))
    elif rd.panel == "both_sides":
        ok = (weeks["pre"] >= MIN_WEEKS_EACH_SIDE) & (weeks["post"] >= MIN_WEEKS_EACH_SIDE)
    else:
        ok = weeks["pre"] + weeks["post"] > 0
    keep = weeks.index[ok]
    return stacked.set_index(["shock", "repo"]).loc[keep].reset_index()


def entry_exit(weekly: pd.DataFrame, shocks: list[pd.Timestamp], window: int) -> pd.DataFrame:
    """Per shock and owner origin: repositories listed in the window, how many stayed throughout,
    entered or left during it, and how many are observed on both sides of the shock."""
    stacked = D.stack(weekly, shocks, window, REPO_DESIGN)
    w = window_weeks(stacked).reset_index()
    w = w.assign(throughout=w["pre"] + w["post"] == 2 * window,
                 entered=w["first"] > -window, left=w["last"] < window - 1,
                 both_sides=(w["pre"] > 0) & (w["post"] > 0),
                 only_before=w["post"] == 0, only_after=w["pre"] == 0)
    cols = ["throughout", "entered", "left", "both_sides", "only_before", "only_after"]
    out = w.groupby(["shock", "origin"]).agg(listed=("repo", "size"), **{c: (c, "sum") for c in cols})
    return out.astype(int)


def repo_stack(weekly: pd.DataFrame, shocks: list[pd.Timestamp], rd: RepoDesign) -> pd.DataFrame:
    """Stacked shock windows (chipshock.econometrics.did.stack) of the eligible repositories."""
    stacked = D.stack(weekly, shocks, rd.window, rd.design)
    out = eligible(stacked, rd)
    return out.assign(y=np.arcsinh(out["flow"]) if rd.estimator == "ols_asinh" else out["flow"])


REPO_FE = [["repo", "shock"], ["week", "shock"]]


def repo_did(stacked: pd.DataFrame) -> Fit:
    """CN-owned minus U.S.-owned change after the shock(s), repository and week FE per shock."""
    return fit_ols(stacked, "y", ["treat_post"], REPO_FE, "repo")


def identification(weekly: pd.DataFrame, rd: RepoDesign, shocks: list[pd.Timestamp]) -> pd.DataFrame:
    """Per shock: CN- and U.S.-owned repositories in the window, those observed on both sides of the
    shock (they identify the comparison), and whether it is estimable (MIN_REPOS_PER_SIDE of each)."""
    rows = []
    for shock in shocks:
        data = repo_stack(weekly, [shock], rd)
        w = window_weeks(data) if len(data) else pd.DataFrame(columns=["origin", "pre", "post"])
        both = w[(w["pre"] > 0) & (w["post"] > 0)]
        n = w.groupby("origin").size()
        nb = both.groupby("origin").size()
        cn, us = int(nb.get("CN", 0)), int(nb.get("US", 0))
        ok = min(cn, us) >= MIN_REPOS_PER_SIDE
        rows.append({"shock": shock.strftime("%Y-%m-%d"), "CN-owned repositories": int(n.get("CN", 0)),
                     "U.S.-owned repositories": int(n.get("US", 0)), "CN-owned, both sides": cn,
                     "U.S.-owned, both sides": us, "repository-weeks": len(data), "estimable": ok,
                     "why not": "" if ok else f"fewer than {MIN_REPOS_PER_SIDE} repositories of one "
                                              "origin observed before and after the shock"})
    return pd.DataFrame(rows).set_index("shock")


def week_dummies(data: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Week x shock indicators as regressors (the first week of each shock left out)."""
    key = data["shock"].astype(str) + "_" + data["rel"].astype(int).astype(str)
    first = data.groupby("shock")["rel"].transform("min")
    names = sorted(set(key[data["rel"] != first]))
    cols = pd.DataFrame({f"w_{n}": (key == n).astype(float) for n in names}, index=data.index)
    return pd.concat([data, cols], axis=1), list(cols.columns)


def bootstrap_p(data: pd.DataFrame, draws: int = BOOT_DRAWS, seed: int = 0) -> float:
    """Wild cluster restricted bootstrap (Rademacher) p-value of treat_post, clustered by repository.

    The week x shock effects are not nested in the repositories, so they enter as indicators and
    only the repository x shock effects are projected out; the point estimate is the same.
    """
    frame, names = week_dummies(data)
    fit = fit_ols(frame, "y", ["treat_post", *names], [["repo", "shock"]], "repo")
    return float(fit.bootstrap("treat_post", draws=draws, seed=seed).p_value)


def did_table(weekly: pd.DataFrame, rd: RepoDesign, estimable: list[str]) -> pd.DataFrame:
    """The DiD per estimable shock and pooled over them."""
    rows = []
    sets = [[s] for s in estimable] + ([estimable] if len(estimable) > 1 else [])
    for shocks in sets:
        data = repo_stack(weekly, [pd.Timestamp(s) for s in shocks], rd)
        fit = repo_did(data)
        t = fit.table().loc["treat_post"]
        boot = bootstrap_p(data) if fit.n_clusters < FEW_CLUSTERS else np.nan
        rows.append({"estimate": shocks[0] if len(shocks) == 1 else "pooled", "coef": t["coef"],
                     "se": t["se"], "ci_low": t["ci_low"], "ci_high": t["ci_high"], "p": t["p"],
                     "bootstrap p": boot, "p used": t["p"] if np.isnan(boot) else boot,
                     "repositories": fit.n_clusters, "observations": fit.n_obs})
    return pd.DataFrame(rows).set_index("estimate")


def before_after(weekly: pd.DataFrame, rd: RepoDesign, estimable: list[str]) -> pd.DataFrame:
    """Each origin's own within-repository change after the shocks (pooled; no control group)."""
    data = repo_stack(weekly, [pd.Timestamp(s) for s in estimable], rd)
    rows = {}
    for origin in ("CN", "US"):
        sub = data[data["origin"] == origin]
        fit = fit_ols(sub, "y", ["post"], [["repo", "shock"]], "repo")
        rows[origin] = fit.table().loc["post"]
    return pd.DataFrame(rows).T


def event_study(weekly: pd.DataFrame, rd: RepoDesign, shock: str) -> pd.DataFrame:
    """CN-minus-U.S. difference per EVENT_BIN-week bin relative to one shock (bin -1 = 0)."""
    data = repo_stack(weekly, [pd.Timestamp(shock)], rd)
    data = data.assign(rel=np.floor_divide(data["rel"], EVENT_BIN))
    rels = sorted(set(data["rel"]) - {-1})
    names = [f"rel_{r}" for r in rels]
    cols = {n: (data["treated"] * (data["rel"] == r)).astype(float) for n, r in zip(names, rels, strict=True)}
    data = pd.concat([data, pd.DataFrame(cols, index=data.index)], axis=1)
    fit = fit_ols(data, "y", names, REPO_FE, "repo")
    table = fit.table().assign(rel=rels).reset_index(drop=True)
    table = pd.concat([table, pd.DataFrame([{"rel": -1, "coef": 0.0, "se": 0.0, "t": np.nan, "p": np.nan,
                                             "ci_low": 0.0, "ci_high": 0.0}])], ignore_index=True)
    pre = [n for n, r in zip(names, rels, strict=True) if r < -1]
    p_pre = fit.wald(pre)["p"] if pre else np.nan
    return table.sort_values("rel").assign(shock=shock, pretrend_p=p_pre)


def robustness(weekly: pd.DataFrame, p: dict[str, Any], estimable: list[str]) -> pd.DataFrame:
    """The last estimate of did_table (pooled, or the one shock) on each repository panel and estimator."""
    rows = []
    for panel in REPO_PANELS:
        for estimator in ESTIMATORS:
            rd = RepoDesign(p["window_weeks"], panel, estimator)
            try:
                row = did_table(weekly, rd, estimable).iloc[-1]
            except (np.linalg.LinAlgError, ValueError, KeyError):
                continue
            rows.append({"panel": panel, "estimator": ESTIMATORS[estimator],
                         "coef": row["coef"], "se": row["se"], "p used": row["p used"],
                         "repositories": int(row["repositories"])})
    return pd.DataFrame(rows).set_index(["panel", "estimator"])


def detectable(row: pd.Series, power: float = 0.80) -> float:
    """The effect the estimate's test would detect with `power` (t with G-1 degrees of freedom)."""
    return float(mde(float(row["se"]), power=power, alpha=ALPHA, clusters=int(row["repositories"])))


def pre_mean(weekly: pd.DataFrame, rd: RepoDesign, estimable: list[str], origin: str = "CN") -> float:
    """Mean weekly outcome of one origin's repositories before the shocks (the scale of the effect)."""
    data = repo_stack(weekly, [pd.Timestamp(s) for s in estimable], rd)
    return float(data.loc[(data["origin"] == origin) & (data["post"] == 0), "y"].mean())


class NoEstimableShock(UserError):
    """No shock has CN- and U.S.-owned repositories on both sides."""

    def __init__(self, ident: pd.DataFrame) -> None:
        why = "; ".join(f"{shock}: {reason}" for shock, reason in ident["why not"].items())
        super().__init__(f"no shock can be estimated with these parameters ({why}); set 'repo_panel' "
                         "to listed, add kinds to 'repo_kinds', raise 'top_n', lengthen 'window_weeks' "
                         "or move the shocks")


def top_repos(flows: pd.DataFrame, origin: str, n: int = 5) -> pd.DataFrame:
    """The repositories of an origin with the largest total flow (recount days left out)."""
    f = flows[(~flows["revision"]) & (flows["origin"] == origin)]
    out = f.groupby("repo")["flow"].sum().sort_values(ascending=False).head(n)
    return out.rename("total").to_frame().assign(share=out / f["flow"].sum())


UNINFORMATIVE_AT = 0.5
"""A comparison whose minimum detectable effect is at least this share of the Chinese-owned
repositories' pre-shock mean can only detect effects near the size of that mean: uninformative."""


def informative(mde_: float, pre_mean_: float) -> bool:
    """Whether the design could detect an effect well below the size of the pre-shock mean."""
    return bool(abs(pre_mean_) > 0 and mde_ < UNINFORMATIVE_AT * abs(pre_mean_))


def conclusion(row: pd.Series, mde_: float, pre_mean_: float) -> str:
    """What the pooled GitHub estimate allows the chapter to say (on its `p used`): a significant
    difference in either direction, or, when not significant, whether the design could have seen one."""
    if is_significant(float(row["p used"])) and float(row["coef"]) > 0:
        return ("the GitHub comparison is consistent with faster growth of Chinese-owned repositories "
                "after the shocks, for owners rather than developers and on a changing top list")
    if is_significant(float(row["p used"])):
        return ("the GitHub comparison points the other way: Chinese-owned repositories grew more "
                "slowly than U.S.-owned ones after the shocks")
    share = percent(mde_ / abs(pre_mean_), 0) if pre_mean_ else "an unknown share"
    if not informative(mde_, pre_mean_):
        return (f"the GitHub comparison is uninformative: it could detect only a difference of "
                f"{number(mde_, 2)} a day per repository, {share} of a Chinese-owned repository's pre-shock "
                "mean, so it neither supports nor rules out faster diffusion after the shocks")
    return (f"the GitHub comparison finds no statistically significant difference, though it could detect "
            f"one of {number(mde_, 2)} a day per repository ({share} of the pre-shock mean): the shocks "
            "did not visibly accelerate Chinese-owned repositories' forks")




AGREEMENT_COLS = {"stocks identical": Col(kind="share"), "median relative difference": Col(kind="share"),
                  "flows identical": Col(kind="share"), "flow correlation": Col(kind="coef"),
                  "flow pairs": Col(kind="count"), "repository-days": Col(kind="count")}


def flows_chart(table: pd.DataFrame, origins: list[str], metric: str, releases: pd.DataFrame,
                shocks: list[dt.date], width: int = 610) -> alt.LayerChart:
    t = table[table["origin"].isin(origins)]
    keys = [o for o in ORIGIN_COLOURS_ALL if o in set(t["origin"])]
    lines = alt.Chart(t).mark_line(point=False, strokeWidth=1.8).encode(
        x=alt.X("month:T", title=None), y=alt.Y("value:Q", title=f"new {metric} per month"),
        color=alt.Color("origin:N", title="Owner origin", scale=_scale(ORIGIN_COLOURS_ALL, keys)),
        tooltip=[alt.Tooltip("month:T", format="%Y-%m"), "origin:N", alt.Tooltip("value:Q", format=",.0f"),
                 alt.Tooltip("share:Q", format=".1%")])
    lo, hi = t["month"].min().date(), t["month"].max().date() + dt.timedelta(days=31)
    return (alt.layer(lines, release_ticks(releases, lo, hi), shock_rules(shocks))
            .resolve_scale(color="independent").properties(width=width, height=260))


def event_chart(table: pd.DataFrame, width: int = 300) -> alt.FacetChart:
    """Event-study coefficients of CN-owned minus U.S.-owned repositories, one panel per shock."""
    return charts.event_study(table, f"{EVENT_BIN}-week bins relative to the shock", width,
                              y_title="CN-owned minus U.S.-owned")


MAX_GAP_DAYS = 7  # a difference across a longer gap in a repository's presence is not used


def stock_flows(daily: pd.DataFrame, metric: str, max_gap: int = MAX_GAP_DAYS) -> pd.DataFrame:
    """Net daily flow of a stock (forks or stars) between a repository's consecutive observations.

    The list records a repository only on days it is in a top-100 list, so a gap is bridged by
    differencing across it: the flow is the change divided by the days between the two
    observations (a mean net flow per day), used only when the gap is at most `max_gap` days.
    Deleted forks are netted out, so a flow can be negative.
    """
    s = daily.sort_values(["repo", "date"], kind="stable")
    gap = s.groupby("repo")["date"].diff().dt.days
    change = s.groupby("repo")[metric].diff()
    ok = gap.notna() & (gap <= max_gap)
    cols = [c for c in ("date", "repo", "owner", "origin", "kind") if c in s]
    out = s.loc[ok, cols].assign(gap=gap[ok].astype(int), flow=(change[ok] / gap[ok]).astype(float))
    neg = out.groupby("date")["flow"].transform(lambda x: float((x < 0).mean()))
    return out.assign(revision=(neg >= REVISION_SHARE) & (out.groupby("date")["flow"].transform("size") > 2))


def second_list(daily: pd.DataFrame, owners: pd.DataFrame, kinds: pd.DataFrame,
                repo_kinds: list[str]) -> pd.DataFrame:
    """The second list's repository-days with owner origin and kind, of the kinds analysed."""
    out = with_origin(daily, owners)
    unkinded = sorted(set(out["repo"]) - set(kinds["repo"]))
    if unkinded:
        raise DataError(f"{len(unkinded)} repositories of the second list are not in {REPO_KIND}: "
                        f"{', '.join(unkinded[:10])}; add them with a kind and a reason")
    out = out.assign(kind=out["repo"].map(dict(zip(kinds["repo"], kinds["kind"], strict=True))))
    return out[out["kind"].isin(repo_kinds)]


def with_origin(frame: pd.DataFrame, owners: pd.DataFrame) -> pd.DataFrame:
    """Owner and owner origin of each row's repository (DataError naming unlisted owners)."""
    owner = frame["repo"].str.split("/", n=1).str[0]
    missing = unclassified_owners(owner, owners)
    if missing:
        raise DataError(f"{len(missing)} repository owner(s) of the second list are not in "
                        f"{REPO_OWNER_ORIGIN}: {', '.join(missing[:10])}; add them with an origin and "
                        "a reason")
    origin = owner.map(dict(zip(owners["owner"], owners["origin"], strict=True)))
    return frame.assign(owner=owner, origin=origin)


def shock_coverage(flows: pd.DataFrame, shocks: list[pd.Timestamp], window: int) -> pd.DataFrame:
    """Per shock and owner origin: repositories with a flow in the window, and on both sides of it."""
    rows = []
    for shock in shocks:
        lo, hi = shock - pd.Timedelta(weeks=window), shock + pd.Timedelta(weeks=window)
        w = flows[(flows["date"] >= lo) & (flows["date"] < hi)]
        side = w.assign(post=w["date"] >= shock).groupby(["repo", "origin"])["post"].agg(["min", "max"])
        for origin in ("CN", "US", "other", "unknown"):
            sub = side[side.index.get_level_values("origin") == origin]
            rows.append({"shock": shock.strftime("%Y-%m-%d"), "origin": origin, "repositories": len(sub),
                         "both sides": int((~sub["min"] & sub["max"]).sum()),
                         "repository names": ", ".join(sub.index.get_level_values("repo"))})
    return pd.DataFrame(rows).set_index(["shock", "origin"])


def comparable(coverage: pd.DataFrame, shock: str, min_repos: int = MIN_REPOS_PER_SIDE) -> bool:
    """Whether a shock has `min_repos` Chinese- and U.S.-owned repositories observed on both sides."""
    c = coverage.loc[shock, "both sides"]
    return bool(c.get("CN", 0) >= min_repos and c.get("US", 0) >= min_repos)


def compare_lists(second: pd.DataFrame, ranking: pd.DataFrame, metric: str) -> dict[str, float]:
    """Agreement of the two top-100 lists where both observe the same repository on the same day:
    the stocks (share identical, median relative difference) and the day-to-day flows where both
    observe the repository on two consecutive days (correlation, share identical)."""
    first = ranking[ranking["item"] == TOPIC][["date", "repo", metric]].drop_duplicates(["date", "repo"])
    both = second[["date", "repo", metric]].merge(first, on=["date", "repo"], suffixes=("_b", "_a"))
    if both.empty:
        raise EmptySelection("the two GitHub lists observe no repository on the same day; "
                             "widen 'start_date'/'end_date'")
    a_col, b_col = f"{metric}_a", f"{metric}_b"
    rel = (both[b_col] - both[a_col]).abs() / both[a_col].where(both[a_col] > 0)
    b = both.sort_values(["repo", "date"], kind="stable")
    consecutive = b.groupby("repo")["date"].diff().dt.days == 1
    fa = b.groupby("repo")[f"{metric}_a"].diff()[consecutive]
    fb = b.groupby("repo")[f"{metric}_b"].diff()[consecutive]
    return {"repo_days": len(both), "repos": int(both["repo"].nunique()),
            "stock_equal_share": float((both[f"{metric}_a"] == both[f"{metric}_b"]).mean()),
            "stock_median_rel_diff": float(rel.median()),
            "flow_pairs": int(consecutive.sum()),
            "flow_corr": float(np.corrcoef(fa, fb)[0, 1]) if consecutive.sum() > 2 else float("nan"),
            "flow_equal_share": float((fa == fb).mean()) if consecutive.sum() else float("nan")}


def agreement_frame(agree: dict[str, float]) -> pd.DataFrame:
    """compare_lists as a one-row table for the page."""
    names = {"repo_days": "repository-days", "repos": "repositories",
             "stock_equal_share": "stocks identical", "stock_median_rel_diff": "median relative difference",
             "flow_pairs": "flow pairs", "flow_corr": "flow correlation",
             "flow_equal_share": "flows identical"}
    return pd.DataFrame([{names[k]: v for k, v in agree.items()}])


def weekly_stock_flows(flows: pd.DataFrame) -> pd.DataFrame:
    """Mean daily net flow per repository and week (weeks start on Monday)."""
    f = flows[~flows["revision"]] if "revision" in flows else flows
    week = (f["date"] - pd.to_timedelta(f["date"].dt.day_of_week, unit="D")).rename("week")
    return f.groupby(["repo", "origin", week])["flow"].mean().rename("flow").reset_index()


def around(weekly: pd.DataFrame, shocks: list[pd.Timestamp], window: int) -> pd.DataFrame:
    """The weeks within `window` weeks of the first and the last of `shocks`."""
    lo, hi = min(shocks) - pd.Timedelta(weeks=window), max(shocks) + pd.Timedelta(weeks=window)
    return weekly[(weekly["week"] >= lo) & (weekly["week"] < hi)]


def early_flows_chart(weekly: pd.DataFrame, shocks: list[dt.date], metric: str,
                      width: int = 610) -> alt.LayerChart:
    """Weekly net flows of the repositories the second list observes around some shocks."""
    keys = [o for o in ORIGIN_COLOURS_ALL if o in set(weekly["origin"])]
    lines = alt.Chart(weekly).mark_line(strokeWidth=1.5, point=True).encode(
        x=alt.X("week:T", title=None, axis=alt.Axis(format="%Y-%m")),
        y=alt.Y("flow:Q", title=f"net new {metric} per day"),
        color=alt.Color("origin:N", title="Owner origin", scale=_scale(ORIGIN_COLOURS_ALL, keys)),
        detail="repo:N",
        tooltip=["repo:N", alt.Tooltip("week:T", format="%Y-%m-%d"), alt.Tooltip("flow:Q", format=",.1f")])
    return alt.layer(lines, shock_rules(shocks)).properties(width=width, height=220)
