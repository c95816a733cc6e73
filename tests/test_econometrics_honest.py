"""Relative-magnitudes sensitivity (Rambachan & Roth 2023): the identified set when sampling
error vanishes, the usual interval at Mbar = 0, the published HonestDiD Medicaid example, coverage
on SIMULATED event studies that violate parallel trends, and the breakdown value."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import optimize, stats

from chipshock.econometrics import did as D
from chipshock.econometrics.honest import bias_weight, relative_magnitudes, relative_magnitudes_fit

# HonestDiD's README example (Medicaid expansion, ACS insurance rate `dins`, states expanding in
# 2014 vs. not yet by 2015, years 2008-2015, reference 2013): TWFE event-study coefficients for
# 2008-2012 and 2014-2015 and their state-clustered covariance, computed with this package's
# fit_ols on Mixtape-Sessions/Advanced-DID Exercises/Data/ehec_data.csv (unit and year effects).
BETA = np.array([-0.005285342424, -0.0112973184, -0.002675975541, -0.001419311905, 0.0003396774892,
                 0.0464468645, 0.0692061803])
VCOV_LOWER = [
    [7.48848471e-05],
    [6.039875524e-05, 7.266499061e-05],
    [4.44461869e-05, 3.789328116e-05, 5.052050724e-05],
    [3.385765599e-05, 2.866576307e-05, 2.673677951e-05, 4.00322178e-05],
    [4.328013509e-05, 4.543321343e-05, 2.778193833e-05, 2.412860869e-05, 5.462665387e-05],
    [4.765882184e-05, 4.428852685e-05, 3.060645424e-05, 2.380869371e-05, 3.682535316e-05,
     8.375674029e-05],
    [2.425129537e-05, 2.824655793e-05, 9.637548016e-06, 2.923901909e-06, 9.72297779e-06,
     6.321403303e-05, 0.0001071235815],
]
# The published C-LF robust intervals (stata-honestdid README, same as the R package's): the
# average of 2014-15 (l_vec = 0.5, 0.5) and 2014 alone (the default l_vec).
PUBLISHED_AVERAGE = {0.0: (0.041, 0.075), 0.5: (0.033, 0.080), 1.0: (0.020, 0.090),
                     1.5: (0.006, 0.103), 2.0: (-0.008, 0.117)}
PUBLISHED_FIRST = {0.5: (0.024, 0.067), 1.0: (0.017, 0.072), 1.5: (0.008, 0.080), 2.0: (-0.001, 0.088)}


def medicaid_vcov() -> np.ndarray:
    v = np.zeros((7, 7))
    for i, row in enumerate(VCOV_LOWER):
        v[i, : len(row)] = row
    return v + np.tril(v, -1).T


def test_bias_weight_is_the_largest_drift_of_the_target() -> None:
    """W = max l' cumsum(d) over post steps |d_t| <= 1, checked by linear programming."""
    rng = np.random.default_rng(3)
    for lvec in [np.ones(4) / 4, np.array([1.0, 0, 0]), np.array([1.0, -1.0]), rng.normal(size=6)]:
        lower = np.tril(np.ones((len(lvec), len(lvec))))  # delta = lower @ d
        res = optimize.linprog(-(lvec @ lower), bounds=[(-1, 1)] * len(lvec))
        assert bias_weight(lvec) == pytest.approx(-res.fun, abs=1e-9)
    assert bias_weight(np.ones(5) / 5) == pytest.approx(3.0)  # (T + 1) / 2


def test_without_sampling_error_the_interval_is_the_identified_set() -> None:
    pre, post = np.array([0.3, 0.1, 0.2]), np.array([1.0, 2.0, 6.0])  # steps -0.2, 0.1, -0.2: m = 0.2
    vcov = 1e-18 * np.eye(6)
    table, breakdown = relative_magnitudes(pre, post, vcov, mbar=[0, 0.5, 1, 2])
    theta, width = 3.0, 2.0 * 0.2  # average of the post coefficients; W = 2 for three periods
    np.testing.assert_allclose(table["ci_low"], theta - table["mbar"] * width, atol=1e-6)
    np.testing.assert_allclose(table["ci_high"], theta + table["mbar"] * width, atol=1e-6)
    assert breakdown == pytest.approx(theta / width, rel=1e-6)
    table, breakdown = relative_magnitudes(pre, post, vcov, mbar=[1.0], weights=[1, 0, 0])
    assert tuple(table.loc[0, ["ci_low", "ci_high"]]) == pytest.approx((0.8, 1.2), abs=1e-6)
    assert breakdown == pytest.approx(1.0 / 0.2, rel=1e-6)


