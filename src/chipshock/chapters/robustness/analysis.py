"""Chapter `robustness`: specification curve, placebo shocks and leave-out estimates of the
developers chapter's China-minus-U.S. difference-in-differences."""

from __future__ import annotations

import itertools
import multiprocessing
from collections.abc import Iterator
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from chipshock.chapters.developers import analysis as dv
from chipshock.chapters.developers.parameters import PARAMS as DEVELOPERS_PARAMS
from chipshock.chapters.robustness.parameters import SHOCK_SETS
from chipshock.charts import PALETTE
from chipshock.data.paper import PAPER_SHOCKS
from chipshock.econometrics import did as D
from chipshock.errors import UserError
from chipshock.measures.vocabulary import CHOICE_LABELS, label
from chipshock.tables import Col, Table, format_table

DIMENSIONS = ("geo_proxy", "unit", "outcome", "period", "window_weeks", "estimator", "repo_groups",
              "shock_set")


def grid(p: dict[str, Any]) -> pd.DataFrame:
    """Every combination of the chosen values: one row per specification."""
    values = [p["geo_proxies"], p["units"], p["outcomes"], p["periods"], p["windows"], p["estimators"],
              p["repo_group_sets"], p["shock_sets"]]
    return pd.DataFrame(list(itertools.product(*values)), columns=list(DIMENSIONS))


