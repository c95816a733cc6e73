"""The robustness chapter's charts and tables (the book's theme and `format_table`)."""

from __future__ import annotations

from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from chipshock.chapters.robustness.curve import SHARE_COLUMNS, share_by_choice
from chipshock.charts import PALETTE, share_heatmap
from chipshock.econometrics import randomization as R
from chipshock.measures.vocabulary import CHOICE_LABELS, label
from chipshock.tables import Col, Table, format_table

CHOICE_WORDS = {**CHOICE_LABELS, "copies": "rebased and cherry-picked copies",
                "shock_windows": "overlapping windows", "control": "comparison region",
                "holidays": "holiday-week controls"}


VALUE_WORDS = {"drop": "dropped", "keep": "kept", "drop_later": "later shock out of the pool",
               "truncate": "truncated at the neighbour", "overlap": "full windows (the paper's)",
               "US": "U.S.", "EU": "Europe (UTC+01:00 to +03:00)", "on": "on", "off": "off"}


RESULTS = ("positive, p < 0.05", "not significant", "negative, p < 0.05")


EXPLORER_COLUMNS = ("rank", "t", "pct", "pct_low", "pct_high", "p", "repositories", "result")


def value_label(dim: str, value: object) -> str:
    """The reader's word for one value of one choice."""
    if dim == "window_weeks":
        return f"{value} weeks"
    if dim in ("copies", "shock_windows", "control", "holidays"):
        return VALUE_WORDS[str(value)]
    return label(value)


def explorer_data(curve: pd.DataFrame, dims: list[str]) -> pd.DataFrame:
    """What the curve chart ships: each specification's choices in words, rank, t, relative estimate
    with its interval, p-value, repositories and its result class."""
    out = pd.DataFrame({d: [value_label(d, v) for v in curve[d]] for d in dims}, index=curve.index)
    result = np.select([curve["positive_significant"], curve["negative_significant"]],
                       [RESULTS[0], RESULTS[2]], RESULTS[1])
    for col in EXPLORER_COLUMNS[:-1]:
        out[col] = curve[col].astype(float).round(6).to_numpy()
    return out.assign(result=result).reset_index(drop=True)


def _pick(dim: str) -> str:
    return f"pick_{dim}"


def _match(dims: list[str]) -> str:
    return " && ".join(f"datum['{d}'] == {_pick(d)}" for d in dims)


def curve_chart(curve: pd.DataFrame, dims: list[str], chosen: dict[str, Any] | None = None,
                width: int = 400, explore: bool = True) -> alt.VConcatChart:
    """Sorted t statistics with the choices of each specification beneath (share of the specifications
    in each stretch of the curve that make it); with `explore`, one dropdown per choice that highlights
    the chosen specification and shows its estimate, interval, p-value and repositories."""
    data = explorer_data(curve, dims)
    colours = alt.Scale(domain=list(RESULTS), range=[PALETTE["vermillion"], PALETTE["grey"], PALETTE["blue"]])
    base = alt.Chart(data)
    top = base.mark_circle(size=12, opacity=0.7).encode(
        x=alt.X("rank:Q", title=None, axis=alt.Axis(labels=False, ticks=False)),
        y=alt.Y("t:Q", title="t statistic (China-linked minus comparison)"),
        color=alt.Color("result:N", title="Estimate", scale=colours),
        tooltip=[*[alt.Tooltip(f"{d}:N", title=CHOICE_WORDS[d]) for d in dims],
                 alt.Tooltip("pct:Q", format="+.1%", title="change"), alt.Tooltip("p:Q", format=".3f")])
    bands = alt.Chart(pd.DataFrame({"y": [-1.96, 0, 1.96]})).mark_rule(
        color=PALETTE["black"], strokeDash=[3, 3], opacity=0.6).encode(y="y:Q")
    layers = [bands, top]
    n = len(data)
    panel = _indicator(data, dims, max(1, min(60, n)), width)
    if not explore:
        return alt.vconcat(alt.layer(*layers).properties(width=width, height=220), panel)
    params = [_param(d, sorted(data[d].unique()), value_label(d, (chosen or {}).get(d, curve[d].iloc[0])))
              for d in dims]
    chosen_rows = base.transform_filter(_match(dims))
    ring = chosen_rows.mark_point(size=160, strokeWidth=2.5, color=PALETTE["black"], filled=False).encode(
        x="rank:Q", y="t:Q")
    line1 = ("'Estimate ' + format(datum.pct, '+.1%') + ' (95% CI ' + format(datum.pct_low, '+.1%') + "
             "' to ' + format(datum.pct_high, '+.1%') + ')'")
    line2 = ("'p = ' + format(datum.p, '.3f') + ', N = ' + format(datum.repositories, 'd') + "
             f"' repositories; rank ' + format(datum.rank, ',d') + ' of {n:,d}'")
    readout = alt.layer(*[
        chosen_rows.transform_calculate(text=expr).mark_text(align="left", fontSize=12).encode(
            x=alt.value(0), y=alt.value(y), text="text:N") for expr, y in ((line1, 8), (line2, 26))])
    plot = alt.layer(*layers, ring).properties(width=width, height=220).add_params(*params)
    return alt.vconcat(plot, readout.properties(width=width, height=34), panel)


