"""Multiple-testing adjustments that leave missing p-values missing."""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from statsmodels.stats.multitest import multipletests


def adjust(p_values: ArrayLike, method: str = "holm") -> np.ndarray:
    """Adjusted p-values (statsmodels `multipletests`), NaNs kept as NaN and left out of the family."""
    p = np.asarray(p_values, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    if ok.any():
        if ((p[ok] < 0) | (p[ok] > 1)).any():
            raise ValueError("p-values must lie in [0, 1]")
        out[ok] = multipletests(p[ok], method=method)[1]
    return out


def holm(p_values: ArrayLike | pd.Series) -> np.ndarray | pd.Series:
    """Holm (1979) step-down adjusted p-values; a Series keeps its index, NaNs stay NaN."""
    if isinstance(p_values, pd.Series):
        return pd.Series(adjust(p_values.to_numpy(float), "holm"), index=p_values.index,
                         name=p_values.name)
    return adjust(p_values, "holm")
