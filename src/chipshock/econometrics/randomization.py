"""Placebo shock dates for the pooled stacked China-minus-U.S. DiD (OLS estimators).

The estimate is the stacked-DiD core's (`econometrics.stacked`): with two regions and unit x
period x shock fixed effects it is a regression of the treated-minus-control difference d on
`post` within unit x shock, so per unit and shock it needs only four window sums (rows and d
before and after the shock), read off cumulative sums of a dense unit x period array; a placebo
draw then costs O(units x shocks) and no refit (`stacked.scalar_draws` turns the sums into the
coefficient and its CR1 t, as `did.did` computes them on a balanced panel; tests check it).

The reference distribution: the real shocks shifted together by whole periods (same gaps), kept
only if no placebo window overlaps the window of ANY real shock (every date in `real`, pooled or
not) and every placebo shock has within +-25% of the eligible units of its real counterpart. Its
p-value is (1 + #{|t_draw| >= |t_obs|}) / (1 + qualified draws). The region-swap distribution is
the sign-flip test (`econometrics.sign_flip`), not here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from chipshock.econometrics import did as D
from chipshock.econometrics import stacked as core
from chipshock.econometrics.design import period_start
from chipshock.econometrics.sign_flip import p_value

FAST_ESTIMATORS = ("ols_level", "ols_log")


@dataclass(frozen=True)
class DensePanel:
    """Treated-minus-control outcome on a dense unit x period grid (0 and absent off the panel)."""

    units: np.ndarray
    origin: int                 # period index of column 0
    present: np.ndarray         # units x periods, both regions observed
    cum_n: np.ndarray           # units x (periods + 1): cumulative count of present periods
    cum_d: np.ndarray           # units x (periods + 1): cumulative sum of d
    first: np.ndarray           # first present column per unit
    last: np.ndarray            # last present column per unit


def dense_difference(panel: pd.DataFrame, design: D.Design, estimator: str = "ols_level") -> DensePanel:
    """d = f(treated) - f(control) per unit and period, f the estimator's outcome transform."""
    if estimator not in FAST_ESTIMATORS:
        raise ValueError(f"placebo dates support {FAST_ESTIMATORS}, not {estimator!r}")
    d = design
    sub = panel[panel[d.region].isin([d.treated, d.control])]
    y = sub[d.outcome].to_numpy(float)
    y = np.log1p(y) if estimator == "ols_log" else y
    units, u = np.unique(sub[d.unit].to_numpy(), return_inverse=True)
    t = D.period_index(sub[d.period], d.freq)
    origin = int(t.min())
    shape = (len(units), int(t.max()) - origin + 1)
    sign = np.where(sub[d.region].to_numpy() == d.treated, 1.0, -1.0)
    seen = np.zeros((*shape, 2), dtype=bool)
    seen[u, t - origin, (sign < 0).astype(int)] = True
    diff = np.zeros(shape)
    np.add.at(diff, (u, t - origin), sign * y)
    present = seen.all(axis=2)
    diff = np.where(present, diff, 0.0)
    cols = np.arange(shape[1])
    first = np.where(present.any(axis=1), np.where(present, cols, shape[1]).min(axis=1), shape[1])
    last = np.where(present.any(axis=1), np.where(present, cols, -1).max(axis=1), -1)
    zero = np.zeros((shape[0], 1))
    return DensePanel(units, origin, present, np.hstack([zero, present.cumsum(axis=1)]),
                      np.hstack([zero, diff.cumsum(axis=1)]), first, last)


def shock_index(shocks: Sequence[pd.Timestamp], design: D.Design) -> np.ndarray:
    """Period index of each shock."""
    return D.period_index(pd.Series([pd.Timestamp(s) for s in shocks]), design.freq)


