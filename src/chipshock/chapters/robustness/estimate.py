"""The developers chapter's headline estimate, fast, for thousands of specifications.

With two regions and unit x period x shock and unit x region x shock fixed effects, the stacked
OLS DiD is the regression of d = f(y_treated) - f(y_control) on the differenced regressors within
unit x shock (`econometrics.sign_flip` shows it); the stacked PPML DiD, with the unit x period x
shock effects concentrated out, is a binomial logit of y_treated out of y_treated + y_control with
unit x shock effects (the Poisson-multinomial equivalence), so each needs one fixed-effect
dimension, projected out exactly in one pass. Both give the same coefficients, CR1 standard errors
(N = two rows per unit-period, K = slopes + 1) and t(G - 1) inference as `dv.fit_stack` on
`dv.stack_regions` (tests check it). The panel is held in wide form (one row per repository and
period, one column per region and outcome) so that a specification is index arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from chipshock.chapters.developers import analysis as dv
from chipshock.econometrics import did as D
from chipshock.econometrics import power
from chipshock.econometrics import windows as W
from chipshock.measures import calendar_weeks
from chipshock.measures.vocabulary import OUTCOMES


@dataclass(frozen=True)
class Wide:
    """A repository x period x region panel in wide form."""

    repos: np.ndarray          # repository name per unit code
    unit: np.ndarray           # unit code per row
    period: np.ndarray         # period index per row (`did.period_index`)
    values: dict[tuple[str, str], np.ndarray]  # (region, outcome) -> values per row
    first: np.ndarray          # first period index per unit
    last: np.ndarray           # last period index per unit
    holidays: dict[str, np.ndarray]  # region -> 1.0 in its country's public-holiday weeks
    freq: str


def wide_panel(panel: pd.DataFrame, freq: str) -> Wide:
    """`panel` (repo, period, region and the outcomes, every region on every repo-period) made wide."""
    regions = sorted(panel["region"].unique())
    keys = panel[["repo", "period"]].drop_duplicates().sort_values(["repo", "period"]).reset_index(drop=True)
    values = {}
    for region in regions:
        sub = keys.merge(panel[panel["region"] == region], on=["repo", "period"], how="left")
        for outcome in OUTCOMES:
            values[(region, outcome)] = sub[outcome].fillna(0).to_numpy(float)
    repos, unit = np.unique(keys["repo"].to_numpy(), return_inverse=True)
    period = D.period_index(keys["period"], freq)
    first = np.full(len(repos), np.iinfo(np.int64).max)
    last = np.full(len(repos), np.iinfo(np.int64).min)
    np.minimum.at(first, unit, period)
    np.maximum.at(last, unit, period)
    return Wide(repos, unit, period, values, first, last, holiday_flags(keys["period"], freq), freq)


def holiday_flags(periods: pd.Series, freq: str) -> dict[str, np.ndarray]:
    """Per row and region with a calendar: 1.0 in its country's public-holiday weeks (weekly only)."""
    if freq != "W" or periods.empty:
        return {}
    p = pd.to_datetime(periods)
    years = tuple(range(int(p.min().year) - 1, int(p.max().year) + 2))
    return {region: p.isin(dv._holiday_weeks(country, years)).to_numpy(float)
            for region, country in calendar_weeks.REGION_COUNTRIES.items()}


def subset(wide: Wide, repos: set[str]) -> Wide:
    """The panel of some repositories only (units keep their codes)."""
    keep = np.isin(wide.repos[wide.unit], list(repos))
    return Wide(wide.repos, wide.unit[keep], wide.period[keep],
                {k: v[keep] for k, v in wide.values.items()}, wide.first, wide.last,
                {k: v[keep] for k, v in wide.holidays.items()}, wide.freq)


@dataclass(frozen=True)
class Stack:
    """Rows of the stacked windows: row of the wide panel, shock number, post, group (unit x shock)."""

    rows: np.ndarray
    shock: np.ndarray
    post: np.ndarray
    group: np.ndarray


