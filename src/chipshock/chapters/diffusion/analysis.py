"""Chapter `diffusion`: how far Chinese-origin open models and repositories spread.

Three sources: the monthly Hugging Face / ModelScope crawls of about 32 publishers (downloads,
likes, derivatives), the daily top-100 GitHub repositories of the `LLM` topic list (star and
fork flows, with a repository-level difference-in-differences around the shocks) and Epoch AI's
model database (open-weight releases per year and country).
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import pandera.pandas as pa
from scipy import stats

from chipshock import charts
from chipshock.chapters.diffusion.parameters import (
    ESTIMATORS,
    OWNER_ORIGINS,
    REPO_KIND,
    REPO_KINDS,
    REPO_OWNER_ORIGIN,
    REPO_PANELS,
)
from chipshock.charts import ORIGIN_COLOURS, PALETTE, _scale
from chipshock.data.curated import read_checked_csv
from chipshock.econometrics import did as D
from chipshock.econometrics.models import Fit, fit_ols
from chipshock.econometrics.power import mde
from chipshock.errors import DataError, EmptySelection, UserError
from chipshock.paths import Project
from chipshock.tables import Col

HUB_METRIC_WORDS = {"downloads": "downloads in the 30 days before the crawl",
                    "likes": "likes (a running total)",
                    "descendants": "derivative models in the model tree (a running total)"}
TOPIC = "LLM"  # the one topic list that runs for the whole GitHub panel
REVISION_SHARE = 0.30   # a day on which this share of repositories lose forks/stars is a recount
MIN_WEEKS_EACH_SIDE = 4  # weeks a repository needs in the top list before and after a shock
MIN_REPOS_PER_SIDE = 5   # repositories of each origin, observed before and after, to estimate a shock
FEW_CLUSTERS = 30        # below this many clusters, the wild cluster bootstrap p-value is reported
BOOT_DRAWS = 9_999
LEVEL = 0.05
EVENT_BIN = 4           # weeks per event-study bin
EPOCH_FIRST_YEAR = 2017
EPOCH_EARLY_LAST = 2022  # the early period ends with the year of the first two shocks
ORIGIN_COLOURS_ALL = {**ORIGIN_COLOURS, "other": PALETTE["green"], "unknown": PALETTE["grey"]}

# Model families, derived from the model's name (the part of the id after the account). The
# first matching pattern wins; Chinese families come first so that distillations such as
# DeepSeek-R1-Distill-Llama count for their publisher's family.
FAMILIES: tuple[tuple[str, str, str], ...] = (
    ("Qwen", "CN", r"qwen|qwq"),
    ("DeepSeek", "CN", r"deepseek"),
    ("GLM", "CN", r"glm"),
    ("InternLM/InternVL", "CN", r"intern(?:lm|vl)"),
    ("Baichuan", "CN", r"baichuan"),
    ("Yi", "CN", r"^yi-"),
    ("MiniCPM", "CN", r"minicpm"),
    ("Kimi", "CN", r"kimi|moonlight"),
    ("Hunyuan", "CN", r"hunyuan"),
    ("ERNIE", "CN", r"ernie"),
    ("BGE", "CN", r"^bge"),
    ("Llama", "US", r"llama"),
    ("Gemma", "US", r"gemma"),
    ("Phi", "US", r"^phi-"),
    ("gpt-oss", "US", r"gpt-oss"),
    ("OLMo", "US", r"olmo"),
    ("Mistral", "other", r"mistral|mixtral|ministral"),
)
HEADLINE_FAMILIES = ("Qwen", "DeepSeek", "Llama", "Gemma")


# --------------------------------------------------------------------------- owner origins

OWNER_SCHEMA = pa.DataFrameSchema(
    {
        "owner": pa.Column(str, pa.Check.str_matches(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")),
        "origin": pa.Column(str, pa.Check.isin(OWNER_ORIGINS)),
        "reason": pa.Column(str, pa.Check.str_length(min_value=8)),
    },
    strict=True,
    unique=["owner"],
)


def read_owner_origin(root: Path) -> pd.DataFrame:
    """The curated owner → origin table (one row per GitHub owner, with its reason)."""
    out = read_checked_csv(root, REPO_OWNER_ORIGIN, OWNER_SCHEMA)
    # GitHub owners are case-insensitive; the ranking spells some two ways (Sinaptik-AI, sinaptik-ai),
    # so both spellings are listed, and they must agree.
    clash = out.groupby(out["owner"].str.lower())["origin"].nunique()
    if (clash > 1).any():
        raise DataError(f"{REPO_OWNER_ORIGIN} gives two origins to the owner(s) "
                        f"{', '.join(clash.index[clash > 1])} spelt in different cases; make them agree")
    return out


def owner_origin(project: Project) -> pd.DataFrame:
    return read_owner_origin(project.root)


KIND_SCHEMA = pa.DataFrameSchema(
    {
        "repo": pa.Column(str, pa.Check.str_matches(r"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9._-]+$")),
        "kind": pa.Column(str, pa.Check.isin(REPO_KINDS)),
        "reason": pa.Column(str, pa.Check.str_length(min_value=8)),
    },
    strict=True,
    unique=["repo"],
)


def read_repo_kind(root: Path) -> pd.DataFrame:
    """The curated repository → kind table (model, infrastructure, application, resource), with reasons."""
    return read_checked_csv(root, REPO_KIND, KIND_SCHEMA)


def repo_kind(project: Project) -> pd.DataFrame:
    return read_repo_kind(project.root)


def unclassified_owners(owners: pd.Series, table: pd.DataFrame) -> list[str]:
    """Owners that the curated table does not list."""
    return sorted(set(owners) - set(table["owner"]))


# --------------------------------------------------------------------------- hubs

def families(model_ids: pd.Series) -> pd.DataFrame:
    """Family and family origin of each model id (from its name; 'other' when none matches)."""
    names = model_ids.str.split("/", n=1).str[-1].str.lower()
    family = pd.Series("other", index=model_ids.index, dtype=object)
    origin = pd.Series("", index=model_ids.index, dtype=object)
    for name, fam_origin, pattern in reversed(FAMILIES):
        hit = names.str.contains(pattern, regex=True)
        family[hit] = name
        origin[hit] = fam_origin
    return pd.DataFrame({"family": family, "family_origin": origin})


def crawls_in_range(hf: pd.DataFrame, platform: str, start: dt.date, end: dt.date) -> pd.DataFrame:
    """One platform's rows whose crawl lies in [start, end]."""
    d = hf["crawl_date"].dt.date
    return hf[(hf["platform"] == platform) & (d >= start) & (d <= end)]


