"""The robustness chapter: grid, the fast estimator against the developers chapter's, the curve's
determinism, the joint test, matched placebos, leave-outs, the words and the explorer's spec."""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from helpers import REPO, glued

from chipshock.chapters.developers import analysis as dv
from chipshock.chapters.developers import parameters as dvp
from chipshock.chapters.robustness import analysis as rb
from chipshock.chapters.robustness import checks as K
from chipshock.chapters.robustness import curve as C
from chipshock.chapters.robustness import estimate as E
from chipshock.chapters.robustness import exhibits as X
from chipshock.chapters.robustness import panel as P
from chipshock.chapters.robustness import parameters as rbp
from chipshock.chapters.robustness import words as W
from chipshock.data import curated
from chipshock.data.build import load
from chipshock.econometrics import did as D
from chipshock.econometrics import randomization as R
from chipshock.econometrics import stacked as core
from chipshock.errors import ParamError, UserError
from chipshock.params import read_params_file
from chipshock.paths import Project
from chipshock.pipeline.execute import execute
from chipshock.pipeline.registry import get_chapter

SMALL = rbp.PARAMS.resolve(read_params_file(REPO / "params/robustness-small.yml"))


@pytest.fixture(scope="module")
def data() -> dict[str, pd.DataFrame]:
    project = Project(REPO)
    return {"commits": load(project, "commits"), "repos": load(project, "repositories"),
            "releases": curated.model_releases(project)}


@pytest.fixture(scope="module")
def small_curve(data: dict) -> C.Curve:
    return C.specification_curve(data["commits"], data["repos"], data["releases"], SMALL)


# ----------------------------------------------------------------------------------------- grid


def test_grid_crosses_the_choices_with_holidays_on_weekly_panels_only() -> None:
    d = rbp.PARAMS.defaults()
    g = C.grid(d)
    weekly = 2 * 2 * 2 * 3 * 1 * 3 * 2 * 3 * 2 * 2 * 2
    assert len(g) == weekly + weekly // 2  # monthly panels have holiday controls off only
    assert set(g.loc[g["period"] == "month", "holidays"]) == {"off"}
    assert "hour" not in set(g["geo_proxy"])
    clock = C.grid(d, clock=True)
    assert set(clock["geo_proxy"]) == {"hour"} and set(clock["control"]) == {"US"}
    assert len(C.grid(SMALL)) == 2 * 2 * 2


def test_a_monthly_only_grid_without_holidays_off_is_a_clear_error() -> None:
    with pytest.raises(UserError, match="holiday_rules off"):
        C.grid({**SMALL, "periods": ["month"], "holiday_rules": ["on"]})


def test_bad_grid_values_are_parameter_errors() -> None:
    with pytest.raises(ParamError):
        rbp.PARAMS.resolve({"geo_proxies": ["hour"]})
    with pytest.raises(ParamError):
        rbp.PARAMS.resolve({"controls": ["CN"]})


def test_history_requirement_is_in_weeks_whatever_the_period() -> None:
    assert C.min_pre_periods(8, "week") == 8
    assert C.min_pre_periods(8, "month") == 2      # 8 weeks lie within two months
    assert C.min_pre_periods(9, "month") == 3
    assert C.min_pre_periods(0, "month") == 0
    row = C.grid(rbp.PARAMS.defaults()).query("period == 'month'").iloc[0].to_dict()
    p = C.developers_params(row, 8)
    assert p["min_pre_periods"] == 2 and p["holiday_controls"] is False
    dvp.PARAMS.resolve({k: v for k, v in p.items() if k in dvp.PARAMS.names()})


def test_the_default_spec_is_the_developers_chapters_default() -> None:
    spec = C.default_spec()
    p = C.developers_params(spec, 8)
    defaults = dvp.PARAMS.defaults()
    for key in ("geo_proxy", "unit", "copies", "outcome", "period", "window_weeks", "estimator",
                "shock_windows", "holiday_controls", "control_region", "min_pre_periods"):
        assert p[key] == defaults[key], key
    assert sorted(p["repo_groups"]) == sorted(defaults["repo_groups"])


