"""Placebo dates and the sign-flip test: the fast stacked t equals did.did's, and the draws are what
they claim. Panels are SIMULATED."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from chipshock.econometrics import did as D
from chipshock.econometrics import randomization as RI
from chipshock.econometrics import regions as R
from chipshock.econometrics import sign_flip as SF

DESIGN = D.Design(outcome="commits", freq="W")
SHOCKS = [pd.Timestamp(s) for s in ("2022-08-09", "2022-10-07", "2023-10-17", "2024-12-02")]
WINDOW = 10
MIN_PRE = 4


def count_panel(n_units: int = 24, effect: float = 0.0, seed: int = 0, ragged: bool = True,
                start: str = "2018-01-01", end: str = "2025-12-29") -> pd.DataFrame:
    """Poisson counts per unit x week x region (CN, US, other); units start and end at different weeks."""
    rng = np.random.default_rng(seed)
    weeks = pd.date_range(start, end, freq="W-MON")
    rows = []
    for u in range(n_units):
        lo, hi = (rng.integers(0, len(weeks) // 2), rng.integers(len(weeks) // 2, len(weeks))) if ragged \
            else (0, len(weeks) - 1)
        w = weeks[lo:hi + 1]
        base = rng.gamma(2.0, 2.0, 3)
        trend = np.exp(rng.normal(0, 0.3, len(w)))
        for k, region in enumerate(("CN", "US", "other")):
            lam = base[k] * trend
            if region == "CN":
                post = np.zeros(len(w), dtype=bool)
                for sh in SHOCKS:
                    rel = D.period_index(pd.Series(w), "W") - D.period_index(pd.Series([sh]), "W")[0]
                    post |= (rel >= 0) & (rel < WINDOW)
                lam = lam + effect * post
            rows.append(pd.DataFrame({"repo": f"r{u:02d}", "period": w, "region": region,
                                      "commits": rng.poisson(lam)}))
    return pd.concat(rows, ignore_index=True)


def reference_t(panel: pd.DataFrame, shocks: list[pd.Timestamp], estimator: str) -> tuple[float, float]:
    fit = D.did(R.stack_pair(panel, shocks, WINDOW, DESIGN, "CN", "US", MIN_PRE), DESIGN, estimator)
    row = fit.table().loc["treat_post"]
    return float(row["coef"]), float(row["t"])


@pytest.mark.parametrize("estimator", ["ols_level", "ols_log"])
def test_fast_t_equals_did(estimator: str) -> None:
    panel = count_panel(effect=1.0)
    dp = RI.dense_difference(panel, DESIGN, estimator)
    coef, t = RI.pooled_t(dp, RI.shock_index(SHOCKS, DESIGN), WINDOW, MIN_PRE)
    ref_coef, ref_t = reference_t(panel, SHOCKS, estimator)
    assert coef == pytest.approx(ref_coef, rel=1e-9)
    assert t == pytest.approx(ref_t, rel=1e-9)


def test_fast_t_with_holes_in_the_panel() -> None:
    panel = count_panel(seed=4)
    holes = pd.to_datetime(["2022-08-01", "2022-10-10", "2023-10-23", "2024-11-25"])
    panel = panel[~panel["period"].isin(holes)]
    dp = RI.dense_difference(panel, DESIGN)
    coef, t = RI.pooled_t(dp, RI.shock_index(SHOCKS, DESIGN), WINDOW, MIN_PRE)
    assert (coef, t) == pytest.approx(reference_t(panel, SHOCKS, "ols_level"), rel=1e-9)


def test_ppml_is_refused() -> None:
    with pytest.raises(ValueError, match="support"):
        RI.dense_difference(count_panel(n_units=2), DESIGN, "ppml")


def test_p_value_counts_ties_and_adds_one() -> None:
    assert SF.p_value(2.0, np.array([1.0, 3.0, -2.5, 0.5, -2.0])) == pytest.approx(4 / 6)
    assert np.isnan(SF.p_value(2.0, np.array([])))


def test_a_sign_flip_of_the_window_sums_equals_refit_with_swapped_labels() -> None:
    panel = count_panel(effect=0.5, seed=2)
    dp = RI.dense_difference(panel, DESIGN)
    terms = RI.window_terms(dp, RI.shock_index(SHOCKS, DESIGN), WINDOW, MIN_PRE)
    a, b, n = (terms[k].sum(axis=1)[:, None] for k in ("A", "B", "n"))
    signs = np.where(np.arange(len(dp.units)) % 3 == 0, -1.0, 1.0)[:, None]
    _, t_swapped = RI.t_from_terms(a * signs, b, n)
    flip = panel["repo"].isin(dp.units[signs[:, 0] < 0]) & panel["region"].isin(["CN", "US"])
    swapped = panel.copy()
    swapped.loc[flip, "region"] = swapped.loc[flip, "region"].map({"CN": "US", "US": "CN"})
    assert float(t_swapped[0]) == pytest.approx(reference_t(swapped, SHOCKS, "ols_level")[1], rel=1e-9)


def flips(panel: pd.DataFrame, draws: int, seed: int) -> SF.SignFlipResult:
    data = R.stack_pair(panel, SHOCKS, WINDOW, DESIGN, "CN", "US", MIN_PRE)
    return SF.sign_flip_test(data, DESIGN, ["treat_post"], "treat_post", "ols_level", draws, seed)


def test_sign_flips_seeded_and_sensitive_to_a_real_effect() -> None:
    panel = count_panel(effect=6.0, seed=5, ragged=False)
    one, two, other = flips(panel, 300, 7), flips(panel, 300, 7), flips(panel, 300, 8)
    np.testing.assert_array_equal(one.t_draws, two.t_draws)
    assert one.p_value == two.p_value
    assert not np.array_equal(one.t_draws, other.t_draws)
    assert one.t > 5 and not one.exact
    assert one.p_value == pytest.approx(1 / 301)  # no flip of a 24-unit panel comes close
    assert one.coef == pytest.approx(reference_t(panel, SHOCKS, "ols_level")[0], rel=1e-9)


def test_sign_flips_are_enumerated_when_few() -> None:
    panel = count_panel(n_units=8, effect=6.0, seed=5, ragged=False)
    res = flips(panel, 999, 0)
    assert res.exact and res.draws == 2 ** 8 and res.mc_se == 0
    # the observed signs and their negation are the two most extreme of the 256 vectors
    assert res.p_value == pytest.approx(2 / 256)


def test_sign_flip_monte_carlo_error_matches_its_spread_over_seeds() -> None:
    """SIMULATED panel without effect: the p-value's spread over seeds is its reported MC error."""
    data = R.stack_pair(count_panel(n_units=30, effect=0.0, seed=12, ragged=False), SHOCKS, WINDOW, DESIGN,
                        "CN", "US", MIN_PRE)
    results = [SF.sign_flip_test(data, DESIGN, ["treat_post"], draws=199, seed=seed) for seed in range(60)]
    ps = np.array([r.p_value for r in results])
    reported = float(np.mean([r.mc_se for r in results]))
    assert reported == pytest.approx(np.sqrt(ps.mean() * (1 - ps.mean()) / 199), rel=0.05)
    assert ps.std(ddof=1) == pytest.approx(reported, rel=0.3)
    assert SF.monte_carlo_se(0.26, 999, exact=False) == pytest.approx(0.0139, abs=1e-4)