def balance(panel: pd.DataFrame) -> pd.DataFrame:
    """Accounts present in every crawl, and of those the models present in every crawl."""
    n = panel["crawl_date"].nunique()
    acc = panel.groupby("account")["crawl_date"].nunique()
    keep = panel[panel["account"].isin(acc.index[acc == n])]
    mod = keep.groupby("model_id")["crawl_date"].nunique()
    return keep[keep["model_id"].isin(mod.index[mod == n])]


def hub_panel(hf: pd.DataFrame, platform: str, start: dt.date, end: dt.date, balanced: bool) -> pd.DataFrame:
    """The crawls of a platform in the date range, balanced or full, with model families."""
    panel = crawls_in_range(hf, platform, start, end)
    if panel["crawl_date"].nunique() < 2:
        raise EmptySelection(f"fewer than two {platform} crawls fall between {start} and {end}; "
                             "widen 'start_date'/'end_date' (crawls run monthly, 2024-11-14 to 2025-09-07)")
    if balanced:
        panel = balance(panel)
    return pd.concat([panel, families(panel["model_id"])], axis=1)


def by_origin(panel: pd.DataFrame, column: str) -> pd.DataFrame:
    """Sum of a column per crawl and publisher origin, with China's share of the crawl's total."""
    out = (panel.groupby(["crawl_date", "origin"])[column].sum().astype(float)
           .rename("value").reset_index())
    total = out.groupby("crawl_date")["value"].transform("sum")
    return out.assign(share=out["value"] / total.where(total > 0))


def china_share(table: pd.DataFrame) -> pd.Series:
    """China's share per crawl (0 when no Chinese publisher is present)."""
    wide = table.pivot(index="crawl_date", columns="origin", values="share").fillna(0.0)
    return wide["CN"] if "CN" in wide else pd.Series(0.0, index=wide.index)


