"""The stacked-DiD core: one estimator for every two-region stacked difference-in-differences.

With two regions (treated T, control C) and unit x period x shock and unit x region x shock fixed
effects, the stacked DiD is a comparison within a unit, which is also its fast path:

* OLS: the regression of d = f(y_T) - f(y_C) on the differenced regressors x_T - x_C, within
  unit x shock, has the same coefficients and CR1 covariance as the regression on both regions'
  rows (N = two rows per unit-period, K = slopes + 1: every fixed effect is nested in the unit
  clusters, so fixest's small-sample K counts one);
* PPML: with the unit x period x shock effects concentrated out, the Poisson likelihood is a
  binomial logit of y_T out of y_T + y_C with unit x shock effects and the same differenced
  regressors (the Poisson-multinomial equivalence): same coefficients, same CR1 covariance.

Each needs one fixed-effect dimension, projected out exactly in one pass. `fit` takes a stacked
long frame (as `did.stack` or `windows.stack` build it) and falls back on the general estimators
(`models`) when the identity does not apply (other regions in the frame, repeated cells); the
`Wide` panel, `stack_wide` and `prepare` build the same `Differenced` rows from a panel held in wide
form, for thousands of specifications; `unit_sums` and `flip` give sign-flip draws without refits.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from chipshock.econometrics.design import Design, period_index
from chipshock.econometrics.models import Fit, fit_ols, fit_ppml
from chipshock.errors import ConvergenceError

ESTIMATORS = ("ols_log", "ppml", "ols_level")
OLS_ESTIMATORS = ("ols_level", "ols_log")


@dataclass(frozen=True)
class Differenced:
    """One row per unit-period-shock with both regions observed, after the singleton rules."""

    y: np.ndarray        # d = f(y_T) - f(y_C) (OLS) or successes y_T (PPML)
    n: np.ndarray        # trials y_T + y_C (PPML), ones (OLS)
    x: np.ndarray        # rows x k differenced regressors x_T - x_C
    group: np.ndarray    # unit x shock code per row, 0..groups-1
    unit: np.ndarray     # cluster (unit) code per row, 0..clusters-1
    names: tuple[str, ...]
    estimator: str
    dropped: int = 0     # long-form rows left out (singletons, zero groups, one region only)
    baseline: float = math.nan  # treated region's mean outcome per unit-period before the shocks
    period: np.ndarray | None = None  # period index per row (for clustering by period too)


def _recode(codes: np.ndarray) -> np.ndarray:
    return np.unique(codes, return_inverse=True)[1] if len(codes) else codes.astype(int)


def _keep(y_t: np.ndarray, y_c: np.ndarray, group: np.ndarray, estimator: str) -> np.ndarray:
    """Rows kept as the long-form estimators keep them: zero cells and zero groups out (PPML), then
    unit x shock groups of one row, until nothing changes."""
    keep = np.ones(len(group), dtype=bool)
    if not len(group):
        return keep
    size = int(group.max()) + 1
    if estimator == "ppml":
        keep &= (y_t + y_c) > 0
    while True:
        before = int(keep.sum())
        if estimator == "ppml":
            for side in (y_t, y_c):
                keep &= np.bincount(group[keep], weights=side[keep], minlength=size)[group] > 0
        keep &= np.bincount(group[keep], minlength=size)[group] > 1
        if int(keep.sum()) == before:
            return keep


def _transform(y: np.ndarray, estimator: str) -> np.ndarray:
    if estimator not in ESTIMATORS:
        raise ValueError(f"unknown estimator {estimator!r}; use one of {ESTIMATORS}")
    return np.log1p(y) if estimator == "ols_log" else y


def from_sides(y_t: np.ndarray, y_c: np.ndarray, x: np.ndarray, group: np.ndarray, unit: np.ndarray,
               names: Sequence[str], estimator: str, dropped: int = 0,
               baseline: float = math.nan, period: np.ndarray | None = None) -> Differenced:
    """`Differenced` rows from each side's outcome per unit-period-shock (x already differenced)."""
    keep = _keep(y_t, y_c, group, estimator)
    if estimator == "ppml":
        y, n = y_t, y_t + y_c
    else:
        y, n = _transform(y_t, estimator) - _transform(y_c, estimator), np.ones(len(y_t))
    x = x.reshape(len(y_t), -1)
    return Differenced(y[keep], n[keep], x[keep], _recode(group[keep]), _recode(unit[keep]), tuple(names),
                       estimator, dropped + 2 * int((~keep).sum()), baseline,
                       None if period is None else period[keep])


