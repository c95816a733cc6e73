"""The stacked-DiD core (`econometrics.stacked`): the within-unit identity against pyfixest and the
general estimators, the wide fast path, and sign flips without refits. Panels are SIMULATED."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from chipshock.econometrics import did as D
from chipshock.econometrics import stacked as S
from chipshock.econometrics import windows as W

pf = pytest.importorskip("pyfixest")
SSC = pf.ssc()
DESIGN = D.Design(outcome="commits", freq="W")
SHOCKS = [pd.Timestamp("2022-08-08"), pd.Timestamp("2023-10-16")]
WINDOW = 12
FORMULA = "commits ~ treat_post + flag | repo^period^shock + repo^region^shock"


def simulated_panel(n_units: int = 40, effect: float = 0.5, seed: int = 3,
                    regions: tuple[str, ...] = ("CN", "US")) -> pd.DataFrame:
    """SIMULATED Poisson counts per unit x week x region, ragged spans, a CN effect after each shock."""
    rng = np.random.default_rng(seed)
    weeks = pd.date_range("2021-06-07", "2024-12-30", freq="W-MON")
    rows = []
    for u in range(n_units):
        lo, hi = rng.integers(0, 60), rng.integers(len(weeks) - 60, len(weeks))
        w = weeks[lo:hi]
        level = rng.gamma(2.0, 1.5)
        for region in regions:
            post = np.zeros(len(w), dtype=bool)
            for sh in SHOCKS:
                rel = (w - sh).days // 7
                post |= (rel >= 0) & (rel < WINDOW)
            lam = level * np.exp(0.3 * (region == "CN") + effect * (region == "CN") * post)
            rows.append(pd.DataFrame({"repo": f"r{u:02d}", "period": w, "region": region,
                                      "commits": rng.poisson(lam)}))
    panel = pd.concat(rows, ignore_index=True)
    panel.loc[panel["repo"] == "r00", "commits"] = 0  # a unit without events: separated in PPML
    return panel


def stacked_frame(panel: pd.DataFrame) -> pd.DataFrame:
    windows = W.shock_windows(SHOCKS, WINDOW, "overlap", "W")
    data = W.stack(panel, windows, DESIGN, ["CN", "US"], min_pre=4)
    rng = np.random.default_rng(0)
    return data.assign(flag=rng.integers(0, 2, len(data)).astype(float))  # a region-specific regressor


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return stacked_frame(simulated_panel())


@pytest.mark.parametrize("estimator", ["ols_level", "ols_log"])
def test_ols_core_matches_pyfixest(data: pd.DataFrame, estimator: str) -> None:
    ours = S.fit(data, DESIGN, ["treat_post", "flag"], estimator)
    frame = data.assign(commits=np.log1p(data["commits"])) if estimator == "ols_log" else data
    ref = pf.feols(FORMULA, frame, vcov={"CRV1": "repo"}, ssc=SSC)
    np.testing.assert_allclose(ours.coef, ref.coef().to_numpy(), rtol=0, atol=1e-6)
    np.testing.assert_allclose(ours.se, ref.se().to_numpy(), rtol=0, atol=1e-6)
    np.testing.assert_allclose(ours.table()["p"], ref.pvalue().to_numpy(), atol=1e-6)
    assert ours.n_obs == ref._N


def test_ppml_core_matches_pyfixest(data: pd.DataFrame) -> None:
    ours = S.fit(data, DESIGN, ["treat_post", "flag"], "ppml")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = pf.fepois(FORMULA, data, vcov={"CRV1": "repo"}, ssc=SSC)
    np.testing.assert_allclose(ours.coef, ref.coef().to_numpy(), rtol=0, atol=1e-6)
    np.testing.assert_allclose(ours.se, ref.se().to_numpy(), rtol=0, atol=1e-6)
    assert ours.n_obs == ref._N


@pytest.mark.parametrize("estimator", ["ols_level", "ols_log", "ppml"])
def test_core_equals_the_general_estimators(data: pd.DataFrame, estimator: str) -> None:
    fast = S.fit(data, DESIGN, ["treat_post", "flag"], estimator)
    slow = S.fit_general(data, DESIGN, ["treat_post", "flag"], estimator)
    np.testing.assert_allclose(fast.coef, slow.coef, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(fast.se, slow.se, rtol=1e-6, atol=1e-9)
    assert (fast.n_obs, fast.n_clusters, fast.df_k) == (slow.n_obs, slow.n_clusters, slow.df_k)


def test_core_recovers_the_simulated_effect() -> None:
    fit = S.fit(stacked_frame(simulated_panel(n_units=80, effect=0.5)), DESIGN, ["treat_post"], "ppml")
    lo, hi = fit.table().loc["treat_post", ["ci_low", "ci_high"]]
    assert lo < 0.5 < hi and lo > 0


def test_a_third_region_falls_back_on_the_general_estimators() -> None:
    panel = simulated_panel(n_units=12, regions=("CN", "US", "EU"))
    windows = W.shock_windows(SHOCKS, WINDOW, "overlap", "W")
    data = W.stack(panel, windows, DESIGN, ["CN", "US", "EU"], min_pre=4)
    assert S.difference(data, DESIGN, ["treat_post"]) is None
    fit = S.fit(data, DESIGN, ["post_CN", "post_EU"], "ols_level")
    ref = S.fit_general(data, DESIGN, ["post_CN", "post_EU"], "ols_level")
    np.testing.assert_allclose(fit.coef, ref.coef)


def test_the_wide_path_gives_the_long_rows(data: pd.DataFrame) -> None:
    panel = simulated_panel()
    wide = S.wide_panel(panel, DESIGN, ["commits"])
    windows = W.shock_windows(SHOCKS, WINDOW, "overlap", "W")
    ats = D.period_index(windows["shock"], "W")
    st = S.stack_wide(wide, ats, windows["lo"], windows["hi"], min_pre=4)
    for estimator in ("ols_log", "ppml"):
        fast = S.fit_differenced(S.prepare(wide, st, S.Spec("commits", estimator, "CN", "US")))
        long = S.fit(data, DESIGN, ["treat_post"], estimator)
        np.testing.assert_allclose(fast.coef, long.coef, rtol=1e-9)
        np.testing.assert_allclose(fast.se, long.se, rtol=1e-9)


def test_a_sign_flip_draw_equals_a_refit_with_the_labels_swapped(data: pd.DataFrame) -> None:
    diff = S.difference(data, DESIGN, ["treat_post"], "ols_level")
    kept = sorted(set(data["repo"]) - {"r00"}) if diff.unit.max() + 1 < data["repo"].nunique() \
        else sorted(data["repo"].unique())
    signs = np.where(np.arange(len(kept)) % 3 == 0, -1.0, 1.0)
    coef, t = S.flip(S.unit_sums(diff), np.column_stack([np.ones(len(kept)), signs]))
    fit = S.fit(data, DESIGN, ["treat_post"], "ols_level")
    assert coef[0] == pytest.approx(fit.coef[0]) and t[0] == pytest.approx(fit.table()["t"].iloc[0])
    swapped = data["repo"].isin(set(np.array(kept)[signs < 0]))
    region = data["region"].where(~swapped, data["region"].map({"CN": "US", "US": "CN"}))
    ref = S.fit(data.assign(region=region, treat_post=(region == "CN") * data["post"]), DESIGN,
                ["treat_post"], "ols_level")
    assert coef[1] == pytest.approx(ref.coef[0], rel=1e-9)
    assert t[1] == pytest.approx(ref.table()["t"].iloc[0], rel=1e-9)


def test_scalar_draws_equal_flip_for_one_regressor(data: pd.DataFrame) -> None:
    diff = S.difference(data, DESIGN, ["treat_post"], "ols_log")
    sums = S.unit_sums(diff)
    rows = np.bincount(diff.unit)
    coef, t = S.scalar_draws(sums.m[:, :1], sums.q[:, 0, :1], rows[:, None].astype(float))
    c2, t2 = S.flip(sums, np.ones((len(rows), 1)))
    assert coef[0] == pytest.approx(c2[0]) and t[0] == pytest.approx(t2[0])


def test_bootstrap_on_the_core_equals_the_general_one(data: pd.DataFrame) -> None:
    small = data[data["repo"].isin(sorted(data["repo"].unique())[:12])]
    fast = S.fit(small, DESIGN, ["treat_post"], "ols_level").bootstrap("treat_post", draws=999, seed=2)
    slow = S.fit_general(small, DESIGN, ["treat_post"], "ols_level").bootstrap("treat_post", draws=999,
                                                                              seed=2)
    assert fast.p_value == pytest.approx(slow.p_value, abs=1e-12)