def share_trend(share: pd.Series, level: float = 0.95) -> dict[str, float]:
    """OLS of a share on crawl date over the whole path: slope per year, its t interval and p-value.

    Crawls are about a month apart and serially correlated, so the interval (t with n-2 degrees of
    freedom, classical errors) is a description of the path rather than a test of a model.
    """
    s = share.dropna()
    if len(s) < 3:
        raise EmptySelection(f"a trend needs at least three crawls, {len(s)} fall in the date range; "
                             "widen 'start_date'/'end_date'")
    years = (pd.to_datetime(pd.Series(s.index)) - pd.Timestamp(s.index.min())).dt.days.to_numpy() / 365.25
    fit = stats.linregress(years, s.to_numpy(float))
    crit = stats.t.ppf(0.5 + level / 2, len(s) - 2)
    return {"slope": float(fit.slope), "ci_low": float(fit.slope - crit * fit.stderr),
            "ci_high": float(fit.slope + crit * fit.stderr), "p": float(fit.pvalue), "n": len(s)}


def trend_word(trend: dict[str, float]) -> str:
    """'rose' / 'fell' when the slope's interval excludes zero, else 'showed no clear trend'."""
    if trend["ci_low"] > 0:
        return "rose"
    if trend["ci_high"] < 0:
        return "fell"
    return "showed no clear trend"


def compare_phrase(a: float, b: float, more: str = "larger than", less: str = "smaller than",
                   same: str = "the same as") -> str:
    """How a compares with b, as a phrase that reads before b ('larger than', ...)."""
    return more if a > b else less if a < b else same


def presence_text(share: float, present: bool, account: str) -> str:
    """A share as text, or that the account is not in the panel (so no share can be measured)."""
    return f"{share:.1%}" if present else f"nothing measurable (its account {account} is not in this panel)"


def by_family(panel: pd.DataFrame, column: str, names: tuple[str, ...] = HEADLINE_FAMILIES) -> pd.DataFrame:
    """Sum of a column per crawl and family (the named families only, zeros kept)."""
    sub = panel[panel["family"].isin(names)]
    table = sub.groupby(["crawl_date", "family"])[column].sum().astype(float).unstack("family")
    table = table.reindex(index=sorted(panel["crawl_date"].unique()), columns=list(names)).fillna(0.0)
    return table.stack().rename("value").reset_index()


def family_totals(panel: pd.DataFrame, column: str, crawl: pd.Timestamp) -> pd.DataFrame:
    """Every family's total and share of one crawl, largest first."""
    sub = panel[panel["crawl_date"] == crawl]
    out = sub.groupby(["family", "family_origin"])[column].sum().astype(float).rename("total")
    out = out.reset_index().sort_values("total", ascending=False, kind="stable")
    return out.assign(share=out["total"] / out["total"].sum()).set_index("family")