def test_mbar_zero_is_the_usual_interval() -> None:
    rng = np.random.default_rng(5)
    a = rng.normal(size=(7, 7))
    vcov = a @ a.T / 100
    pre, post = rng.normal(size=4) / 10, rng.normal(size=3) / 10 + 0.5
    se = np.sqrt(vcov[4:, 4:].sum()) / 3
    table, _ = relative_magnitudes(pre, post, vcov, mbar=[0.0])
    assert tuple(table.loc[0, ["ci_low", "ci_high"]]) == pytest.approx(
        (post.mean() - 1.959964 * se, post.mean() + 1.959964 * se), abs=1e-6)
    table, _ = relative_magnitudes(pre, post, vcov, mbar=[0.0], clusters=11)
    assert table.loc[0, "ci_high"] - post.mean() == pytest.approx(2.228139 * se, abs=1e-6)  # t(10)


def test_intervals_widen_monotonically_in_mbar() -> None:
    rng = np.random.default_rng(11)
    for _ in range(20):
        a = rng.normal(size=(9, 9))
        table, breakdown = relative_magnitudes(rng.normal(size=5), rng.normal(size=4), a @ a.T,
                                               mbar=np.linspace(0, 5, 41))
        assert (np.diff(table["ci_low"]) <= 1e-12).all() and (np.diff(table["ci_high"]) >= -1e-12).all()
        covers = (table["ci_low"] <= 0) & (table["ci_high"] >= 0)
        beyond = table["mbar"] >= breakdown + 1e-9
        assert covers[beyond].all() and not covers[table["mbar"] < breakdown - 1e-9].any()


def test_medicaid_example_inputs_reproduce_the_published_original_intervals() -> None:
    se_first = np.sqrt(medicaid_vcov()[5, 5])
    assert BETA[5] - 1.96 * se_first == pytest.approx(0.029, abs=5e-4)
    assert BETA[5] + 1.96 * se_first == pytest.approx(0.064, abs=5e-4)


@pytest.mark.parametrize(("weights", "published"), [(None, PUBLISHED_AVERAGE), ([1, 0], PUBLISHED_FIRST)])
def test_medicaid_example_against_published_honestdid(weights: list[int] | None,
                                                       published: dict[float, tuple[float, float]]) -> None:
    """Ours is a simpler, conservative construction than C-LF: each published interval (rounded to
    3 decimals) must lie inside ours, and ours may be at most a quarter wider."""
    table, breakdown = relative_magnitudes(BETA[:5], BETA[5:], medicaid_vcov(), mbar=list(published),
                                           weights=weights)
    for _, row in table.iterrows():
        low, high = published[row["mbar"]]
        assert row["ci_low"] <= low + 5e-4 and row["ci_high"] >= high - 5e-4
        assert row["ci_high"] - row["ci_low"] <= 1.25 * (high - low)
    assert 1.0 < breakdown < 2.0  # published: significant at Mbar = 1.5, not at 2