def spec_params(base: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    """The developers chapter's parameters for one specification."""
    return {**base, "geo_proxy": spec["geo_proxy"], "unit": spec["unit"], "outcome": spec["outcome"],
            "period": spec["period"], "window_weeks": int(spec["window_weeks"]),
            "estimator": spec["estimator"], "repo_groups": list(spec["repo_groups"]),
            "shocks": [pd.Timestamp(s).date() for s in SHOCK_SETS[spec["shock_set"]]]}


_DATA: dict[str, pd.DataFrame] = {}


def _panel_specs(key: tuple, specs: pd.DataFrame, base: dict[str, Any]) -> list[dict[str, Any]]:
    """Estimate every specification that shares one panel (geo proxy, unit, period, groups)."""
    first = spec_params(base, specs.iloc[0].to_dict())
    panel = dv.make_panel(dv.classified_commits(_DATA["commits"], _DATA["repos"], first),
                          _DATA["releases"], first)
    rows = []
    for _, group in specs.groupby(["window_weeks", "shock_set"], sort=True):
        p = spec_params(base, group.iloc[0].to_dict())
        s = dv.settings(p)
        ident = dv.identification(panel, s, p)
        estimable = [pd.Timestamp(x) for x in ident.index[ident["estimable"]]]
        data = dv.stacked(panel, estimable, s, p["min_pre_periods"]) if estimable else None
        for spec in group.to_dict("records"):
            rows.append({**spec, **_estimate(data, spec, s, len(estimable))})
    return rows


def _estimate(data: pd.DataFrame | None, spec: dict[str, Any], s: dv.Settings, n_shocks: int) -> dict:
    if data is None:
        return {"coef": np.nan, "se": np.nan, "p": np.nan, "ci_low": np.nan, "ci_high": np.nan,
                "repositories": 0, "shocks": 0}
    design = D.Design(outcome=spec["outcome"], freq=s.design.freq)
    t = D.did(data, design, spec["estimator"]).table().loc["treat_post"]
    return {"coef": t["coef"], "se": t["se"], "p": t["p"], "ci_low": t["ci_low"], "ci_high": t["ci_high"],
            "repositories": int(data["repo"].nunique()), "shocks": n_shocks}


def _chunks(specs: pd.DataFrame) -> Iterator[tuple[tuple, pd.DataFrame]]:
    yield from specs.groupby(["geo_proxy", "unit", "period", "repo_groups"], sort=True)


def _run_chunk(args: tuple) -> list[dict[str, Any]]:
    key, specs, base = args
    return _panel_specs(key, specs, base)


def specification_curve(commits: pd.DataFrame, repos: pd.DataFrame, releases: pd.DataFrame,
                        p: dict[str, Any]) -> pd.DataFrame:
    """Estimate every specification of the grid; rows sorted by t statistic (ties by spec)."""
    _DATA.update(commits=commits, repos=repos, releases=releases)
    base = DEVELOPERS_PARAMS.defaults()
    jobs = [(key, specs, base) for key, specs in _chunks(grid(p))]
    if p["workers"] > 1 and len(jobs) > 1:
        with multiprocessing.get_context("fork").Pool(min(p["workers"], len(jobs))) as pool:
            results = pool.map(_run_chunk, jobs, chunksize=1)
    else:
        results = [_run_chunk(job) for job in jobs]
    curve = pd.DataFrame([row for rows in results for row in rows])
    curve["t"] = curve["coef"] / curve["se"]
    curve["positive_significant"] = (curve["coef"] > 0) & (curve["p"] < 0.05)
    curve["negative_significant"] = (curve["coef"] < 0) & (curve["p"] < 0.05)
    curve = curve.sort_values(["t", *DIMENSIONS], kind="stable", na_position="first").reset_index(drop=True)
    curve["rank"] = np.arange(1, len(curve) + 1)
    return curve


def placebo_dates(p: dict[str, Any], window_weeks: int, events: pd.DataFrame,
                  first: str = "2020-01-06", last: str = "2025-12-29") -> list[pd.Timestamp]:
    """Mondays at least a window away from every real shock and two weeks from any policy event."""
    mondays = pd.date_range(first, last, freq="W-MON")
    shocks = pd.to_datetime(list(PAPER_SHOCKS))
    events_t = pd.to_datetime(events["date"])
    far = np.array([
        (np.abs((shocks - d).days).min() > 7 * window_weeks) and (np.abs((events_t - d).dt.days).min() > 14)
        for d in mondays])
    pool = mondays[far]
    rng = np.random.default_rng(p["seed"])
    take = min(p["n_placebo"], len(pool))
    return sorted(pd.Timestamp(d) for d in rng.choice(pool, size=take, replace=False))


def single_shock_estimates(panel: pd.DataFrame, dates: list[pd.Timestamp],
                           base: dict[str, Any]) -> pd.DataFrame:
    """The default single-shock DiD at each date (NaN where not estimable)."""
    s = dv.settings(base)
    rows = []
    for date in dates:
        p = {**base, "shocks": [date.date()]}
        ident = dv.identification(panel, dv.settings(p), p)
        if not bool(ident["estimable"].iloc[0]):
            rows.append({"date": date, "coef": np.nan, "se": np.nan, "t": np.nan})
            continue
        data = dv.stacked(panel, [date], s, p["min_pre_periods"])
        t = D.did(data, s.design, base["estimator"]).table().loc["treat_post"]
        rows.append({"date": date, "coef": t["coef"], "se": t["se"], "t": t["t"]})
    return pd.DataFrame(rows)


def placebo_ranks(real: pd.DataFrame, placebo: pd.DataFrame) -> pd.DataFrame:
    """For each real shock: share of placebo |t| at least as large (a permutation p-value)."""
    dist = placebo["t"].dropna().abs().to_numpy()
    out = real.copy()
    out["placebo_p"] = [float((np.sum(dist >= abs(t)) + 1) / (len(dist) + 1)) if pd.notna(t) else np.nan
                        for t in real["t"]]
    return out


def leave_one_out(panel: pd.DataFrame, repos: pd.DataFrame, base: dict[str, Any],
                  column: str = "repo") -> pd.DataFrame:
    """The pooled default estimate leaving out each repository (or origin group) in turn."""
    s = dv.settings(base)
    ident = dv.identification(panel, s, base)
    estimable = [pd.Timestamp(x) for x in ident.index[ident["estimable"]]]
    if not estimable:
        raise UserError("no shock is estimable with the developers chapter's default parameters")
    data = dv.stacked(panel, estimable, s, base["min_pre_periods"])
    if column == "group":
        data = data.merge(repos[["repo", "group"]], on="repo")
    rows = []
    for left_out in sorted(data[column].unique()):
        t = D.did(data[data[column] != left_out], s.design, base["estimator"]).table().loc["treat_post"]
        rows.append({"left_out": left_out, "coef": t["coef"], "se": t["se"], "p": t["p"],
                     "ci_low": t["ci_low"], "ci_high": t["ci_high"]})
    return pd.DataFrame(rows)


# --- charts -----------------------------------------------------------------------------------------

def curve_chart(curve: pd.DataFrame, dims: list[str], width: int = 510) -> alt.VConcatChart:
    """Sorted t statistics with the choices of each specification beneath (indicator panel)."""
    c = curve.assign(result=np.select(
        [curve["positive_significant"], curve["negative_significant"]],
        ["positive, p < 0.05", "negative, p < 0.05"], "not significant"))
    colours = alt.Scale(domain=["positive, p < 0.05", "not significant", "negative, p < 0.05"],
                        range=[PALETTE["vermillion"], PALETTE["grey"], PALETTE["blue"]])
    top = alt.Chart(c).mark_circle(size=14).encode(
        x=alt.X("rank:Q", title=None, axis=alt.Axis(labels=False, ticks=False)),
        y=alt.Y("t:Q", title="t statistic (China-linked minus U.S.)"),
        color=alt.Color("result:N", title="Estimate", scale=colours),
        tooltip=[*dims, alt.Tooltip("coef:Q", format=".3f"), alt.Tooltip("p:Q", format=".3f")],
    )
    bands = alt.Chart(pd.DataFrame({"y": [-1.96, 0, 1.96]})).mark_rule(
        color=PALETTE["black"], strokeDash=[3, 3], opacity=0.6).encode(y="y:Q")
    long = c.melt(id_vars=["rank"], value_vars=dims, var_name="choice", value_name="value")
    long["row"] = long["choice"].map(CHOICE_LABELS) + ": " + long["value"].map(label)
    panel = alt.Chart(long).mark_tick(thickness=1, size=9, color=PALETTE["black"]).encode(
        x=alt.X("rank:Q", title="specifications, sorted by t statistic"),
        y=alt.Y("row:N", title=None, sort=sorted(long["row"].unique())),
    )
    return alt.vconcat(alt.layer(bands, top).properties(width=width, height=220),
                       panel.properties(width=width))


def placebo_chart(placebo: pd.DataFrame, real: pd.DataFrame, width: int = 560) -> alt.LayerChart:
    """Distribution of placebo t statistics with the real shocks' t statistics marked."""
    hist = alt.Chart(placebo.dropna(subset=["t"])).mark_bar(color=PALETTE["grey"]).encode(
        x=alt.X("t:Q", bin=alt.Bin(maxbins=30), title="t statistic of the single-shock estimate"),
        y=alt.Y("count():Q", title="placebo dates"))
    marks = real.dropna(subset=["t"]).assign(label=real["date"].astype(str).str.slice(0, 10))
    rules = alt.Chart(marks).mark_rule(color=PALETTE["vermillion"], strokeWidth=2).encode(
        x="t:Q", tooltip=["label:N", alt.Tooltip("t:Q", format=".2f"),
                          alt.Tooltip("placebo_p:Q", format=".3f")])
    return alt.layer(hist, rules).properties(width=width, height=200)


def leave_out_chart(table: pd.DataFrame, full: float, width: int = 560) -> alt.LayerChart:
    """Estimates leaving out one repository at a time, sorted, with 95% intervals."""
    t = table.sort_values("coef").assign(order=lambda d: np.arange(len(d)))
    base = alt.Chart(t).encode(x=alt.X("order:Q", title="repository left out (sorted)",
                                       axis=alt.Axis(labels=False, ticks=False)))
    bars = base.mark_rule(color=PALETTE["sky"]).encode(y=alt.Y("ci_low:Q", title="pooled estimate"),
                                                        y2="ci_high:Q")
    points = base.mark_circle(color=PALETTE["blue"], size=18).encode(
        y="coef:Q", tooltip=["left_out:N", alt.Tooltip("coef:Q", format=".3f")])
    ref = alt.Chart(pd.DataFrame({"y": [full, 0.0]})).mark_rule(
        color=PALETTE["black"], strokeDash=[3, 3]).encode(y="y:Q")
    return alt.layer(bars, points, ref).properties(width=width, height=200)


def share_by_choice(curve: pd.DataFrame, dims: list[str]) -> pd.DataFrame:
    """Per value of each varied choice: specifications and the shares significant either way."""
    rows = []
    for dim in dims:
        for value, g in curve.groupby(dim, sort=True):
            rows.append({"choice": dim, "value": str(value), "specifications": len(g),
                         "positive, p < 0.05": g["positive_significant"].mean(),
                         "negative, p < 0.05": g["negative_significant"].mean()})
    return pd.DataFrame(rows).set_index(["choice", "value"]).round(3)


SHARE_COLUMNS = ("positive, p < 0.05", "negative, p < 0.05")


def by_choice_table(curve: pd.DataFrame, dims: list[str]) -> Table:
    """`share_by_choice` as the page shows it: choices and values in words, shares as %."""
    shares = share_by_choice(curve, dims).reset_index()
    shares["choice"] = shares["choice"].map(CHOICE_LABELS)
    shares["value"] = shares["value"].map(label)
    columns = {"choice": Col("Choice"), "value": Col("Value"),
               "specifications": Col("Specifications", "count"),
               **{c: Col(c[:1].upper() + c[1:], "share") for c in SHARE_COLUMNS}}
    return format_table(shares, columns, id="by_choice")


def placebo_table(real: pd.DataFrame) -> Table:
    """Each real shock's single-shock estimate and its permutation p-value among the placebo dates."""
    frame = real.assign(date=real["date"].dt.date)
    columns = {"date": Col("Shock", "date"), "coef": Col("Estimate", "coef"),
               "se": Col("Std. error", "se"), "t": Col("t statistic", "coef"),
               "placebo_p": Col("Permutation p", "pvalue")}
    return format_table(frame[list(columns)], columns, id="placebo_table")


def leave_group_out_table(logo: pd.DataFrame) -> Table:
    """The pooled estimate leaving out each repository origin group."""
    frame = logo.assign(left_out=[f"without {dv.GROUP_LABELS[g]}" for g in logo["left_out"]])
    columns = {"left_out": Col("Left out"), "coef": Col("Estimate", "coef"),
               "se": Col("Std. error", "se"), "p": Col("p-value", "pvalue"),
               "ci_low": Col("95% CI, low", "coef"), "ci_high": Col("95% CI, high", "coef")}
    return format_table(frame[list(columns)], columns, id="logo_table")