# ------------------------------------------------------------------------------ fast estimator

CASES = [{}, {"control_region": "EU", "outcome": "active_authors"},
         {"period": "month", "holiday_controls": False, "shock_windows": "truncate", "min_pre_periods": 2},
         {"shock_windows": "overlap", "window_weeks": 13, "unit": "merged", "copies": "keep"},
         {"geo_proxy": "hour", "outcome": "new_authors", "repo_groups": ["A", "B"]}]


@pytest.mark.parametrize("over", CASES)
def test_fast_estimates_equal_the_developers_chapters(data: dict, over: dict) -> None:
    p = {**dvp.PARAMS.defaults(), **over}
    panel = dv.make_panel(dv.classified_commits(data["commits"], data["repos"], p), data["releases"], p)
    s = dv.settings(p)
    ident = dv.identification(panel, s, p)
    wide = E.wide_panel(panel, s.design.freq)
    fast = E.identification(wide, s.windows, p["treated_region"], p["control_region"], p["outcome"],
                            p["min_pre_periods"], p["min_repos"])
    assert fast["estimable"].tolist() == ident["estimable"].tolist()
    assert fast["pooled"].tolist() == ident["pooled"].tolist()
    shocks = list(ident.index[ident["pooled"]])
    frame, design, hol = dv.stack_regions(panel, s, dv.windows_for(s, shocks), p["treated_region"],
                                          p["control_region"], p["min_pre_periods"])
    st = E.stack(wide, E.headline_windows(s.windows, fast), p["min_pre_periods"])
    for est in ("ols_level", "ols_log", "ppml"):
        slow = dv.estimate_row(frame, design, ["treat_post", *hol], est, "x")
        quick = E.estimate(wide, st, E.Spec(p["outcome"], est, p["treated_region"], p["control_region"],
                                            s.holidays))
        for key in ("coef", "se", "p", "ci_low", "ci_high", "pct", "mde_pct"):
            assert quick[key] == pytest.approx(slow[key], rel=1e-6, abs=1e-9), (est, key)
        assert quick["repositories"] == slow["clusters"] and quick["observations"] == slow["observations"]


def test_swap_draws_equal_refits_with_the_labels_swapped(data: dict) -> None:
    p = dvp.PARAMS.defaults()
    panel = dv.make_panel(dv.classified_commits(data["commits"], data["repos"], p), data["releases"], p)
    wide = E.wide_panel(panel, "W")
    s = dv.settings(p)
    used = E.headline_windows(s.windows, E.identification(wide, s.windows, "CN", "US", "commits", 8, 5))
    st = E.stack(wide, used, 8)
    spec = E.Spec("commits", "ols_log", "CN", "US")
    diff = core.prepare(wide, st, spec)
    units = E.cluster_units(st, len(used))
    assert len(units) == E.estimate_prepared(diff)["repositories"]
    flip = np.random.default_rng(3).choice([-1.0, 1.0], size=len(wide.units))
    coef, t = core.flip(core.unit_sums(diff), np.column_stack([np.ones(len(units)), flip[units]]))
    observed = E.estimate(wide, st, spec)
    assert coef[0] == pytest.approx(observed["coef"]) and t[0] == pytest.approx(observed["t"])
    swapped = dict(wide.values)
    rows = flip[wide.unit] < 0
    cn, us = wide.values[("CN", "commits")], wide.values[("US", "commits")]
    swapped[("CN", "commits")], swapped[("US", "commits")] = np.where(rows, us, cn), np.where(rows, cn, us)
    refit = E.estimate(replace(wide, values=swapped), st, spec)
    assert coef[1] == pytest.approx(refit["coef"]) and t[1] == pytest.approx(refit["t"])


