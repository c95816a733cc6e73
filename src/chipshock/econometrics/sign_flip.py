"""Randomization inference by swapping two regions' labels within each unit, for any stacked OLS DiD.

With unit x period x shock and unit x region x shock fixed effects and two regions, the stacked
DiD with extra regressors (holiday weeks, ...) is the regression of d = f(y_treated) - f(y_control)
on the differenced regressors, within unit x shock, with the same coefficients and CR1 covariance
(N = two rows per unit-period, K = slopes + 1: every fixed effect is nested in the unit clusters).
Swapping a unit's two labels turns its d into -d and leaves the differenced regressors unchanged
(a regressor that follows a label, such as that region's holiday weeks, follows it in the swap).
So a draw of swaps s in {-1, 1}^units needs no refit: X'd(s) = sum_u s_u X_u'd_u, and the cluster
scores are X_u'e_u(s) = s_u X_u'd_u - X_u'X_u b(s). `econometrics.randomization` does the same
for the plain DiD with symmetric windows; this module takes any stacked frame.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from chipshock.econometrics import did as D
from chipshock.econometrics.randomization import p_value

ESTIMATORS = ("ols_level", "ols_log")


@dataclass(frozen=True)
class Differenced:
    """Within-(unit, shock) demeaned differences, per row: d, X, and the unit of each row."""

    d: np.ndarray
    x: np.ndarray
    units: np.ndarray  # cluster code per row
    names: list[str]
    n_keys: int


def difference(stacked: pd.DataFrame, design: D.Design, terms: Sequence[str],
               estimator: str = "ols_level") -> Differenced:
    """Treated-minus-control differences of the outcome and of `terms`, demeaned within unit x shock."""
    if estimator not in ESTIMATORS:
        raise ValueError(f"region swaps need an OLS estimator {ESTIMATORS}, not {estimator!r}")
    d = design
    keys = [d.unit, "shock", d.period]
    y = stacked[d.outcome].to_numpy(float)
    frame = stacked[keys].copy()
    frame["_y"] = np.log1p(y) if estimator == "ols_log" else y
    for t in terms:
        frame[t] = stacked[t].to_numpy(float)
    sign = np.where(stacked[d.region].to_numpy() == d.treated, 1.0,
                    np.where(stacked[d.region].to_numpy() == d.control, -1.0, np.nan))
    if np.isnan(sign).any():
        raise ValueError("the stacked frame holds rows of regions other than the treated and control")
    cols = ["_y", *terms]
    frame[cols] = frame[cols].to_numpy() * sign[:, None]
    grouped = frame.groupby(keys, sort=True)
    both = grouped.size() == 2
    diff = grouped[cols].sum()[both].reset_index()
    spell = diff.groupby([d.unit, "shock"])["_y"].transform("size") > 1
    diff = diff[spell.to_numpy()]
    values = diff[cols].to_numpy(float)
    values = values - diff.groupby([d.unit, "shock"])[cols].transform("mean").to_numpy(float)
    units = pd.factorize(diff[d.unit])[0]
    return Differenced(values[:, 0], values[:, 1:], units, list(terms), len(diff))


@dataclass(frozen=True)
class SwapResult:
    """Observed coefficient and t of one term and the distribution of t over label swaps."""

    term: str
    coef: float
    se: float
    t: float
    t_draws: np.ndarray
    coef_draws: np.ndarray
    p_value: float
    draws: int
    seed: int
    n_clusters: int

    def summary(self) -> dict[str, object]:
        """The numbers a chapter reports."""
        return {"distribution": "region swaps", "coef": self.coef, "t": self.t, "p": self.p_value,
                "drawn": self.draws, "qualified": self.draws}


def _draws(diff: Differenced, j: int, signs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Coefficient j and its CR1 t for each column of `signs` (units x draws)."""
    n_units = int(diff.units.max()) + 1
    k = diff.x.shape[1]
    m = np.zeros((n_units, k))
    np.add.at(m, diff.units, diff.x * diff.d[:, None])                  # X_u' d_u
    q = np.zeros((n_units, k, k))
    np.add.at(q, diff.units, diff.x[:, :, None] * diff.x[:, None, :])  # X_u' X_u
    a_inv = np.linalg.inv(q.sum(axis=0))
    b = a_inv @ (m.T @ signs)                                           # k x draws
    row = a_inv[j]
    p = m @ row                                                         # a_j . m_u
    r = q @ row                                                         # units x k: Q_u a_j (Q symmetric)
    score = signs * p[:, None] - r @ b                                  # a_j . g_u(s)
    n_obs, n_k = 2 * diff.n_keys, k + 1
    factor = n_units / (n_units - 1) * (n_obs - 1) / (n_obs - n_k)
    se = np.sqrt(factor * (score**2).sum(axis=0))
    return b[j], b[j] / se


def region_swaps(stacked: pd.DataFrame, design: D.Design, terms: Sequence[str], term: str = "treat_post",
                 estimator: str = "ols_level", draws: int = 999, seed: int = 0) -> SwapResult:
    """t of `term` on the observed labels and over `draws` random within-unit label swaps."""
    diff = difference(stacked, design, terms, estimator)
    j = list(terms).index(term)
    n_units = int(diff.units.max()) + 1
    coef, t = _draws(diff, j, np.ones((n_units, 1)))
    signs = np.random.default_rng(seed).choice([-1.0, 1.0], size=(n_units, draws))
    coef_b, t_b = _draws(diff, j, signs)
    return SwapResult(term, float(coef[0]), float(coef[0] / t[0]), float(t[0]), t_b, coef_b,
                      p_value(float(t[0]), t_b), draws, seed, n_units)