def difference(stacked: pd.DataFrame, design: Design, terms: Sequence[str],
               estimator: str = "ols_level") -> Differenced | None:
    """The within-unit rows of a stacked long frame (two regions), or None when the identity does
    not apply (a region other than the design's two, or a region's cell repeated)."""
    d = design
    region = stacked[d.region].to_numpy()
    is_t, is_c = region == d.treated, region == d.control
    if not (is_t | is_c).all() or d.treated == d.control:
        return None
    _transform(np.zeros(0), estimator)
    u, _ = pd.factorize(stacked[d.unit], sort=True)
    s, shocks = pd.factorize(stacked["shock"], sort=True)
    t = period_index(stacked[d.period], d.freq)
    t = t - t.min() if len(t) else t
    span = int(t.max()) + 1 if len(t) else 1
    key = (u.astype(np.int64) * max(len(shocks), 1) + s) * span + t
    cells, inv = np.unique(key, return_inverse=True)
    n_t = np.bincount(inv, weights=is_t, minlength=len(cells))
    n_c = np.bincount(inv, weights=is_c, minlength=len(cells))
    if (n_t > 1).any() or (n_c > 1).any():
        return None
    both = (n_t == 1) & (n_c == 1)
    y = stacked[d.outcome].to_numpy(float)
    y_t = np.bincount(inv, weights=np.where(is_t, y, 0.0), minlength=len(cells))[both]
    y_c = np.bincount(inv, weights=np.where(is_c, y, 0.0), minlength=len(cells))[both]
    sign = np.where(is_t, 1.0, -1.0)
    x = np.column_stack([np.bincount(inv, weights=sign * stacked[c].to_numpy(float), minlength=len(cells))
                         for c in terms])[both] if terms else np.zeros((int(both.sum()), 0))
    group = cells[both] // span
    unit = group // max(len(shocks), 1)
    dropped = len(stacked) - 2 * int(both.sum())
    period = cells[both] % span + (int(period_index(stacked[d.period], d.freq).min()) if len(t) else 0)
    return from_sides(y_t, y_c, x, group, unit, terms, estimator, dropped, period=period)


def _demean(v: np.ndarray, g: np.ndarray, w: np.ndarray) -> np.ndarray:
    sw = np.bincount(g, weights=w)
    if v.ndim == 1:
        return v - (np.bincount(g, weights=w * v) / sw)[g]
    means = np.column_stack([np.bincount(g, weights=w * v[:, j], minlength=len(sw))
                             for j in range(v.shape[1])]) / sw[:, None]
    return v - means[g]


def _cr1(xt: np.ndarray, score_rows: np.ndarray, unit: np.ndarray, bread: np.ndarray,
         n_obs: int) -> tuple[np.ndarray, int]:
    clusters = int(unit.max()) + 1
    scores = np.column_stack([np.bincount(unit, weights=score_rows[:, j], minlength=clusters)
                              for j in range(score_rows.shape[1])])
    k = xt.shape[1] + 1
    factor = clusters / (clusters - 1) * (n_obs - 1) / (n_obs - k)
    return factor * bread @ (scores.T @ scores) @ bread, clusters


def _ols(diff: Differenced) -> Fit:
    xt = _demean(diff.x, diff.group, diff.n)
    yt = _demean(diff.y, diff.group, diff.n)
    bread = np.linalg.inv(xt.T @ xt)
    beta = bread @ (xt.T @ yt)
    n_obs = 2 * len(yt)
    vcov, clusters = _cr1(xt, xt * (yt - xt @ beta)[:, None], diff.unit, bread, n_obs)
    return Fit(list(diff.names), beta, vcov, n_obs, clusters, "ols", diff.dropped, xt.shape[1] + 1, True,
               (xt, yt, diff.unit))