@pytest.mark.parametrize(("unit", "copies"), [("work", "drop"), ("merged", "keep")])
def test_the_fast_panel_is_the_developers_chapters_panel(data: dict, unit: str, copies: str) -> None:
    coded = P.code_commits(C._selected(data["commits"], data["repos"], unit, copies))
    for proxy, period in (("tz", "week"), ("tz_email", "month"), ("hour", "week")):
        q = {**dvp.PARAMS.defaults(), "geo_proxy": proxy, "period": period}
        slow = E.wide_panel(dv.make_panel(dv.classify(coded.frame, q), data["releases"], q), P.FREQ[period])
        fast = P.wide(coded, proxy, period, data["releases"])
        for name in ("units", "unit", "period", "first", "last"):
            np.testing.assert_array_equal(getattr(fast, name), getattr(slow, name), err_msg=name)
        assert fast.values.keys() == slow.values.keys() and fast.flags.keys() == slow.flags.keys()
        for key in slow.values:
            np.testing.assert_array_equal(fast.values[key], slow.values[key], err_msg=str(key))
        for key in slow.flags:
            np.testing.assert_array_equal(fast.flags[key], slow.flags[key], err_msg=key)


# -------------------------------------------------------------------------------------- curve


def test_curve_is_deterministic_and_parallel_equals_serial(data: dict, small_curve: C.Curve) -> None:
    args = (data["commits"], data["repos"], data["releases"])
    parallel = C.specification_curve(*args, {**SMALL, "workers": 2})
    pd.testing.assert_frame_equal(small_curve.table, parallel.table)
    assert small_curve.draws.keys() == parallel.draws.keys()
    for k, v in small_curve.draws.items():
        np.testing.assert_array_equal(v, parallel.draws[k])
    head = small_curve.table[small_curve.table["curve"] == "headline"]
    assert len(head) == 8 and head["t"].is_monotonic_increasing
    assert set(small_curve.table["curve"]) == {"headline", "clock"}


def test_the_curve_contains_the_developers_default_estimate(data: dict, small_curve: C.Curve) -> None:
    wide, _, q = K.default_setup(data["commits"], data["repos"], data["releases"], 8)
    full = K.full_estimate(wide, q)
    spec = C.default_spec()
    row = small_curve.table
    for k, v in spec.items():
        row = row[row[k] == v]
    assert len(row) == 1 and row["coef"].iloc[0] == pytest.approx(full["coef"])


def test_joint_test_reads_its_draws(small_curve: C.Curve) -> None:
    head = small_curve.table[small_curve.table["curve"] == "headline"]
    joint = C.joint_test(small_curve, head)
    assert joint.n_specs == int((head["estimator"] != "ppml").sum())
    pv = joint.p_values()
    assert all(1 / (SMALL["joint_draws"] + 1) <= v <= 1 for v in pv.values())
    with pytest.raises(UserError, match="OLS"):
        C.joint_test(small_curve, head[head["estimator"] == "ppml"])


def test_joint_p_values_count_draws_at_least_as_extreme() -> None:
    j = C.JointTest(10, 0.3, 0.0, -0.1, np.array([0.0, 0.3, 0.5, 0.1]), np.zeros(4),
                     np.array([0.2, -0.05, 0.01, -0.3]))
    pv = j.p_values()
    assert pv["p_share_pos"] == pytest.approx(3 / 5)
    assert pv["p_share_neg"] == pytest.approx(5 / 5)
    assert pv["p_median"] == pytest.approx(3 / 5)


# ----------------------------------------------------------------------------------- placebos


def _placebos(qualified: list[int], p: list[float]) -> pd.DataFrame:
    n = len(qualified)
    return pd.DataFrame({"candidates": [300] * n, "drawn": [200] * n, "qualified": qualified,
                         "overlap": [200 - q for q in qualified], "band": [0] * n, "not_estimable": [0] * n,
                         "t": [1.0] * n, "p": p}, index=[f"s{k}" for k in range(n - 1)] + ["pooled"])


