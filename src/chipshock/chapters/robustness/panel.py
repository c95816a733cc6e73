"""The developers chapter's commit panel in wide form, straight from the commits, for the curve.

`dv.make_panel` followed by `estimate.wide_panel` builds the same arrays through a long
repository x period x region frame; the curve needs 24 of them, so here one selection of commits
is coded once (repository, author, period, first commit of each author) and each proxy and period
is a few `bincount`s. tests/test_robustness.py checks that both give identical panels.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from chipshock.chapters.developers import analysis as dv
from chipshock.chapters.developers.parameters import PARAMS as DEVELOPERS_PARAMS
from chipshock.chapters.robustness import estimate as E
from chipshock.econometrics.design import EPOCH_MONDAY, period_index
from chipshock.measures import calendar_weeks, panels
from chipshock.measures.vocabulary import OUTCOMES

FREQ = {"week": "W", "month": "M"}


@dataclass(frozen=True)
class CodedCommits:
    """One selection of commits as codes, shared by every proxy and period."""

    frame: pd.DataFrame              # the selected commits (classified per proxy)
    repos: np.ndarray                # repository names, sorted
    repo: np.ndarray                 # repository code per commit
    author: np.ndarray               # author code per commit
    first: np.ndarray                # positions of each author's first commit in a repository
    period: dict[str, np.ndarray]    # "week" / "month" -> period index per commit
    labels: dict[str, np.ndarray] = field(default_factory=dict)  # proxy -> region per commit (cache)

    def regions(self, proxy: str) -> np.ndarray:
        """Each commit's region under `proxy` (the developers chapter's `classify`), computed once."""
        if proxy not in self.labels:
            q = {**DEVELOPERS_PARAMS.defaults(), "geo_proxy": proxy}
            self.labels[proxy] = dv.classify(self.frame, q)["region"].to_numpy()
        return self.labels[proxy]


def _period_indices(times: pd.Series) -> dict[str, np.ndarray]:
    """Each commit's week and month index (`panels.period_start`, the panels' one rule)."""
    return {period: period_index(panels.period_start(times, period), freq) for period, freq in FREQ.items()}


def code_commits(selected: pd.DataFrame) -> CodedCommits:
    """Codes of a selection; the first commits as `panels.build_panel` picks them (its sort, its ties)."""
    repos, repo = np.unique(selected["repo"].to_numpy(), return_inverse=True)
    author = pd.factorize(selected["author_id"], use_na_sentinel=False)[0]
    order = selected[["author_time_utc"]].assign(_pos=np.arange(len(selected))).sort_values(
        "author_time_utc")["_pos"].to_numpy()
    keys = repo[order].astype(np.int64) * (int(author.max(initial=0)) + 1) + author[order]
    first = order[np.unique(keys, return_index=True)[1]]
    periods = _period_indices(selected["author_time_utc"])
    return CodedCommits(selected, repos, repo, author, np.sort(first), periods)


def wide(coded: CodedCommits, proxy: str, period: str, releases: pd.DataFrame) -> E.Wide:
    """The wide panel of `dv.make_panel(dv.classify(selected, q), releases, q)` under the developers
    chapter's defaults with `proxy` and `period`."""
    q: dict[str, Any] = {**DEVELOPERS_PARAMS.defaults(), "geo_proxy": proxy, "period": period}
    labels = coded.regions(proxy)
    regions = np.array(sorted(dv.PANEL_REGIONS))
    known = np.isin(labels, regions)
    region = np.where(known, np.searchsorted(regions, labels), -1)
    t = coded.period[period]
    n_units = len(coded.repos)
    lo = np.full(n_units, np.iinfo(np.int64).max)
    hi = np.full(n_units, np.iinfo(np.int64).min)
    np.minimum.at(lo, coded.repo, t)
    np.maximum.at(hi, coded.repo, t)
    sizes = hi - lo + 1
    offset = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    unit = np.repeat(np.arange(n_units), sizes)
    per = lo[unit] + (np.arange(len(unit)) - offset[unit])
    row = offset[coded.repo] + t - lo[coded.repo]
    nr, size = len(regions), len(unit) * len(regions)
    cell = row * nr + region
    ok = region >= 0
    commits = np.bincount(cell[ok], minlength=size)
    pairs = np.unique(cell[ok].astype(np.int64) * (int(coded.author.max(initial=0)) + 1) + coded.author[ok])
    active = np.bincount(pairs // (int(coded.author.max(initial=0)) + 1), minlength=size)
    firsts = coded.first[ok[coded.first]]
    new = np.bincount(cell[firsts], minlength=size)
    counts = {"commits": commits, "active_authors": active, "new_authors": new}
    keep = np.ones(len(unit), dtype=bool)
    if q["exclude_release_weeks"]:
        released = dv.release_periods(releases, period)
        keep = ~np.isin(per, period_index(pd.Series(sorted(released)), FREQ[period])) if released else keep
    values = {(str(r), o): counts[o].reshape(-1, nr)[keep, k].astype(float)
              for k, r in enumerate(regions) for o in OUTCOMES}
    unit, per = unit[keep], per[keep]
    first = np.full(n_units, np.iinfo(np.int64).max)
    last = np.full(n_units, np.iinfo(np.int64).min)
    np.minimum.at(first, unit, per)
    np.maximum.at(last, unit, per)
    flags = calendar_weeks.holiday_flags(_week_starts(per)) if period == "week" else {}
    return E.Wide(coded.repos, unit, per, values, first, last, flags,
                  FREQ[period])


def _week_starts(index: np.ndarray) -> pd.Series:
    """The Monday of each week index (`design.period_start`, vectorised)."""
    return pd.Series(EPOCH_MONDAY + pd.to_timedelta(index * 7, unit="D"))
