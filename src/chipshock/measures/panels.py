"""Commit panels: repository x period x region counts, with zero cells kept."""

from __future__ import annotations

import numpy as np
import pandas as pd

from chipshock.measures.vocabulary import OUTCOMES, PERIODS, UNITS


def squash_copies(commits: pd.DataFrame) -> pd.Series:
    """Web-UI squash merges whose pull request's own commits are in the data (double counts)."""
    heads = commits.loc[commits["reach"] == "pr", ["repo", "pr_head"]].dropna().drop_duplicates()
    keys = pd.MultiIndex.from_arrays([heads["repo"].astype(str), heads["pr_head"].astype(int)])
    candidate = (commits["committer_webflow"] & (commits["subject_kind"] == "pr_suffix")
                 & commits["pr_number"].notna())
    pairs = pd.MultiIndex.from_arrays([commits["repo"].astype(str),
                                       commits["pr_number"].fillna(-1).astype(int)])
    return candidate & pairs.isin(keys)


def select_commits(commits: pd.DataFrame, unit: str) -> pd.DataFrame:
    """Developer commits of a counting unit; bots and merge commits always out.

    `work`: every ref (default branch, other branches, pull requests), without web squash copies
    of pull requests whose own commits exist. `merged`: default-branch commits only.
    """
    base = commits[~commits["is_bot"] & ~commits["is_merge"]]
    if unit == "merged":
        return base[base["is_default"]]
    if unit == "work":
        return base[~squash_copies(base)]
    raise ValueError(f"unknown counting unit {unit!r}; use one of {UNITS}")


def week_start(dates: pd.Series) -> pd.Series:
    """Monday of the week containing each naive date or time: the panels' week label (the one
    week-start rule of the package; `period_start` applies it to UTC times)."""
    d = pd.to_datetime(dates).dt.normalize()
    return d - pd.to_timedelta(d.dt.day_of_week, unit="D")


def period_start(times: pd.Series, period: str) -> pd.Series:
    """Start of the week (Monday) or month containing each UTC time, as a naive date."""
    naive = times.dt.tz_convert("UTC").dt.tz_localize(None).dt.normalize()
    if period == "week":
        return week_start(naive)
    if period == "month":
        return naive - pd.to_timedelta(naive.dt.day - 1, unit="D")
    raise ValueError(f"unknown period {period!r}; use one of {PERIODS}")


def _grid(spans: pd.DataFrame, period: str, regions: tuple[str, ...]) -> pd.DataFrame:
    """Every period from each repository's first to its last (both period starts), x every region."""
    if period == "week":
        n = ((spans["last"] - spans["first"]).dt.days // 7 + 1).to_numpy()
    else:
        first = (spans["first"].dt.year * 12 + spans["first"].dt.month - 1).to_numpy()
        n = (spans["last"].dt.year * 12 + spans["last"].dt.month - 1).to_numpy() - first + 1
    step = np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n)
    if period == "week":
        dates = np.repeat(spans["first"].to_numpy(), n) + step * np.timedelta64(7, "D")
    else:
        idx = np.repeat(first, n) + step
        dates = pd.to_datetime(pd.DataFrame({"year": idx // 12, "month": idx % 12 + 1, "day": 1})).to_numpy()
    grid = pd.DataFrame({"repo": np.repeat(spans["repo"].to_numpy(), n), "period": dates})
    grid["period"] = grid["period"].astype(spans["first"].dtype)
    return grid.merge(pd.DataFrame({"region": list(regions)}), how="cross")


def build_panel(commits: pd.DataFrame, period: str, regions: tuple[str, ...]) -> pd.DataFrame:
    """Counts per repo x period x region from classified commits (column `region`).

    Each repository's rows run from the period of its first to that of its last commit; cells
    with no commits are kept as zeros. `new_authors` counts authors in the period of their first
    commit to that repository.
    """
    c = commits.assign(period=period_start(commits["author_time_utc"], period))
    spans = c.groupby("repo")["period"].agg(first="min", last="max").reset_index()
    keys = ["repo", "period", "region"]
    counts = c.groupby(keys).agg(commits=("sha", "size"), active_authors=("author_id", "nunique"))
    first = c.sort_values("author_time_utc").drop_duplicates(["repo", "author_id"])
    new = first.groupby(keys).size().rename("new_authors")
    panel = _grid(spans, period, regions).merge(counts.join(new, how="left").reset_index(), on=keys,
                                                how="left")
    for col in OUTCOMES:
        panel[col] = panel[col].fillna(0).astype(int)
    return panel.sort_values(keys, kind="stable").reset_index(drop=True)