def test_placebo_words_and_verdict_cover_the_cases() -> None:
    none = _placebos([0, 3], [np.nan, np.nan])
    assert "cannot test" in W.placebo_verdict(none)
    words = W.placebo_words(none, 200)
    assert "none qualified, so it cannot be tested" in words and "200 overlap" in words
    assert "3 qualified, so its smallest attainable p-value is 0.250" in words
    quiet = _placebos([40, 0], [0.4, np.nan])
    assert W.placebo_verdict(quiet).endswith("none stands out from its placebos at the 5% level")
    loud = _placebos([40, 50], [0.01, 0.03])
    assert "s0, pooled stand out from their placebos" in W.placebo_verdict(loud)
    few = _placebos([40], [0.2]).assign(candidates=150)
    assert "all 200 shifts" in W.placebo_words(few, 200)
    assert W.placebo_takeaway(none).startswith("None of the 2 shock sets has the 20 qualified")
    assert W.placebo_takeaway(loud).startswith("Both shock sets have the 20 qualified")
    assert W.placebo_takeaway(quiet).startswith("1 of the 2 shock sets has")


def _simulated_panel(weeks: int = 300, units: int = 12) -> pd.DataFrame:
    """Simulated: Poisson commits of two regions per repository and week, no effect anywhere."""
    rng = np.random.default_rng(7)
    periods = pd.date_range("2015-01-05", periods=weeks, freq="W-MON")
    rows = [{"repo": f"r{u}", "period": t, "region": region, "commits": int(rng.poisson(20))}
            for u in range(units) for t in periods for region in ("CN", "US")]
    return pd.DataFrame(rows)


def test_placebo_dates_clear_every_real_shock_on_a_simulated_panel() -> None:
    panel = _simulated_panel()
    design = D.Design(freq="W")
    real = [pd.Timestamp("2016-11-28"), pd.Timestamp("2017-08-28")]
    at = R.shock_index(real[:1], design)
    every = np.sort(R.shock_index(real, design))
    own = R.placebo_dates(panel, real[:1], 10, design, 8, "ols_level", 400, 1)
    clear = R.placebo_dates(panel, real[:1], 10, design, 8, "ols_level", 400, 1, real=real)
    # checked against its own shock only, some qualified placebo windows meet the other real shock
    assert K.overlapping_real({"s": own}, {"s": at}, every, 10) > 0
    assert K.overlapping_real({"s": clear}, {"s": at}, every, 10) == 0
    assert 0 < clear.qualified < own.qualified
    assert clear.p_value >= 1 / (1 + clear.qualified)


def test_matched_placebos_follow_the_rule_and_the_seed(data: dict) -> None:
    _, panel, q = K.default_setup(data["commits"], data["repos"], data["releases"], 8)
    got = K.matched_placebos(panel, q, ["2022-08-09", "2023-10-17"], 30, 1)
    table, results = got.table, got.results
    again = K.matched_placebos(panel, q, ["2022-08-09", "2023-10-17"], 30, 1).table
    pd.testing.assert_frame_equal(table, again)
    assert list(table.index) == ["2022-08-09", "2022-10-07", "2023-10-17", "2024-12-02", "pooled"]
    assert (table["drawn"] == table["qualified"] + table["overlap"] + table["band"]
            + table["not_estimable"]).all()
    assert got.overlapping_real == 0
    qualified = table["qualified"].to_numpy()
    expected = np.where(qualified > 0, 1 / (1 + np.maximum(qualified, 1)), np.nan)
    np.testing.assert_allclose(table["min_p"].to_numpy(), expected)
    for res in results.values():
        ok = res.draws[res.draws["qualified"]]
        assert len(ok) == res.qualified and (ok["reason"] == "").all()
    spec = X.placebo_chart(results).to_dict()
    shown = [row["shown"] for rows in spec["datasets"].values() for row in rows]
    assert shown and max(abs(v) for v in shown) <= X.T_EDGE


# --------------------------------------------------------------------------------- leave-outs


def test_leave_out_covers_repositories_groups_and_shocks(data: dict) -> None:
    wide, _, q = K.default_setup(data["commits"], data["repos"], data["releases"], 8)
    loo = K.leave_out(wide, data["repos"], q)
    repos = loo[loo["kind"] == "repository"]
    assert repos["left_out"].is_unique and repos["coef"].notna().all()
    assert len(repos) == len(np.unique(wide.unit))
    assert set(loo.loc[loo["kind"] == "origin group", "left_out"]) == set(dv.GROUP_LABELS.values())
    assert len(loo[loo["kind"] == "shock"]) == len(q["shocks"])
    assert (loo["p_holm"] >= loo["p"] - 1e-12).all()


