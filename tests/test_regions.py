"""Placebo regions and the triple difference on simulated panels with known effects."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from chipshock.econometrics import did as D
from chipshock.econometrics import regions as R
from chipshock.econometrics.models import fit_ols

SHOCKS = [pd.Timestamp("2022-08-08"), pd.Timestamp("2023-10-16")]
DESIGN = D.Design(outcome="commits", freq="W")
WINDOW = 10


def simulated(effects: dict[str, float], n_units: int = 40, noise: float = 0.05,
              seed: int = 0) -> pd.DataFrame:
    """Unit x week x region levels: unit-region and unit-week effects, plus `effects[r]` after a shock."""
    rng = np.random.default_rng(seed)
    weeks = pd.date_range("2022-01-03", "2024-06-24", freq="W-MON")
    regions = ["CN", "US", "EU", "other"]
    grid = pd.MultiIndex.from_product([range(n_units), weeks, regions], names=["u", "period", "region"])
    panel = grid.to_frame(index=False)
    u, w = panel["u"].to_numpy(), panel["period"]
    unit_region = rng.normal(5, 2, (n_units, len(regions)))
    unit_week = rng.normal(0, 1, (n_units, len(weeks)))
    r_code = panel["region"].map({r: i for i, r in enumerate(regions)}).to_numpy()
    w_code = ((w - weeks[0]).dt.days // 7).to_numpy()
    y = unit_region[u, r_code] + unit_week[u, w_code] + rng.normal(0, noise, len(panel))
    rel = {sh: D.period_index(w, "W") - D.period_index(pd.Series([sh]), "W")[0] for sh in SHOCKS}
    post = np.zeros(len(panel), dtype=bool)
    for sh in SHOCKS:  # the effect lasts through the shock's post window
        post |= (rel[sh] >= 0) & (rel[sh] < WINDOW)
    for region, effect in effects.items():
        y = y + effect * (post & (panel["region"] == region).to_numpy())
    return panel.assign(repo=panel["u"].map(lambda i: f"r{i:02d}"), commits=y).drop(columns="u")


def test_relabel_eu_only_other_in_range() -> None:
    frame = pd.DataFrame({"region": ["other", "other", "other", "other", "other", "CN", "unknown", "US"],
                          "author_tz_min": [60, 120, 180, 30, 240, 480, 0, -300]})
    out = R.relabel_eu(frame)
    assert out["region"].tolist() == ["EU", "EU", "EU", "other", "other", "CN", "unknown", "US"]
    assert frame["region"].tolist()[0] == "other"  # the input is not modified


def test_eligible_units_needs_history_and_rows_after() -> None:
    weeks = pd.date_range("2022-01-03", periods=30, freq="W-MON")
    rows = [("a", w) for w in weeks] + [("b", w) for w in weeks[15:]] + [("c", w) for w in weeks[:10]]
    panel = pd.DataFrame(rows, columns=["repo", "period"]).assign(region="CN")
    shock = weeks[12]
    assert R.eligible_units(panel, shock, DESIGN, min_pre=8) == ["a"]
    assert R.eligible_units(panel, shock, DESIGN, min_pre=0) == ["a"]
    assert R.eligible_units(panel, weeks[9], DESIGN, min_pre=8) == ["a", "c"]


def test_cn_rise_triple_equals_cn_effect() -> None:
    panel = simulated({"CN": 2.0})
    table = R.pair_table(panel, SHOCKS, WINDOW, DESIGN, "ols_level")
    assert table.loc["CN-US", "coef"] == pytest.approx(2.0, abs=0.03)
    assert table.loc["EU-US", "coef"] == pytest.approx(0.0, abs=0.03)
    assert table.loc["CN-EU", "coef"] == pytest.approx(2.0, abs=0.03)
    triple, fit = R.triple_difference(panel, SHOCKS, WINDOW, DESIGN, estimator="ols_level")
    assert triple.coef == pytest.approx(2.0, abs=0.03)
    assert triple.p < 1e-6
    assert triple.n_clusters == 40
    assert fit.n_obs == 40 * 3 * 2 * 2 * WINDOW


def test_us_fall_triple_is_zero() -> None:
    panel = simulated({"US": -1.5})
    table = R.pair_table(panel, SHOCKS, WINDOW, DESIGN, "ols_level")
    assert table.loc["CN-US", "coef"] == pytest.approx(1.5, abs=0.03)
    assert table.loc["EU-US", "coef"] == pytest.approx(1.5, abs=0.03)
    triple, _ = R.triple_difference(panel, SHOCKS, WINDOW, DESIGN, estimator="ols_level")
    assert triple.coef == pytest.approx(0.0, abs=0.03)
    assert triple.ci_low < 0 < triple.ci_high


def test_triple_se_uses_the_joint_covariance() -> None:
    """Reparameterised so that one coefficient IS the triple difference: same coef and se."""
    panel = simulated({"CN": 0.3, "EU": 0.1}, noise=1.0, seed=3)
    triple, fit = R.triple_difference(panel, SHOCKS, WINDOW, DESIGN, estimator="ols_level")
    data = R.stack_regions(panel, SHOCKS, WINDOW, DESIGN, ["CN", "EU", "US"])
    data["post_CN_or_EU"] = data["post_CN"] + data["post_EU"]
    direct = fit_ols(data, "commits", ["post_CN", "post_CN_or_EU"], D.fixed_effects(DESIGN), "repo")
    assert triple.coef == pytest.approx(direct.coef[0], rel=1e-8)
    assert triple.se == pytest.approx(direct.se[0], rel=1e-6)
    naive = np.sqrt(fit.vcov[0, 0] + fit.vcov[1, 1])  # ignoring the covariance would differ
    assert abs(naive - triple.se) > 1e-3 * triple.se


def test_pair_did_matches_did_stack() -> None:
    panel = simulated({"CN": 1.0}, noise=0.5, seed=1)
    fit = R.pair_did(panel, SHOCKS, WINDOW, DESIGN, "CN", "US", "ols_level")
    direct = D.did(D.stack(panel, SHOCKS, WINDOW, DESIGN), DESIGN, "ols_level")
    assert fit.coef[0] == pytest.approx(direct.coef[0], rel=1e-10)
    assert fit.se[0] == pytest.approx(direct.se[0], rel=1e-10)


def test_contrast_interval() -> None:
    panel = simulated({"CN": 0.5}, noise=1.0, seed=2)
    c, fit = R.triple_difference(panel, SHOCKS, WINDOW, DESIGN, estimator="ols_level")
    from scipy import stats
    crit = stats.t.ppf(0.975, c.n_clusters - 1)
    assert c.ci_high - c.coef == pytest.approx(crit * c.se)
    assert c.t == pytest.approx(c.coef / c.se)
    assert c.as_row()["clusters"] == fit.n_clusters
