"""The developers chapter's headline estimate for thousands of specifications, on the stacked-DiD
core's wide fast path (`econometrics.stacked`: `Wide`, `stack_wide`, `prepare`, `fit_differenced`,
`unit_sums`/`flip`). What is the chapter's own: which windows a specification pools (the
developers chapter's identification rule, read off the wide panel), the estimate as a
proportional change with its MDE, and the map from a fit's clusters to repositories for the
region swaps. tests/test_robustness.py checks all of it against the developers chapter.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from chipshock.chapters.developers import analysis as dv
from chipshock.econometrics import power
from chipshock.econometrics import stacked as core
from chipshock.econometrics import windows as W
from chipshock.econometrics.design import Design, period_index
from chipshock.measures import calendar_weeks
from chipshock.measures.vocabulary import OUTCOMES

Wide = core.Wide
Stack = core.WideStack
Spec = core.Spec


def wide_panel(panel: pd.DataFrame, freq: str) -> Wide:
    """`panel` (repo, period, region and the outcomes) in the core's wide form, with each region's
    public-holiday weeks on weekly panels (`calendar_weeks.holiday_flags`)."""
    return core.wide_panel(panel, Design(freq=freq), OUTCOMES,
                           calendar_weeks.holiday_flags if freq == "W" else None)


def subset(wide: Wide, units: set[str]) -> Wide:
    """`core.subset` with the names matched once per unit rather than once per row (the curve and
    the leave-outs call it ~140 times)."""
    keep = np.isin(wide.units, list(units))[wide.unit]
    return Wide(wide.units, wide.unit[keep], wide.period[keep], {k: v[keep] for k, v in wide.values.items()},
                wide.first, wide.last, {k: v[keep] for k, v in wide.flags.items()}, wide.freq)


def _window_arrays(windows: pd.DataFrame, freq: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Period index of each window's shock and its [lo, hi) bounds."""
    if windows.empty:
        empty = np.array([], dtype=int)
        return empty, empty, empty
    ats = windows["at"].to_numpy(int) if "at" in windows else \
        period_index(pd.Series(pd.to_datetime(windows["shock"]).to_numpy()), freq)
    return ats, windows["lo"].to_numpy(int), windows["hi"].to_numpy(int)


def stack(wide: Wide, windows: pd.DataFrame, min_pre: int) -> Stack:
    """Rows of each window [lo, hi) of the eligible units (`core.stack_wide`)."""
    return core.stack_wide(wide, *_window_arrays(windows, wide.freq), min_pre)


def identification(wide: Wide, windows: pd.DataFrame, treated: str, control: str, outcome: str,
                   min_pre: int, min_repos: int) -> pd.DataFrame:
    """`dv.identification`'s estimable and pooled flags per window row, with the eligible
    repositories that have rows in the window and each side's outcome total."""
    st = stack(wide, windows, min_pre)
    n = len(windows)
    units = np.zeros(n, dtype=int)
    if len(st.rows):
        pairs = np.unique(st.shock * (len(wide.units) + 1) + wide.unit[st.rows])
        units = np.bincount(pairs // (len(wide.units) + 1), minlength=n)
    n_t = np.bincount(st.shock, weights=wide.values[(treated, outcome)][st.rows], minlength=n)
    n_c = np.bincount(st.shock, weights=wide.values[(control, outcome)][st.rows], minlength=n)
    ok = ((units >= min_repos) & (np.minimum(n_t, n_c) >= dv.MIN_COMMITS_PER_SIDE)
          & (windows["lo"].to_numpy() <= -2) & (windows["hi"].to_numpy() >= 1))
    return pd.DataFrame({"repositories": units, "n_t": n_t, "n_c": n_c, "estimable": ok,
                         "pooled": ok & windows["pooled"].to_numpy(bool)}, index=windows.index)


def headline_windows(windows: pd.DataFrame, ident: pd.DataFrame) -> pd.DataFrame:
    """The windows behind the developers chapter's headline: the pooled shocks if more than one,
    else the first estimable shock (`dv.headline_key`)."""
    pooled = windows[ident["pooled"].to_numpy()]
    return pooled if len(pooled) > 1 else windows[ident["estimable"].to_numpy()].iloc[:1]


NAN_RESULT = {"coef": np.nan, "se": np.nan, "t": np.nan, "p": np.nan, "ci_low": np.nan, "ci_high": np.nan,
              "pct": np.nan, "pct_low": np.nan, "pct_high": np.nan, "mde_pct": np.nan, "baseline": np.nan,
              "repositories": 0, "observations": 0}


@lru_cache(maxsize=512)
def _quantiles(clusters: int) -> tuple[float, float]:
    """The 97.5% quantile of t(G - 1) and the 80%-power MDE multiplier (`power.mde_multiplier`)."""
    return float(stats.t.ppf(0.975, clusters - 1)), power.mde_multiplier(dv.MDE_POWER, dv.LEVEL, clusters)


def estimate(wide: Wide, st: Stack, spec: Spec) -> dict[str, Any]:
    """Coefficient of treated x post, CR1 inference, the estimate as a proportional change
    (`dv.relative`) with its interval and 80%-power MDE, repositories and observations."""
    return estimate_prepared(core.prepare(wide, st, spec))


def estimate_prepared(diff: core.Differenced) -> dict[str, Any]:
    """`estimate` on within-unit rows already prepared (NaN with fewer than two repositories)."""
    if len(diff.y) < 3 or (int(diff.unit.max()) + 1 if len(diff.unit) else 0) < 2:
        return dict(NAN_RESULT)
    fit = core.fit_differenced(diff)
    coef, se = float(fit.coef[0]), float(np.sqrt(fit.vcov[0, 0]))
    clusters = fit.n_clusters
    t = coef / se
    crit, multiplier = _quantiles(clusters)
    lo, hi = coef - crit * se, coef + crit * se

    def rel(v: float) -> float:
        return dv.relative(v, diff.baseline, diff.estimator)

    mde = float(multiplier * se)
    return {"coef": coef, "se": se, "t": t, "p": float(2 * stats.t.sf(abs(t), clusters - 1)), "ci_low": lo,
            "ci_high": hi, "pct": rel(coef), "pct_low": rel(lo), "pct_high": rel(hi), "mde_pct": rel(mde),
            "baseline": diff.baseline, "repositories": clusters, "observations": fit.n_obs}


def cluster_units(st: Stack, n_windows: int) -> np.ndarray:
    """Wide-panel unit code of each cluster of an OLS fit on `st`, in cluster order: the units with
    a unit x shock group of two rows or more (OLS drops singleton groups only, in one pass)."""
    if not len(st.group):
        return np.array([], dtype=int)
    counts = np.bincount(st.group)
    groups = np.unique(st.group[counts[st.group] > 1])
    return np.unique(groups // max(n_windows, 1))


@lru_cache(maxsize=256)
def _shock_windows(shocks: tuple[pd.Timestamp, ...], window: int, rule: str, freq: str) -> pd.DataFrame:
    out = W.shock_windows(list(shocks), window, rule, freq)
    return out.assign(at=period_index(out["shock"], freq) if len(out) else [])


def shock_windows(shocks: list[pd.Timestamp], window: int, rule: str, freq: str) -> pd.DataFrame:
    """`windows.shock_windows` with each shock's period index `at` (cached: the curve asks for the
    same few many times)."""
    return _shock_windows(tuple(shocks), window, rule, freq).copy()