def _simulated_event_study(rng: np.random.Generator, slope: float, effect: float = 0.1,
                           n_pre: int = 5, n_post: int = 4, sd: float = 0.02,
                           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """SIMULATED coefficients: a linear pre-trend `slope` per period up to the reference period, then
    a constant `effect` (so the post-period estimates do not depend on the pre-trend)."""
    rel = np.r_[np.arange(-n_pre - 1, -1), np.arange(n_post)]
    vcov = sd**2 * (0.5 * np.eye(len(rel)) + 0.5)
    beta = np.where(rel < 0, slope * (rel + 1), effect) + rng.multivariate_normal(np.zeros(len(rel)), vcov)
    return beta[:n_pre], beta[n_pre:], vcov


def test_a_large_pre_trend_gives_a_small_breakdown() -> None:
    """Without noise the breakdown is effect / (W m) = 0.1 / (2.5 * 0.05) = 0.8 for the steep trend."""
    for seed in range(5):
        flat = relative_magnitudes(*_simulated_event_study(np.random.default_rng(seed), 0.0, sd=0.005))[1]
        steep = relative_magnitudes(*_simulated_event_study(np.random.default_rng(seed), 0.05, sd=0.005))[1]
        assert steep < 0.8 < 1.5 < flat


def test_coverage_when_parallel_trends_fail_within_the_bound() -> None:
    """True differential trend in Delta^RM(1) at its worst case for the average: pre steps of at most
    m = 0.03, then post steps of +m each. The robust interval at Mbar = 1 must cover the effect at
    least 95% of the time; the usual interval (Mbar = 0) misses it most of the time."""
    rng = np.random.default_rng(7)
    m, effect, n_pre, n_post = 0.03, 0.1, 4, 3
    delta = np.r_[np.array([0.0, m, 0.5 * m, m]) - m, m * np.arange(1, n_post + 1)]  # ref omitted
    assert np.abs(np.diff(np.r_[delta[:n_pre], 0.0])).max() == pytest.approx(m)
    mean = delta + effect * np.r_[np.zeros(n_pre), np.ones(n_post)]
    vcov = 0.002**2 * (0.6 * np.eye(n_pre + n_post) + 0.4)  # small: near the identified set's edge
    draws = rng.multivariate_normal(mean, vcov, size=1000)
    robust, usual = [], []
    for b in draws:
        table, _ = relative_magnitudes(b[:n_pre], b[n_pre:], vcov, mbar=[0.0, 1.0])
        low, high = table["ci_low"].to_numpy(), table["ci_high"].to_numpy()
        usual.append(low[0] <= effect <= high[0])
        robust.append(low[1] <= effect <= high[1])
    assert np.mean(robust) >= 0.95 and np.mean(usual) < 0.5


def test_fit_wrapper_reads_an_event_study() -> None:
    rng = np.random.default_rng(9)
    weeks = pd.date_range("2022-01-03", periods=12, freq="7D")
    idx = pd.MultiIndex.from_product([[f"r{i}" for i in range(30)], weeks, ["CN", "US"]],
                                     names=["repo", "period", "region"])
    panel = idx.to_frame(index=False)
    post = (panel["period"] >= weeks[6]) & (panel["region"] == "CN")
    panel["y"] = rng.normal(size=len(panel)) + 0.5 * post
    design = D.Design(outcome="y")
    fit, _ = D.event_study(D.stack(panel, [weeks[6]], 6, design), design, "ols_level")
    table, breakdown = relative_magnitudes_fit(fit, mbar=[0.0, 1.0])
    names = [f"rel_{r}" for r in range(-6, 6) if r != -1]
    idx = [fit.names.index(n) for n in names]
    ref_table, ref_breakdown = relative_magnitudes(fit.coef[idx[:5]], fit.coef[idx[5:]],
                                                   fit.vcov[np.ix_(idx, idx)], mbar=[0.0, 1.0],
                                                   clusters=fit.n_clusters)
    pd.testing.assert_frame_equal(table, ref_table)
    assert breakdown == ref_breakdown
    crit = stats.t.ppf(0.975, fit.n_clusters - 1)
    assert table.attrs["critical"] == pytest.approx(crit)
    assert table.loc[0, "ci_low"] < 0.5 < table.loc[0, "ci_high"]


def test_bad_arguments() -> None:
    with pytest.raises(ValueError):
        relative_magnitudes([0.1], [0.2, 0.3], np.eye(2))
    with pytest.raises(ValueError):
        relative_magnitudes([0.1], [0.2], np.eye(2), weights=[0.5, 0.5])
    with pytest.raises(ValueError):
        relative_magnitudes([0.1], [0.2], np.eye(2), mbar=[-1.0])