def _indicator(data: pd.DataFrame, dims: list[str], bins: int, width: int) -> alt.LayerChart:
    """Per choice and value: the share of the specifications in each stretch of the sorted curve that
    make that choice (dark where all do)."""
    n = len(data)
    rows = [f"{CHOICE_WORDS[d]}: {v}" for d in dims for v in sorted(data[d].unique())]
    words = " : ".join(f"datum.choice == '{d}' ? '{CHOICE_WORDS[d]}'" for d in dims) + " : datum.choice"
    chart = alt.Chart(data).transform_calculate(
        stretch=f"floor((datum.rank - 1) * {bins} / {n})").transform_fold(
        dims, as_=["choice", "value"]).transform_aggregate(
        count="count()", groupby=["stretch", "choice", "value"]).transform_joinaggregate(
        total="sum(count)", groupby=["stretch", "choice"]).transform_calculate(
        share="datum.count / datum.total", row=f"({words}) + ': ' + datum.value")
    return share_heatmap(chart.mark_rect().encode(
        x=alt.X("stretch:O", title="specifications, sorted by t statistic",
                axis=alt.Axis(labels=False, ticks=False)),
        y=alt.Y("row:N", title=None, sort=rows, axis=alt.Axis(labelLimit=280, labelFontSize=10)),
        tooltip=["row:N", alt.Tooltip("share:Q", format=".0%")],
    ).properties(width=width, height=12 * len(rows)), legend_title="share of the stretch")


def _param(dim: str, options: list[str], value: str) -> alt.Parameter:
    value = value if value in options else options[0]
    return alt.param(name=_pick(dim), value=value,
                     bind=alt.binding_select(options=options, name=f"{CHOICE_WORDS[dim]} "))


T_EDGE = 6.0  # placebo t statistics beyond this are drawn at the edge


