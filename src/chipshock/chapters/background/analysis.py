"""Chapter `background`: the policy and model-release timeline around the export-control shocks."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pandas as pd


def in_range(frame: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Rows whose date lies in [start, end]."""
    dates = frame["date"].dt.date
    return frame[(dates >= start) & (dates <= end)]


def select_events(events: pd.DataFrame, p: dict[str, Any]) -> pd.DataFrame:
    """Policy events within the date range, countries and kinds of the parameters."""
    out = in_range(events, p["start_date"], p["end_date"])
    return out[out["country"].isin(p["countries"]) & out["kind"].isin(p["event_kinds"])]


def select_releases(releases: pd.DataFrame, p: dict[str, Any]) -> pd.DataFrame:
    """Model releases within the date range and origins of the parameters."""
    out = in_range(releases, p["start_date"], p["end_date"])
    return out[out["origin"].isin(p["release_origins"])]


def shock_intervals(shocks: list[dt.date], start: dt.date, end: dt.date) -> pd.DataFrame:
    """Consecutive periods cut at the shocks inside [start, end]: label, first and last day."""
    cuts = sorted(s for s in set(shocks) if start < s <= end)
    bounds = [start, *cuts, end + dt.timedelta(days=1)]
    rows = []
    for i, (lo, hi) in enumerate(itertools.pairwise(bounds)):
        last = hi - dt.timedelta(days=1)
        if i == 0:
            label = f"before {hi.isoformat()}" if cuts else "whole range"
        elif i == len(bounds) - 2:
            label = f"from {lo.isoformat()}"
        else:
            label = f"{lo.isoformat()} to {last.isoformat()}"
        rows.append({"period": label, "first_day": lo, "last_day": last, "days": (hi - lo).days})
    return pd.DataFrame(rows)


def releases_between_shocks(
    releases: pd.DataFrame, intervals: pd.DataFrame, origins: list[str]
) -> pd.DataFrame:
    """Count releases per period and origin (zeros kept), with a rate per year."""
    rows = []
    for _, iv in intervals.iterrows():
        inside = in_range(releases, iv["first_day"], iv["last_day"])
        for origin in origins:
            n = int((inside["origin"] == origin).sum())
            rows.append({
                "period": iv["period"],
                "first_day": pd.Timestamp(iv["first_day"]),
                "origin": origin,
                "releases": n,
                "per_year": n / iv["days"] * 365.25,
            })
    return pd.DataFrame(rows)


def stance_counts(events: pd.DataFrame) -> pd.DataFrame:
    """Events per country and open-source stance (zeros kept)."""
    table = pd.crosstab(events["country"], events["open_source_stance"])
    return table.reindex(columns=["supports", "mentions", "exempts_open", "none"], fill_value=0)


def stance_before_after(events: pd.DataFrame, split: dt.date) -> pd.DataFrame:
    """Events per country, stance and side of `split` (before / after), zeros kept."""
    side = (events["date"].dt.date >= split).map({False: "before", True: "after"})
    table = pd.crosstab([events["country"], events["open_source_stance"]], side)
    index = pd.MultiIndex.from_product([["CN", "US"], ["supports", "mentions", "exempts_open", "none"]],
                                       names=["country", "stance"])
    return table.reindex(index=index, columns=["before", "after"], fill_value=0)


def comparison_word(a: float, b: float, more: str = "more", fewer: str = "fewer",
                    same: str = "as many") -> str:
    """The word that states how a compares with b."""
    if a > b:
        return more
    if a < b:
        return fewer
    return same


def period_counts(counts: pd.DataFrame) -> pd.DataFrame:
    """Releases per period (rows, in time order) and origin (columns)."""
    table = counts.pivot_table(index=["first_day", "period"], columns="origin", values="releases",
                               aggfunc="sum", sort=True)
    return table.droplevel("first_day")


def shocks_in_range(p: dict[str, Any]) -> list[dt.date]:
    """The shock dates that cut the chosen date range, in order."""
    return sorted(s for s in set(p["shocks"]) if p["start_date"] < s <= p["end_date"])


def between(releases: pd.DataFrame, first: dt.date, last: dt.date, origin: str) -> int:
    """Releases of one origin from `first` up to the day before `last`."""
    inside = in_range(releases, first, last - dt.timedelta(days=1))
    return int((inside["origin"] == origin).sum())


def _origin_phrase(cn: int, us: int) -> str:
    return f"{cn} Chinese and {us} U.S."


def release_comparison(releases: pd.DataFrame, cuts: list[dt.date], end: dt.date) -> dict[str, Any]:
    """Chinese vs U.S. releases between the first and last shock and after the last one."""
    out: dict[str, Any] = {}
    after = in_range(releases, cuts[-1], end)
    out["cn_after"] = int((after["origin"] == "CN").sum())
    out["us_after"] = int((after["origin"] == "US").sum())
    out["after_word"] = comparison_word(out["cn_after"], out["us_after"])
    if len(cuts) > 1:
        cn, us = between(releases, cuts[0], cuts[-1], "CN"), between(releases, cuts[0], cuts[-1], "US")
        word = comparison_word(cn, us)
        out["between_sentence"] = (
            f"Between the first shock in the range ({cuts[0]}) and the last ({cuts[-1]}), the table lists "
            f"{_origin_phrase(cn, us)} major open-weight releases: Chinese organisations released "
            f"{word} than U.S. ones."
        ) if word != "as many" else (
            f"Between the first shock in the range ({cuts[0]}) and the last ({cuts[-1]}), the table lists "
            f"{_origin_phrase(cn, us)} major open-weight releases: as many from each side."
        )
    else:
        out["between_sentence"] = (
            f"Only one shock ({cuts[0]}) falls in the range, so there is no period between shocks."
        )
    return out


def first_release(releases: pd.DataFrame, origin: str) -> dict[str, str]:
    """Model name and date of the earliest release of an origin ("none in range" if absent)."""
    rows = releases[releases["origin"] == origin].sort_values("date", kind="stable")
    if rows.empty:
        return {"model": "none in the range", "date": "no date"}
    first = rows.iloc[0]
    return {"model": f"{first['model']} ({first['organization']})",
            "date": first["date"].strftime("%Y-%m-%d")}