def coverage(hf: pd.DataFrame, platform: str, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Accounts and models per crawl, full and balanced."""
    full = crawls_in_range(hf, platform, start, end)
    bal = balance(full)
    f = full.groupby("crawl_date").agg(accounts=("account", "nunique"), models=("model_id", "size"))
    b = bal.groupby("crawl_date").agg(balanced_accounts=("account", "nunique"),
                                      balanced_models=("model_id", "size"))
    return f.join(b).fillna(0).astype(int)


def late_accounts(full: pd.DataFrame, column: str, n: int = 4) -> str:
    """The accounts absent from the first crawl with the largest measure in the last, as text."""
    first, last = full["crawl_date"].min(), full["crawl_date"].max()
    late = set(full["account"]) - set(full.loc[full["crawl_date"] == first, "account"])
    sub = full[(full["crawl_date"] == last) & full["account"].isin(late)]
    top = sub.groupby(["account", "origin"])[column].sum().sort_values(ascending=False).head(n)
    if top.empty:
        return "none"
    return ", ".join(f"{account} ({origin})" for account, origin in top.index)


def first_crawl_of(panel: pd.DataFrame, account: str) -> str:
    """The first crawl in which an account appears ('never' if it does not)."""
    dates = panel.loc[panel["account"] == account, "crawl_date"]
    return dates.min().strftime("%Y-%m-%d") if len(dates) else "never"


def modelscope_flows(panel: pd.DataFrame) -> pd.DataFrame:
    """ModelScope downloads between consecutive crawls, per 30 days, per model present in both.

    ModelScope reports cumulative downloads, so the difference between two crawls is the downloads
    in between. The count sometimes falls and later comes back (a recount); differences are taken
    on each model's running maximum, so that such a dip neither subtracts nor, on its return, adds
    downloads (`dip` marks the pairs where the raw count fell). A model absent from either crawl of
    a pair gives no difference: a new model's first crawl is not counted as a flow.
    """
    crawls = sorted(panel["crawl_date"].unique())
    prev_of = {b: a for a, b in itertools.pairwise(crawls)}
    s = panel.sort_values(["model_id", "crawl_date"], kind="stable")
    s = s.assign(running=s.groupby("model_id")["total_downloads"].cummax().astype(float),
                 raw=s["total_downloads"].astype(float))
    prev = s.groupby("model_id")[["crawl_date", "running", "raw"]].shift()
    ok = prev["crawl_date"].notna() & (prev["crawl_date"] == s["crawl_date"].map(prev_of))
    out = s.loc[ok, ["crawl_date", "model_id", "account", "family", "family_origin"]]
    days = (s.loc[ok, "crawl_date"] - prev.loc[ok, "crawl_date"]).dt.days
    delta = s.loc[ok, "running"] - prev.loc[ok, "running"]
    return out.assign(delta=delta, days=days, per_30_days=delta / days * 30,
                      dip=s.loc[ok, "raw"] < prev.loc[ok, "raw"])


def modelscope_by_family(flows: pd.DataFrame, named: tuple[str, ...] = ("Qwen", "DeepSeek")) -> pd.DataFrame:
    """ModelScope downloads per 30 days per crawl: the named families, other families, the rest."""
    group = flows["family"].where(flows["family"].isin(named),
                                  np.where(flows["family"] == "other", "no family", "other families"))
    out = flows.groupby(["crawl_date", group.rename("family")])["per_30_days"].sum().rename("value")
    return out.reset_index()


# --------------------------------------------------------------------------- GitHub

def ranking_panel(ranking: pd.DataFrame, owners: pd.DataFrame, p: dict[str, Any],
                  kinds: pd.DataFrame | None = None) -> pd.DataFrame:
    """The LLM topic list within the date range and rank cut-off, with owner, owner origin and kind.

    With a kind table, only the repositories of the kinds in `p["repo_kinds"]` are kept.
    """
    d = ranking["date"].dt.date
    sel = ranking[(ranking["item"] == TOPIC) & (ranking["rank"] <= p["top_n"])
                  & (d >= p["start_date"]) & (d <= p["end_date"])]
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


def kind_counts(ranking: pd.DataFrame, owners: pd.DataFrame, kinds: pd.DataFrame,
                p: dict[str, Any]) -> pd.DataFrame:
    """Repositories of the list per kind and owner origin (all kinds), and whether each kind is analysed."""
    every = ranking_panel(ranking, owners, {**p, "repo_kinds": list(REPO_KINDS)}, kinds)
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
    return float(mde(float(row["se"]), power=power, alpha=LEVEL, clusters=int(row["repositories"])))


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


def conclusion(row: pd.Series, level: float = LEVEL) -> str:
    """What the pooled GitHub estimate allows the chapter to say (on its `p used`)."""
    if float(row["p used"]) < level and float(row["coef"]) > 0:
        return ("the GitHub comparison is consistent with faster growth of Chinese-owned repositories "
                "after the shocks, for owners rather than developers and on a changing top list")
    if float(row["p used"]) < level:
        return ("the GitHub comparison points the other way: Chinese-owned repositories grew more "
                "slowly than U.S.-owned ones after the shocks")
    return ("the GitHub comparison finds no statistically significant difference, so these data do not "
            "support the claim that the shocks accelerated diffusion; they support only the weaker "
            "statement that Chinese open models are widely used")


def significance_words(row: pd.Series, level: float = LEVEL) -> dict[str, str]:
    """Direction of the difference and whether it is significant (on `p used`)."""
    coef, p = float(row["coef"]), float(row["p used"])
    return {"direction": "rose" if coef > 0 else "fell" if coef < 0 else "did not change",
            "significance": "statistically significant" if p < level else "not statistically significant"}


# --------------------------------------------------------------------------- Epoch AI

def epoch_sides(country: pd.Series) -> pd.DataFrame:
    """Whether a model's organisation countries include China (Hong Kong counted) and the U.S."""
    c = country.fillna("")
    return pd.DataFrame({"CN": c.str.contains(r"China|Hong Kong", regex=True),
                         "US": c.str.contains("United States", regex=False)})


def epoch_by_year(epoch: pd.DataFrame, export: str) -> pd.DataFrame:
    """Releases per year (from EPOCH_FIRST_YEAR), country side and access; joint models count for both."""
    e = epoch[(epoch["export"] == export) & epoch["publication_date"].notna()]
    e = e[e["publication_date"].dt.year >= EPOCH_FIRST_YEAR]
    sides = epoch_sides(e["country"])
    access = e["open_weights"].map({True: "open weights", False: "closed"}).fillna("access not stated")
    parts = []
    for side in ("CN", "US"):
        sub = e[sides[side]]
        parts.append(pd.DataFrame({"year": sub["publication_date"].dt.year, "origin": side,
                                   "access": access[sides[side]]}))
    long = pd.concat(parts, ignore_index=True)
    table = long.groupby(["year", "origin", "access"]).size().rename("models").reset_index()
    full = pd.MultiIndex.from_product([sorted(long["year"].unique()), ["CN", "US"],
                                       ["open weights", "closed", "access not stated"]],
                                      names=["year", "origin", "access"])
    return table.set_index(["year", "origin", "access"]).reindex(full, fill_value=0).reset_index()


def epoch_period_counts(table: pd.DataFrame, years: tuple[int, int]) -> pd.DataFrame:
    """Models per origin and access over an inclusive range of years (rows CN, US)."""
    sub = table[(table["year"] >= years[0]) & (table["year"] <= years[1])]
    out = sub.pivot_table(index="origin", columns="access", values="models", aggfunc="sum")
    return out.reindex(index=["CN", "US"], columns=["open weights", "closed", "access not stated"]).fillna(0)


def two_proportions(x1: int, n1: int, x2: int, n2: int, level: float = 0.95) -> dict[str, float]:
    """p2 - p1 with a Newcombe (Wilson score) interval and Fisher's exact two-sided p-value."""
    if min(n1, n2) == 0:
        raise EmptySelection("a proportion needs at least one model in each period; choose another "
                             "'epoch_export'")
    p1, p2 = x1 / n1, x2 / n2
    alpha = 1 - level

    def wilson(x: int, n: int) -> tuple[float, float]:
        z = stats.norm.ppf(1 - alpha / 2)
        c = (x + z * z / 2) / (n + z * z)
        h = z * np.sqrt(x * (n - x) / n + z * z / 4) / (n + z * z)
        return c - h, c + h

    (l1, u1), (l2, u2) = wilson(x1, n1), wilson(x2, n2)
    d = p2 - p1
    lo = d - np.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2)
    hi = d + np.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2)
    p = stats.fisher_exact([[x1, n1 - x1], [x2, n2 - x2]]).pvalue
    return {"p1": p1, "p2": p2, "diff": d, "ci_low": float(lo), "ci_high": float(hi), "p": float(p)}


