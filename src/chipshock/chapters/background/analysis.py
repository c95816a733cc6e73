"""Chapter `background`: the policy and model-release timeline around the export-control shocks."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import altair as alt
import pandas as pd

from chipshock import charts
from chipshock.charts import PALETTE
from chipshock.data.catalog import MODEL_RELEASES_FROM
from chipshock.errors import DataError
from chipshock.wording import compare

COUNT_WORDS = {"more": "more", "less": "fewer", "same": "as many"}
"""How one count compares with another, in `wording.compare`'s terms."""


def holds(cn: int, us: int, noun: str = "releases") -> str:
    """'more Chinese than U.S. releases', 'fewer …', or 'as many Chinese as U.S. releases'."""
    word = compare(cn, us, **COUNT_WORDS)
    return f"{word} Chinese {'as' if word == 'as many' else 'than'} U.S. {noun}"

COVERAGE_START = dt.date.fromisoformat(MODEL_RELEASES_FROM)


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


def covered_days(first: dt.date, last: dt.date, coverage: dt.date = COVERAGE_START) -> int:
    """Days of [first, last] on or after the release list's coverage start."""
    return max(0, (last - max(first, coverage)).days + 1)


def releases_between_shocks(
    releases: pd.DataFrame, intervals: pd.DataFrame, origins: list[str],
    coverage: dt.date = COVERAGE_START,
) -> pd.DataFrame:
    """Count releases per period and origin (zeros kept), with a rate per covered year.

    The rate divides by the days of the period that the release list covers, so that a period
    reaching back before the list's start is not diluted by years with nothing curated; a period
    wholly before it has no rate (NaN).
    """
    rows = []
    for _, iv in intervals.iterrows():
        inside = in_range(releases, iv["first_day"], iv["last_day"])
        days = covered_days(iv["first_day"], iv["last_day"], coverage)
        for origin in origins:
            n = int((inside["origin"] == origin).sum())
            rows.append({
                "period": iv["period"],
                "first_day": pd.Timestamp(iv["first_day"]),
                "origin": origin,
                "releases": n,
                "covered_days": days,
                "per_year": n / days * 365.25 if days else float("nan"),
            })
    return pd.DataFrame(rows)


def check_coverage(releases: pd.DataFrame, coverage: dt.date = COVERAGE_START) -> None:
    """The curated list must not hold releases before its declared coverage start."""
    early = releases[releases["date"].dt.date < coverage]
    if len(early):
        raise DataError(f"{len(early)} release(s) in the curated list predate its coverage start "
                        f"{coverage} ({', '.join(early['model'].head(3))}); move MODEL_RELEASES_FROM in "
                        "chipshock.data.catalog back or remove them")


def coverage_caveat(start: dt.date, releases: pd.DataFrame, coverage: dt.date = COVERAGE_START,
                    dense_from: int = 2023) -> str:
    """What the release list covers, for the prose: its start (if inside the range) and how thin it
    is before `dense_from`, when it lists landmarks only."""
    early = releases[releases["date"].dt.year < dense_from]
    parts = []
    if start < coverage:
        parts.append(f"The release list starts on {coverage}: the years before it (shaded in the "
                     "timeline) show no releases because none were curated, not because none happened")
    else:
        parts.append(f"The release list starts on {coverage}, before this range")
    if len(early):
        parts.append(f"before {dense_from} it lists only landmark releases ({len(early)} of the "
                     f"{len(releases)} in the range: {int((early['origin'] == 'CN').sum())} Chinese, "
                     f"{int((early['origin'] == 'US').sum())} U.S.), so counts then are a floor, "
                     "not a census")
    return "; ".join(parts) + "."


def timeline_with_coverage(events: pd.DataFrame, releases: pd.DataFrame, shocks: list[dt.date],
                           start: dt.date, coverage: dt.date = COVERAGE_START) -> alt.LayerChart:
    """The timeline of `chipshock.charts.timeline`, with the days before the release list's
    coverage start shaded and labelled."""
    base = charts.timeline(events, releases, shocks)
    if start >= coverage:
        return base
    band = pd.DataFrame({"from": [pd.Timestamp(start)], "to": [pd.Timestamp(coverage)],
                         "label": [f"release list starts {coverage}"]})
    rect = alt.Chart(band).mark_rect(color=PALETTE["grey"], opacity=0.18).encode(
        x="from:T", x2="to:T", tooltip=[alt.Tooltip("label:N", title="coverage")])
    text = alt.Chart(band).mark_text(align="left", dx=3, baseline="top", fontSize=10,
                                     color=PALETTE["black"]).encode(
        x="from:T", y=alt.value(3), text="label:N")
    return alt.layer(rect, text, base)


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
    out["after_word"] = holds(out["cn_after"], out["us_after"], "ones")
    if len(cuts) > 1:
        cn, us = between(releases, cuts[0], cuts[-1], "CN"), between(releases, cuts[0], cuts[-1], "US")
        out["between_sentence"] = (
            f"Between the first shock in the range ({cuts[0]}) and the last ({cuts[-1]}), the table lists "
            f"{_origin_phrase(cn, us)} major open-weight releases: the list holds {holds(cn, us)} (a "
            "count of the list, not of what was released).")
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
