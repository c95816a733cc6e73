"""Chapter `developers`: China-linked vs U.S. developers' commits around the shocks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from chipshock.chapters.developers.parameters import ESTIMATOR_LABELS
from chipshock.econometrics import did as D
from chipshock.econometrics.models import Fit
from chipshock.errors import DataError, UserError
from chipshock.measures import geography, panels, vocabulary

BOOTSTRAP_BELOW = 30       # clusters: below this, report a wild cluster bootstrap p-value
MIN_COMMITS_PER_SIDE = 50  # China-linked and U.S. commits in a shock's window to estimate it


@dataclass(frozen=True)
class Settings:
    """Parameters turned into what the estimators need."""

    design: D.Design
    window: int
    event_bin: int
    shocks: list[pd.Timestamp]


def settings(p: dict[str, Any]) -> Settings:
    freq = "W" if p["period"] == "week" else "M"
    window = p["window_weeks"] if freq == "W" else max(1, round(p["window_weeks"] / 4.345))
    design = D.Design(outcome=p["outcome"], freq=freq)
    return Settings(design, window, 4 if freq == "W" else 1, [pd.Timestamp(s) for s in sorted(p["shocks"])])


def classified_commits(commits: pd.DataFrame, repos: pd.DataFrame, p: dict[str, Any]) -> pd.DataFrame:
    """Developer commits of the chosen unit and repository groups, with a `region` column."""
    groups = repos.loc[repos["group"].isin(p["repo_groups"]), "repo"]
    chosen = panels.select_commits(commits[commits["repo"].isin(groups)], p["unit"])
    return chosen.assign(region=geography.classify(chosen, p["geo_proxy"], p["hour_cutoff_utc"]))


def release_periods(releases: pd.DataFrame, period: str) -> set[pd.Timestamp]:
    """Periods that contain a major open-weight release."""
    times = releases["date"].dt.tz_localize("UTC")
    return set(panels.period_start(times, period))


def make_panel(classified: pd.DataFrame, releases: pd.DataFrame, p: dict[str, Any]) -> pd.DataFrame:
    panel = panels.build_panel(classified, p["period"], vocabulary.REGIONS)
    if p["exclude_release_weeks"]:
        panel = panel[~panel["period"].isin(release_periods(releases, p["period"]))]
    return panel


def gharchive_panel(project_root: Path, repos: pd.DataFrame, releases: pd.DataFrame,
                    p: dict[str, Any]) -> pd.DataFrame:
    """Fork events per repository, week and clock region from GH Archive, in the commit panel's shape."""
    from chipshock.data.gharchive import load_gharchive, to_region_panel

    path = Path(p["gharchive_path"])
    path = path if path.is_absolute() else project_root / path
    if not path.exists():
        raise DataError(
            f"source=gharchive reads {p['gharchive_path']}, which does not exist. Make it online with "
            "`chipshock data gharchive --start 2022-02-01 --end 2025-06-30 --out data/raw/gharchive` "
            "(one machine, slow for years of data) or run sql/gharchive_bigquery.sql on BigQuery and "
            "pass its export with `-p gharchive_path FILE`")
    panel = to_region_panel(load_gharchive(path), event_type="ForkEvent", cutoff=p["hour_cutoff_utc"])
    panel = panel.rename(columns={"events": "commits", "actors": "active_authors"}).assign(new_authors=0)
    if sorted(p["repo_groups"]) != ["A", "B", "C"]:
        panel = panel[panel["repo"].isin(repos.loc[repos["group"].isin(p["repo_groups"]), "repo"])]
    if p["exclude_release_weeks"]:
        panel = panel[~panel["period"].isin(release_periods(releases, "week"))]
    return panel.reset_index(drop=True)


def source_panel(project_root: Path, commits: pd.DataFrame, repos: pd.DataFrame, releases: pd.DataFrame,
                 p: dict[str, Any]) -> pd.DataFrame:
    """The estimation panel of the chosen source: commits by region, or GH Archive fork events."""
    if p["source"] == "gharchive":
        return gharchive_panel(project_root, repos, releases, p)
    return make_panel(classified_commits(commits, repos, p), releases, p)


def source_note(p: dict[str, Any]) -> str:
    """What the estimates below are computed on."""
    if p["source"] == "gharchive":
        return ("This run estimates on GH Archive fork events, the paper's own measure, located by the "
                f"clock rule (before {p['hour_cutoff_utc']}:00 UTC China-linked); the counts above and the "
                "clock validation below still describe the commit histories.")
    return ("This run estimates on the commit histories, with each commit located by the "
            f"'{p['geo_proxy']}' proxy.")


def eligible_repos(panel: pd.DataFrame, shock: pd.Timestamp, s: Settings, min_pre: int) -> list[str]:
    """Repositories with `min_pre` periods of history before the shock and activity after it."""
    idx = D.period_index(panel["period"], s.design.freq)
    at = D.period_index(pd.Series([shock]), s.design.freq)[0]
    spans = pd.DataFrame({"repo": panel["repo"], "i": idx}).groupby("repo")["i"].agg(["min", "max"])
    ok = (spans["min"] <= at - min_pre) & (spans["max"] >= at)
    return sorted(spans.index[ok])