def _loo(pct: float, p: float, p_holm: float, kind: str = "origin group") -> pd.DataFrame:
    return pd.DataFrame([{"kind": kind, "left_out": "X", "pct": pct, "p": p, "p_holm": p_holm,
                          "alone_pct": -0.2, "alone_p": 0.5},
                         {"kind": kind, "left_out": "Y", "pct": 0.0, "p": 0.9, "p_holm": 0.9,
                          "alone_pct": 0.1, "alone_p": 0.01}])


@pytest.mark.parametrize(("pct", "p", "holm", "full", "words"), [
    (0.3, 0.5, 0.9, {"pct": 0.1, "p": 0.4}, ["No leave-out is significant", "not significant"]),
    (0.3, 0.02, 0.04, {"pct": 0.1, "p": 0.4}, ["a rise where the full sample's", "stays significant"]),
    (-0.3, 0.02, 0.2, {"pct": 0.1, "p": 0.4}, ["a fall where", "not after Holm"]),
    (0.3, 0.02, 0.04, {"pct": 0.2, "p": 0.01}, ["a rise as in the full sample"]),
    (-0.3, 0.02, 0.04, {"pct": 0.2, "p": 0.01}, ["a fall where the full sample's estimate (+20.0%) is "
                                                 "significant a rise"]),
])
def test_leave_out_notes_are_right_for_every_case(pct: float, p: float, holm: float, full: dict,
                                                   words: list[str]) -> None:
    text = W.loo_notes(_loo(pct, p, holm), full)
    for w in words:
        assert w in text
    if p < 0.05:
        assert ("The left-out group on its own gives \u221220.0% (p\u00a0=\u00a00.500, not significant)"
                in text)


# -------------------------------------------------------------------------------------- words


def test_direction_and_compare_words() -> None:
    assert [W.direction(x) for x in (0.1, -0.1, 0.0)] == ["a rise", "a fall", "no change"]
    assert [W.compare_word(a, b) for a, b in ((0.4, 0.1), (0.1, 0.4), (0.2, 0.2))] == \
        ["above", "below", "equal to"]


FULL = {"pct": 0.2, "pct_low": -0.1, "pct_high": 0.5, "p": 0.3, "mde_pct": 0.5}


def _comparisons(us: tuple[float, float], eu: tuple[float, float] = (1.0, 0.002)) -> pd.DataFrame:
    return pd.DataFrame({"specifications": [2592, 2592], C.SHARE_COLUMNS[0]: [0.0, 0.014],
                         C.SHARE_COLUMNS[1]: [0.306, 0.005], "tested": [1728, 1728],
                         "p_pos": [eu[0], us[0]], "p_neg": [eu[1], us[1]]}, index=["EU", "US"])


def _overall(p_pos: float, p_neg: float) -> dict:
    return {"n": 5184, "share_pos": 0.007, "share_neg": 0.155, "n_ols": 3456, "p_pos": p_pos, "p_neg": p_neg}


