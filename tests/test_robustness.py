"""The robustness chapter: grid, the fast estimator against the developers chapter's, the curve's
determinism, the joint test, matched placebos, leave-outs, the words and the explorer's spec."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from helpers import REPO, glued

from chipshock.chapters.developers import analysis as dv
from chipshock.chapters.developers import parameters as dvp
from chipshock.chapters.robustness import analysis as rb
from chipshock.chapters.robustness import estimate as E
from chipshock.chapters.robustness import parameters as rbp
from chipshock.data import curated
from chipshock.data.build import load
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
def small_curve(data: dict) -> rb.Curve:
    return rb.specification_curve(data["commits"], data["repos"], data["releases"], SMALL)


# ----------------------------------------------------------------------------------------- grid


def test_grid_crosses_the_choices_with_holidays_on_weekly_panels_only() -> None:
    d = rbp.PARAMS.defaults()
    g = rb.grid(d)
    weekly = 2 * 2 * 2 * 3 * 1 * 3 * 2 * 3 * 2 * 2 * 2
    assert len(g) == weekly + weekly // 2  # monthly panels have holiday controls off only
    assert set(g.loc[g["period"] == "month", "holidays"]) == {"off"}
    assert "hour" not in set(g["geo_proxy"])
    clock = rb.grid(d, clock=True)
    assert set(clock["geo_proxy"]) == {"hour"} and set(clock["control"]) == {"US"}
    assert len(rb.grid(SMALL)) == 2 * 2 * 2


def test_a_monthly_only_grid_without_holidays_off_is_a_clear_error() -> None:
    with pytest.raises(UserError, match="holiday_rules off"):
        rb.grid({**SMALL, "periods": ["month"], "holiday_rules": ["on"]})


def test_bad_grid_values_are_parameter_errors() -> None:
    with pytest.raises(ParamError):
        rbp.PARAMS.resolve({"geo_proxies": ["hour"]})
    with pytest.raises(ParamError):
        rbp.PARAMS.resolve({"controls": ["CN"]})


def test_history_requirement_is_in_weeks_whatever_the_period() -> None:
    assert rb.min_pre_periods(8, "week") == 8
    assert rb.min_pre_periods(8, "month") == 2      # 8 weeks lie within two months
    assert rb.min_pre_periods(9, "month") == 3
    assert rb.min_pre_periods(0, "month") == 0
    row = rb.grid(rbp.PARAMS.defaults()).query("period == 'month'").iloc[0].to_dict()
    p = rb.developers_params(row, 8)
    assert p["min_pre_periods"] == 2 and p["holiday_controls"] is False
    dvp.PARAMS.resolve({k: v for k, v in p.items() if k in dvp.PARAMS.names()})


def test_the_default_spec_is_the_developers_chapters_default() -> None:
    spec = rb.default_spec()
    p = rb.developers_params(spec, 8)
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
        quick = E.estimate(wide, st, E.Design(p["outcome"], est, p["treated_region"], p["control_region"],
                                              s.holidays))
        for key in ("coef", "se", "p", "ci_low", "ci_high", "pct", "mde_pct"):
            assert quick[key] == pytest.approx(slow[key], rel=1e-6, abs=1e-9), (est, key)
        assert quick["repositories"] == slow["clusters"] and quick["observations"] == slow["observations"]


def test_swap_draws_equal_refits_with_the_labels_swapped(data: dict) -> None:
    p = dvp.PARAMS.defaults()
    panel = dv.make_panel(dv.classified_commits(data["commits"], data["repos"], p), data["releases"], p)
    wide = E.wide_panel(panel, "W")
    s = dv.settings(p)
    st = E.stack(wide, E.headline_windows(s.windows, E.identification(wide, s.windows, "CN", "US", "commits",
                                                                        8, 5)), 8)
    design = E.Design("commits", "ols_log", "CN", "US", holidays=False)
    codes, m, q, n_rows = E.per_unit_terms(wide, st, design)
    flip = np.random.default_rng(3).choice([-1.0, 1.0], size=len(wide.repos))
    coef, t = E.swap_draws(codes, m, q, n_rows, np.column_stack([np.ones(len(wide.repos)), flip]))
    observed = E.estimate(wide, st, design)
    assert coef[0] == pytest.approx(observed["coef"]) and t[0] == pytest.approx(observed["t"])
    swapped = dict(wide.values)
    rows = flip[wide.unit] < 0
    for outcome in ("commits",):
        cn, us = wide.values[("CN", outcome)], wide.values[("US", outcome)]
        swapped[("CN", outcome)], swapped[("US", outcome)] = np.where(rows, us, cn), np.where(rows, cn, us)
    refit = E.estimate(replace(wide, values=swapped), st, design)
    assert coef[1] == pytest.approx(refit["coef"]) and t[1] == pytest.approx(refit["t"])


# -------------------------------------------------------------------------------------- curve


def test_curve_is_deterministic_and_parallel_equals_serial(data: dict, small_curve: rb.Curve) -> None:
    args = (data["commits"], data["repos"], data["releases"])
    parallel = rb.specification_curve(*args, {**SMALL, "workers": 2})
    pd.testing.assert_frame_equal(small_curve.table, parallel.table)
    assert small_curve.draws.keys() == parallel.draws.keys()
    for k, v in small_curve.draws.items():
        np.testing.assert_array_equal(v, parallel.draws[k])
    head = small_curve.table[small_curve.table["curve"] == "headline"]
    assert len(head) == 8 and head["t"].is_monotonic_increasing
    assert set(small_curve.table["curve"]) == {"headline", "clock"}


def test_the_curve_contains_the_developers_default_estimate(data: dict, small_curve: rb.Curve) -> None:
    wide, _, q = rb.default_setup(data["commits"], data["repos"], data["releases"], 8)
    full = rb.full_estimate(wide, q)
    spec = rb.default_spec()
    row = small_curve.table
    for k, v in spec.items():
        row = row[row[k] == v]
    assert len(row) == 1 and row["coef"].iloc[0] == pytest.approx(full["coef"])


def test_joint_test_reads_its_draws(small_curve: rb.Curve) -> None:
    head = small_curve.table[small_curve.table["curve"] == "headline"]
    joint = rb.joint_test(small_curve, head)
    assert joint.n_specs == int((head["estimator"] != "ppml").sum())
    pv = joint.p_values()
    assert all(1 / (SMALL["joint_draws"] + 1) <= v <= 1 for v in pv.values())
    with pytest.raises(UserError, match="OLS"):
        rb.joint_test(small_curve, head[head["estimator"] == "ppml"])


def test_joint_p_values_count_draws_at_least_as_extreme() -> None:
    j = rb.JointTest(10, 0.3, 0.0, -0.1, np.array([0.0, 0.3, 0.5, 0.1]), np.zeros(4),
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
    assert "cannot test" in rb.placebo_verdict(none)
    assert "0 qualified" in rb.placebo_words(none, 200) and "200 overlap" in rb.placebo_words(none, 200)
    quiet = _placebos([40, 0], [0.4, np.nan])
    assert rb.placebo_verdict(quiet).endswith("none stands out from its placebos at the 5% level")
    loud = _placebos([40, 50], [0.01, 0.03])
    assert "s0, pooled stand out from their placebos" in rb.placebo_verdict(loud)
    few = _placebos([40], [0.2]).assign(candidates=150)
    assert "all 200 shifts" in rb.placebo_words(few, 200)


def test_matched_placebos_follow_the_rule_and_the_seed(data: dict) -> None:
    _, panel, q = rb.default_setup(data["commits"], data["repos"], data["releases"], 8)
    table, results = rb.matched_placebos(panel, q, ["2022-08-09", "2023-10-17"], 30, 1)
    again, _ = rb.matched_placebos(panel, q, ["2022-08-09", "2023-10-17"], 30, 1)
    pd.testing.assert_frame_equal(table, again)
    assert list(table.index) == ["2022-08-09", "2022-10-07", "2023-10-17", "2024-12-02", "pooled"]
    assert (table["drawn"] == table["qualified"] + table["overlap"] + table["band"]
            + table["not_estimable"]).all()
    for res in results.values():
        ok = res.draws[res.draws["qualified"]]
        assert len(ok) == res.qualified and (ok["reason"] == "").all()
    spec = rb.placebo_chart(results).to_dict()
    shown = [row["shown"] for rows in spec["datasets"].values() for row in rows]
    assert shown and max(abs(v) for v in shown) <= rb.T_EDGE


# --------------------------------------------------------------------------------- leave-outs


def test_leave_out_covers_repositories_groups_and_shocks(data: dict) -> None:
    wide, _, q = rb.default_setup(data["commits"], data["repos"], data["releases"], 8)
    loo = rb.leave_out(wide, data["repos"], q)
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
    text = rb.loo_notes(_loo(pct, p, holm), full)
    for w in words:
        assert w in text
    if p < 0.05:
        assert "The left-out group on its own gives -20.0% (p = 0.500, not significant)" in text


# -------------------------------------------------------------------------------------- words


def test_direction_and_compare_words() -> None:
    assert [rb.direction(x) for x in (0.1, -0.1, 0.0)] == ["a rise", "a fall", "no change"]
    assert [rb.compare_word(a, b) for a, b in ((0.4, 0.1), (0.1, 0.4), (0.2, 0.2))] == \
        ["above", "below", "equal to"]


FULL = {"pct": 0.2, "pct_low": -0.1, "pct_high": 0.5, "p": 0.3, "mde_pct": 0.5}


def _comparisons(us: tuple[float, float], eu: tuple[float, float] = (1.0, 0.002)) -> pd.DataFrame:
    return pd.DataFrame({"specifications": [100, 100], rb.SHARE_COLUMNS[0]: [0.0, 0.02],
                         rb.SHARE_COLUMNS[1]: [0.3, 0.01], "p_pos": [eu[0], us[0]], "p_neg": [eu[1], us[1]]},
                        index=["EU", "US"])


@pytest.mark.parametrize(("full_p", "full_pct", "us", "words"), [
    (0.3, 0.2, (0.6, 0.6), ["no significant change", "survives", "no more often than chance gives"]),
    (0.3, 0.2, (0.01, 0.6), ["no significant change", "does not survive", "rises more often"]),
    (0.3, 0.2, (0.6, 0.01), ["does not survive", "falls more often"]),
    (0.3, 0.2, (0.01, 0.01), ["does not survive", "both more often"]),
    (0.01, 0.2, (0.01, 0.6), ["a significant rise in", "survives the specification curve",
                              "rises more often"]),
    (0.01, -0.2, (0.01, 0.6), ["a significant fall in", "does not survive", "rises more often"]),
    (0.01, -0.2, (0.6, 0.01), ["a significant fall in", "survives the specification curve",
                               "falls more often"]),
])
def test_verdict_is_right_for_every_case(full_p: float, full_pct: float, us: tuple, words: list[str]) -> None:
    text = rb.verdict(_comparisons(us), {**FULL, "p": full_p, "pct": full_pct},
                      {"share_pos_sig": 0.0, "share_neg_sig": 0.4})
    for w in words:
        assert w in text, (w, text)
    assert text.startswith("The developers chapter's result") and text.endswith(".")
    assert "against Europe-offset commits the curve shows a fall (0% rise and 30% fall" in text
    assert ("detects only changes of 50% or more" in text) == (full_p >= 0.05)


def test_curve_result_words() -> None:
    assert [rb.curve_result(a, b) for a, b in ((0.01, 0.5), (0.5, 0.01), (0.5, 0.5), (0.01, 0.01))] == \
        ["a rise", "a fall", "no change", "mixed"]
    assert rb.verdict(_comparisons((0.6, 0.6)).loc[["EU"]], FULL, None).count("against Europe-offset") == 1


# ----------------------------------------------------------------------------------- explorer


def test_the_explorer_ships_the_curve_and_one_menu_per_choice(small_curve: rb.Curve) -> None:
    head = small_curve.table[small_curve.table["curve"] == "headline"]
    dims = [d for d in rb.DIMENSIONS if head[d].nunique() > 1]
    spec = rb.curve_chart(head, dims, rb.default_spec()).to_dict()
    params = {p["name"]: p for p in spec["params"]}
    assert set(params) == {f"pick_{d}" for d in dims}
    for d in dims:
        options = sorted({rb.value_label(d, v) for v in head[d]})
        assert sorted(params[f"pick_{d}"]["bind"]["options"]) == options
        assert params[f"pick_{d}"]["value"] == rb.value_label(d, rb.default_spec()[d])
    shipped = [v for v in spec["datasets"].values() if len(v) == len(head)]
    assert shipped and {"pct", "pct_low", "pct_high", "p", "repositories", *dims} <= set(shipped[0][0])
    data = rb.explorer_data(head, dims)
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
    by = pd.DataFrame({rb.SHARE_COLUMNS[0]: [0.0, 0.014], rb.SHARE_COLUMNS[1]: [0.306, 0.005],
                       "p_pos": [1.0, 0.6], "p_neg": [0.002, 0.8]}, index=["EU", "US"])
    assert rb.control_words(by) == (
        "Against Europe-offset commits, 0.0% of the specifications are positive and significant and 30.6% "
        "negative and significant (joint p = 1.000 and 0.002); against U.S. commits, 1.4% of the "
        "specifications are positive and significant and 0.5% negative and significant (joint p = 0.600 and "
        "0.800).")
    assert "clock" in rb.proxy_words(True) and "clock" not in rb.proxy_words(False)


def test_placebo_verdict_needs_twenty_qualified_sets_for_a_five_percent_test() -> None:
    assert "cannot test" in rb.placebo_verdict(_placebos([19, 0], [0.05, np.nan]))
    assert "s0 stands out" in rb.placebo_verdict(_placebos([20, 0], [1 / 21, np.nan]))


def test_both_curves_together_are_ranked_anew(small_curve: rb.Curve) -> None:
    both = rb.headline(small_curve.table, with_clock=True)
    assert len(both) == len(small_curve.table) and both["rank"].tolist() == list(range(1, len(both) + 1))
    assert both["t"].is_monotonic_increasing


def test_too_much_required_history_is_a_clear_error(data: dict) -> None:
    wide, _, q = rb.default_setup(data["commits"], data["repos"], data["releases"], 104)
    with pytest.raises(UserError, match="min_pre_weeks"):
        rb.full_estimate(E.subset(wide, set(wide.repos[:3])), q)


def test_by_comparison_tests_each_region_jointly(small_curve: rb.Curve) -> None:
    head = small_curve.table[small_curve.table["curve"] == "headline"]
    table = rb.by_comparison(small_curve, head)
    assert list(table.index) == ["EU", "US"]
    us = rb.joint_test(small_curve, head[head["control"] == "US"]).p_values()
    assert table.loc["US", "p_neg"] == us["p_share_neg"]


def test_clock_share_of_negatives() -> None:
    curve = pd.DataFrame({"curve": ["clock", "clock", "headline", "headline"],
                          "negative_significant": [True, False, True, False]})
    assert rb.clock_share_of_negatives(curve) == 0.5
    assert np.isnan(rb.clock_share_of_negatives(curve.assign(negative_significant=False)))


def test_window_periods_are_the_developers_chapters() -> None:
    assert rb.window_periods(26, "week") == 26
    p = {**dvp.PARAMS.defaults(), "window_weeks": 26, "period": "month", "holiday_controls": False}
    assert rb.window_periods(26, "month") == dv.settings(p).window == 6
