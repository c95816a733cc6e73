"""The methods primer's simulations (SIMULATED data): the estimators recover the truth."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from chipshock.chapters.primer import analysis as pm
from chipshock.chapters.primer import parameters as pmp

FAST = {"replications": 40}


@pytest.fixture(scope="module")
def results() -> dict:
    return pm.run_all(pmp.PARAMS.resolve(FAST))


def covers(row, truth: float) -> bool:
    return row["ci_low"] <= truth <= row["ci_high"]


def test_twfe_recovers_the_effect_and_the_naive_gap_does_not(results: dict) -> None:
    truth = pmp.PARAMS.defaults()["true_effect"]
    assert covers(results["twfe"].table().loc["treat"], truth)
    assert abs(results["naive"] - truth) > 0.5  # the treated start higher: the naive gap is biased


def test_twfe_intervals_cover_the_truth_at_their_nominal_rate() -> None:
    """Over 100 simulated samples a 95% interval should miss the truth about 5 times."""
    rng = np.random.default_rng(2026)
    hits = sum(covers(pm.twfe(pm.classic_panel(rng, 40, 12, -0.4)).table().loc["treat"], -0.4)
               for _ in range(100))
    assert 88 <= hits <= 100


def test_ppml_recovers_the_proportional_effect(results: dict) -> None:
    assert covers(results["counts"].loc["PPML"], pmp.PARAMS.defaults()["true_effect"])
    assert results["zero_share"] > 0.2


def test_event_study_flags_the_simulated_pre_trend() -> None:
    rng = np.random.default_rng(5)
    _, trend = pm.classic_event_study(pm.classic_panel(rng, 60, 20, 0.3, pre_trend=0.15))
    assert trend["p"] < 0.01


def test_noisy_proxy_biases_toward_zero(results: dict) -> None:
    att = results["attenuation"]
    truth = pmp.PARAMS.defaults()["true_effect"]
    assert covers(att.iloc[0], truth)
    assert abs(att.iloc[-1]["coef"]) < abs(att.iloc[0]["coef"])


def test_misclassification_moves_commits_but_keeps_totals() -> None:
    rng = np.random.default_rng(0)
    panel = pm.within_panel(rng, 5, 6, 0.2)
    noisy = pm.misclassify(panel, 0.3, rng)
    assert noisy["commits"].sum() == panel["commits"].sum()
    assert not noisy.sort_values(["repo", "period", "region"])["commits"].reset_index(drop=True).equals(
        panel.sort_values(["repo", "period", "region"])["commits"].reset_index(drop=True))


def test_rejection_rates_are_rates(results: dict) -> None:
    assert set(results["few"]) == {"CR1, normal critical value", "CR1, t(G-1) critical value",
                                   "wild cluster bootstrap"}
    assert all(0 <= v <= 1 for v in results["few"].values())


def test_same_seed_same_numbers() -> None:
    a = pm.run_all(pmp.PARAMS.resolve({"replications": 20, "n_units": 20}))
    b = pm.run_all(pmp.PARAMS.resolve({"replications": 20, "n_units": 20}))
    assert a["twfe"].coef[0] == b["twfe"].coef[0] and a["few"] == b["few"]


@pytest.mark.parametrize(("est", "truth", "word"), [(0.5, 0.3, "above"), (0.1, 0.3, "below"),
                                                    (-0.5, -0.3, "below"), (-0.1, -0.3, "above"),
                                                    (0.3, 0.3, "equal to")])
def test_side_of_the_truth(est: float, truth: float, word: str) -> None:
    from chipshock.chapters.primer.sections import side

    assert side(est, truth) == word


def test_drift_bias_is_what_twfe_picks_up_on_average() -> None:
    """The bias formula matches the mean TWFE error on drifting panels (and is zero without drift)."""
    assert pm.drift_bias(0.0, 20) == 0.0
    assert pm.drift_bias(0.3, 20) == pytest.approx(0.3 * 5.5)
    rng = np.random.default_rng(5)
    errors = [pm.twfe(pm.classic_panel(rng, 40, 12, 0.2, 0.2)).table().loc["treat", "coef"] - 0.2
              for _ in range(30)]
    assert np.mean(errors) == pytest.approx(pm.drift_bias(0.2, 12), abs=0.05)


def test_pre_trend_sandboxes_are_run_all_s_first_draws(results: dict) -> None:
    alone = pm.pre_trend_sandboxes(pmp.PARAMS.resolve(FAST))
    coef = alone["twfe_trend"].table().loc["treat", "coef"]
    assert coef == results["twfe_trend"].table().loc["treat", "coef"]
    assert alone["trend_p"] == results["event_trend"][1]["p"]


def test_takeaways_follow_the_results() -> None:
    from chipshock.chapters.primer.sections import attenuation_takeaway, event_takeaway

    assert event_takeaway(0.6, 0.01) == ("The pre-period test does not reject parallel trends on the panel "
                                         "built with them and rejects them on the panel built with a "
                                         "pre-trend (simulated data).")
    att = pd.DataFrame({"misclassified": [0.0, 0.4], "coef": [0.3, 0.1]})
    assert "closer to zero than the 0.300" in attenuation_takeaway(att, 0.3)
    att = pd.DataFrame({"misclassified": [0.0, 0.4], "coef": [-0.3, -0.5]})
    assert "−0.500, further from zero than the −0.300" in attenuation_takeaway(att, -0.3)


def test_sections_glue_every_key_the_page_uses() -> None:
    from chipshock.chapters.primer import sections as S

    p = pmp.PARAMS.resolve({"replications": 20, "n_units": 20})
    s = S.setup(p)
    results = [s, S.two_way(s), S.event_studies(s, p), S.exercise_two(p), S.counts(s),
               S.few_clusters(s, p), S.attenuation(s)]
    keys = {k for r in results for k in r.values()}
    assert {"twfe_covers", "ex2_twfe_trend_bias", "attenuation_chart_takeaway", "reject_boot"} <= keys
    assert S.two_way(s).twfe_covers in ("contains", "misses")
