"""Minimum detectable effects: the true effect a two-sided test detects with a given power.

MDE = (q_{1-alpha/2} + q_{power}) * SE, with standard normal quantiles, or Student t quantiles
with G - 1 degrees of freedom when the number of clusters G is given (the inference `Fit` uses).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats


def mde_multiplier(power: float = 0.80, alpha: float = 0.05, clusters: int | None = None) -> float:
    """q_{1-alpha/2} + q_{power}: the MDE in units of the standard error (2.80 at the defaults)."""
    if not (0 < power < 1 and 0 < alpha < 1):
        raise ValueError("power and alpha must lie strictly between 0 and 1")
    if clusters is None:
        return float(stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power))
    if clusters < 2:
        raise ValueError("t quantiles need at least two clusters (G - 1 >= 1 degrees of freedom)")
    df = clusters - 1
    return float(stats.t.ppf(1 - alpha / 2, df) + stats.t.ppf(power, df))


def mde(se: ArrayLike, power: float = 0.80, alpha: float = 0.05,
        clusters: int | None = None) -> float | np.ndarray:
    """Minimum detectable effect (same units as `se`) at `power` for a two-sided size-`alpha` test."""
    out = mde_multiplier(power, alpha, clusters) * np.asarray(se, dtype=float)
    return float(out) if out.ndim == 0 else out


def mde_percent(se: ArrayLike, baseline: ArrayLike, power: float = 0.80, alpha: float = 0.05,
                clusters: int | None = None) -> float | np.ndarray:
    """The MDE as a percentage of a baseline mean: 100 * MDE / baseline (NaN where baseline is 0)."""
    base = np.asarray(baseline, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = 100 * np.asarray(mde(se, power, alpha, clusters)) / np.where(base == 0, np.nan, base)
    return float(out) if out.ndim == 0 else out
