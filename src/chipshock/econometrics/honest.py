"""How far parallel trends may fail before an event study's average effect loses significance: the
conservative Bonferroni variant of the Rambachan-Roth relative-magnitudes bounds.

Rambachan & Roth (2023, "A More Credible Approach to Parallel Trends", ReStud) bound the
post-shock violation of parallel trends by the pre-shock ones. Under *relative magnitudes*,
Delta^RM(Mbar), every post-period step of the differential trend delta is at most Mbar times the
largest pre-period step:

    |delta_{t+1} - delta_t| <= Mbar * m  (t >= ref),   m = max_{s < ref} |delta_{s+1} - delta_s|,

with delta = 0 in the omitted reference period (the last pre-period; the first post step is
delta_0 itself). Event-study coefficients are beta = delta + tau with tau = 0 before the shock, so
for theta = l' tau_post the identified set is

    [l' beta_post - Mbar * W * m,  l' beta_post + Mbar * W * m],   W = sum_k |sum_{t >= k} l_t|

(W = (T + 1) / 2 for the average of T post periods: the trend may drift by Mbar * m a period).

The package honestdid (0.1.1) is not used: it pulls in PyTorch and the CUDA toolkit. Nor is
Rambachan & Roth's conditional-least-favourable hybrid (C-LF) reproduced. The interval here inverts
a simpler valid test of H0(theta0): |l' beta_post - theta0| <= Mbar W max_s |nu_s| (nu = the
pre-period steps of beta). H0 is the union over a location s and a sign e of two linear moment
inequalities, Mbar W e nu_s - (l' beta_post - theta0) >= 0 and Mbar W e nu_s + (l' beta_post -
theta0) >= 0; each pair is tested with the Bonferroni critical value q_{1-alpha/2} (normal, or
t(G-1) given G clusters), which bounds the least-favourable size of the pair by alpha. theta0 is
kept if any (s, e) pair is not rejected; the true theta is kept with probability >= 1 - alpha
because its own pair (s = the argmax, e = its sign) holds. For one pair the kept theta0 form the
interval [b - Mbar W e nu_s - q sd1, b + Mbar W e nu_s + q sd2] (sd1, sd2: standard errors of the two
moments); the robust interval is the hull of the non-empty ones, widened to the union over all
Mbar' <= Mbar (so it grows with Mbar; a superset stays valid). At Mbar = 0 it is the usual interval.
Dropping C-LF's extra moments (that s is the argmax) and its conditioning makes it wider: on the
HonestDiD Medicaid example (average of 2014-15) the breakdown is about 1.5 here against 1.5-2 there.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import optimize, stats

from chipshock.econometrics.models import Fit

DEFAULT_MBAR = (0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0)
METHOD = ("conservative Bonferroni variant: union over (argmax, sign) of two-moment Bonferroni tests of the "
          "relative-magnitudes identified set; wider than Rambachan-Roth's conditional or hybrid procedure")
SCAN = 4001  # points of the Mbar scan behind the monotone hull and the breakdown


def bias_weight(weights: ArrayLike) -> float:
    """W = sum_k |sum_{t >= k} l_t|: the largest |l' delta_post| when every post step is at most 1."""
    tails = np.cumsum(np.asarray(weights, dtype=float)[::-1])
    return float(np.abs(tails).sum())


def step_matrix(n_pre: int) -> np.ndarray:
    """D with D @ pre = the pre-period steps delta_{s+1} - delta_s, the last one into the zero
    reference period (pre ordered earliest first, the reference right after the last)."""
    d = -np.eye(n_pre)
    d[np.arange(n_pre - 1), np.arange(1, n_pre)] = 1.0
    return d


