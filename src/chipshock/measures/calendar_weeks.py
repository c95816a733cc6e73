"""Public-holiday weeks in China and the United States, as controls for the weekly DiD.

Holidays come from the maintained `holidays` package (official calendars, including China's
substituted days off around the Spring Festival and National Day). A holiday week is a panel week
(Monday start, as `panels.period_start`) with at least one public holiday on a weekday; holidays
on a Saturday or Sunday take no working day and do not count unless `weekdays_only=False`.
Dates are local calendar dates, while panel weeks are UTC weeks: a holiday on a Monday in China
begins on Sunday 16:00 UTC, a small mismatch at the week's edge.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache

import holidays
import numpy as np
import pandas as pd

from chipshock.econometrics.design import Design
from chipshock.measures.panels import week_start

REGION_COUNTRIES: dict[str, str] = {"CN": "CN", "US": "US"}
"""Panel region -> `holidays` country code whose calendar applies to it."""


def holiday_dates(country: str, years: Iterable[int], weekdays_only: bool = True) -> pd.DataFrame:
    """Public holidays of a country (`holidays` code) in `years`: columns date, name."""
    cal = holidays.country_holidays(country, years=sorted(set(years)), language="en_US")
    frame = pd.DataFrame(sorted(cal.items()), columns=["date", "name"])
    frame["date"] = pd.to_datetime(frame["date"])
    if weekdays_only:
        frame = frame[frame["date"].dt.day_of_week < 5]
    return frame.reset_index(drop=True)


def holiday_weeks(country: str, years: Iterable[int], weekdays_only: bool = True) -> pd.DataFrame:
    """Weeks (Monday start) containing a public holiday: columns week, days (holidays), names."""
    dates = holiday_dates(country, years, weekdays_only)
    dates = dates.assign(week=week_start(dates["date"]))
    out = dates.groupby("week").agg(days=("date", "nunique"), names=("name", lambda s: "; ".join(
        dict.fromkeys(s))))
    return out.reset_index()


def _years(periods: pd.Series) -> tuple[int, ...]:
    p = pd.to_datetime(periods)
    return tuple(range(int(p.min().year) - 1, int(p.max().year) + 2))


@lru_cache(maxsize=64)
def holiday_week_set(country: str, years: tuple[int, ...], weekdays_only: bool = True) -> frozenset:
    """The Mondays of a country's holiday weeks in `years` (cached: chapters ask for the same few)."""
    return frozenset(holiday_weeks(country, years, weekdays_only)["week"])


def holiday_indicator(periods: pd.Series, region: str, regions: Mapping[str, str] = REGION_COUNTRIES,
                      weekdays_only: bool = True) -> np.ndarray:
    """1.0 where a period (a week's Monday) is a public-holiday week of `region`'s country, else 0.0
    (all 0.0 for a region without a calendar): the one holiday indicator of the package."""
    if region not in regions or len(periods) == 0:
        return np.zeros(len(periods))
    weeks = holiday_week_set(regions[region], _years(periods), weekdays_only)
    return pd.to_datetime(periods).isin(weeks).to_numpy(float)


def holiday_flags(periods: pd.Series, regions: Mapping[str, str] = REGION_COUNTRIES) -> dict[str, np.ndarray]:
    """`holiday_indicator` of every region with a calendar, for the same periods (e.g. a wide panel's)."""
    return {region: holiday_indicator(periods, region, regions) for region in regions}


def add_holiday_indicators(stacked: pd.DataFrame, design: Design,
                           regions: Mapping[str, str] = REGION_COUNTRIES,
                           weekdays_only: bool = True) -> tuple[pd.DataFrame, list[str]]:
    """Add `holiday_<region>`: 1 on that region's rows in its country's holiday weeks, else 0.

    A plain holiday-week dummy is absorbed by the unit x period fixed effects; the region x
    holiday-week interaction is what lets the DiD net out, e.g., Golden Week falling in a post
    window. Returns the frame and the names of the columns that are not all zero (pass them as
    extra DiD regressors; a region with no holiday week in the windows gets no column).
    """
    if design.freq != "W":
        raise ValueError("holiday-week indicators need a weekly panel (freq 'W')")
    out = stacked.copy()
    columns = []
    for region in regions:
        flag = holiday_indicator(out[design.period], region, regions, weekdays_only)
        flag = flag * (out[design.region] == region).to_numpy()
        if flag.any():
            out[f"holiday_{region}"] = flag
            columns.append(f"holiday_{region}")
    return out, columns


def holiday_table(shocks: Sequence[pd.Timestamp], window: int,
                  countries: Sequence[str] = ("CN", "US"), weekdays_only: bool = True) -> pd.DataFrame:
    """Holiday weeks within `window` weeks before/after each shock's week, per country.

    Columns: shock, country, week, rel (weeks from the shock's week; 0 is the shock week and
    counts as after, as in `did.stack`), side, days, names.
    """
    rows = []
    for shock in shocks:
        at = week_start(pd.Series([pd.Timestamp(shock)])).iloc[0]
        years = range(at.year - 1 - window // 52, at.year + 2 + window // 52)
        for country in countries:
            weeks = holiday_weeks(country, years, weekdays_only)
            weeks["rel"] = (weeks["week"] - at).dt.days // 7
            inside = weeks[(weeks["rel"] >= -window) & (weeks["rel"] < window)]
            rows.append(inside.assign(shock=pd.Timestamp(shock).strftime("%Y-%m-%d"), country=country))
    out = pd.concat(rows, ignore_index=True)
    out["side"] = out["rel"].map(lambda r: "after" if r >= 0 else "before")
    return out[["shock", "country", "week", "rel", "side", "days", "names"]].sort_values(
        ["shock", "country", "week"]).reset_index(drop=True)
