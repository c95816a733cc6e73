"""The sign-flip test for a stacked two-region OLS DiD (often miscalled randomization inference).

Regions are not randomly assigned, so no randomization distribution exists. What the test flips
is the sign of each unit's within-unit difference d = f(y_treated) - f(y_control), demeaned within
unit x shock (the stacked-DiD core's rows, `econometrics.stacked`): under the null of no effect,
and if the units' demeaned difference series are independent across units and each is symmetric
about zero, flipping a unit's sign leaves the distribution of the data unchanged. The test is then
valid asymptotically in the number of units (Canay, Romano and Shaikh 2017, "Randomization tests
under an approximate symmetry assumption"), not exact in finite samples. Flipping a unit's sign
is the same as swapping its two regions' labels in every cell (a regressor that follows a label,
such as that region's holiday weeks, follows it), so each draw needs no refit (`stacked.flip`).

With G units there are 2^G sign vectors: when 2^G is at most the number of draws asked for, every
one is enumerated (the exact distribution of the statistic under the symmetry assumption, the
observed one included) and the p-value has no Monte Carlo error; otherwise `draws` random vectors
are drawn, the p-value is (1 + hits) / (1 + draws), and its Monte Carlo standard error is
sqrt(p (1 - p) / draws) (about 0.014 at p = 0.26 with 999 draws).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from chipshock.econometrics import stacked as core
from chipshock.econometrics.design import Design

ESTIMATORS = core.OLS_ESTIMATORS
TIE_TOL = 1e-12
EXACT_MAX_UNITS = 16
"""Never enumerate more than 2^16 sign vectors, whatever the number of draws asked for."""
ASSUMPTIONS = ("the units' demeaned treated-minus-control series are independent of each other and each is "
               "symmetric about zero under the null; valid as the number of units grows (Canay, Romano "
               "and Shaikh 2017), not exact")


def p_value(t_obs: float, t_draws: np.ndarray) -> float:
    """(1 + #{|t_draw| >= |t_obs|}) / (1 + draws); NaN without draws."""
    if len(t_draws) == 0:
        return float("nan")
    hits = int(np.sum(np.abs(t_draws) >= abs(t_obs) - TIE_TOL))
    return (1 + hits) / (1 + len(t_draws))


def exact_p_value(t_obs: float, t_all: np.ndarray) -> float:
    """Share of all sign vectors (the observed one among them) with |t| at least |t_obs|."""
    return float(np.mean(np.abs(t_all) >= abs(t_obs) - TIE_TOL))


def monte_carlo_se(p: float, draws: int, exact: bool) -> float:
    """Monte Carlo standard error of a p-value from `draws` random draws (0 when enumerated)."""
    if exact:
        return 0.0
    if draws <= 0 or math.isnan(p):
        return float("nan")
    return math.sqrt(p * (1 - p) / draws)


def sign_vectors(n_units: int, draws: int, seed: int) -> tuple[np.ndarray, bool]:
    """Units x vectors of signs: all 2^G when that is at most `draws` (exact), else random draws."""
    if n_units <= EXACT_MAX_UNITS and 2 ** n_units <= draws:
        grid = (np.arange(2 ** n_units)[None, :] >> np.arange(n_units)[:, None]) & 1
        return 1.0 - 2.0 * grid, True
    return np.random.default_rng(seed).choice([-1.0, 1.0], size=(n_units, draws)), False


@dataclass(frozen=True)
class SignFlipResult:
    """Observed coefficient and t of one term and their distribution over sign flips."""

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
    exact: bool
    mc_se: float

    def summary(self) -> dict[str, object]:
        """The numbers a chapter reports."""
        return {"distribution": "sign flips", "coef": self.coef, "t": self.t, "p": self.p_value,
                "drawn": self.draws, "exact": self.exact, "mc_se": self.mc_se}


def sign_flip_test(stacked: pd.DataFrame, design: Design, terms: Sequence[str], term: str = "treat_post",
                   estimator: str = "ols_level", draws: int = 999, seed: int = 0) -> SignFlipResult:
    """t of `term` on the data and over sign flips of the units' differences (see the module)."""
    if estimator not in ESTIMATORS:
        raise ValueError(f"the sign-flip test needs an OLS estimator {ESTIMATORS}, not {estimator!r}")
    diff = core.difference(stacked, design, terms, estimator)
    if diff is None:
        raise ValueError("the sign-flip test needs a stacked frame of the design's two regions, one row each "
                         "per unit and period")
    sums = core.unit_sums(diff)
    j = list(terms).index(term)
    n_units = sums.m.shape[0]
    coef, t = core.flip(sums, np.ones((n_units, 1)), j)
    signs, exact = sign_vectors(n_units, draws, seed)
    coef_b, t_b = core.flip(sums, signs, j)
    p = exact_p_value(float(t[0]), t_b) if exact else p_value(float(t[0]), t_b)
    return SignFlipResult(term, float(coef[0]), float(coef[0] / t[0]), float(t[0]), t_b, coef_b, p,
                          signs.shape[1], seed, n_units, exact, monte_carlo_se(p, signs.shape[1], exact))
