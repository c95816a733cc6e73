"""Minimum detectable effects: the formula at known quantiles, and a Monte Carlo check that a
SIMULATED DiD panel with the true effect set to the MDE is rejected about 80% of the time."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from chipshock.econometrics import did as D
from chipshock.econometrics.power import mde, mde_multiplier, mde_percent


def test_mde_at_known_quantiles() -> None:
    assert mde(1.0) == pytest.approx(1.959964 + 0.841621, abs=1e-6)  # the textbook 2.80
    assert round(mde(1.0), 2) == 2.80
    assert mde(0.5, power=0.9, alpha=0.01) == pytest.approx(0.5 * (2.575829 + 1.281552), abs=1e-6)
    assert mde(1.0, clusters=21) == pytest.approx(2.086 + 0.860, abs=1e-3)  # t tables, 20 df
    assert mde(1.0, clusters=10_000) == pytest.approx(mde(1.0), abs=1e-3)  # t -> normal
    np.testing.assert_allclose(mde(np.array([1.0, 2.0])), [mde(1.0), 2 * mde(1.0)])


def test_mde_percent_of_baseline() -> None:
    assert mde_percent(0.1, 4.0) == pytest.approx(100 * mde(0.1) / 4.0)
    out = mde_percent(np.array([0.1, 0.1]), np.array([2.0, 0.0]))
    assert out[0] == pytest.approx(50 * mde(0.1)) and np.isnan(out[1])


def test_mde_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError):
        mde_multiplier(power=1.0)
    with pytest.raises(ValueError):
        mde_multiplier(clusters=1)


def _panel(repos: int, window: int) -> tuple[pd.DataFrame, D.Design]:
    """SIMULATED repo x week x region skeleton around one shock (outcomes drawn per replication)."""
    weeks = pd.date_range("2022-01-03", periods=2 * window, freq="7D")
    idx = pd.MultiIndex.from_product([[f"r{i}" for i in range(repos)], weeks, ["CN", "US"]],
                                     names=["repo", "period", "region"])
    design = D.Design(outcome="y")
    stacked = D.stack(idx.to_frame(index=False).assign(y=0.0), [weeks[window]], window, design)
    return stacked, design


def test_rejection_rate_at_the_mde_is_the_power() -> None:
    """y = a[repo, week] + b[repo, region] + effect * CN * post + N(0, 1), so the DiD estimate has the
    exact standard error sqrt(2 (1/T_pre + 1/T_post) / repos); with the true effect at the MDE for
    that SE, the clustered t test (G - 1 df) should reject about 80% of the time."""
    repos, window, reps = 40, 5, 400
    stacked, design = _panel(repos, window)
    se_true = np.sqrt(2 * (2 / window) / repos)
    effect = mde(se_true, clusters=repos)
    rng = np.random.default_rng(20231)
    unit_period = stacked.groupby(["repo", "period"]).ngroup().to_numpy()
    unit_region = stacked.groupby(["repo", "region"]).ngroup().to_numpy()
    a, b = rng.normal(size=unit_period.max() + 1), rng.normal(size=unit_region.max() + 1)
    mean = a[unit_period] + b[unit_region] + effect * stacked["treat_post"].to_numpy()
    rejected, estimates = [], []
    for _ in range(reps):
        fit = D.did(stacked.assign(y=mean + rng.normal(size=len(stacked))), design, "ols_level")
        row = fit.table().loc["treat_post"]
        rejected.append(row["p"] < 0.05)
        estimates.append(row["coef"])
    assert np.std(estimates) == pytest.approx(se_true, rel=0.1)  # the design's SE is the true one
    rate = float(np.mean(rejected))
    assert abs(rate - 0.80) < 0.05, rate
    # a one-sided or a size-only formula would be far off: 1.96 SE gives power ~0.5
    assert stats.norm.cdf(mde(se_true) / se_true - 1.96) == pytest.approx(0.80, abs=1e-3)
