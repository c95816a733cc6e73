"""OLS and Poisson pseudo-maximum likelihood with high-dimensional fixed effects, clustered errors."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from chipshock.econometrics.fixed_effects import codes, demean, drop_singletons, nested_in
from chipshock.econometrics.inference import BootstrapResult, cluster_scores, cr1, wild_cluster_bootstrap
from chipshock.errors import ConvergenceError


@dataclass(frozen=True)
class Fit:
    """Coefficients with a cluster-robust (CR1) covariance and t(G-1) inference."""

    names: list[str]
    coef: np.ndarray
    vcov: np.ndarray
    n_obs: int
    n_clusters: int
    estimator: str
    dropped: int = 0
    df_k: int = 0
    fe_nested: bool = True
    _design: tuple[np.ndarray, np.ndarray, np.ndarray] | None = field(default=None, repr=False)

    @property
    def se(self) -> np.ndarray:
        return np.sqrt(np.diag(self.vcov))

    def table(self, level: float = 0.95) -> pd.DataFrame:
        """coef, se, t, p and confidence interval per coefficient."""
        df = self.n_clusters - 1
        t = self.coef / self.se
        crit = stats.t.ppf(0.5 + level / 2, df)
        return pd.DataFrame({
            "coef": self.coef, "se": self.se, "t": t, "p": 2 * stats.t.sf(np.abs(t), df),
            "ci_low": self.coef - crit * self.se, "ci_high": self.coef + crit * self.se,
        }, index=pd.Index(self.names, name="term"))

    def wald(self, names: list[str]) -> dict[str, float]:
        """Joint test that the named coefficients are zero: F(q, G-1) and its p-value."""
        idx = [self.names.index(n) for n in names]
        b, v = self.coef[idx], self.vcov[np.ix_(idx, idx)]
        f = float(b @ np.linalg.solve(v, b)) / len(idx)
        return {"F": f, "df1": len(idx), "df2": self.n_clusters - 1,
                "p": float(stats.f.sf(f, len(idx), self.n_clusters - 1))}

    def bootstrap(self, name: str, draws: int = 9_999, weights: str = "rademacher",
                  seed: int = 0) -> BootstrapResult:
        """Wild cluster restricted bootstrap p-value for one coefficient (OLS only)."""
        if self._design is None or self.estimator != "ols":
            raise ValueError("the wild cluster bootstrap is implemented for OLS fits")
        if not self.fe_nested:
            raise ValueError("the wild cluster bootstrap here needs every fixed effect nested in the "
                             "clusters (bootstrap outcomes would need the fixed effects projected out again)")
        xt, yt, clusters = self._design
        return wild_cluster_bootstrap(xt, yt, clusters, self.names.index(name), self.df_k,
                                      draws=draws, weights=weights, seed=seed)


def _prepare(frame: pd.DataFrame, y: str, x: list[str], fe: list[list[str]], cluster: str,
             drop_zero_groups: bool) -> tuple[pd.DataFrame, list[np.ndarray], np.ndarray, int]:
    data = frame.dropna(subset=[y, *x]).reset_index(drop=True)
    n0 = len(data)
    while True:
        groups = [codes(data, cols) for cols in fe]
        keep = drop_singletons(groups)
        if drop_zero_groups:
            for g in groups:
                totals = np.bincount(g, weights=data[y].to_numpy(float))
                keep &= totals[g] > 0
        if keep.all():
            break
        data = data[keep].reset_index(drop=True)
    clusters = codes(data, [cluster])
    return data, groups, clusters, n0 - len(data)


def all_nested(groups: list[np.ndarray], clusters: np.ndarray) -> bool:
    return all(nested_in(g, clusters) for g in groups)


def small_sample_k(groups: list[np.ndarray], clusters: np.ndarray, k: int) -> int:
    """K in (N-1)/(N-K), as fixest's and pyfixest's default: fixed effects nested in the clusters
    are not counted (but one is added back per fully nested dimension); the others are."""
    if not groups:
        return k
    levels = [int(g.max()) + 1 for g in groups]
    k_fe = sum(levels) - (len(groups) - 1)
    nested = [n for g, n in zip(groups, levels, strict=True) if nested_in(g, clusters)]
    return k + k_fe - sum(nested) + len(nested)


def fit_ols(frame: pd.DataFrame, y: str, x: list[str], fe: list[list[str]], cluster: str) -> Fit:
    """OLS of y on x with fixed effects projected out; CR1 errors clustered by `cluster`."""
    data, groups, clusters, dropped = _prepare(frame, y, x, fe, cluster, drop_zero_groups=False)
    yx = demean(data[[y, *x]].to_numpy(float), groups)
    yt, xt = yx[:, 0], yx[:, 1:]
    bread = np.linalg.inv(xt.T @ xt)
    beta = bread @ xt.T @ yt
    df_k = small_sample_k(groups, clusters, len(x))
    vcov = cr1(bread, cluster_scores(xt, yt - xt @ beta, clusters), len(yt), df_k)
    return Fit(list(x), beta, vcov, len(yt), int(clusters.max() + 1), "ols", dropped, df_k,
               all_nested(groups, clusters), (xt, yt, clusters))


def fit_ppml(frame: pd.DataFrame, y: str, x: list[str], fe: list[list[str]], cluster: str,
             tol: float = 1e-10, maxiter: int = 200) -> Fit:
    """Poisson pseudo-maximum likelihood with fixed effects (IRLS with weighted demeaning).

    Observations in fixed-effect groups whose outcome is zero throughout are dropped first: their
    fixed effect would be minus infinity and they carry no information on the coefficients.
    """
    data, groups, clusters, dropped = _prepare(frame, y, x, fe, cluster, drop_zero_groups=True)
    yv = data[y].to_numpy(float)
    xv = data[x].to_numpy(float)
    mu = (yv + yv.mean()) / 2
    eta = np.log(mu)
    beta = np.zeros(len(x))
    deviance = np.inf
    for _ in range(maxiter):
        z = eta + (yv - mu) / mu
        zx = demean(np.column_stack([z, xv]), groups, weights=mu, tol=tol * 1e-2)
        zt, xt = zx[:, 0], zx[:, 1:]
        xw = xt * mu[:, None]
        beta = np.linalg.solve(xw.T @ xt, xw.T @ zt)
        eta = z - (zt - xt @ beta)
        mu = np.exp(eta)
        with np.errstate(divide="ignore", invalid="ignore"):
            new = 2 * np.sum(np.where(yv > 0, yv * np.log(yv / mu), 0.0) - (yv - mu))
        if abs(new - deviance) / (0.1 + abs(new)) < tol:
            break
        deviance = new
    else:
        raise ConvergenceError("the PPML estimator did not converge on this selection; choose "
                               "`-p estimator ols_level`, or widen the window or add repositories")
    bread = np.linalg.inv((xt * mu[:, None]).T @ xt)
    df_k = small_sample_k(groups, clusters, len(x))
    vcov = cr1(bread, cluster_scores(xt, yv - mu, clusters), len(yv), df_k)
    return Fit(list(x), beta, vcov, len(yv), int(clusters.max() + 1), "ppml", dropped, df_k,
               all_nested(groups, clusters))
