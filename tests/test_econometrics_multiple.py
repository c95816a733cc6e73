"""Holm-adjusted p-values against hand-computed step-down values, with NaNs left out."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from chipshock.econometrics.multiple import adjust, holm

# sorted 0.005, 0.01, 0.03, 0.04 -> 4*0.005, 3*0.01, max(., 2*0.03), max(., 1*0.04)
P = [0.01, 0.04, 0.03, 0.005]
HOLM = [0.03, 0.06, 0.06, 0.02]


def test_holm_matches_the_step_down_by_hand() -> None:
    np.testing.assert_allclose(holm(P), HOLM, atol=1e-12)
    np.testing.assert_allclose(holm([0.5, 0.6]), [1.0, 1.0])  # capped at one
    np.testing.assert_allclose(holm([0.02]), [0.02])  # a family of one is unadjusted


def test_nans_stay_nan_and_are_not_counted() -> None:
    out = holm([np.nan, *P[:2], np.nan, *P[2:]])
    assert np.isnan(out[[0, 3]]).all()
    np.testing.assert_allclose(out[[1, 2, 4, 5]], HOLM, atol=1e-12)
    assert np.isnan(holm([np.nan, np.nan])).all()
    assert holm([]).shape == (0,)


def test_series_keeps_its_index() -> None:
    s = pd.Series([*P, np.nan], index=list("abcde"), name="p")
    out = holm(s)
    assert isinstance(out, pd.Series) and list(out.index) == list("abcde") and out.name == "p"
    np.testing.assert_allclose(out.iloc[:4], HOLM, atol=1e-12)
    assert np.isnan(out["e"])


def test_other_methods_and_bad_input() -> None:
    np.testing.assert_allclose(adjust([0.01, np.nan, 0.02], "bonferroni")[[0, 2]], [0.02, 0.04])
    with pytest.raises(ValueError):
        holm([0.5, 1.5])