def epoch_share_test(table: pd.DataFrame, early: tuple[int, int], late: int) -> pd.DataFrame:
    """China's share of the two countries' open-weight models, early period against a late year.

    Rows: `stated` uses only entries whose accessibility is stated; `most for China` counts every
    unstated Chinese entry as open and every unstated U.S. one as closed in the late year and the
    reverse in the early period (the largest rise the unknowns allow), `least for China` the
    opposite. A model of both countries counts for both sides.
    """
    e, a = epoch_period_counts(table, early), epoch_period_counts(table, (late, late))
    rows = {}
    for name, (e_cn, e_us, l_cn, l_us) in {
        "stated": (0, 0, 0, 0), "most for China": (0, 1, 1, 0), "least for China": (1, 0, 0, 1),
    }.items():
        x1 = e.loc["CN", "open weights"] + e_cn * e.loc["CN", "access not stated"]
        n1 = x1 + e.loc["US", "open weights"] + e_us * e.loc["US", "access not stated"]
        x2 = a.loc["CN", "open weights"] + l_cn * a.loc["CN", "access not stated"]
        n2 = x2 + a.loc["US", "open weights"] + l_us * a.loc["US", "access not stated"]
        rows[name] = {"early models": int(n1), "late models": int(n2),
                      **two_proportions(int(x1), int(n1), int(x2), int(n2))}
    return pd.DataFrame(rows).T


