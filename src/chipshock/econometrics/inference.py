"""Cluster-robust variances (CR1, as fixest/pyfixest) and the wild cluster restricted bootstrap."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def cluster_scores(xt: np.ndarray, resid: np.ndarray, clusters: np.ndarray) -> np.ndarray:
    """Per-cluster score sums (G x k) of x_i * resid_i."""
    n_clusters = clusters.max() + 1
    return np.column_stack([np.bincount(clusters, weights=xt[:, j] * resid, minlength=n_clusters)
                            for j in range(xt.shape[1])])


def cr1(bread: np.ndarray, scores: np.ndarray, n_obs: int, n_params: int) -> np.ndarray:
    """Sandwich bread @ meat @ bread with G/(G-1) * (N-1)/(N-K)."""
    g = scores.shape[0]
    meat = scores.T @ scores
    factor = g / (g - 1) * (n_obs - 1) / (n_obs - n_params)
    return factor * bread @ meat @ bread


@dataclass(frozen=True)
class BootstrapResult:
    p_value: float
    draws: int
    weights: str


def _weight_draws(n_clusters: int, draws: int, kind: str, rng: np.random.Generator) -> np.ndarray:
    if kind == "rademacher" and 2 ** n_clusters <= draws:
        grid = ((np.arange(2 ** n_clusters)[:, None] >> np.arange(n_clusters)) & 1)
        return grid * 2.0 - 1.0  # every sign pattern: the exact bootstrap distribution
    if kind == "rademacher":
        return rng.choice([-1.0, 1.0], size=(draws, n_clusters))
    if kind == "webb":
        values = np.array([-np.sqrt(1.5), -1.0, -np.sqrt(0.5), np.sqrt(0.5), 1.0, np.sqrt(1.5)])
        return rng.choice(values, size=(draws, n_clusters))
    raise ValueError(f"unknown bootstrap weights {kind!r}")


def wild_cluster_bootstrap(
    xt: np.ndarray, yt: np.ndarray, clusters: np.ndarray, column: int, n_params: int,
    draws: int = 9_999, weights: str = "rademacher", seed: int = 0,
) -> BootstrapResult:
    """WCR11 p-value for H0: beta[column] = 0 in an OLS on already-demeaned xt, yt.

    The null is imposed (restricted residuals), weights are drawn per cluster, and each draw's
    t statistic uses the same CR1 variance as the original estimate.
    """
    rng = np.random.default_rng(seed)
    n, k = xt.shape
    bread = np.linalg.inv(xt.T @ xt)
    beta = bread @ xt.T @ yt
    se = np.sqrt(cr1(bread, cluster_scores(xt, yt - xt @ beta, clusters), n, n_params)[column, column])
    t_obs = beta[column] / se
    others = np.delete(np.arange(k), column)
    xr = xt[:, others]
    fitted_r = xr @ np.linalg.lstsq(xr, yt, rcond=None)[0] if len(others) else np.zeros(n)
    resid_r = yt - fitted_r
    v = _weight_draws(clusters.max() + 1, draws, weights, rng)              # B x G
    g = clusters.max() + 1
    row = bread[column]
    s_fit = cluster_scores(xt, fitted_r, clusters)                          # G x k
    s_res = cluster_scores(xt, resid_r, clusters)                           # G x k
    xtx_row = np.zeros((g, k))                                              # X_g'X_g @ row
    np.add.at(xtx_row, clusters, xt * (xt @ row)[:, None])
    beta_b = s_fit.sum(axis=0) @ bread + (v @ s_res) @ bread                 # B x k (bread symmetric)
    # row @ X_g' e*_g = row @ X_g' y*_g - (X_g'X_g row) @ beta_b: only the tested row is needed,
    # so the cost is B x G x k rather than B x G x k x k.
    score_row = (s_fit @ row)[None, :] + v * (s_res @ row)[None, :] - beta_b @ xtx_row.T  # B x G
    factor = g / (g - 1) * (n - 1) / (n - n_params)
    var_b = factor * (score_row ** 2).sum(axis=1)
    t_b = beta_b[:, column] / np.sqrt(var_b)
    p = float(np.mean(np.abs(t_b) >= abs(t_obs) - 1e-12))
    return BootstrapResult(p_value=p, draws=len(v), weights=weights)