@pytest.mark.parametrize(("full_p", "full_pct", "overall", "words"), [
    (0.3, 0.2, (0.6, 0.6), ["is not statistically significant", "detects only changes of 50%",
                            "no more significant results either way", "so the curve agrees"]),
    (0.3, 0.2, (1.0, 0.012), ["is not statistically significant", "more significant falls than chance",
                              "so the curve does not agree"]),
    (0.3, 0.2, (0.01, 0.01), ["more significant results both ways", "does not agree"]),
    (0.01, 0.2, (0.01, 0.6), ["is a statistically significant rise", "more significant rises",
                              "so the curve agrees"]),
    (0.01, -0.2, (0.01, 0.6), ["is a statistically significant fall", "so the curve does not agree"]),
    (0.01, -0.2, (0.6, 0.01), ["is a statistically significant fall", "so the curve agrees"]),
])
def test_verdict_is_three_sentences_right_for_every_case(full_p: float, full_pct: float, overall: tuple,
                                                         words: list[str]) -> None:
    text = W.verdict({**FULL, "p": full_p, "pct": full_pct}, _overall(*overall), _comparisons((1.0, 0.323)))
    for w in words:
        assert w in text, (w, text)
    assert ("detects only changes" in text) == (full_p >= 0.05)
    assert len(re.findall(r"\.\s[A-Z]", text)) == 2 and text.endswith(".")
    assert "Of all 5,184 specifications" in text and "over its 3,456 OLS specifications" in text
    # the primary region first, with the exact shares and both denominators
    low = text.lower()
    assert low.index("against u.s. commits") < low.index("against europe-offset commits")
    assert "1.4% of 2,592 specifications rise and 0.5% fall significantly" in text
    assert "over its 1,728 OLS ones" in text
    falling = {**FULL, "pct": -0.2, "pct_low": -0.5}
    assert "\u2212" in W.verdict(falling, _overall(0.6, 0.6), _comparisons((1, 1)))


def test_curve_result_words() -> None:
    assert [W.curve_result(a, b) for a, b in ((0.01, 0.5), (0.5, 0.01), (0.5, 0.5), (0.01, 0.01))] == \
        ["a rise", "a fall", "no change", "mixed"]
    one = W.verdict(FULL, _overall(0.6, 0.6), _comparisons((0.6, 0.6)).loc[["EU"]], "EU")
    assert one.lower().count("against europe-offset") == 1 and "U.S. commits 1" not in one


def _toy_curve() -> pd.DataFrame:
    rows = []
    for control in ("US", "EU"):
        for shock_set in ("2022", "2023-2024"):
            for estimator in ("ols_log", "ppml"):
                neg = control == "EU" and shock_set == "2023-2024"
                rows.append({"control": control, "shock_set": shock_set, "estimator": estimator,
                             "coef": -1.0 if neg else 0.1, "pct": -0.3 if neg else 0.05,
                             "positive_significant": False, "negative_significant": neg})
    return pd.DataFrame(rows)


def test_sign_drivers_name_the_dimensions_that_move_the_shares() -> None:
    toy = _toy_curve()
    assert C.decisive_shocks(toy) in {("2022-08-09", "2022-10-07"), ("2023-10-17", "2024-12-02")}
    words = W.drivers_words(toy, ("2023-10-17", "2024-12-02"), toy["estimator"].map(C.estimator_family))
    assert words.startswith("Against Europe-offset commits 0.0% rise and 50.0% fall significantly, against "
                            "U.S. ones 0.0% and 0.0%")
    assert "with shock sets that contain 2023-10-17 and 2024-12-02 0.0% rise and 50.0% fall, with the " \
           "others 0.0% and 0.0%" in words
    assert "with OLS 0.0% rise and 25.0% fall, with Poisson 0.0% and 25.0%" in words
    table = C.drivers(toy)
    assert len(table) == 8 and table["negative"].sum() == 2
    single = toy[(toy["control"] == "US") & (toy["estimator"] == "ppml") & (toy["shock_set"] == "2022")]
    assert W.drivers_words(single, (), single["estimator"].map(C.estimator_family)).startswith("This grid")


def test_loo_counts_and_takeaway_use_count_words() -> None:
    by_repo = pd.DataFrame({"pct": [0.1, -0.2, 0.3], "p": [0.5, 0.01, 0.2]})
    counts = W.loo_counts(by_repo, {"pct": 0.2})
    assert counts == {"loo_flip_words": "1 of the 3 leave-outs",
                      "loo_significant_words": "1 of the 3 leave-outs is"}
    none = W.loo_counts(by_repo.assign(p=0.5, pct=0.1), {"pct": 0.2})
    assert none["loo_significant_words"] == "none of the 3 leave-outs is"
    every = W.loo_counts(by_repo.assign(p=0.01), {"pct": 0.2})
    assert every["loo_significant_words"] == "all 3 leave-outs are"
    assert "between \u221220.0% and +30.0%" in W.loo_takeaway(by_repo, {"pct": 0.2})


