"""Projecting out fixed effects: alternating weighted demeaning, and singleton removal."""

from __future__ import annotations

import numpy as np
import pandas as pd

from chipshock.errors import ConvergenceError


def codes(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """Integer codes 0..G-1 for the combinations of `columns`."""
    return frame.groupby(columns, sort=True, observed=True).ngroup().to_numpy()


def drop_singletons(groups: list[np.ndarray]) -> np.ndarray:
    """Boolean mask of observations kept after repeatedly dropping one-observation FE groups."""
    keep = np.ones(len(groups[0]), dtype=bool)
    while True:
        before = keep.sum()
        for g in groups:
            counts = np.bincount(g[keep], minlength=g.max() + 1)
            keep &= counts[g] > 1
        if keep.sum() == before:
            return keep


def demean(
    values: np.ndarray,
    groups: list[np.ndarray],
    weights: np.ndarray | None = None,
    tol: float = 1e-12,
    maxiter: int = 10_000,
) -> np.ndarray:
    """Residuals of `values` (n x k) after projecting on all fixed effects (alternating projections)."""
    x = np.array(values, dtype=float, copy=True)
    if x.ndim == 1:
        x = x[:, None]
    w = np.ones(len(x)) if weights is None else np.asarray(weights, dtype=float)
    sums_w = [np.bincount(g, weights=w) for g in groups]
    for _ in range(maxiter):
        change = 0.0
        for g, sw in zip(groups, sums_w, strict=True):
            means = np.column_stack([np.bincount(g, weights=w * x[:, j], minlength=len(sw)) for j in
                                     range(x.shape[1])]) / sw[:, None]
            x -= means[g]
            change = max(change, float(np.abs(means).max(initial=0.0)))
        if change < tol or len(groups) == 1:
            return x
    raise ConvergenceError("the fixed effects did not converge (disconnected groups in this selection); "
                           "widen the window or add repositories so that the groups connect")


def nested_in(groups: np.ndarray, clusters: np.ndarray) -> bool:
    """True if each fixed-effect group lies within a single cluster."""
    pairs = pd.DataFrame({"g": groups, "c": clusters}).drop_duplicates()
    return bool(pairs["g"].is_unique)