def eligible(wide: Wide, at: int, min_pre: int) -> np.ndarray:
    """Units with `min_pre` periods of history before period `at` and rows at or after it."""
    return (wide.first <= at - min_pre) & (wide.last >= at)


def _window_arrays(windows: pd.DataFrame, freq: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Period index of each window's shock and its [lo, hi) bounds."""
    if windows.empty:
        empty = np.array([], dtype=int)
        return empty, empty, empty
    ats = windows["at"].to_numpy(int) if "at" in windows else \
        D.period_index(pd.Series(pd.to_datetime(windows["shock"]).to_numpy()), freq)
    return ats, windows["lo"].to_numpy(int), windows["hi"].to_numpy(int)


def stack(wide: Wide, windows: pd.DataFrame, min_pre: int) -> Stack:
    """Rows of each window [lo, hi) of the eligible units, as `windows.stack` selects them."""
    ats, los, his = _window_arrays(windows, wide.freq)
    parts = []
    for k, (at, lo, hi) in enumerate(zip(ats, los, his, strict=True)):
        rel = wide.period - at
        ok = eligible(wide, int(at), min_pre)[wide.unit] & (rel >= lo) & (rel < hi)
        idx = np.flatnonzero(ok)
        parts.append((idx, np.full(len(idx), k), (rel[idx] >= 0).astype(float)))
    if not parts:
        empty = np.array([], dtype=int)
        return Stack(empty, empty, np.array([]), empty)
    rows, shock, post = (np.concatenate(x) for x in zip(*parts, strict=True))
    group = wide.unit[rows] * max(len(windows), 1) + shock
    return Stack(rows, shock, post, group)


def identification(wide: Wide, windows: pd.DataFrame, treated: str, control: str, outcome: str,
                   min_pre: int, min_repos: int) -> pd.DataFrame:
    """`dv.identification`'s estimable and pooled flags per window row, with the eligible
    repositories that have rows in the window and each side's outcome total."""
    st = stack(wide, windows, min_pre)
    n = len(windows)
    units = np.zeros(n, dtype=int)
    if len(st.rows):
        pairs = np.unique(st.shock * (len(wide.repos) + 1) + wide.unit[st.rows])
        units = np.bincount(pairs // (len(wide.repos) + 1), minlength=n)
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


@dataclass(frozen=True)
class Design:
    """What one specification estimates on a stack."""

    outcome: str
    estimator: str
    treated: str
    control: str
    holidays: bool


@dataclass(frozen=True)
class Prepared:
    """Demeaned differenced outcome and regressors of one specification (OLS), or the binomial data."""

    y: np.ndarray        # d (OLS) or successes y_treated (PPML)
    n: np.ndarray        # trials y_treated + y_control (PPML), ones (OLS)
    x: np.ndarray        # rows x k: post first, then holiday terms
    group: np.ndarray    # codes 0..groups-1
    unit: np.ndarray     # repository code per row
    baseline: float      # treated region's mean outcome per unit-period before the shocks


def _regressors(wide: Wide, st: Stack, d: Design) -> np.ndarray:
    cols = [st.post]
    if d.holidays:
        for region, sign in ((d.treated, 1.0), (d.control, -1.0)):
            if region in wide.holidays:
                h = sign * wide.holidays[region][st.rows]
                if h.any():
                    cols.append(h)
    return np.column_stack(cols)


def _recode(codes: np.ndarray) -> np.ndarray:
    return np.unique(codes, return_inverse=True)[1]


def prepare(wide: Wide, st: Stack, d: Design) -> Prepared:
    """The rows one specification uses, fixed-effect groups of one row (or with no variation) out."""
    yt = wide.values[(d.treated, d.outcome)][st.rows]
    yc = wide.values[(d.control, d.outcome)][st.rows]
    pre = st.post == 0
    baseline = float(yt[pre].mean()) if pre.any() else float("nan")
    x = _regressors(wide, st, d)
    if d.estimator == "ppml":
        n = yt + yc
        keep = n > 0
        g = st.group
        for side in (yt, yc):
            keep &= np.bincount(g, weights=side, minlength=g.max() + 1 if len(g) else 0)[g] > 0
        y = yt
    else:
        f = np.log1p if d.estimator == "ols_log" else (lambda v: v)
        y, n, keep = f(yt) - f(yc), np.ones(len(yt)), np.ones(len(yt), dtype=bool)
    g = st.group
    if len(g):
        keep &= np.bincount(g[keep], minlength=g.max() + 1)[g] > 1
    return Prepared(y[keep], n[keep], x[keep], _recode(g[keep]), wide.unit[st.rows][keep], baseline)


def _demean(v: np.ndarray, g: np.ndarray, w: np.ndarray) -> np.ndarray:
    sw = np.bincount(g, weights=w)
    if v.ndim == 1:
        return v - (np.bincount(g, weights=w * v) / sw)[g]
    means = np.column_stack([np.bincount(g, weights=w * v[:, j]) for j in range(v.shape[1])]) / sw[:, None]
    return v - means[g]


def _vcov(xt: np.ndarray, score_rows: np.ndarray, unit: np.ndarray, bread: np.ndarray,
          n_obs: int) -> tuple[np.ndarray, int]:
    codes = _recode(unit)
    clusters = int(codes.max()) + 1
    scores = np.zeros((clusters, xt.shape[1]))
    np.add.at(scores, codes, score_rows)
    k = xt.shape[1] + 1
    factor = clusters / (clusters - 1) * (n_obs - 1) / (n_obs - k)
    return factor * bread @ (scores.T @ scores) @ bread, clusters


def _ols(prep: Prepared) -> tuple[np.ndarray, np.ndarray, int, int]:
    xt = _demean(prep.x, prep.group, prep.n)
    yt = _demean(prep.y, prep.group, prep.n)
    bread = np.linalg.inv(xt.T @ xt)
    beta = bread @ xt.T @ yt
    resid = yt - xt @ beta
    n_obs = 2 * len(yt)
    vcov, clusters = _vcov(xt, xt * resid[:, None], prep.unit, bread, n_obs)
    return beta, vcov, clusters, n_obs


def _logit(prep: Prepared, tol: float = 1e-10, maxiter: int = 200) -> tuple[np.ndarray, np.ndarray, int, int]:
    """Binomial logit with one fixed-effect dimension by IRLS (the two-region PPML)."""
    y, n, x, g = prep.y, prep.n, prep.x, prep.group
    share = (np.bincount(g, weights=y) + 0.5) / (np.bincount(g, weights=n) + 1.0)
    eta = np.log(share / (1 - share))[g]
    beta = np.zeros(x.shape[1])
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
        raise RuntimeError("the Poisson (binomial) fit did not converge")
    w = n * p * (1 - p)
    xt = _demean(x, g, w)
    bread = np.linalg.inv((xt * w[:, None]).T @ xt)
    n_obs = 2 * len(y)
    vcov, clusters = _vcov(xt, xt * (y - n * p)[:, None], prep.unit, bread, n_obs)
    return beta, vcov, clusters, n_obs


NAN_RESULT = {"coef": np.nan, "se": np.nan, "t": np.nan, "p": np.nan, "ci_low": np.nan, "ci_high": np.nan,
              "pct": np.nan, "pct_low": np.nan, "pct_high": np.nan, "mde_pct": np.nan, "baseline": np.nan,
              "repositories": 0, "observations": 0}


def estimate(wide: Wide, st: Stack, d: Design) -> dict[str, Any]:
    """Coefficient of treated x post, CR1 inference, the estimate as a proportional change
    (`dv.relative`) with its interval and 80%-power MDE, repositories and observations."""
    return estimate_prepared(prepare(wide, st, d), d)


@lru_cache(maxsize=512)
def _quantiles(clusters: int) -> tuple[float, float]:
    """The 97.5% quantile of t(G - 1) and the 80%-power MDE multiplier (`power.mde_multiplier`)."""
    return float(stats.t.ppf(0.975, clusters - 1)), power.mde_multiplier(dv.MDE_POWER, dv.LEVEL, clusters)


def estimate_prepared(prep: Prepared, d: Design) -> dict[str, Any]:
    """`estimate` on rows already prepared."""
    if len(np.unique(prep.unit)) < 2 or len(prep.y) < 3:
        return dict(NAN_RESULT)
    beta, vcov, clusters, n_obs = (_logit if d.estimator == "ppml" else _ols)(prep)
    coef, se = float(beta[0]), float(np.sqrt(vcov[0, 0]))
    df = clusters - 1
    t = coef / se
    crit, multiplier = _quantiles(clusters)
    lo, hi = coef - crit * se, coef + crit * se

    def rel(v: float) -> float:
        return dv.relative(v, prep.baseline, d.estimator)

    mde = float(multiplier * np.asarray(se, dtype=float))
    return {"coef": coef, "se": se, "t": t, "p": float(2 * stats.t.sf(abs(t), df)), "ci_low": lo,
            "ci_high": hi, "pct": rel(coef), "pct_low": rel(lo), "pct_high": rel(hi), "mde_pct": rel(mde),
            "baseline": prep.baseline, "repositories": clusters, "observations": n_obs}


def per_unit_terms(wide: Wide, st: Stack, d: Design) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """For region swaps (OLS): repository codes, X_u'd_u (units x k) and X_u'X_u (units x k x k) on the
    demeaned differences, and the number of rows."""
    return unit_terms(prepare(wide, st, d))


def unit_terms(prep: Prepared) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """`per_unit_terms` on rows already prepared."""
    xt = _demean(prep.x, prep.group, prep.n)
    yt = _demean(prep.y, prep.group, prep.n)
    codes, inv = np.unique(prep.unit, return_inverse=True)
    k = xt.shape[1]
    m = np.zeros((len(codes), k))
    np.add.at(m, inv, xt * yt[:, None])
    q = np.zeros((len(codes), k, k))
    np.add.at(q, inv, xt[:, :, None] * xt[:, None, :])
    return codes, m, q, len(yt)


def swap_draws(codes: np.ndarray, m: np.ndarray, q: np.ndarray, n_rows: int, signs: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray]:
    """Coefficient on post and its CR1 t when repository u's d is multiplied by signs[u] (draws in
    columns; `signs` indexed by repository code), as `sign_flip.region_swaps` computes them."""
    s = signs[codes]
    a_inv = np.linalg.inv(q.sum(axis=0))
    b = a_inv @ (m.T @ s)
    row = a_inv[0]
    score = s * (m @ row)[:, None] - (q @ row) @ b
    g = len(codes)
    n_obs, n_k = 2 * n_rows, q.shape[1] + 1
    factor = g / (g - 1) * (n_obs - 1) / (n_obs - n_k)
    se = np.sqrt(factor * (score**2).sum(axis=0))
    return b[0], b[0] / se


@lru_cache(maxsize=256)
def _shock_windows(shocks: tuple[pd.Timestamp, ...], window: int, rule: str, freq: str) -> pd.DataFrame:
    out = W.shock_windows(list(shocks), window, rule, freq)
    return out.assign(at=D.period_index(out["shock"], freq) if len(out) else [])


def shock_windows(shocks: list[pd.Timestamp], window: int, rule: str, freq: str) -> pd.DataFrame:
    """`windows.shock_windows` with each shock's period index `at` (cached: the curve asks for the
    same few many times)."""
    return _shock_windows(tuple(shocks), window, rule, freq).copy()