def test_curve_takeaway_follows_the_joint_test() -> None:
    stats_ = {"share_pos_sig": 0.007, "share_neg_sig": 0.155, "n_estimated": 5184, "median_t": -0.79}
    text = W.curve_takeaway(stats_, {"p_share_pos": 1.0, "p_share_neg": 0.012}, "in the headline curve")
    assert text.startswith("In the headline curve, 0.7% of 5,184 specifications rise and 15.5% fall")
    assert "median t \u22120.79" in text and text.endswith("more significant falls than chance gives.")
    quiet = W.curve_takeaway(stats_, {"p_share_pos": 0.5, "p_share_neg": 0.5}, "x")
    assert quiet.endswith("no more significant results either way than chance gives.")


# ----------------------------------------------------------------------------------- explorer


def test_the_explorer_ships_the_curve_and_one_menu_per_choice(small_curve: C.Curve) -> None:
    head = small_curve.table[small_curve.table["curve"] == "headline"]
    dims = [d for d in C.DIMENSIONS if head[d].nunique() > 1]
    spec = X.curve_chart(head, dims, C.default_spec()).to_dict()
    params = {p["name"]: p for p in spec["params"]}
    assert set(params) == {f"pick_{d}" for d in dims}
    for d in dims:
        options = sorted({X.value_label(d, v) for v in head[d]})
        assert sorted(params[f"pick_{d}"]["bind"]["options"]) == options
        assert params[f"pick_{d}"]["value"] == X.value_label(d, C.default_spec()[d])
    shipped = [v for v in spec["datasets"].values() if len(v) == len(head)]
    assert shipped and {"pct", "pct_low", "pct_high", "p", "repositories", *dims} <= set(shipped[0][0])
    data = X.explorer_data(head, dims)
    assert data["pct"].tolist() == pytest.approx(head["pct"].tolist(), abs=1e-6)


# -------------------------------------------------------------------------------- execution


@pytest.mark.slow
def test_robustness_executes_with_the_small_grid_and_is_reproducible(project: Project) -> None:
    chapter = get_chapter("robustness")
    plain = chapter.params.to_plain(SMALL)
    out = project.root / chapter.executed
    execute(project, chapter, plain, out)
    first = glued(out)
    execute(project, chapter, plain, out, force=True)
    second = glued(out)
    numbers = {k: v for k, v in first.items() if isinstance(v, (int, float)) and k != "curve_seconds"}
    assert numbers == {k: second[k] for k in numbers}
    assert first["n_specs"] == 8
    for key in ("curve_share_pos_sig", "curve_share_neg_sig", "curve_median_coef",
                "clock_curve_share_pos_sig", "clock_curve_share_neg_sig", "clock_curve_median_coef",
                "curve_joint_p"):
        assert isinstance(first[key], float), key
    assert isinstance(first["verdict"], str) and first["verdict"].endswith(".")


def test_control_and_proxy_words() -> None:
    by = pd.DataFrame({C.SHARE_COLUMNS[0]: [0.0, 0.014], C.SHARE_COLUMNS[1]: [0.306, 0.005],
                       "p_pos": [1.0, 0.6], "p_neg": [0.002, 0.8]}, index=["EU", "US"])
    nb = "\u00a0"
    assert W.control_words(by) == (
        "Against Europe-offset commits, 0.0% of the specifications are positive and significant and 30.6% "
        f"negative and significant (joint p{nb}={nb}1.000 and p{nb}={nb}0.002); against U.S. commits, "
        "1.4% of "
        "the specifications are positive and significant and 0.5% negative and significant "
        f"(joint p{nb}={nb}0.600 and p{nb}={nb}0.800).")
    assert "clock" in W.proxy_words(True) and "clock" not in W.proxy_words(False)