def _logit(diff: Differenced, tol: float = 1e-10, maxiter: int = 200) -> Fit:
    """Binomial logit with one fixed-effect dimension by IRLS (the two-region PPML)."""
    y, n, x, g = diff.y, diff.n, diff.x, diff.group
    share = (np.bincount(g, weights=y) + 0.5) / (np.bincount(g, weights=n) + 1.0)
    eta = np.log(share / (1 - share))[g]
    deviance = np.inf
    for _ in range(maxiter):
        p = 1 / (1 + np.exp(-eta))
        w = n * p * (1 - p)
        z = eta + (y - n * p) / w
        zx = _demean(np.column_stack([z, x]), g, w)
        zt, xt = zx[:, 0], zx[:, 1:]
        xw = xt * w[:, None]
        beta = np.linalg.solve(xw.T @ xt, xw.T @ zt)
        eta = z - (zt - xt @ beta)
        p = 1 / (1 + np.exp(-eta))
        with np.errstate(divide="ignore", invalid="ignore"):
            new = 2 * np.sum(np.where(y > 0, y * np.log(y / (n * p)), 0.0)
                             + np.where(n - y > 0, (n - y) * np.log((n - y) / (n * (1 - p))), 0.0))
        if abs(new - deviance) / (0.1 + abs(new)) < tol:
            break
        deviance = new
    else:
        raise ConvergenceError("the Poisson (binomial) fit did not converge on this selection; choose the "
                               "OLS estimator or a wider selection of repositories or shocks")
    w = n * p * (1 - p)
    xt = _demean(x, g, w)
    bread = np.linalg.inv((xt * w[:, None]).T @ xt)
    n_obs = 2 * len(y)
    vcov, clusters = _cr1(xt, xt * (y - n * p)[:, None], diff.unit, bread, n_obs)
    return Fit(list(diff.names), beta, vcov, n_obs, clusters, "ppml", diff.dropped, xt.shape[1] + 1, True)


def fit_differenced(diff: Differenced) -> Fit:
    """The stacked DiD on within-unit rows: OLS or the binomial form of PPML, CR1 by unit."""
    if len(diff.y) < 3 or (int(diff.unit.max()) + 1 if len(diff.unit) else 0) < 2:
        raise ValueError("the stacked DiD needs rows of at least two units")
    return _logit(diff) if diff.estimator == "ppml" else _ols(diff)


def fixed_effects(design: Design) -> list[list[str]]:
    """unit x period x shock and unit x region x shock."""
    d = design
    return [[d.unit, d.period, "shock"], [d.unit, d.region, "shock"]]


def fit_general(stacked: pd.DataFrame, design: Design, terms: Sequence[str], estimator: str,
                fe: list[list[str]] | None = None) -> Fit:
    """The general estimators (`models`: alternating projections) with the stacked DiD's fixed
    effects or `fe`, clustered by unit."""
    fe = fixed_effects(design) if fe is None else fe
    y, x = design.outcome, list(terms)
    if estimator == "ppml":
        return fit_ppml(stacked, y, x, fe, design.unit)
    if estimator == "ols_log":
        return fit_ols(stacked.assign(_y=np.log1p(stacked[y])), "_y", x, fe, design.unit)
    if estimator == "ols_level":
        return fit_ols(stacked, y, x, fe, design.unit)
    raise ValueError(f"unknown estimator {estimator!r}; use one of {ESTIMATORS}")


def fit(stacked: pd.DataFrame, design: Design, terms: Sequence[str] = ("treat_post",),
        estimator: str = "ols_log") -> Fit:
    """The stacked DiD of `terms` with unit x period x shock and unit x region x shock effects,
    CR1 by unit: the within-unit identity when it applies, else the general estimators."""
    diff = difference(stacked, design, terms, estimator)
    if diff is None:
        return fit_general(stacked, design, terms, estimator)
    return fit_differenced(diff)


def twoway_vcov(diff: Differenced, fitted: Fit) -> tuple[np.ndarray, int]:
    """Cameron-Gelbach-Miller two-way clustered covariance (unit and period) of an OLS core fit:
    V_unit + V_period - V_unit x period, each with its CR1 factor; and min(G_unit, G_period), whose
    G - 1 are the degrees of freedom of its t tests."""
    if fitted.estimator != "ols" or fitted._design is None or diff.period is None:
        raise ValueError("two-way clustering is implemented for OLS core fits with periods")
    xt, yt, unit = fitted._design
    score_rows = xt * (yt - xt @ fitted.coef)[:, None]
    bread = np.linalg.inv(xt.T @ xt)
    period = _recode(diff.period)
    cell = _recode(unit.astype(np.int64) * (int(period.max()) + 1) + period)
    parts = [_cr1(xt, score_rows, codes, bread, fitted.n_obs) for codes in (unit, period, cell)]
    vcov = parts[0][0] + parts[1][0] - parts[2][0]
    return vcov, min(parts[0][1], parts[1][1])