def placebo_chart(results: dict[str, R.RandomizationResult], width: int = 510) -> alt.Chart:
    """t statistics of every drawn placebo set, by set and by whether it qualified (or why not), with
    the real set's t statistic marked; values beyond +-T_EDGE are drawn at the edge."""
    parts = []
    for name, res in results.items():
        if res.draws is not None and len(res.draws):
            parts.append(res.draws.assign(set=name, why=res.draws["reason"].replace("", "qualified")))
    draws = pd.concat(parts, ignore_index=True)[["set", "first_shock", "t", "why"]]
    draws["shown"] = draws["t"].clip(-T_EDGE, T_EDGE)
    real = pd.DataFrame({"set": list(results), "t": [r.t for r in results.values()]})
    real["shown"] = real["t"].clip(-T_EDGE, T_EDGE)
    whys = ["qualified", "overlaps a real shock window", "eligible units outside the band", "not estimable"]
    colours = alt.Scale(domain=whys, range=[PALETTE["vermillion"], PALETTE["sky"], PALETTE["grey"],
                                             PALETTE["black"]])
    points = alt.Chart(draws).mark_tick(thickness=1.5, size=14).encode(
        x=alt.X("shown:Q", title="t statistic of the placebo estimate",
                scale=alt.Scale(domain=[-T_EDGE, T_EDGE])), y=alt.Y("set:N", title=None),
        color=alt.Color("why:N", title="Placebo set", scale=colours),
        tooltip=["set:N", alt.Tooltip("first_shock:T", title="first placebo date"),
                 alt.Tooltip("t:Q", format=".2f"), "why:N"])
    marks = alt.Chart(real).mark_point(shape="diamond", size=120, filled=True, color=PALETTE["black"]).encode(
        x="shown:Q", y="set:N", tooltip=["set:N", alt.Tooltip("t:Q", format=".2f", title="real t")])
    return alt.layer(points, marks).properties(width=width, height=28 * len(results))


def leave_out_chart(table: pd.DataFrame, full: dict[str, Any], width: int = 510) -> alt.LayerChart:
    """The estimate leaving out each repository in turn, sorted, with 95% intervals, as a change."""
    t = table.sort_values("pct").assign(order=lambda d: np.arange(len(d)))
    base = alt.Chart(t).encode(x=alt.X("order:Q", title="repository left out (sorted)",
                                       axis=alt.Axis(labels=False, ticks=False)))
    bars = base.mark_rule(color=PALETTE["sky"]).encode(
        y=alt.Y("pct_low:Q", title="change (share of the pre-shock mean)", axis=alt.Axis(format="%")),
        y2="pct_high:Q")
    points = base.mark_circle(color=PALETTE["blue"], size=18).encode(
        y="pct:Q", tooltip=["left_out:N", alt.Tooltip("pct:Q", format="+.1%"),
                            alt.Tooltip("p:Q", format=".3f")])
    ref = alt.Chart(pd.DataFrame({"y": [full["pct"], 0.0]})).mark_rule(
        color=PALETTE["black"], strokeDash=[3, 3]).encode(y="y:Q")
    return alt.layer(bars, points, ref).properties(width=width, height=200)


def by_choice_table(curve: pd.DataFrame, dims: list[str], key: str = "by_choice") -> Table:
    """`share_by_choice` as the page shows it: choices and values in words, shares as %."""
    shares = share_by_choice(curve, dims)
    shares["value"] = [value_label(c, v) for c, v in zip(shares["choice"], shares["value"], strict=True)]
    shares["choice"] = shares["choice"].map(CHOICE_WORDS)
    columns = {"choice": Col("Choice"), "value": Col("Value"),
               "specifications": Col("Specifications", "count"),
               **{c: Col(c[:1].upper() + c[1:], "share") for c in SHARE_COLUMNS},
               "median change": Col("Median change", "share")}
    return format_table(shares, columns, id=key)


def curves_frame(stats_: dict[str, dict[str, Any]], joints: dict[str, dict[str, float]],
                 joint_n: dict[str, int]) -> pd.DataFrame:
    """One row per curve: specifications, shares, median change and the joint test's p-values."""
    names = {"headline": "time-zone proxies (headline)", "clock": "clock hour (the paper's proxy)"}
    rows = []
    for key, st in stats_.items():
        j = joints[key]
        rows.append({"curve": names[key], "specifications": st["n_estimated"],
                     "positive": st["share_pos_sig"], "negative": st["share_neg_sig"],
                     "median": st["median_pct"], "ols": joint_n[key], "p_pos": j["p_share_pos"],
                     "p_neg": j["p_share_neg"], "p_median": j["p_median"]})
    return pd.DataFrame(rows)


