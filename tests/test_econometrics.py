"""The estimators against pyfixest (an independent implementation) to 1e-6, and the bootstrap
against a brute-force loop."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from chipshock.econometrics import did as D
from chipshock.econometrics.fixed_effects import demean, drop_singletons
from chipshock.econometrics.models import fit_ols, fit_ppml

pf = pytest.importorskip("pyfixest")
FE = [["repo", "t"], ["repo", "region"]]
SSC = pf.ssc()  # pyfixest's (and fixest's) default small-sample correction


def simulated_panel(seed: int = 1, repos: int = 30, periods: int = 40, effect: float = 0.4) -> pd.DataFrame:
    """SIMULATED repo x period x region counts with a known treated-after effect (log scale)."""
    rng = np.random.default_rng(seed)
    rows = []
    for r in range(repos):
        a = rng.normal()
        for t in range(periods):
            for g in ("CN", "US"):
                cn, post = int(g == "CN"), int(t >= periods // 2)
                lam = np.exp(0.3 * a + 0.2 * cn + effect * cn * post + 0.01 * t)
                rows.append({"repo": f"r{r}", "t": t, "region": g, "y": rng.poisson(lam),
                             "treat": cn * post, "x2": rng.normal()})
    df = pd.DataFrame(rows)
    df.loc[df["repo"] == "r0", "y"] = 0  # a unit with no events: separated in PPML
    df["ly"] = np.log1p(df["y"])
    return df


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    return simulated_panel()


def test_ols_matches_pyfixest(panel: pd.DataFrame) -> None:
    ours = fit_ols(panel, "ly", ["treat", "x2"], FE, "repo")
    ref = pf.feols("ly ~ treat + x2 | repo^t + repo^region", panel, vcov={"CRV1": "repo"}, ssc=SSC)
    np.testing.assert_allclose(ours.coef, ref.coef().to_numpy(), rtol=0, atol=1e-6)
    np.testing.assert_allclose(ours.se, ref.se().to_numpy(), rtol=0, atol=1e-6)
    np.testing.assert_allclose(ours.table()["p"], ref.pvalue().to_numpy(), atol=1e-6)


def test_ppml_matches_pyfixest(panel: pd.DataFrame) -> None:
    ours = fit_ppml(panel, "y", ["treat", "x2"], FE, "repo")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = pf.fepois("y ~ treat + x2 | repo^t + repo^region", panel, vcov={"CRV1": "repo"}, ssc=SSC)
    assert ours.n_obs == ref._N and ours.dropped == len(panel) - ref._N
    np.testing.assert_allclose(ours.coef, ref.coef().to_numpy(), rtol=0, atol=1e-6)
    np.testing.assert_allclose(ours.se, ref.se().to_numpy(), rtol=0, atol=1e-6)


def test_ppml_recovers_the_simulated_effect() -> None:
    fit = fit_ppml(simulated_panel(seed=7, repos=60), "y", ["treat"], FE, "repo")
    low, high = fit.table().loc["treat", ["ci_low", "ci_high"]]
    assert low < 0.4 < high


def test_event_study_matches_pyfixest_and_tests_pretrends(panel: pd.DataFrame) -> None:
    design = D.Design(period="period", outcome="y", freq="W")
    df = panel.assign(period=pd.Timestamp("2022-01-03") + pd.to_timedelta(panel["t"] * 7, unit="D"))
    stacked = D.stack(df, [pd.Timestamp("2022-05-23")], window=8, design=design)
    fit, table = D.event_study(stacked, design, "ols_log")
    stacked = stacked.assign(ly=np.log1p(stacked["y"]))
    ref = pf.feols("ly ~ i(rel, treated, ref=-1) | repo^period + repo^region", stacked,
                   vcov={"CRV1": "repo"}, ssc=SSC)
    np.testing.assert_allclose(np.sort(fit.coef), np.sort(ref.coef().to_numpy()), atol=1e-6)
    np.testing.assert_allclose(np.sort(fit.se), np.sort(ref.se().to_numpy()), atol=1e-6)
    assert table.loc[-1, "coef"] == 0 and len(table) == 16
    pre = table.attrs["pretrend"]
    assert pre["df1"] == 7 and 0 <= pre["p"] <= 1


def test_stacked_did_pools_shocks_with_shock_specific_effects(panel: pd.DataFrame) -> None:
    design = D.Design(period="period", outcome="y")
    df = panel.assign(period=pd.Timestamp("2022-01-03") + pd.to_timedelta(panel["t"] * 7, unit="D"))
    shocks = [pd.Timestamp("2022-04-04"), pd.Timestamp("2022-07-04")]
    stacked = D.stack(df, shocks, window=6, design=design)
    fit = D.did(stacked, design, "ppml")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = pf.fepois("y ~ treat_post | repo^period^shock + repo^region^shock", stacked,
                        vcov={"CRV1": "repo"}, ssc=SSC)
    np.testing.assert_allclose(fit.coef, ref.coef().to_numpy(), atol=1e-6)
    np.testing.assert_allclose(fit.se, ref.se().to_numpy(), atol=1e-6)


def test_before_after_is_a_within_unit_change(panel: pd.DataFrame) -> None:
    design = D.Design(period="period", outcome="y")
    df = panel.assign(period=pd.Timestamp("2022-01-03") + pd.to_timedelta(panel["t"] * 7, unit="D"))
    stacked = D.stack(df, [pd.Timestamp("2022-05-23")], window=10, design=design)
    fit = D.before_after(stacked, design, "CN")
    cn = stacked[stacked["region"] == "CN"]
    ref = pf.feols("y ~ post | repo^shock", cn, vcov={"CRV1": "repo"}, ssc=SSC)
    np.testing.assert_allclose(fit.coef, ref.coef().to_numpy(), atol=1e-6)
    np.testing.assert_allclose(fit.se, ref.se().to_numpy(), atol=1e-6)


def test_wild_bootstrap_equals_a_brute_force_enumeration() -> None:
    """With 8 clusters every Rademacher sign pattern is enumerated: compare with refitting."""
    df = simulated_panel(seed=3, repos=8, periods=12)
    fit = fit_ols(df, "ly", ["treat"], FE, "repo")
    fast = fit.bootstrap("treat", draws=9_999)
    assert fast.draws == 2 ** 8
    xt, yt, clusters = fit._design
    fitted_r = np.zeros_like(yt)  # one regressor: the restricted model has only fixed effects
    t_obs = fit.coef[0] / fit.se[0]
    hits = 0
    for signs in range(2 ** 8):
        v = np.array([1.0 if signs >> g & 1 else -1.0 for g in range(8)])
        y_star = fitted_r + v[clusters] * (yt - fitted_r)
        beta = (xt[:, 0] @ y_star) / (xt[:, 0] @ xt[:, 0])
        e = y_star - xt[:, 0] * beta
        scores = np.bincount(clusters, weights=xt[:, 0] * e)
        n = len(yt)
        var = 8 / 7 * (n - 1) / (n - fit.df_k) * (scores @ scores) / (xt[:, 0] @ xt[:, 0]) ** 2
        hits += abs(beta / np.sqrt(var)) >= abs(t_obs) - 1e-12
    assert fast.p_value == pytest.approx(hits / 2 ** 8, abs=1e-12)


def test_bootstrap_is_reproducible_with_a_seed(panel: pd.DataFrame) -> None:
    fit = fit_ols(panel, "ly", ["treat"], FE, "repo")
    a = fit.bootstrap("treat", draws=499, weights="webb", seed=5)
    b = fit.bootstrap("treat", draws=499, weights="webb", seed=5)
    assert a == b and a.draws == 499


def test_demeaning_two_way_equals_dummy_regression() -> None:
    rng = np.random.default_rng(0)
    g1, g2 = rng.integers(0, 5, 200), rng.integers(0, 7, 200)
    x = rng.normal(size=200)
    dummies = np.column_stack([np.eye(5)[g1], np.eye(7)[g2][:, 1:]])
    resid = x - dummies @ np.linalg.lstsq(dummies, x, rcond=None)[0]
    np.testing.assert_allclose(demean(x, [g1, g2])[:, 0], resid, atol=1e-9)


def test_singletons_are_dropped_until_none_remain() -> None:
    g1 = np.array([0, 0, 1, 2, 2, 3])
    g2 = np.array([0, 1, 1, 2, 2, 2])
    keep = drop_singletons([g1, g2])
    assert keep.tolist() == [False, False, False, True, True, False]


def test_classic_twfe_with_non_nested_time_effects_matches_pyfixest() -> None:
    """Treated and control units, unit and period fixed effects (period not nested in clusters)."""
    df = simulated_panel(seed=11, repos=24, periods=16)
    df = df[df["region"] == "CN"].assign(group=lambda d: d["repo"].str[1:].astype(int) % 2)
    df["treat"] = ((df["group"] == 1) & (df["t"] >= 8)).astype(float)
    ours = fit_ols(df, "ly", ["treat"], [["repo"], ["t"]], "repo")
    ref = pf.feols("ly ~ treat | repo + t", df, vcov={"CRV1": "repo"}, ssc=SSC)
    np.testing.assert_allclose(ours.coef, ref.coef().to_numpy(), atol=1e-6)
    np.testing.assert_allclose(ours.se, ref.se().to_numpy(), atol=1e-6)
    assert ours.df_k == 1 + 16  # the slope, the 16 period effects, minus nothing for the nested units
    with pytest.raises(ValueError, match="nested in the clusters"):
        ours.bootstrap("treat", draws=99)