def test_placebo_dates_avoid_every_real_shock_not_only_the_pooled_ones() -> None:
    panel = count_panel(seed=3, ragged=False)
    pooled = SHOCKS[:2] + SHOCKS[3:]
    only_pooled = RI.placebo_dates(panel, pooled, WINDOW, DESIGN, MIN_PRE, draws=400, seed=1)
    every = RI.placebo_dates(panel, pooled, WINDOW, DESIGN, MIN_PRE, draws=400, seed=1, real=SHOCKS)
    real = RI.shock_index(SHOCKS, DESIGN)
    for res, must_clear in ((every, real), (only_pooled, RI.shock_index(pooled, DESIGN))):
        for shift in res.draws.loc[res.draws["qualified"], "shift"]:
            placebo = RI.shock_index(pooled, DESIGN) + shift
            assert (np.abs(placebo[:, None] - must_clear[None, :]) >= 2 * WINDOW).all()
    near_left_out = [int(sh) for sh in only_pooled.draws.loc[only_pooled.draws["qualified"], "shift"]
                     if (np.abs(RI.shock_index(pooled, DESIGN) + sh - real[2]) < 2 * WINDOW).any()]
    assert near_left_out  # without `real`, some qualified sets touch the left-out shock
    assert every.qualified < only_pooled.qualified