def test_placebo_verdict_needs_twenty_qualified_sets_for_a_five_percent_test() -> None:
    assert "cannot test" in W.placebo_verdict(_placebos([19, 0], [0.05, np.nan]))
    assert "s0 stands out" in W.placebo_verdict(_placebos([20, 0], [1 / 21, np.nan]))


def test_both_curves_together_are_ranked_anew(small_curve: C.Curve) -> None:
    both = C.headline(small_curve.table, with_clock=True)
    assert len(both) == len(small_curve.table) and both["rank"].tolist() == list(range(1, len(both) + 1))
    assert both["t"].is_monotonic_increasing


def test_too_much_required_history_is_a_clear_error(data: dict) -> None:
    wide, _, q = K.default_setup(data["commits"], data["repos"], data["releases"], 104)
    with pytest.raises(UserError, match="min_pre_weeks"):
        K.full_estimate(E.subset(wide, set(wide.units[:3])), q)


def test_by_comparison_and_families_test_each_region_jointly(small_curve: C.Curve) -> None:
    head = small_curve.table[small_curve.table["curve"] == "headline"]
    table = C.by_comparison(small_curve, head)
    assert list(table.index) == ["EU", "US"]
    us = C.joint_test(small_curve, head[head["control"] == "US"])
    assert table.loc["US", "p_neg"] == us.p_values()["p_share_neg"]
    assert table.loc["US", "tested"] == us.n_specs
    fam = C.families(small_curve, head).set_index(["control", "family"])
    assert set(fam.index) == {("EU", "OLS"), ("EU", "Poisson"), ("US", "OLS"), ("US", "Poisson")}
    assert fam.loc[("US", "OLS"), "p_neg"] == us.p_values()["p_share_neg"]
    assert fam.loc[("US", "OLS"), "tested"] == us.n_specs and fam.loc[("US", "Poisson"), "tested"] == 0
    assert np.isnan(fam.loc[("US", "Poisson"), "p_pos"])
    assert fam["specifications"].sum() == len(head)


def test_the_sections_glue_their_declared_keys(data: dict) -> None:
    inputs = rb.Inputs(data["commits"], data["repos"], data["releases"])
    curves = rb.curves(inputs, SMALL)
    choices, joint = rb.choices(curves), rb.joint(curves, SMALL)
    run = rb.default_run(inputs, SMALL)
    placebos, loo = rb.placebos(run, SMALL), rb.leave_out(run, inputs)
    results = [curves, choices, rb.clock_curve(curves), joint, placebos, loo, rb.verdict(run, choices, joint)]
    for r in results:
        assert list(r.values()) == type(r).glue_keys()
    assert set(curves.headline_stats.values("curve_")) | set(curves.clock_stats.values("clock_curve_")) \
        == set(rb.CurveStats.glue_keys())
    assert placebos.placebo_sets_overlapping_real == 0
    assert placebos.placebo_sets_qualified == placebos.placebo_qualified
    assert loo.counts["loo_flip_words"].endswith(f"{loo.n_loo} leave-outs")
    verdict = results[-1].verdict
    assert len(re.findall(r"\.\s[A-Z]", verdict)) == 2 and f"Of all {curves.n_specs:,d}" in verdict
    for key in ("curve_chart_takeaway", "placebo_chart_takeaway", "loo_chart_takeaway"):
        text = next(r.values()[key] for r in results if key in r.values())
        assert text.endswith(".") and not re.search(r"(?<![\w-])-\d", text)


def test_clock_share_of_negatives() -> None:
    curve = pd.DataFrame({"curve": ["clock", "clock", "headline", "headline"],
                          "negative_significant": [True, False, True, False]})
    assert C.clock_share_of_negatives(curve) == 0.5
    assert np.isnan(C.clock_share_of_negatives(curve.assign(negative_significant=False)))


def test_window_periods_are_the_developers_chapters() -> None:
    assert C.window_periods(26, "week") == 26
    p = {**dvp.PARAMS.defaults(), "window_weeks": 26, "period": "month", "holiday_controls": False}
    assert C.window_periods(26, "month") == dv.settings(p).window == 6