def stacked(panel: pd.DataFrame, shocks: list[pd.Timestamp], s: Settings, min_pre: int) -> pd.DataFrame:
    """Stacked windows of the eligible repositories of each shock."""
    parts = [D.stack(panel[panel["repo"].isin(eligible_repos(panel, sh, s, min_pre))], [sh], s.window,
                     s.design) for sh in shocks]
    return pd.concat(parts, ignore_index=True)


def identification(panel: pd.DataFrame, s: Settings, p: dict[str, Any]) -> pd.DataFrame:
    """For each shock: eligible repositories, commits and authors per side, and whether estimable."""
    rows = []
    for shock in s.shocks:
        window = stacked(panel, [shock], s, p["min_pre_periods"])
        by = window.groupby("region")[["commits"]].sum() if len(window) else None
        cn = int(by.loc["CN", "commits"]) if by is not None and "CN" in by.index else 0
        us = int(by.loc["US", "commits"]) if by is not None and "US" in by.index else 0
        n_repos = int(window["repo"].nunique()) if len(window) else 0
        reasons = []
        if n_repos < p["min_repos"]:
            reasons.append(f"{n_repos} eligible repositories (needs {p['min_repos']})")
        if min(cn, us) < MIN_COMMITS_PER_SIDE:
            counted = "GH Archive events" if p["source"] == "gharchive" else "commits"
            reasons.append(f"fewer than {MIN_COMMITS_PER_SIDE} {counted} on one side")
        rows.append({"shock": shock.strftime("%Y-%m-%d"), "repositories": n_repos,
                     f"China-linked {s.design.outcome}": cn, f"U.S. {s.design.outcome}": us,
                     "estimable": not reasons, "why not": "; ".join(reasons)})
    return pd.DataFrame(rows).set_index("shock")


def _row(fit: Fit, term: str, label: str, bootstrap: bool) -> dict[str, Any]:
    t = fit.table().loc[term]
    boot = None
    if bootstrap and fit.n_clusters < BOOTSTRAP_BELOW and fit.estimator == "ols":
        boot = fit.bootstrap(term, draws=999, weights="webb", seed=1).p_value
    return {"estimate": label, "coef": t["coef"], "se": t["se"], "ci_low": t["ci_low"],
            "ci_high": t["ci_high"], "p": t["p"], "p_bootstrap": boot, "repositories": fit.n_clusters,
            "observations": fit.n_obs}


def did_table(panel: pd.DataFrame, s: Settings, p: dict[str, Any], estimable: list[str],
              estimator: str) -> pd.DataFrame:
    """China-minus-U.S. DiD per estimable shock and pooled over them."""
    rows = []
    for shock in estimable:
        data = stacked(panel, [pd.Timestamp(shock)], s, p["min_pre_periods"])
        rows.append(_row(D.did(data, s.design, estimator), "treat_post", shock, True))
    if len(estimable) > 1:
        data = stacked(panel, [pd.Timestamp(x) for x in estimable], s, p["min_pre_periods"])
        rows.append(_row(D.did(data, s.design, estimator), "treat_post", "pooled", True))
    return pd.DataFrame(rows).set_index("estimate")


def pooled(panel: pd.DataFrame, s: Settings, p: dict[str, Any], estimable: list[str],
           estimator: str) -> Fit:
    data = stacked(panel, [pd.Timestamp(x) for x in estimable], s, p["min_pre_periods"])
    return D.did(data, s.design, estimator)


def event_studies(panel: pd.DataFrame, s: Settings, p: dict[str, Any], estimable: list[str],
                  estimator: str) -> pd.DataFrame:
    """Event-study coefficients per shock, relative periods binned by `s.event_bin`."""
    parts = []
    for shock in estimable:
        data = stacked(panel, [pd.Timestamp(shock)], s, p["min_pre_periods"])
        data = data.assign(rel=np.floor_divide(data["rel"], s.event_bin))
        _, table = D.event_study(data, s.design, estimator)
        pre = table.attrs["pretrend"]
        parts.append(table.reset_index().assign(shock=shock, pretrend_p=pre["p"] if pre else np.nan))
    return pd.concat(parts, ignore_index=True)


def before_after_by_region(panel: pd.DataFrame, s: Settings, p: dict[str, Any],
                           estimable: list[str]) -> pd.DataFrame:
    """Each region's own change after the shocks, in levels per repository-period (pooled)."""
    data = stacked(panel, [pd.Timestamp(x) for x in estimable], s, p["min_pre_periods"])
    rows = {}
    for region in ("CN", "US"):
        fit = D.before_after(data, s.design, region, "ols_level")
        rows[region] = fit.table().loc["post"]
    return pd.DataFrame(rows).T


def monthly_trends(classified: pd.DataFrame) -> pd.DataFrame:
    """Commits per calendar month and region, all repositories together."""
    month = panels.period_start(classified["author_time_utc"], "month")
    return (classified.assign(month=month).groupby(["month", "region"]).size()
            .rename("commits").reset_index())


