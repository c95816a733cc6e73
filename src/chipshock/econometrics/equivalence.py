"""Equivalence tests (two one-sided tests, TOST): can the data rule out an effect of a given size?

A verdict of "not supported" needs more than a non-significant change: the data must rule out the
smallest effect of interest. TOST rejects "the effect is at least `margin` in size" when both
one-sided tests, against −margin and +margin, reject; its p-value is the larger of the two.
"""

from __future__ import annotations

import math

from scipy import stats


def tost_p(estimate: float, se: float, margin: float, df: float | None = None) -> float:
    """p-value of TOST for |effect| < margin (normal, or t with `df` degrees of freedom).

    Small p: the estimate is significantly inside (−margin, margin), so effects of `margin` or more
    are ruled out. NaN inputs or a non-positive margin or standard error give NaN."""
    if any(math.isnan(x) for x in (estimate, se, margin)) or se <= 0 or margin <= 0:
        return float("nan")
    dist = stats.norm if df is None else stats.t(df)
    p_lower = dist.sf((estimate + margin) / se)  # H0: effect <= -margin
    p_upper = dist.cdf((estimate - margin) / se)  # H0: effect >= +margin
    return float(max(p_lower, p_upper))


def tost_proportions(x1: int, n1: int, x2: int, n2: int, margin: float) -> float:
    """TOST p-value for |p2 − p1| < margin between two proportions (Wald, unpooled standard error)."""
    if min(n1, n2) == 0:
        return float("nan")
    p1, p2 = x1 / n1, x2 / n2
    se = math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    if se == 0:
        return 0.0 if abs(p2 - p1) < margin else 1.0
    return tost_p(p2 - p1, se, margin)
