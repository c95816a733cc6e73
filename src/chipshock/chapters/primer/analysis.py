"""The methods primer: SIMULATED data where the true effect is known, to watch estimators work.

Every data set here is simulated (and labelled so in the book). Nothing in this module touches
the book's real data.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from chipshock.chapters.primer.parameters import EXERCISE_RUN, exercise_note, exercise_run  # noqa: F401 (re-exported)
from chipshock.charts import PALETTE
from chipshock.econometrics import did as D
from chipshock.econometrics.models import Fit, fit_ols, fit_ppml


def classic_panel(rng: np.random.Generator, n_units: int, n_periods: int, effect: float,
                  pre_trend: float = 0.0) -> pd.DataFrame:
    """SIMULATED unit x period outcomes; half the units treated from the middle period on."""
    units, periods = np.arange(n_units), np.arange(n_periods)
    df = pd.DataFrame([(u, t) for u in units for t in periods], columns=["unit", "period"])
    treated_units = units[: n_units // 2]
    df["treated"] = df["unit"].isin(treated_units).astype(float)
    start = n_periods // 2
    df["post"] = (df["period"] >= start).astype(float)
    df["treat"] = df["treated"] * df["post"]
    alpha = rng.normal(0, 1, n_units)[df["unit"]] + 1.0 * df["treated"]  # treated start higher
    lam = 0.05 * df["period"] + rng.normal(0, 0.2, n_periods)[df["period"]]
    drift = pre_trend * df["treated"] * np.minimum(df["period"] - start, 0)
    df["y"] = alpha + lam + drift + effect * df["treat"] + rng.normal(0, 0.5, len(df))
    df["rel"] = df["period"] - start
    return df


def twfe(df: pd.DataFrame) -> Fit:
    """Two-way fixed effects DiD: unit and period effects, errors clustered by unit."""
    return fit_ols(df, "y", ["treat"], [["unit"], ["period"]], "unit")


def naive_after(df: pd.DataFrame) -> float:
    """Treated minus control after treatment, ignoring that they differed before."""
    post = df[df["post"] == 1]
    return float(post.loc[post["treated"] == 1, "y"].mean() - post.loc[post["treated"] == 0, "y"].mean())


def classic_event_study(df: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, float]]:
    """Treated-minus-control gap by relative period (reference -1) and the pre-trend F test."""
    rels = sorted(set(df["rel"]) - {-1})
    names = [f"rel_{r}" for r in rels]
    dummies = pd.DataFrame({n: df["treated"] * (df["rel"] == r) for n, r in zip(names, rels, strict=True)})
    fit = fit_ols(pd.concat([df, dummies], axis=1), "y", names, [["unit"], ["period"]], "unit")
    table = fit.table().assign(rel=rels).reset_index(drop=True)
    pre = [n for n, r in zip(names, rels, strict=True) if r < -1]
    return table, fit.wald(pre)


def count_panel(rng: np.random.Generator, n_units: int, n_periods: int, effect: float) -> pd.DataFrame:
    """SIMULATED counts with many zeros: Poisson with a multiplicative effect exp(effect)."""
    df = classic_panel(rng, n_units, n_periods, 0.0)
    scale = np.exp(rng.normal(0.0, 1.0, n_units))[df["unit"]]  # many small units: lots of zeros
    mu = scale * np.exp(0.03 * df["period"] + effect * df["treat"])
    return df.assign(y=rng.poisson(mu), ly=lambda d: np.log1p(d["y"]))


def count_estimators(df: pd.DataFrame) -> pd.DataFrame:
    """PPML and OLS on log(1+y), both with unit and period effects."""
    ppml = fit_ppml(df, "y", ["treat"], [["unit"], ["period"]], "unit").table().loc["treat"]
    ols = fit_ols(df, "ly", ["treat"], [["unit"], ["period"]], "unit").table().loc["treat"]
    return pd.DataFrame({"PPML": ppml, "OLS on log(1+y)": ols}).T[["coef", "se", "ci_low", "ci_high"]]


def few_cluster_rejections(rng: np.random.Generator, clusters: int, periods: int, replications: int,
                           seed: int) -> dict[str, float]:
    """Under a true effect of zero, how often CR1 t tests and the wild bootstrap reject at 5%.

    Each repository's China-minus-U.S. gap gets its own random shift after the shock (errors
    correlated within the repository), and there are only `clusters` repositories.
    """
    design = D.Design(outcome="commits", freq="W")
    shock = pd.Timestamp("2023-01-02") + pd.Timedelta(weeks=periods // 2)
    hits = {"CR1, normal critical value": 0, "CR1, t(G-1) critical value": 0, "wild cluster bootstrap": 0}
    for r in range(replications):
        panel = within_panel(rng, clusters, periods, 0.0, repo_shock=0.4)
        fit = D.did(D.stack(panel, [shock], periods, design), design, "ols_log")
        row = fit.table().loc["treat_post"]
        hits["CR1, normal critical value"] += bool(abs(row["t"]) > 1.959964)
        hits["CR1, t(G-1) critical value"] += bool(row["p"] < 0.05)
        boot = fit.bootstrap("treat_post", draws=999, weights="webb", seed=seed + r)
        hits["wild cluster bootstrap"] += bool(boot.p_value < 0.05)
    return {name: n / replications for name, n in hits.items()}


def rejections_table(rates: dict[str, float]) -> pd.DataFrame:
    """The few-clusters rejection rates as a table: one row per test."""
    return pd.DataFrame({"test": list(rates), "rejection_rate": [float(v) for v in rates.values()]})


def within_panel(rng: np.random.Generator, n_units: int, n_periods: int, effect: float,
                 repo_shock: float = 0.0) -> pd.DataFrame:
    """SIMULATED true CN and US commit counts per unit-week; CN rises by exp(effect) after the shock.

    `repo_shock` adds a repository-specific shift of the CN-minus-US gap after the shock (sd on
    the log scale): errors correlated within the repository.
    """
    rows = []
    start = pd.Timestamp("2023-01-02")
    for u in range(n_units):
        size = np.exp(rng.normal(2.0, 0.7))
        share_cn = rng.uniform(0.2, 0.6)
        own = rng.normal(0, repo_shock) if repo_shock else 0.0
        for t in range(n_periods):
            post = t >= n_periods // 2
            common = np.exp(rng.normal(0, 0.3))
            cn = rng.poisson(size * share_cn * common * np.exp((effect + own) * post))
            us = rng.poisson(size * (1 - share_cn) * common)
            period = start + pd.Timedelta(weeks=t)
            rows += [(f"u{u}", period, "CN", cn), (f"u{u}", period, "US", us)]
    return pd.DataFrame(rows, columns=["repo", "period", "region", "commits"])


def misclassify(panel: pd.DataFrame, share: float, rng: np.random.Generator) -> pd.DataFrame:
    """Move a share of each region's commits to the other region (binomial thinning)."""
    wide = panel.pivot_table(index=["repo", "period"], columns="region", values="commits").reset_index()
    cn_out = rng.binomial(wide["CN"].astype(int), share)
    us_out = rng.binomial(wide["US"].astype(int), share)
    wide["CN"], wide["US"] = wide["CN"] - cn_out + us_out, wide["US"] - us_out + cn_out
    return wide.melt(id_vars=["repo", "period"], value_vars=["CN", "US"], var_name="region",
                     value_name="commits")