def _range_sum(cum: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Sums over columns [lo, hi) per unit; lo, hi are (...,) arrays of columns, clipped to the grid."""
    width = cum.shape[1] - 1
    lo, hi = np.clip(lo, 0, width), np.clip(hi, 0, width)
    return cum[:, hi] - cum[:, lo]  # units x ...


def window_terms(dp: DensePanel, at: np.ndarray, window: int, min_pre: int) -> dict[str, np.ndarray]:
    """Per unit x shock (x draw): A = sum(post~ d), B = sum(post~^2), rows n and eligibility.

    `at` holds period indices of shocks, any shape S; results are units x S. post~ is `post`
    demeaned within unit x shock, so A = (n_pre D_post - n_post D_pre) / n, B = n_pre n_post / n.
    Windows with a single row are dropped (their fixed-effect groups are singletons).
    """
    col = np.asarray(at) - dp.origin
    n_pre = _range_sum(dp.cum_n, col - window, col)
    n_post = _range_sum(dp.cum_n, col, col + window)
    d_pre = _range_sum(dp.cum_d, col - window, col)
    d_post = _range_sum(dp.cum_d, col, col + window)
    shape = (-1,) + (1,) * col.ndim
    eligible = (dp.first.reshape(shape) <= col - min_pre) & (dp.last.reshape(shape) >= col)
    n = n_pre + n_post
    use = eligible & (n >= 2)
    safe = np.where(use, n, 1.0)
    a = np.where(use, (n_pre * d_post - n_post * d_pre) / safe, 0.0)
    b = np.where(use, n_pre * n_post / safe, 0.0)
    return {"A": a, "B": b, "n": np.where(use, n, 0.0), "eligible": eligible}


def t_from_terms(a: np.ndarray, b: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Coefficient and CR1 t from per-unit sums (units x draws): the core's `scalar_draws`."""
    return core.scalar_draws(a, b, n)


def pooled_t(dp: DensePanel, at: np.ndarray, window: int, min_pre: int) -> tuple[float, float]:
    """Coefficient and t of the pooled stacked DiD at shock periods `at` (1-d)."""
    terms = window_terms(dp, np.asarray(at), window, min_pre)
    a, b, n = (terms[k].sum(axis=1, keepdims=True) for k in ("A", "B", "n"))
    coef, t = t_from_terms(a, b, n)
    return float(coef[0]), float(t[0])


@dataclass(frozen=True)
class RandomizationResult:
    """The placebo-date distribution of the t statistic and its p-value."""

    kind: str
    coef: float
    t: float
    t_draws: np.ndarray
    coef_draws: np.ndarray
    p_value: float
    drawn: int
    qualified: int
    failures: dict[str, int] = field(default_factory=dict)
    draws: pd.DataFrame | None = None
    seed: int = 0

    def summary(self) -> dict[str, object]:
        """The numbers a chapter reports."""
        return {"distribution": self.kind, "coef": self.coef, "t": self.t, "p": self.p_value,
                "drawn": self.drawn, "qualified": self.qualified,
                **{f"failed: {k}": v for k, v in self.failures.items()}}


def candidate_shifts(dp: DensePanel, at: np.ndarray, min_pre: int) -> np.ndarray:
    """Non-zero shifts that keep every shifted shock on the panel's period grid (with history)."""
    lo = min_pre - (at.min() - dp.origin)
    hi = dp.present.shape[1] - 1 - (at.max() - dp.origin)
    shifts = np.arange(lo, hi + 1)
    return shifts[shifts != 0]


def _overlaps(at: np.ndarray, placebo: np.ndarray, window: int) -> np.ndarray:
    """Draws (rows of `placebo`) with a window [s - w, s + w) meeting a real one."""
    gaps = np.abs(placebo[:, :, None] - at[None, None, :])
    return (gaps < 2 * window).any(axis=(1, 2))


def placebo_dates(panel: pd.DataFrame, shocks: Sequence[pd.Timestamp], window: int, design: D.Design,
                  min_pre: int, estimator: str = "ols_level", draws: int = 200, seed: int = 0,
                  tolerance: float = 0.25, real: Sequence[pd.Timestamp] | None = None) -> RandomizationResult:
    """Distribution of the pooled t over placebo shock sets: the real set shifted by whole periods.

    Shifts are drawn without replacement from every shift that keeps the set on the panel (all of
    them if there are at most `draws`). A draw qualifies if no placebo window overlaps a real
    shock's window (`real`: every real shock, pooled or not; default `shocks`) and each placebo
    shock's eligible-unit count is within `tolerance` of its real
    shock's; `failures` counts the others by first reason, `draws` lists every draw (its
    `out_of_band` column names the placebo shocks, 1-based, whose counts were off).
    """
    dp = dense_difference(panel, design, estimator)
    at = np.sort(shock_index(shocks, design))
    actual = window_terms(dp, at, window, min_pre)
    coef, t = pooled_t(dp, at, window, min_pre)
    shifts = candidate_shifts(dp, at, min_pre)
    rng = np.random.default_rng(seed)
    if len(shifts) > draws:
        shifts = np.sort(rng.choice(shifts, size=draws, replace=False))
    placebo = at[None, :] + shifts[:, None]                        # draws x shocks
    terms = window_terms(dp, placebo, window, min_pre)             # units x draws x shocks
    counts = terms["eligible"].sum(axis=0)
    target = actual["eligible"].sum(axis=0)
    in_band = np.abs(counts - target) <= tolerance * target
    every = np.sort(shock_index(real, design)) if real is not None and len(real) else at
    overlap = _overlaps(every, placebo, window)
    a, b, n = (terms[k].sum(axis=2) for k in ("A", "B", "n"))     # units x draws
    with np.errstate(divide="ignore", invalid="ignore"):
        coef_b, t_b = t_from_terms(a, b, n)
    estimable = np.isfinite(t_b)
    ok = ~overlap & in_band.all(axis=1) & estimable
    reasons = ["overlaps a real shock window", "eligible units outside the band", "not estimable"]
    reason = np.select([overlap, ~in_band.all(axis=1), ~estimable], reasons, "")
    table = _draw_table(shifts, placebo, counts, target, reason, coef_b, t_b, design)
    table["out_of_band"] = [",".join(str(k + 1) for k in np.flatnonzero(~row)) for row in in_band]
    failures = {k: int(v) for k, v in pd.Series(reason[~ok]).value_counts().items()}
    return RandomizationResult("placebo dates", coef, t, t_b[ok], coef_b[ok], p_value(t, t_b[ok]),
                               len(shifts), int(ok.sum()), failures, table, seed)


def _draw_table(shifts: np.ndarray, placebo: np.ndarray, counts: np.ndarray, target: np.ndarray,
                reason: np.ndarray, coef: np.ndarray, t: np.ndarray, design: D.Design) -> pd.DataFrame:
    """One row per draw: shift, first placebo date, eligible counts per shock, reason, estimate."""
    first = [period_start(int(i), design.freq) for i in placebo[:, 0]]
    out = pd.DataFrame({"shift": shifts, "first_shock": first})
    for k in range(placebo.shape[1]):
        out[f"eligible_{k + 1}"] = counts[:, k]
        out[f"real_eligible_{k + 1}"] = int(target[k])
    return out.assign(qualified=reason == "", reason=reason, coef=coef, t=t)