def test_placebo_dates_keep_spacing_avoid_real_windows_and_match_refits() -> None:
    panel = count_panel(seed=3, ragged=False)
    res = RI.placebo_dates(panel, SHOCKS, WINDOW, DESIGN, MIN_PRE, draws=40, seed=1)
    real = RI.shock_index(SHOCKS, DESIGN)
    assert res.drawn == 40 == len(res.draws)
    kept = res.draws[res.draws["qualified"]]
    assert res.qualified == len(kept) > 0
    assert res.drawn - res.qualified == sum(res.failures.values())
    for shift in kept["shift"]:
        placebo = real + shift
        assert (np.abs(placebo[:, None] - real[None, :]) >= 2 * WINDOW).all()
    overlapping = res.draws[~res.draws["qualified"]]
    assert (overlapping["reason"] == "overlaps a real shock window").all()  # every unit always eligible
    shift = int(kept["shift"].iloc[0])
    dates = [sh + pd.Timedelta(weeks=shift) for sh in SHOCKS]
    assert res.t_draws[0] == pytest.approx(reference_t(panel, dates, "ols_level")[1], rel=1e-9)
    hits = int(np.sum(np.abs(res.t_draws) >= abs(res.t) - 1e-12))
    assert res.p_value == pytest.approx((1 + hits) / (1 + res.qualified))


def test_placebo_dates_reject_sets_with_too_few_eligible_units() -> None:
    early = count_panel(n_units=10, seed=6, ragged=False)
    late = count_panel(n_units=10, seed=7, ragged=False, start="2021-01-04")
    late["repo"] = late["repo"] + "_late"
    res = RI.placebo_dates(pd.concat([early, late]), SHOCKS, WINDOW, DESIGN, MIN_PRE, draws=500, seed=0)
    before = res.draws[(res.draws["shift"] < 0) & (res.draws["reason"] != "overlaps a real shock window")]
    # placebo sets before 2021 see only the 10 early units (real shocks: 20): outside the band
    early_sets = before[before["first_shock"] + pd.Timedelta(weeks=121) < pd.Timestamp("2021-01-04")]
    assert len(early_sets) > 0
    assert (early_sets["reason"] == "eligible units outside the band").all()
    assert (early_sets["eligible_4"] == 10).all() and (early_sets["real_eligible_4"] == 20).all()
    assert (early_sets["out_of_band"] == "1,2,3,4").all()
    assert res.failures["eligible units outside the band"] >= len(early_sets)


def test_placebo_dates_deterministic() -> None:
    panel = count_panel(seed=9)
    one = RI.placebo_dates(panel, SHOCKS, WINDOW, DESIGN, MIN_PRE, draws=30, seed=11)
    two = RI.placebo_dates(panel, SHOCKS, WINDOW, DESIGN, MIN_PRE, draws=30, seed=11)
    pd.testing.assert_frame_equal(one.draws, two.draws)
    np.testing.assert_array_equal(one.t_draws, two.t_draws)
    assert (one.drawn, one.qualified, one.failures) == (two.drawn, two.qualified, two.failures)
    np.testing.assert_equal(one.p_value, two.p_value)