def change_word(diff: float, p: float, up: str = "higher", down: str = "lower",
                level: float = LEVEL) -> str:
    """Direction of a tested change: `up`/`down` when significant, else 'not significantly different'."""
    if p >= level:
        return "not significantly different"
    return up if diff > 0 else down


def epoch_last_date(epoch: pd.DataFrame, export: str) -> pd.Timestamp:
    return epoch.loc[epoch["export"] == export, "publication_date"].max()


# --------------------------------------------------------------------------- how tables read

AGREEMENT_COLS = {"stocks identical": Col(kind="share"), "median relative difference": Col(kind="share"),
                  "flows identical": Col(kind="share"), "flow correlation": Col(kind="coef"),
                  "flow pairs": Col(kind="count"), "repository-days": Col(kind="count")}
EPOCH_TEST_COLS = {"p1": Col("China's share, early", kind="share"),
                   "p2": Col("China's share, late", kind="share"), "diff": Col("difference", kind="coef"),
                   "early models": Col(kind="count"), "late models": Col(kind="count")}


# --------------------------------------------------------------------------- charts

def _release_ticks(releases: pd.DataFrame, start: dt.date, end: dt.date, legend: bool = True) -> alt.Chart:
    d = releases["date"].dt.date
    rel = releases[(d >= start) & (d <= end)].assign(when=lambda x: x["date"].dt.strftime("%Y-%m-%d"))
    origins = [o for o in ORIGIN_COLOURS if o in set(rel["origin"])] or ["CN"]
    return alt.Chart(rel).mark_tick(thickness=2, size=14, opacity=0.8).encode(
        x="date:T", y=alt.value(7),
        color=alt.Color("origin:N", title="Release (curated)", scale=_scale(ORIGIN_COLOURS, origins),
                        legend=alt.Legend() if legend else None),
        tooltip=["when:N", "organization:N", "model:N"])


def _shock_rules(shocks: list[dt.date]) -> alt.Chart:
    frame = pd.DataFrame({"date": pd.to_datetime(sorted(shocks))})
    frame["when"] = frame["date"].dt.strftime("%Y-%m-%d")
    return alt.Chart(frame).mark_rule(color=PALETTE["black"], strokeDash=[4, 3]).encode(
        x="date:T", tooltip=[alt.Tooltip("when:N", title="export-control shock")])


def hub_chart(tables: dict[str, pd.DataFrame], origins: list[str], y_title: str,
              releases: pd.DataFrame, shocks: list[dt.date], width: int = 250) -> alt.HConcatChart:
    """The measure per crawl and origin, one panel per panel kind (balanced, full), one legend."""
    charts = []
    lo = min(t["crawl_date"].min() for t in tables.values()).date()
    hi = max(t["crawl_date"].max() for t in tables.values()).date()
    inside = [s for s in shocks if lo <= s <= hi]
    present = set().union(*(set(t["origin"]) for t in tables.values())) & set(origins)
    colour = alt.Color("origin:N", title="Publisher origin",
                       scale=_scale(ORIGIN_COLOURS_ALL, [o for o in ORIGIN_COLOURS_ALL if o in present]))
    for title, table in tables.items():
        t = table[table["origin"].isin(origins)]
        lines = alt.Chart(t).mark_line(point=True).encode(
            x=alt.X("crawl_date:T", title=None),
            y=alt.Y("value:Q", title=y_title, axis=alt.Axis(format="~s")),
            color=colour,
            tooltip=[alt.Tooltip("crawl_date:T", format="%Y-%m-%d"), "origin:N",
                     alt.Tooltip("value:Q", format=",.0f"), alt.Tooltip("share:Q", format=".1%")])
        layers = [lines, _release_ticks(releases, lo, hi, legend=False)]
        if inside:
            layers.append(_shock_rules(inside))
        charts.append(alt.layer(*layers).resolve_scale(color="independent")
                      .properties(width=width, height=220, title=title))
    return alt.hconcat(*charts)