def significance_words(table_row: pd.Series, level: float = 0.05) -> dict[str, str]:
    """Words for the direction and significance of an estimate."""
    coef, p = float(table_row["coef"]), float(table_row["p"])
    boot = table_row.get("p_bootstrap")
    p_used = float(boot) if boot is not None and not pd.isna(boot) else p
    return {
        "direction": "rose" if coef > 0 else "fell" if coef < 0 else "did not change",
        "relative": "more" if coef > 0 else "less",
        "significance": "statistically significant" if p_used < level else "not statistically significant",
    }


def window_dates(shock: dt.date, weeks: int) -> tuple[str, str]:
    start = shock - dt.timedelta(weeks=weeks)
    end = shock + dt.timedelta(weeks=weeks)
    return start.isoformat(), end.isoformat()


def hour_profile(classified_tz: pd.DataFrame) -> pd.DataFrame:
    """Share of each time-zone region's commits by UTC hour (CN and US)."""
    c = classified_tz[classified_tz["region"].isin(["CN", "US"])]
    counts = c.groupby(["region", c["author_time_utc"].dt.hour.rename("hour")]).size()
    share = counts / counts.groupby(level="region").transform("sum")
    return share.rename("share").reset_index()


GROUP_LABELS = {"A": "China-origin repositories", "B": "U.S.-origin repositories",
                "C": "shared infrastructure"}


class NoEstimableShock(UserError):
    """No shock has enough repositories and commits under these parameters."""

    def __init__(self, ident: pd.DataFrame) -> None:
        why = "; ".join(f"{shock}: {reason}" for shock, reason in ident["why not"].items())
        super().__init__(f"no shock can be estimated with these parameters ({why}); lower "
                         "'min_repos' or 'min_pre_periods', widen 'window_weeks' or add 'repo_groups'")


def format_did(table: pd.DataFrame) -> pd.DataFrame:
    """The DiD table as shown: rounded, bootstrap column only when used."""
    out = table.copy()
    if out["p_bootstrap"].isna().all():
        out = out.drop(columns="p_bootstrap")
    return out.round(4)


def compare_estimators(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Coefficient (and p-value) per shock and estimator, side by side."""
    cols = {}
    for name, table in tables.items():
        label = ESTIMATOR_LABELS[name]
        cols[(label, "coef")] = table["coef"]
        cols[(label, "p")] = table["p"]
    return pd.DataFrame(cols).round(4)


def _pooled_row(root: Path, commits: pd.DataFrame, repos: pd.DataFrame, releases: pd.DataFrame,
                p: dict[str, Any]) -> dict[str, Any]:
    s = settings(p)
    panel = source_panel(root, commits, repos, releases, p)
    ident = identification(panel, s, p)
    estimable = list(ident.index[ident["estimable"]])
    if not estimable:
        return {"coef": np.nan, "se": np.nan, "p": np.nan, "repositories": 0, "shocks": 0,
                "note": "no estimable shock"}
    table = pooled(panel, s, p, estimable, p["estimator"]).table().loc["treat_post"]
    return {"coef": table["coef"], "se": table["se"], "p": table["p"],
            "repositories": int(panel["repo"].nunique()), "shocks": len(estimable), "note": ""}


def by_repo_group(root: Path, commits: pd.DataFrame, repos: pd.DataFrame, releases: pd.DataFrame,
                  p: dict[str, Any]) -> pd.DataFrame:
    """The pooled DiD within each repository origin group."""
    rows = {GROUP_LABELS[g]: _pooled_row(root, commits, repos, releases, {**p, "repo_groups": [g]})
            for g in p["repo_groups"]}
    return pd.DataFrame(rows).T.round(4)


def proxy_comparison(commits: pd.DataFrame, repos: pd.DataFrame, releases: pd.DataFrame,
                     p: dict[str, Any]) -> pd.DataFrame:
    """The pooled DiD on the commits with the time-zone proxy and with the paper's clock rule."""
    rows = {proxy: _pooled_row(Path("."), commits, repos, releases,
                               {**p, "geo_proxy": proxy, "source": "commits"})
            for proxy in ("tz", "hour")}
    return pd.DataFrame(rows).T.round(4)


def top_repo_share(panel: pd.DataFrame, s: Settings, p: dict[str, Any], estimable: list[str],
                   region: str) -> tuple[str, float]:
    """The repository with most of a region's outcome in the estimation windows, and its share."""
    data = stacked(panel, [pd.Timestamp(x) for x in estimable], s, p["min_pre_periods"])
    by_repo = data[data[s.design.region] == region].groupby("repo")[s.design.outcome].sum()
    if by_repo.sum() == 0:
        return "none", 0.0
    return str(by_repo.idxmax()), float(by_repo.max() / by_repo.sum())


def squash_share(commits: pd.DataFrame, repos: pd.DataFrame, p: dict[str, Any]) -> float:
    """Share of default-branch developer commits that are web-interface squash merges of a PR."""
    merged = classified_commits(commits, repos, {**p, "unit": "merged"})
    squash = merged["committer_webflow"] & (merged["subject_kind"] == "pr_suffix")
    return float(squash.mean()) if len(merged) else 0.0