def attenuation(panel: pd.DataFrame, shares: list[float], rng: np.random.Generator,
                n_periods: int) -> pd.DataFrame:
    """PPML estimate of the CN-minus-US effect as the proxy misclassifies more commits."""
    design = D.Design(outcome="commits", freq="W")
    shock = pd.Timestamp("2023-01-02") + pd.Timedelta(weeks=n_periods // 2)
    rows = []
    for share in shares:
        noisy = misclassify(panel, share, rng)
        t = D.did(D.stack(noisy, [shock], n_periods, design), design, "ppml").table().loc["treat_post"]
        rows.append({"misclassified": share, "coef": t["coef"], "ci_low": t["ci_low"],
                     "ci_high": t["ci_high"]})
    return pd.DataFrame(rows)


def drift_bias(pre_trend: float, n_periods: int) -> float:
    """The bias the pre-treatment drift gives two-way fixed effects in `classic_panel`.

    The treated units sit `pre_trend * (start - t)` below their path before treatment (zero
    after), so their before-after change is inflated by the mean of that gap over the
    `start = n_periods // 2` pre periods: `pre_trend * (start + 1) / 2`.
    """
    start = n_periods // 2
    return pre_trend * (start + 1) / 2


def pre_trend_sandboxes(p: dict[str, Any]) -> dict[str, Any]:
    """Sandboxes 1 and 2 alone (the first two draws of `run_all`, so the same numbers)."""
    rng = np.random.default_rng(p["seed"])
    classic = classic_panel(rng, p["n_units"], p["n_periods"], p["true_effect"])
    trend = classic_panel(rng, p["n_units"], p["n_periods"], p["true_effect"], p["pre_trend"])
    return {"twfe": twfe(classic), "twfe_trend": twfe(trend),
            "trend_p": classic_event_study(trend)[1]["p"]}


def run_all(p: dict[str, Any]) -> dict[str, Any]:
    """Every sandbox with one seeded generator, in a fixed order (reproducible)."""
    rng = np.random.default_rng(p["seed"])
    classic = classic_panel(rng, p["n_units"], p["n_periods"], p["true_effect"])
    trend = classic_panel(rng, p["n_units"], p["n_periods"], p["true_effect"], p["pre_trend"])
    counts = count_panel(rng, p["n_units"], p["n_periods"], p["true_effect"])
    within = within_panel(rng, p["n_units"], p["n_periods"], p["true_effect"])
    return {
        "classic": classic, "twfe": twfe(classic), "naive": naive_after(classic),
        "twfe_trend": twfe(trend),
        "event_flat": classic_event_study(classic), "event_trend": classic_event_study(trend),
        "counts": count_estimators(counts), "zero_share": float((counts["y"] == 0).mean()),
        "few": few_cluster_rejections(rng, p["few_clusters"], 12, p["replications"], p["seed"]),
        "attenuation": attenuation(within, p["misclassification"], rng, p["n_periods"]),
    }


def event_chart(flat: pd.DataFrame, trend: pd.DataFrame, width: int = 270) -> alt.HConcatChart:
    """Event studies without and with a pre-trend, side by side."""
    def one(table: pd.DataFrame, title: str) -> alt.LayerChart:
        base = alt.Chart(table).encode(x=alt.X("rel:Q", title="periods relative to treatment"))
        return alt.layer(
            base.mark_rule(color=PALETTE["sky"]).encode(y=alt.Y("ci_low:Q", title="treated minus control"),
                                                        y2="ci_high:Q"),
            base.mark_point(filled=True, color=PALETTE["blue"]).encode(y="coef:Q"),
            alt.Chart(pd.DataFrame({"y": [0.0]})).mark_rule(color=PALETTE["grey"]).encode(y="y:Q"),
        ).properties(width=width, height=180, title=title)
    return alt.hconcat(one(flat, "parallel trends (SIMULATED)"), one(trend, "a pre-trend (SIMULATED)"))


def attenuation_chart(table: pd.DataFrame, truth: float, width: int = 420) -> alt.LayerChart:
    """Estimated effect against the share of misclassified commits, with the truth marked."""
    base = alt.Chart(table).encode(x=alt.X("misclassified:Q", title="share of commits misclassified",
                                           axis=alt.Axis(format="%")))
    return alt.layer(
        base.mark_rule(color=PALETTE["sky"]).encode(y=alt.Y("ci_low:Q", title="estimated effect (PPML)"),
                                                    y2="ci_high:Q"),
        base.mark_line(point=True, color=PALETTE["blue"]).encode(y="coef:Q"),
        alt.Chart(pd.DataFrame({"y": [truth]})).mark_rule(color=PALETTE["vermillion"], strokeDash=[4, 3])
        .encode(y="y:Q"),
    ).properties(width=width, height=220)