def curves_table(frame: pd.DataFrame) -> Table:
    columns = {"curve": Col("Curve"), "specifications": Col("Specifications", "count"),
               "positive": Col("Positive, p < 0.05", "share"), "negative": Col("Negative, p < 0.05", "share"),
               "median": Col("Median change", "share"),
               "ols": Col("OLS specifications in the joint test", "count"),
               "p_pos": Col("Joint p: share positive", "pvalue"),
               "p_neg": Col("Joint p: share negative", "pvalue"),
               "p_median": Col("Joint p: median", "pvalue")}
    return format_table(frame, columns, id="curves_table")


def placebo_table(table: pd.DataFrame) -> Table:
    """Each real shock's and the pooled set's matched placebo draws: drawn, qualified, failures, p."""
    frame = table.reset_index()
    columns = {"set": Col("Shock set"), "candidates": Col("Possible shifts", "count"),
               "drawn": Col("Drawn", "count"), "qualified": Col("Qualified", "count"),
               "overlap": Col("Overlap a real window", "count"), "band": Col("Outside ±25%", "count"),
               "not_estimable": Col("Not estimable", "count"),
               "min_p": Col("Smallest attainable p", "pvalue"), "t": Col("Real t", "coef"),
               "p": Col("Permutation p", "pvalue")}
    shown = {k: c for k, c in columns.items() if frame[k].notna().any()}  # no p where none qualified
    return format_table(frame[list(shown)], shown, id="placebo_table")


def leave_out_table(table: pd.DataFrame, kinds: tuple[str, ...], key: str) -> Table:
    """Leave-outs of some kinds (origin groups, shocks) with change, interval, p and Holm's p."""
    frame = table[table["kind"].isin(kinds)]
    columns = {"kind": Col("Left out"), "left_out": Col("Which"), "pct": Col("Change", "share"),
               "pct_low": Col("95% CI, low", "share"), "pct_high": Col("95% CI, high", "share"),
               "p": Col("p-value", "pvalue"), "p_holm": Col("p-value (Holm)", "pvalue"),
               "repositories": Col("Repositories", "count"), "shocks_used": Col("Shocks in the estimate")}
    return format_table(frame[list(columns)], columns, id=key)


FAMILY_WORDS = {"OLS": "OLS (levels and logs)", "Poisson": "Poisson (PPML)"}
SHOCK_SET_WORDS = {"all": "all four", "2022": "the 2022 pair", "2023-2024": "the 2023–2024 pair",
                   "bis": "the three BIS rules"}


def families_table(frame: pd.DataFrame) -> Table:
    """The joint test per comparison region and estimator family, with the denominators it uses."""
    shown = frame.assign(control=frame["control"].map(lambda v: value_label("control", v)),
                         family=frame["family"].map(FAMILY_WORDS))
    columns = {"control": Col("Comparison region"), "family": Col("Estimators"),
               "specifications": Col("Specifications", "count"),
               "positive": Col("Positive, p < 0.05", "share"), "negative": Col("Negative, p < 0.05", "share"),
               "tested": Col("In the joint test", "count"),
               "p_pos": Col("Joint p: share positive", "pvalue"),
               "p_neg": Col("Joint p: share negative", "pvalue")}
    return format_table(shown, columns, id="families_table")


def drivers_table(frame: pd.DataFrame) -> Table:
    """Shares significant either way by comparison region, shock set and estimator family."""
    shown = frame.assign(control=frame["control"].map(lambda v: value_label("control", v)),
                         shock_set=frame["shock_set"].map(SHOCK_SET_WORDS),
                         family=frame["family"].map(FAMILY_WORDS))
    columns = {"control": Col("Comparison region"), "shock_set": Col("Shock set"),
               "family": Col("Estimators"), "specifications": Col("Specifications", "count"),
               "positive": Col("Positive, p < 0.05", "share"), "negative": Col("Negative, p < 0.05", "share"),
               "median": Col("Median change", "share")}
    return format_table(shown, columns, id="drivers_table")