# ----------------------------------------------------------------------- sign flips without refits


@dataclass(frozen=True)
class UnitSums:
    """Per unit (OLS, demeaned within unit x shock): m_u = X_u'd_u and q_u = X_u'X_u."""

    m: np.ndarray        # units x k
    q: np.ndarray        # units x k x k
    n_rows: int          # within-unit rows (N = 2 n_rows in CR1)


def unit_sums(diff: Differenced) -> UnitSums:
    """The per-unit sums a sign flip needs (OLS only)."""
    if diff.estimator not in OLS_ESTIMATORS:
        raise ValueError(f"sign flips need an OLS estimator {OLS_ESTIMATORS}, not {diff.estimator!r}")
    xt = _demean(diff.x, diff.group, diff.n)
    yt = _demean(diff.y, diff.group, diff.n)
    units, k = int(diff.unit.max()) + 1, xt.shape[1]
    m = np.zeros((units, k))
    np.add.at(m, diff.unit, xt * yt[:, None])
    q = np.zeros((units, k, k))
    np.add.at(q, diff.unit, xt[:, :, None] * xt[:, None, :])
    return UnitSums(m, q, len(yt))


def flip(sums: UnitSums, signs: np.ndarray, j: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Coefficient j and its CR1 t when unit u's d is multiplied by signs[u] (draws in columns).

    X'd(s) = sum_u s_u m_u and the cluster scores are s_u m_u - q_u b(s), so no draw refits."""
    a_inv = np.linalg.inv(sums.q.sum(axis=0))
    b = a_inv @ (sums.m.T @ signs)                                   # k x draws
    row = a_inv[j]
    score = signs * (sums.m @ row)[:, None] - (sums.q @ row) @ b    # units x draws
    g = sums.m.shape[0]
    n_obs, n_k = 2 * sums.n_rows, sums.q.shape[1] + 1
    factor = g / (g - 1) * (n_obs - 1) / (n_obs - n_k)
    se = np.sqrt(factor * (score**2).sum(axis=0))
    return b[j], b[j] / se


def scalar_draws(a: np.ndarray, b: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`flip` for one regressor whose per-unit sums change from draw to draw (units x draws):
    a = m_u, b = q_u, n = the unit's rows (0 for a unit out of the draw)."""
    sum_b = b.sum(axis=0)
    coef = a.sum(axis=0) / sum_b
    score = a - coef * b
    g = (n > 0).sum(axis=0)
    n_obs = 2 * n.sum(axis=0)
    factor = g / (g - 1) * (n_obs - 1) / (n_obs - 2)
    se = np.sqrt(factor * (score**2).sum(axis=0)) / sum_b
    return coef, coef / se


# ------------------------------------------------------------------------------ the wide fast path


@dataclass(frozen=True)
class Wide:
    """A unit x period x region panel in wide form (one row per unit and period)."""

    units: np.ndarray          # unit name per unit code
    unit: np.ndarray           # unit code per row
    period: np.ndarray         # period index per row (`design.period_index`)
    values: Mapping[tuple[str, str], np.ndarray]  # (region, outcome) -> values per row
    first: np.ndarray          # first period index per unit
    last: np.ndarray           # last period index per unit
    flags: Mapping[str, np.ndarray] = field(default_factory=dict)  # region -> 0/1 per row
    freq: str = "W"


def wide_panel(panel: pd.DataFrame, design: Design, outcomes: Sequence[str],
               flags: Callable[[pd.Series], Mapping[str, np.ndarray]] | None = None) -> Wide:
    """`panel` (unit, period, region and `outcomes`) in wide form; missing cells are 0. `flags`
    maps the rows' periods to a region's 0/1 indicator per row (e.g. its public-holiday weeks)."""
    d = design
    keys = panel[[d.unit, d.period]].drop_duplicates().sort_values([d.unit, d.period]).reset_index(drop=True)
    values = {}
    for region in sorted(panel[d.region].unique()):
        sub = keys.merge(panel[panel[d.region] == region], on=[d.unit, d.period], how="left")
        for outcome in outcomes:
            values[(region, outcome)] = sub[outcome].fillna(0).to_numpy(float)
    units, unit = np.unique(keys[d.unit].to_numpy(), return_inverse=True)
    period = period_index(keys[d.period], d.freq)
    first = np.full(len(units), np.iinfo(np.int64).max)
    last = np.full(len(units), np.iinfo(np.int64).min)
    np.minimum.at(first, unit, period)
    np.maximum.at(last, unit, period)
    marks = dict(flags(keys[d.period])) if flags is not None and len(keys) else {}
    return Wide(units, unit, period, values, first, last, marks, d.freq)


def subset(wide: Wide, units: set) -> Wide:
    """The panel of some units only (units keep their codes)."""
    keep = np.isin(wide.units[wide.unit], list(units))
    return Wide(wide.units, wide.unit[keep], wide.period[keep], {k: v[keep] for k, v in wide.values.items()},
                wide.first, wide.last, {k: v[keep] for k, v in wide.flags.items()}, wide.freq)


@dataclass(frozen=True)
class WideStack:
    """Rows of the stacked windows: row of the wide panel, shock number, rel, post, unit x shock group."""

    rows: np.ndarray
    shock: np.ndarray
    rel: np.ndarray
    post: np.ndarray
    group: np.ndarray


def eligible(wide: Wide, at: int, min_pre: int) -> np.ndarray:
    """Units with `min_pre` periods of history before period `at` and rows at or after it."""
    return (wide.first <= at - min_pre) & (wide.last >= at)


def stack_wide(wide: Wide, ats: Sequence[int], los: Sequence[int], his: Sequence[int],
               min_pre: int) -> WideStack:
    """Rows of each window [at + lo, at + hi) of its eligible units, as `windows.stack` selects them."""
    parts = []
    for k, (at, lo, hi) in enumerate(zip(ats, los, his, strict=True)):
        rel = wide.period - at
        ok = eligible(wide, int(at), min_pre)[wide.unit] & (rel >= lo) & (rel < hi)
        idx = np.flatnonzero(ok)
        parts.append((idx, np.full(len(idx), k), rel[idx]))
    if not parts:
        empty = np.array([], dtype=int)
        return WideStack(empty, empty, empty, np.array([]), empty)
    rows, shock, rel = (np.concatenate(x) for x in zip(*parts, strict=True))
    group = wide.unit[rows].astype(np.int64) * max(len(parts), 1) + shock
    return WideStack(rows, shock, rel, (rel >= 0).astype(float), group)


@dataclass(frozen=True)
class Spec:
    """What one specification estimates on a wide stack."""

    outcome: str
    estimator: str
    treated: str
    control: str
    flags: bool = False  # add each region's flag (x_T - x_C: treated's +, control's -) as regressors


def regressors(wide: Wide, st: WideStack, spec: Spec, extra: np.ndarray | None = None
               ) -> tuple[np.ndarray, list[str]]:
    """post (or `extra`, rows x k, differenced) first, then the regions' flags that vary."""
    cols = [st.post[:, None] if extra is None else extra.reshape(len(st.rows), -1)]
    names = ["treat_post"] if extra is None else [f"x{j}" for j in range(cols[0].shape[1])]
    if spec.flags:
        for region, sign in ((spec.treated, 1.0), (spec.control, -1.0)):
            if region in wide.flags:
                h = sign * wide.flags[region][st.rows]
                if h.any():
                    cols.append(h[:, None])
                    names.append(f"flag_{region}")
    return np.hstack(cols), names


def prepare(wide: Wide, st: WideStack, spec: Spec, extra: np.ndarray | None = None) -> Differenced:
    """The within-unit rows of one specification (the treated region's pre-shock mean as baseline)."""
    y_t = wide.values[(spec.treated, spec.outcome)][st.rows]
    y_c = wide.values[(spec.control, spec.outcome)][st.rows]
    pre = st.post == 0
    baseline = float(y_t[pre].mean()) if pre.any() else math.nan
    x, names = regressors(wide, st, spec, extra)
    return from_sides(y_t, y_c, x, st.group, wide.unit[st.rows], names, spec.estimator, 0, baseline,
                      wide.period[st.rows])