def check_lines(table: pd.DataFrame, line: list[str], x: str) -> None:
    """Every line (one per combination of the `line` columns) has strictly increasing x values."""
    bad = [key for key, g in table.groupby(line)
           if not g[x].is_monotonic_increasing or g[x].duplicated().any()]
    if bad:
        raise ValueError(f"lines {bad} have repeated or unordered {x} values: one line mixes several series")


def drawn_families(table: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The family series to draw: a family that is zero in every crawl of a panel has no account
    there (not a measured zero), so it is dropped; the dropped ones as 'Family (panel)'."""
    total = table.groupby(["panel", "family"])["value"].transform(lambda v: float(v.abs().sum()))
    absent = table.loc[total == 0, ["family", "panel"]].drop_duplicates()
    return table[total > 0], [f"{f} ({p})" for f, p in absent.itertuples(index=False)]


def family_chart(table: pd.DataFrame, y_title: str, width: int = 270) -> alt.FacetChart:
    """One line per family and panel: the panels side by side, so that no line joins two panels."""
    check_lines(table, ["panel", "family"], "crawl_date")
    fam_colours = {"Qwen": PALETTE["vermillion"], "DeepSeek": PALETTE["orange"],
                   "Llama": PALETTE["blue"], "Gemma": PALETTE["sky"]}
    keys = [f for f in fam_colours if f in set(table["family"])]
    return alt.Chart(table).mark_line(point=True).encode(
        x=alt.X("crawl_date:T", title=None), y=alt.Y("value:Q", title=y_title, axis=alt.Axis(format="~s")),
        color=alt.Color("family:N", title="Family", scale=_scale(fam_colours, keys)),
        tooltip=[alt.Tooltip("crawl_date:T", format="%Y-%m-%d"), "family:N", "panel:N",
                 alt.Tooltip("value:Q", format=",.0f")]).properties(width=width, height=220).facet(
        column=alt.Column("panel:N", title=None, sort=["balanced panel", "full panel"]))


def modelscope_chart(table: pd.DataFrame, width: int = 560) -> alt.Chart:
    return alt.Chart(table).mark_bar().encode(
        x=alt.X("crawl_date:T", title="crawl (downloads since the previous crawl)"),
        y=alt.Y("value:Q", title="ModelScope downloads per 30 days"),
        color=alt.Color("family:N", title="Family"),
        tooltip=[alt.Tooltip("crawl_date:T", format="%Y-%m-%d"), "family:N",
                 alt.Tooltip("value:Q", format=",.0f")]).properties(width=width, height=220)


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
    return (alt.layer(lines, _release_ticks(releases, lo, hi), _shock_rules(shocks))
            .resolve_scale(color="independent").properties(width=width, height=260))


def event_chart(table: pd.DataFrame, width: int = 300) -> alt.FacetChart:
    """Event-study coefficients of CN-owned minus U.S.-owned repositories, one panel per shock."""
    return charts.event_study(table, f"{EVENT_BIN}-week bins relative to the shock", width,
                              y_title="CN-owned minus U.S.-owned")


def epoch_chart(table: pd.DataFrame, width: int = 300) -> alt.FacetChart:
    t = table[table["access"] != "access not stated"]
    return alt.Chart(t).mark_bar().encode(
        x=alt.X("year:O", title=None), xOffset=alt.XOffset("origin:N"),
        y=alt.Y("models:Q", title="models in Epoch AI's database"),
        color=alt.Color("origin:N", title="Organisation country", scale=_scale(ORIGIN_COLOURS, ["CN", "US"])),
        tooltip=["year:O", "origin:N", "access:N", "models:Q"],
    ).properties(width=width, height=200).facet(column=alt.Column("access:N", title=None,
                                                                   sort=["open weights", "closed"]))


# --------------------------------------------------------------------------- the second top-100 list (EvanLi)

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
    return alt.layer(lines, _shock_rules(shocks)).properties(width=width, height=220)