class _Moments:
    """Estimate and covariances of l' beta_post and of each signed pre-period step e * nu_s."""

    def __init__(self, pre: np.ndarray, post: np.ndarray, vcov: np.ndarray, lvec: np.ndarray,
                 crit: float) -> None:
        n = len(pre)
        steps = step_matrix(n)
        sign = np.repeat([1.0, -1.0], n)[:, None]
        self.theta = float(lvec @ post)
        self.var = float(lvec @ vcov[n:, n:] @ lvec)
        self.a = sign * np.tile(steps @ pre, 2)[:, None]                     # e * nu_s
        self.v = np.tile(np.diag(steps @ vcov[:n, :n] @ steps.T), 2)[:, None]  # Var(nu_s)
        self.w = sign * np.tile(steps @ vcov[:n, n:] @ lvec, 2)[:, None]     # Cov(e nu_s, l'b)
        self.weight = bias_weight(lvec)
        self.crit = crit
        self.max_step = float(np.abs(steps @ pre).max())

    def raw(self, mbar: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Hull of the per-(s, e) intervals at each Mbar (no union over smaller Mbar)."""
        x = np.asarray(mbar, dtype=float)[None, :] * self.weight
        sd1 = np.sqrt(np.clip(x**2 * self.v - 2 * x * self.w + self.var, 0, None))
        sd2 = np.sqrt(np.clip(x**2 * self.v + 2 * x * self.w + self.var, 0, None))
        low = self.theta - x * self.a - self.crit * sd1
        high = self.theta + x * self.a + self.crit * sd2
        ok = low <= high
        return np.where(ok, low, np.inf).min(axis=0), np.where(ok, high, -np.inf).max(axis=0)


def _check(pre: np.ndarray, post: np.ndarray, vcov: np.ndarray, lvec: np.ndarray,
           grid: np.ndarray) -> None:
    k = len(pre) + len(post)
    if len(pre) < 1 or len(post) < 1:
        raise ValueError("need at least one pre-period and one post-period coefficient")
    if vcov.shape != (k, k):
        raise ValueError(f"vcov must be {k} x {k} (pre then post coefficients)")
    if len(lvec) != len(post):
        raise ValueError("weights need one entry per post-period coefficient")
    if len(grid) == 0 or (grid < 0).any() or not np.isfinite(grid).all():
        raise ValueError("Mbar values must be finite and non-negative")


def _hull(mom: _Moments, grid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Union of the raw intervals over Mbar' in [0, Mbar], on a scan that includes the grid."""
    scan = np.union1d(np.linspace(0, grid.max(), SCAN), grid)
    low, high = mom.raw(scan)
    pos = np.searchsorted(scan, grid)
    return np.minimum.accumulate(low)[pos], np.maximum.accumulate(high)[pos]


def _breakdown(mom: _Moments) -> float:
    """Smallest Mbar whose union interval contains 0 (0.0 if the usual one does; inf if none)."""
    side = 0 if mom.theta > 0 else 1

    def gap(m: float) -> float:  # > 0 while the interval at m excludes zero
        bound = mom.raw(np.array([m]))[side][0]
        return bound if side == 0 else -bound

    if gap(0.0) <= 0:
        return 0.0
    top = 1.0
    while gap(top) > 0:
        top *= 2
        if top > 2.0**40:
            return float("inf")
    scan = np.linspace(0, top, SCAN)
    bound = mom.raw(scan)[side]
    first = int(np.argmax((bound <= 0) if side == 0 else (bound >= 0)))
    return float(optimize.brentq(gap, scan[first - 1], scan[first], xtol=1e-10))


def relative_magnitudes(
    pre: ArrayLike, post: ArrayLike, vcov: ArrayLike, mbar: Sequence[float] = DEFAULT_MBAR,
    weights: ArrayLike | None = None, alpha: float = 0.05, clusters: int | None = None,
) -> tuple[pd.DataFrame, float]:
    """Robust intervals for theta = weights' tau_post (default: the post-period average) under
    Delta^RM(Mbar), and the breakdown Mbar; the construction is in the module docstring.

    `pre`, `post`: event-study coefficients in time order, the reference period (right after the
    last pre-period) omitted; `vcov`: their covariance, pre then post. Quantiles are normal, or
    t(G-1) given `clusters` = G. Returns a DataFrame (mbar, ci_low, ci_high; details in .attrs)
    and the breakdown: the smallest Mbar >= 0 whose interval contains 0, found by a scan and root
    search, not on the grid (0.0 if the usual interval contains 0; inf only in the degenerate case
    of no pre-period movement and no sampling error, where no Mbar reaches 0).
    """
    pre, post = np.asarray(pre, dtype=float), np.asarray(post, dtype=float)
    vcov, grid = np.asarray(vcov, dtype=float), np.asarray(mbar, dtype=float)
    lvec = np.full(len(post), 1 / len(post)) if weights is None else np.asarray(weights, dtype=float)
    _check(pre, post, vcov, lvec, grid)
    p = 1 - alpha / 2
    crit = float(stats.norm.ppf(p) if clusters is None else stats.t.ppf(p, clusters - 1))
    mom = _Moments(pre, post, vcov, lvec, crit)
    low, high = _hull(mom, grid)
    table = pd.DataFrame({"mbar": grid, "ci_low": low, "ci_high": high})
    table.attrs.update(estimate=mom.theta, se=float(np.sqrt(mom.var)), max_pre_step=mom.max_step,
                       bias_weight=mom.weight, alpha=alpha, critical=crit, method=METHOD)
    return table, _breakdown(mom)


def relative_magnitudes_fit(fit: Fit, reference: int = -1, **kwargs: object) -> tuple[pd.DataFrame, float]:
    """`relative_magnitudes` on an `event_study` fit (coefficients rel_<r>), t(G-1) by default.

    Pre-periods are r < reference, post-periods r > reference; each run must be consecutive.
    """
    rels = {int(name[4:]): i for i, name in enumerate(fit.names) if name.startswith("rel_")}
    pre = sorted(r for r in rels if r < reference)
    post = sorted(r for r in rels if r > reference)
    if pre != list(range(reference - len(pre), reference)) or post != list(
            range(reference + 1, reference + 1 + len(post))):
        raise ValueError("event-study periods must be consecutive around the reference period")
    idx = [rels[r] for r in pre + post]
    kwargs.setdefault("clusters", fit.n_clusters)
    return relative_magnitudes(fit.coef[idx[:len(pre)]], fit.coef[idx[len(pre):]],
                               fit.vcov[np.ix_(idx, idx)], **kwargs)  # type: ignore[arg-type]
