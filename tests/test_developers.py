"""Geography classifiers, commit panels and the developers chapter's pipeline."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from chipshock.chapters.developers import analysis as dv
from chipshock.chapters.developers import parameters as dvp
from chipshock.econometrics import did as D
from chipshock.econometrics import power, regions, sign_flip
from chipshock.econometrics import windows as W
from chipshock.errors import ParamError
from chipshock.measures import geography as geo
from chipshock.measures import panels, vocabulary
from chipshock.numbers import number
from chipshock.wording import relative_change_sentence

T = pd.Timestamp


def commits(**cols) -> pd.DataFrame:
    n = len(next(iter(cols.values())))
    base = {
        "repo": ["o/r"] * n, "sha": [f"{i:040x}" for i in range(n)], "reach": ["default"] * n,
        "author_time_utc": pd.to_datetime(["2023-01-02 03:00"] * n, utc=True),
        "author_tz_min": [480] * n, "author_id": [f"a{i}" for i in range(n)],
        "author_domain_class": ["other"] * n, "is_bot": [False] * n, "is_merge": [False] * n,
        "committer_webflow": [False] * n, "is_default": [True] * n,
        "pr_number": pd.array([pd.NA] * n, dtype="Int32"), "pr_head": pd.array([pd.NA] * n, dtype="Int32"),
        "subject_kind": [None] * n,
    }
    base.update(cols)
    return pd.DataFrame(base)


@pytest.mark.parametrize(("tz", "region"), [(480, "CN"), (-240, "US"), (-420, "US"), (-600, "US"),
                                             (-180, "other"), (60, "other"), (0, "unknown"), (540, "other")])
def test_time_zone_regions(tz: int, region: str) -> None:
    assert geo.by_tz(pd.Series([tz]))[0] == region


def test_china_linked_email_resolves_only_utc_commits() -> None:
    tz = pd.Series([0, 0, 0, -420])
    dom = pd.Series(["cn_edu", "webmail", "cn_webmail", "cn_company"])
    assert geo.by_tz_email(tz, dom).tolist() == ["CN", "unknown", "CN", "US"]


def test_hour_rule_and_its_cutoff() -> None:
    times = pd.Series(pd.to_datetime(["2023-01-01 16:59", "2023-01-01 17:00", "2023-01-01 00:10"], utc=True))
    assert geo.by_hour(times).tolist() == ["CN", "US", "CN"]
    assert geo.by_hour(times, cutoff=12).tolist() == ["US", "US", "CN"]


def test_author_majority_ignores_unknown_and_breaks_ties_to_unknown() -> None:
    regions = np.array(["CN", "CN", "US", "unknown", "US", "CN", "unknown"])
    authors = pd.Series(["a", "a", "a", "a", "b", "b", "c"])
    assert geo.author_majority(regions, authors).tolist() == ["CN"] * 4 + ["unknown"] * 2 + ["unknown"]


def test_classify_every_proxy() -> None:
    c = commits(author_tz_min=[480, 0, -300], author_domain_class=["other", "cn_edu", "us_edu"],
                author_id=["a", "a", "b"],
                author_time_utc=pd.to_datetime(["2023-01-02 03:00", "2023-01-02 20:00", "2023-01-02 15:00"],
                                               utc=True))
    assert geo.classify(c, "tz").tolist() == ["CN", "unknown", "US"]
    assert geo.classify(c, "tz_email").tolist() == ["CN", "CN", "US"]
    assert geo.classify(c, "hour").tolist() == ["CN", "US", "CN"]
    assert geo.classify(c, "tz_author").tolist() == ["CN", "CN", "US"]
    assert geo.classify(c, "hour_author").tolist() == ["unknown", "unknown", "CN"]
    with pytest.raises(ValueError, match="unknown geography proxy"):
        geo.classify(c, "ip")


def test_hour_rule_accuracy_is_exact_on_a_toy_sample() -> None:
    hours = np.array([2, 3, 18, 20, 10])
    truth = np.array(["CN", "CN", "US", "US", "other"])
    acc = geo.hour_rule_accuracy(hours, truth).set_index("cutoff")
    assert acc.loc[17, "accuracy"] == 1.0 and acc.loc[3, "cn_recall"] == 0.5
    assert acc.loc[19, "us_recall"] == 0.5


def test_squash_copies_are_dropped_only_when_the_pr_commits_exist() -> None:
    c = commits(
        reach=["default", "default", "pr"],
        committer_webflow=[True, True, False],
        subject_kind=["pr_suffix", "pr_suffix", None],
        pr_number=pd.array([12, 13, pd.NA], dtype="Int32"),
        pr_head=pd.array([pd.NA, pd.NA, 12], dtype="Int32"),
        is_default=[True, True, False],
    )
    work = panels.select_commits(c, "work")
    assert work["sha"].tolist() == [c["sha"][1], c["sha"][2]]
    assert panels.select_commits(c, "merged")["sha"].tolist() == c["sha"][:2].tolist()


def test_bots_and_merges_are_never_counted() -> None:
    c = commits(is_bot=[True, False, False], is_merge=[False, True, False])
    for unit in vocabulary.UNITS:
        assert len(panels.select_commits(c, unit)) == 1


def test_panel_keeps_zero_cells_and_counts_new_authors() -> None:
    times = pd.to_datetime(["2023-01-02 10:00", "2023-01-03 10:00", "2023-01-17 10:00"], utc=True)
    c = commits(author_time_utc=times, author_id=["a", "a", "a"]).assign(region=["CN", "CN", "US"])
    panel = panels.build_panel(c, "week", ("CN", "US"))
    assert len(panel) == 3 * 2  # three weeks (one empty) x two regions
    cn = panel[panel["region"] == "CN"].set_index("period")
    assert cn["commits"].tolist() == [2, 0, 0] and cn["active_authors"].tolist() == [1, 0, 0]
    assert cn["new_authors"].tolist() == [1, 0, 0]
    us = panel[panel["region"] == "US"].set_index("period")
    assert us.loc[T("2023-01-16"), "commits"] == 1 and us["new_authors"].sum() == 0


def test_month_periods_start_on_the_first() -> None:
    start = panels.period_start(pd.Series(pd.to_datetime(["2023-02-28 23:59"], utc=True)), "month")
    assert start.iloc[0] == T("2023-02-01")


def test_a_shock_without_history_is_not_estimable() -> None:
    periods = pd.date_range("2023-01-02", periods=20, freq="W-MON")
    panel = pd.DataFrame([{"repo": f"r{i}", "period": t, "region": g, "commits": 100}
                          for i in range(6) for t in periods for g in ("CN", "US")])
    p = dvp.PARAMS.resolve({"shocks": "2023-02-06,2023-04-10", "window_weeks": "4", "min_pre_periods": "8"})
    ident = dv.identification(panel, dv.settings(p), p)
    assert ident["estimable"].tolist() == [False, True]
    assert "eligible repositories" in ident.loc["2023-02-06", "why not"]
    with pytest.raises(dv.NoEstimableShock, match="lower 'min_repos'"):
        raise dv.NoEstimableShock(ident.iloc[:1])


# ------------------------------------------------------------------ issue 17: the referee's design

SHOCK = "2023-06-05"


def sim_panel(effects: dict[str, float], n_repos: int = 24, weeks: int = 40, noise: float = 0.0,
              seed: int = 0, base: dict[str, float] | None = None, trend: dict[str, float] | None = None
              ) -> pd.DataFrame:
    """SIMULATED repository x week x region panel: region levels `base`, a level shift `effects[r]`
    from SHOCK on, a linear differential trend `trend[r]` per week, repository x week shocks common
    to all regions, and normal noise."""
    rng = np.random.default_rng(seed)
    base = base or {"CN": 6.0, "US": 10.0, "EU": 4.0}
    trend = trend or {}
    periods = pd.date_range("2023-01-02", periods=weeks, freq="W-MON")
    rows = []
    for i in range(n_repos):
        size = 1 + i % 4
        common = rng.normal(0, 1, weeks)
        for k, t in enumerate(periods):
            for r, level in base.items():
                y = size * (level + effects.get(r, 0.0) * (t >= T(SHOCK)) + trend.get(r, 0.0) * k) + common[k]
                y += rng.normal(0, noise)
                rows.append({"repo": f"r{i:02d}", "period": t, "region": r, "commits": y})
    return pd.DataFrame(rows)


def sim_params(**extra: str) -> dict:
    return dvp.PARAMS.resolve({"shocks": SHOCK, "window_weeks": "12", "min_pre_periods": "4",
                               "holiday_controls": "false", **extra})


def test_window_rules_drop_truncate_and_overlap() -> None:
    shocks = ["2022-08-09", "2022-10-07", "2023-10-17", "2024-12-02"]
    drop = W.shock_windows(shocks, 26, "drop_later", "W")
    assert drop["pooled"].tolist() == [True, False, True, True]
    assert "overlaps that of 2022-08-09" in drop.loc[1, "note"]
    trunc = W.shock_windows(shocks, 26, "truncate", "W").set_index(drop["shock"].dt.strftime("%Y-%m-%d"))
    at = D.period_index(pd.Series([T("2022-08-09"), T("2022-10-07")]), "W")
    gap = int(at[1] - at[0])
    assert trunc.loc["2022-08-09", ["lo", "hi"]].tolist() == [-26, gap]
    assert trunc.loc["2022-10-07", ["lo", "hi"]].tolist() == [-gap, 26]
    assert trunc.loc["2023-10-17", ["lo", "hi"]].tolist() == [-26, 26] and trunc["pooled"].all()
    over = W.shock_windows(shocks, 26, "overlap", "W")
    assert (over["lo"] == -26).all() and (over["hi"] == 26).all() and over["pooled"].all()
    with pytest.raises(ValueError, match="unknown window rule"):
        W.shock_windows(shocks, 26, "merge", "W")


def test_drop_later_puts_no_period_in_the_pool_twice() -> None:
    panel = sim_panel({})
    d = D.Design(treated="CN", control="US")
    shocks = ["2023-03-06", "2023-04-03", "2023-08-07"]
    for rule, twice in (("drop_later", False), ("overlap", True)):
        w = W.shock_windows(shocks, 8, rule, "W")
        data = W.stack(panel, w[w["pooled"]], d, ["CN", "US"])
        counts = data.groupby(["repo", "period", "region"]).size()
        assert bool((counts > 1).any()) is twice


def test_triple_difference_finds_the_side_that_moved() -> None:
    p = sim_params()
    s = dv.settings(p)
    us_fell = sim_panel({"US": -2.0})          # CN and EU unchanged: the U.S. side moved
    pairs = dv.placebo_pairs(us_fell, s, p, [SHOCK], "ols_level")
    sizes = np.mean([1 + i % 4 for i in range(24)])
    assert pairs.loc["CN-US", "coef"] == pytest.approx(2.0 * sizes, abs=1e-8)
    assert pairs.loc["EU-US", "coef"] == pytest.approx(2.0 * sizes, abs=1e-8)
    noisy = dv.triple_difference(sim_panel({"US": -2.0}, noise=0.5, seed=1), s, p, [SHOCK], "ols_level")
    assert abs(noisy.coef) < 3 * noisy.se and noisy.p > 0.01
    cn_rose = sim_panel({"CN": 3.0}, noise=0.5, seed=2)
    triple = dv.triple_difference(cn_rose, s, p, [SHOCK], "ols_level")
    assert triple.coef == pytest.approx(3.0 * sizes, rel=0.05) and triple.p < 0.001
    # its standard error is the clustered one of the difference of the two coefficients
    data, design, _ = dv.stack_regions(cn_rose, s, dv.windows_for(s, [SHOCK]), "CN", "US", 4, extra=("EU",))
    fit = regions.fit_terms(data, design, ["post_CN", "post_EU"], "ols_level")
    v = fit.vcov
    assert triple.se == pytest.approx(float(np.sqrt(v[0, 0] + v[1, 1] - 2 * v[0, 1])))


def test_relative_effects_and_the_minimum_detectable_effect() -> None:
    p = sim_params()
    s = dv.settings(p)
    panel = sim_panel({"CN": 1.5}, noise=1.0, seed=3)
    data, design, hol = dv.stack_regions(panel, s, dv.windows_for(s, [SHOCK]), "CN", "US", 4)
    row = dv.estimate_row(data, design, ["treat_post", *hol], "ols_level", SHOCK)
    assert row["pre_mean"] == pytest.approx(data.loc[(data["region"] == "CN") & (data["post"] == 0),
                                                     "commits"].mean())
    assert row["pct"] == pytest.approx(row["coef"] / row["pre_mean"])
    assert row["mde"] == pytest.approx(power.mde(row["se"], 0.8, 0.05, row["clusters"]))
    assert row["mde"] == pytest.approx((2.0687 + 0.8575) * row["se"], rel=2e-3)  # t(23) quantiles
    assert dv.relative(0.1, 5.0, "ols_log") == pytest.approx(np.expm1(0.1))
    assert np.isnan(dv.relative(1.0, 0.0, "ols_level"))


def test_sign_flips_reproduce_the_regression_and_hold_their_size() -> None:
    p = sim_params()
    s = dv.settings(p)
    panel = sim_panel({"CN": 2.0}, noise=1.0, seed=4)
    data, design, _ = dv.stack_regions(panel, s, dv.windows_for(s, [SHOCK]), "CN", "US", 4)
    data["holiday_CN"] = ((data["region"] == "CN") & (data["rel"] % 5 == 0)).astype(float)
    terms = ["treat_post", "holiday_CN"]
    fit = regions.fit_terms(data, design, terms, "ols_level").table().loc["treat_post"]
    got = sign_flip.sign_flip_test(data, design, terms, draws=199, seed=1)
    assert got.coef == pytest.approx(fit["coef"], rel=1e-10) and got.se == pytest.approx(fit["se"], rel=1e-10)
    assert got.p_value == pytest.approx(1 / 200)  # a large effect: no flip reaches it
    # no effect: the test rejects at 10% in about 10% of simulated panels
    rejections = []
    for seed in range(60):
        null = sim_panel({}, n_repos=16, weeks=24, noise=1.0, seed=100 + seed)
        d, des, _ = dv.stack_regions(null, s, dv.windows_for(s, [SHOCK]), "CN", "US", 4)
        result = sign_flip.sign_flip_test(d, des, ["treat_post"], draws=199, seed=seed)
        rejections.append(result.p_value <= 0.10)
    assert 0.02 <= np.mean(rejections) <= 0.22
    with pytest.raises(ValueError, match="OLS estimator"):
        sign_flip.sign_flip_test(data, design, terms, estimator="ppml")


def test_honest_breakdown_on_simulated_event_studies() -> None:
    p = sim_params()
    s = dv.settings(p)
    big = sim_panel({"CN": 4.0}, noise=0.5, seed=5)
    _, summary, bounds = dv.event_studies(big, s, p, [SHOCK], "ols_level", [SHOCK])
    assert summary.loc[SHOCK, "breakdown_mbar"] > 1
    table = bounds[SHOCK].set_index("mbar")
    assert table.loc[0.0, "ci_low"] > 0 and (table["ci_high"] - table["ci_low"]).is_monotonic_increasing
    none = sim_panel({}, noise=1.0, seed=6)
    _, summary0, _ = dv.event_studies(none, s, p, [SHOCK], "ols_level", [SHOCK])
    assert summary0.loc[SHOCK, "breakdown_mbar"] == 0.0
    trending = sim_panel({}, noise=0.3, seed=7, trend={"CN": 0.3})
    _, summary_t, _ = dv.event_studies(trending, s, p, [SHOCK], "ols_level", [SHOCK])
    assert summary_t.loc[SHOCK, "pretrend_p"] < 0.01
    assert "none of the 1" in dv.pretrend_text(summary0) and "2023-06-05" in dv.pretrend_text(summary_t)
    assert dv.honest_words(0.0).startswith("it is not significant")
    assert "1.50 times" in dv.honest_words(1.5)


def test_two_declines_are_not_the_larger_rise() -> None:
    # the review's case: -0.954 (base 6.8) against -2.107 (base 10.9)
    cn, us = -0.954 / 6.8, -2.107 / 10.9
    assert relative_change_sentence("China-linked commits", cn, "U.S. ones", us) == \
        "China-linked commits fell less than U.S. ones"
    assert dv.paper_agreement(cn, us, 0.143, 0.012) == \
        "keeps the paper's ordering of the two groups but not its signs"
    assert dv.paper_agreement(0.2, 0.01, 0.143, 0.012) == \
        "agrees with the paper's pattern in signs and ordering"
    assert dv.paper_agreement(0.01, 0.2, 0.143, 0.012).startswith("has the paper's signs but the opposite")
    assert dv.paper_agreement(-0.3, -0.1, 0.143, 0.012).startswith("agrees with the paper's pattern neither")


def test_null_reading_and_significance_use_the_bootstrap_where_it_exists() -> None:
    row = {"coef": 1.2, "p": 0.01, "p_bootstrap": 0.2, "ci_high": 3.0, "ci_high_pct": 0.5, "mde_pct": 0.45}
    assert "rules out increases larger than 50%" in dv.null_reading(row)
    significant = dv.null_reading({**row, "p_bootstrap": 0.01})
    assert significant.startswith("the estimate is statistically significant")
    assert "rules out any increase" in dv.null_reading({**row, "ci_high": -0.1})


def test_new_parameters_are_validated() -> None:
    with pytest.raises(ParamError, match="both 'CN'"):
        dvp.PARAMS.resolve({"treated_region": "CN", "control_region": "CN"})
    with pytest.raises(ParamError, match="knows only CN and US"):
        dvp.PARAMS.resolve({"geo_proxy": "hour", "treated_region": "EU"})
    with pytest.raises(ParamError, match="holiday_controls false"):
        dvp.PARAMS.resolve({"period": "month"})
    with pytest.raises(ParamError):
        dvp.PARAMS.resolve({"shock_windows": "merge"})
    with pytest.raises(ParamError):
        dvp.PARAMS.resolve({"ri_draws": "10"})
    assert dvp.PARAMS.resolve({"period": "month", "holiday_controls": "false"})["period"] == "month"


def test_copies_are_dropped_by_default_and_counted() -> None:
    c = commits(author_id=["a", "a", "b"], reach=["default", "pr", "default"], is_default=[True, False, True])
    repos = pd.DataFrame({"repo": ["o/r"], "group": ["A"]})
    kept, share = dv.selected_commits(c, repos, dvp.PARAMS.defaults())
    assert len(kept) == 2 and share == pytest.approx(1 / 3)
    assert kept["reach"].tolist() == ["default", "default"]
    every, _ = dv.selected_commits(c, repos, {**dvp.PARAMS.defaults(), "copies": "keep"})
    assert len(every) == 3


def test_eu_is_split_off_other_only_under_time_zones() -> None:
    c = commits(author_tz_min=[120, 540, 480], author_id=["a", "b", "c"],
                author_time_utc=pd.to_datetime(["2023-01-02 10:00", "2023-01-02 11:00", "2023-01-02 12:00"],
                                               utc=True))
    assert dv.classify(c, dvp.PARAMS.defaults())["region"].tolist() == ["EU", "other", "CN"]
    assert dv.classify(c, {**dvp.PARAMS.defaults(), "geo_proxy": "hour"})["region"].tolist() == ["CN"] * 3


def test_clock_precision_and_global_base_rate() -> None:
    c = commits(author_tz_min=[480, 480, -300, 120, 0],
                author_time_utc=pd.to_datetime(["2023-01-02 03:00", "2023-01-02 20:00", "2023-01-02 14:00",
                                                "2023-01-02 09:00", "2023-01-02 05:00"], utc=True))
    scores = dv.clock_scores(dv.classify(c, dvp.PARAMS.defaults()), 17)
    assert scores["precision_cn"] == pytest.approx(1 / 3)   # CN, US morning, EU: unknown left out
    assert scores["cn_recall"] == 0.5 and scores["us_recall"] == 0.0 and scores["balanced"] == 0.25
    assert scores["fp_eu_share"] == 0.5 and scores["fp_us_share"] == 0.5
    hours = pd.DataFrame({"date": pd.to_datetime(["2023-01-02"] * 3 + ["2020-01-01"]), "hour": [3, 16, 20, 3],
                          "events": [10, 20, 70, 1000], "file_count": [24, 24, 24, 24]})
    share, days = dv.clock_global_share(hours, [T("2023-01-10")], 4)
    assert share == pytest.approx(0.3) and days == 1
    with pytest.raises(dv.DataError, match="no complete day"):
        dv.clock_global_share(hours, [T("2010-01-01")], 4)
    devs = pd.DataFrame({"economy": ["CN", "HK", "all"], "developers": [8, 2, 100]})
    assert dv.developer_share(devs, ("CN", "HK")) == pytest.approx(0.1)
    with pytest.raises(dv.DataError, match="economy 'all'"):
        dv.developer_share(devs[devs["economy"] != "all"], ("CN",))


def test_curated_developer_counts_have_a_total_and_sources() -> None:
    from pathlib import Path

    table = pd.read_csv(Path(__file__).resolve().parents[1] / dvp.GITHUB_DEVELOPERS)
    assert (table["economy"] == "all").sum() == 1 and table["source_url"].str.startswith("https://").all()
    total = table.loc[table["economy"] == "all", "developers"].iloc[0]
    assert table.loc[table["economy"] != "all", "developers"].sum() < total


def test_placebo_dates_text_follows_the_counts() -> None:
    from types import SimpleNamespace

    reasons = ["overlaps a real shock window", "eligible units outside the band", "not estimable"]
    table = pd.DataFrame({"shift": [10, -180, 200], "reason": reasons})
    none = SimpleNamespace(qualified=0, p_value=float("nan"), draws=table)
    assert "at least 3.4 years away" in dv.placebo_dates_text(none)
    some = SimpleNamespace(qualified=5, p_value=0.25, draws=table)
    assert dv.placebo_dates_text(some) == "its p-value is 0.250"
    overlap = SimpleNamespace(qualified=0, p_value=float("nan"), draws=table.iloc[:1])
    assert dv.placebo_dates_text(overlap).startswith("so this design has no usable placebo dates")


def test_clock_base_verdict_follows_the_ratio() -> None:
    assert "time of day" in dv.clock_base_verdict(0.7, 0.08)
    assert "far fewer" in dv.clock_base_verdict(0.02, 0.08)
    assert "of the order" in dv.clock_base_verdict(0.1, 0.08)


def test_params_table_reads_yes_and_no() -> None:
    table = pd.DataFrame({"parameter": ["a", "b"], "value": ["True", "x"], "default": ["no (False)", "yes"]})
    out = dv.readable_params(table)
    assert out["value"].tolist() == ["yes", "x"] and out["default"].tolist() == ["no (default: no)", "yes"]


def test_placebo_sentences_with_and_without_a_placebo_region() -> None:
    p = sim_params()
    s = dv.settings(p)
    panel = sim_panel({"US": -2.0}, noise=0.5, seed=8)
    pairs = dv.placebo_pairs(panel, s, p, [SHOCK], "ols_level")
    triple = dv.triple_difference(panel, s, p, [SHOCK], "ols_level")
    text = dv.placebo_sentence(pairs, triple)
    assert f"CN−US is {pairs.loc['CN-US', 'coef']:.3f}" in text and f"is {number(triple.coef)}" in text
    assert "-" not in text.replace("CN-", "").replace("EU-", "").replace("pre-shock", "").replace(
        "repository-clustered", "")  # true minus signs only
    assert "not available" in dv.placebo_sentence(None, None) and "nan" not in dv.placebo_sentence(None, None)
    across = dv.placebo_across(panel, s, p, [SHOCK], {"ols_level": (pairs, triple)})
    assert dv.scales_sentence(across).startswith(
        "Europe-offset commits gain on U.S. ones under all 3 estimators")
    assert "nothing to compare" in dv.scales_sentence(None)


# ------------------------------------------------------------------ issue 27: the second referee round

from chipshock.chapters.developers import referee as rf  # noqa: E402
from chipshock.econometrics import stacked  # noqa: E402


@pytest.mark.parametrize(("cn", "eu", "triple", "tost", "code"), [
    ((1.0, 0.01), (0.9, 0.01), (0.1, 0.8), 0.9, "us"),       # Europe moved as China did, against the U.S.
    ((-1.0, 0.01), (-0.9, 0.02), (-0.1, 0.8), 0.9, "us"),    # the same with two declines
    ((1.0, 0.01), (0.5, 0.01), (0.5, 0.01), 0.9, "both"),
    ((1.0, 0.01), (0.0, 0.90), (1.0, 0.01), 0.01, "china"),  # Europe and the U.S. alike (equivalence)
    ((-1.0, 0.01), (0.05, 0.80), (-1.0, 0.02), 0.02, "china"),
    ((0.2, 0.60), (0.0, 0.90), (0.2, 0.7), 0.01, "none"),
    ((1.2, 0.25), (0.9, 0.36), (0.3, 0.7), 0.69, "unknown"),  # the default run: point estimates only
    ((1.0, 0.01), (-0.9, 0.01), (1.9, 0.01), 0.9, "unknown"),  # Europe significant but the other way
    ((1.0, 0.01), (0.9, 0.06), (0.1, 0.8), 0.9, "unknown"),
    ((float("nan"), 1.0), (0.1, 0.5), (0.1, 0.5), 0.5, "unavailable"),
])
def test_side_of_movement_needs_a_significant_placebo_or_an_equivalence(cn: tuple, eu: tuple, triple: tuple,
                                                                         tost: float, code: str) -> None:
    got = rf.side_of_movement(cn, eu, triple, tost)
    assert got == code and got in rf.SIDE_TEXTS
    if code == "unknown":
        assert "cannot tell which side moved" in rf.SIDE_TEXTS[code]


def test_smallest_effect_and_tost_on_each_scale() -> None:
    assert rf.smallest_effect(6.0, "ols_level") == pytest.approx(0.6)
    assert rf.smallest_effect(6.0, "ppml") == pytest.approx(np.log(1.1))
    assert np.isnan(rf.smallest_effect(0.0, "ols_level"))
    assert rf.tost({"coef": 0.0, "se": 0.1, "clusters": 60}, 0.6) < 0.001
    assert rf.tost({"coef": 0.5, "se": 0.5, "clusters": 60}, 0.6) > 0.4


def test_unknown_bounds_bracket_the_side_the_unknown_commits_belong_to() -> None:
    """SIMULATED: unknown commits rise by 3 after the shock; given to CN they add 3 to CN-US, given to
    the U.S. they take 3 off; the bounds are those two estimates."""
    base = {"CN": 6.0, "US": 10.0, "unknown": 2.0}
    panel = sim_panel({"CN": 1.0, "unknown": 3.0}, base=base, seed=5)
    p = sim_params()
    s = dv.settings(p)
    plain = dv.fit_stack(*dv.stack_regions(panel, s, dv.windows_for(s, [SHOCK]), "CN", "US", 4)[:2],
                         ["treat_post"], "ols_level").coef[0]
    b = rf.unknown_bounds(panel, s, p, [SHOCK], "ols_level")
    mean_size = np.mean([1 + i % 4 for i in range(24)])
    assert b["unknown_to_treated"] == pytest.approx(plain + 3.0 * mean_size, abs=0.2)  # the common noise
    assert b["unknown_to_control"] == pytest.approx(plain - 3.0 * mean_size, abs=0.2)
    assert b["unknown_bounds_low"] <= plain <= b["unknown_bounds_high"]


def test_shock_weights_average_the_shocks_into_the_pool() -> None:
    p = dvp.PARAMS.resolve({"shocks": "2023-03-06,2023-09-04", "window_weeks": "8", "min_pre_periods": "4",
                            "holiday_controls": "false"})
    s = dv.settings(p)
    panel = sim_panel({"CN": 2.0}, weeks=60, noise=1.0, seed=7)
    shocks = ["2023-03-06", "2023-09-04"]
    w = rf.shock_weights(panel, s, p, shocks, "ols_level")
    assert w["weight"].sum() == pytest.approx(1.0)
    data, design, _ = dv.stack_regions(panel, s, dv.windows_for(s, shocks), "CN", "US", 4)
    pooled = dv.fit_stack(data, design, ["treat_post"], "ols_level").coef[0]
    assert w["contribution"].sum() == pytest.approx(pooled, rel=1e-9)


def test_clean_control_windows_cut_every_other_shocks_window() -> None:
    p = dvp.PARAMS.resolve({"shocks": "2023-01-02,2023-03-06,2024-06-03", "window_weeks": "12"})
    w = rf.clean_control_windows(dv.settings(p))
    first, second, third = w.itertuples()
    assert (first.lo, first.hi) == (-12, 0) and not first.pooled   # the second shock's window starts at +-3
    assert (second.lo, second.hi) == (0, 12) and not second.pooled
    assert (third.lo, third.hi) == (-12, 12) and third.pooled


def test_two_way_clustering_collapses_to_one_way_with_one_period_per_cluster() -> None:
    p = sim_params()
    s = dv.settings(p)
    panel = sim_panel({"CN": 1.0}, noise=2.0, seed=9)
    data, design, _ = dv.stack_regions(panel, s, dv.windows_for(s, [SHOCK]), "CN", "US", 4)
    diff = stacked.difference(data, design, ["treat_post"], "ols_level")
    fit = stacked.fit_differenced(diff)
    vcov, g = stacked.twoway_vcov(diff, fit)
    assert g == min(fit.n_clusters, len(np.unique(diff.period)))
    assert vcov[0, 0] > 0 and not np.isclose(vcov[0, 0], fit.vcov[0, 0])
    assert 0 < rf.twoway_p(data, design, ["treat_post"], "ols_level") < 1


def test_release_weeks_cover_the_window_around_each_release() -> None:
    releases = pd.DataFrame({"date": pd.to_datetime(["2024-12-26", "2023-09-27"]), "origin": ["CN", "FR"]})
    weeks = rf.release_weeks(releases, 1)
    assert weeks == {T("2024-12-16"), T("2024-12-23"), T("2024-12-30")}  # the French release is not counted
    p = dvp.PARAMS.resolve({"release_window_weeks": "1"})
    assert dv.dropped_periods(releases, p) == weeks
    assert dv.dropped_periods(releases, dvp.PARAMS.defaults()) == set()


def test_clock_base_rates_and_lift() -> None:
    times = pd.to_datetime(["2023-01-02 03:00", "2023-01-02 04:00", "2023-01-02 05:00", "2023-01-02 20:00",
                            "2023-01-02 06:00"], utc=True)
    frame = pd.DataFrame({"author_time_utc": times, "region": ["CN", "US", "EU", "US", "unknown"]})
    r = rf.clock_base_rates(frame, 17)
    assert r["clock_base_rate_cn"] == pytest.approx(1 / 4)  # UTC+00:00 is not in the denominator
    assert r["clock_lift"] == pytest.approx((1 / 3) / (1 / 4))  # three known commits called CN, one is
    assert r["clock_precision_two_region"] == pytest.approx(1 / 2)
    text = rf.clock_benchmarks_sentence(0.8, 17, 0.2)
    assert "70.8%" in text and "more than an even spread" in text and "4.0 times" in text


def test_every_section_on_the_real_data_declares_what_it_glues() -> None:
    """The sections on the processed data at the defaults (no notebook): keys as declared, and the
    issue-27 invariants (placebo sets clear of every real window, bounds ordered, a side code)."""
    from chipshock.chapters.developers import results as res
    from chipshock.chapters.developers import sections as S
    from chipshock.paths import find_project

    d = S.inputs(find_project(), dvp.PARAMS.defaults())
    ident = S.identification_section(d)
    did = S.did_section(d, ident)
    placebo = S.placebo_section(d, did)
    events = S.event_section(d, ident, did, placebo)
    clock = S.clock_section(d)
    flips = S.sign_flip_section(d, did)
    estimand = S.estimand_section(d, did)
    verdict = S.verdict_section(d, ident, did, placebo, events, clock)
    for result in (ident, did, placebo, events, clock, flips, estimand, verdict):
        assert sorted(result.values()) == sorted(type(result).glue_keys())
    assert flips.placebo_sets_overlapping_real == 0
    assert 0 < flips.ri_pooled_mc_se < 0.03
    assert estimand.unknown_bounds_low <= estimand.unknown_bounds_high
    assert placebo.side_code in rf.SIDE_TEXTS
    assert 0 <= did.tost_pooled_p <= 1 and 0 <= did.twoway_pooled_p <= 1
    assert verdict.values()["claim3_alternatives"] == 6
    assert isinstance(res.VerdictResult.glue_keys(), list)
