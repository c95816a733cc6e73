"""The background chapter's sections, each one function returning one frozen result to glue."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd

from chipshock import charts
from chipshock.chapters.background import analysis as bg
from chipshock.data import curated
from chipshock.paths import Project
from chipshock.results import SectionResult, flat, internal
from chipshock.tables import Table, format_table
from chipshock.wording import count_of

STANCE_KEYS = tuple(f"{stance}_{country}_{side}" for country in ("cn", "us")
                    for stance in ("supports", "mentions", "exempts_open", "none")
                    for side in ("before", "after"))


@dataclass(frozen=True)
class Tables(SectionResult):
    """The curated tables, what this run selects from them, and the shocks inside the range."""

    n_events_all: int
    n_releases_all: int
    n_events: int
    n_events_cn: int
    n_events_us: int
    n_releases: int
    start_date: str
    end_date: str
    n_shocks: int
    first_shock: str
    last_shock: str
    first_cn_model: str
    first_cn_date: str
    first_us_model: str
    first_us_date: str
    events: pd.DataFrame = internal()
    releases: pd.DataFrame = internal()
    all_releases: pd.DataFrame = internal()
    all_events: pd.DataFrame = internal()
    cuts: tuple[dt.date, ...] = internal()
    events_tail: Table = internal()


def tables(project: Project, p: Any) -> Tables:
    all_events, all_releases = curated.policy_events(project), curated.model_releases(project)
    bg.check_coverage(all_releases)
    events, releases = bg.select_events(all_events, p), bg.select_releases(all_releases, p)
    cuts = bg.shocks_in_range(p)
    in_range = bg.in_range(all_releases, p["start_date"], p["end_date"])
    first = {o: bg.first_release(in_range, o) for o in ("CN", "US")}
    tail = events[["date", "country", "actor", "title", "kind", "open_source_stance"]].tail()
    return Tables(
        n_events_all=len(all_events), n_releases_all=len(all_releases), n_events=len(events),
        n_events_cn=int((events["country"] == "CN").sum()),
        n_events_us=int((events["country"] == "US").sum()), n_releases=len(releases),
        start_date=p["start_date"].isoformat(), end_date=p["end_date"].isoformat(),
        n_shocks=len(cuts), first_shock=cuts[0].isoformat(), last_shock=cuts[-1].isoformat(),
        first_cn_model=first["CN"]["model"], first_cn_date=first["CN"]["date"],
        first_us_model=first["US"]["model"], first_us_date=first["US"]["date"],
        events=events, releases=releases, all_releases=all_releases, all_events=all_events,
        cuts=tuple(cuts), events_tail=format_table(tail, id="events_tail"))


@dataclass(frozen=True)
class Timeline(SectionResult):
    timeline: Any
    timeline_takeaway: str
    coverage_start: str
    coverage_caveat: str


def timeline_takeaway(events: pd.DataFrame, releases: pd.DataFrame, first_shock: dt.date,
                      origins: tuple[str, ...] = ("CN", "US")) -> str:
    """What the timeline shows in this run: the events that support open source before the first
    shock, and how the list's Chinese releases from it on compare with the U.S. ones."""
    before = events[events["date"].dt.date < first_shock]
    support = int((before["open_source_stance"] == "supports").sum())
    after = releases[releases["date"].dt.date >= first_shock]
    cn, us = int((after["origin"] == "CN").sum()), int((after["origin"] == "US").sum())
    if before.empty:
        head = "No policy event shown falls before the first shock"
    else:
        head = ("Before the first shock, "
                f"{count_of(support, len(before), 'policy event', verb=('supports', 'support'))} open source")
    if not {"CN", "US"} <= set(origins):
        return f"{head}; from it on, the timeline shows {len(after)} releases of the origins chosen."
    return f"{head}; from it on, the list holds {bg.holds(cn, us)} ({cn} and {us})."


def timeline(t: Tables, p: Any) -> Timeline:
    in_range = bg.in_range(t.all_releases, p["start_date"], p["end_date"])
    return Timeline(
        timeline=bg.timeline_with_coverage(t.events, t.releases, list(t.cuts), p["start_date"]),
        timeline_takeaway=timeline_takeaway(t.events, t.releases, t.cuts[0], tuple(p["release_origins"])),
        coverage_start=bg.COVERAGE_START.isoformat(),
        coverage_caveat=bg.coverage_caveat(p["start_date"], in_range))


@dataclass(frozen=True)
class Stance(SectionResult):
    stance_table: Table
    counts: dict[str, int] = flat(STANCE_KEYS)
    sides_table: Table = internal()


def stance(t: Tables, p: Any) -> Stance:
    sides = bg.stance_before_after(bg.in_range(t.all_events, p["start_date"], p["end_date"]), t.cuts[0])
    counts = {f"{name}_{country.lower()}_{side}": int(row[side])
              for (country, name), row in sides.iterrows() for side in ("before", "after")}
    return Stance(stance_table=format_table(bg.stance_counts(t.events), id="stance_table"), counts=counts,
                  sides_table=format_table(sides, id="sides_table"))


@dataclass(frozen=True)
class Releases(SectionResult):
    release_table: Table
    first_period: str
    first_period_cn: int
    first_period_us: int
    first_period_covered_years: float
    release_bars: Any
    release_bars_takeaway: str
    cn_after: int
    us_after: int
    after_word: str
    between_sentence: str


def release_bars_takeaway(counts: pd.DataFrame) -> str:
    """In how many periods between shocks the list holds more Chinese than U.S. releases per year."""
    wide = counts.pivot_table(index="period", columns="origin", values="per_year", aggfunc="sum")
    if not {"CN", "US"} <= set(wide.columns):
        return "The origins shown leave nothing to compare between China and the United States."
    wide = wide.dropna(subset=["CN", "US"])
    if wide.empty:
        return "No period between shocks is covered by the release list."
    more = int((wide["CN"] > wide["US"]).sum())
    return (f"The list holds more Chinese than U.S. releases per covered year in "
            f"{count_of(more, len(wide), 'period')} that the shocks cut.")


def releases(t: Tables, p: Any) -> Releases:
    intervals = bg.shock_intervals(p["shocks"], p["start_date"], p["end_date"])
    counts = bg.releases_between_shocks(t.releases, intervals, p["release_origins"])
    first = counts[counts["first_day"] == counts["first_day"].min()].set_index("origin")
    comparison = bg.release_comparison(bg.in_range(t.all_releases, p["start_date"], p["end_date"]),
                                       list(t.cuts), p["end_date"])
    return Releases(
        release_table=format_table(bg.period_counts(counts), id="release_table"),
        first_period=str(first["period"].iloc[0]),
        first_period_cn=int(first["releases"].get("CN", 0)),
        first_period_us=int(first["releases"].get("US", 0)),
        first_period_covered_years=float(first["covered_days"].iloc[0] / 365.25),
        release_bars=charts.release_bars(counts), release_bars_takeaway=release_bars_takeaway(counts),
        **comparison)
