"""The primer's sections (SIMULATED data), each one function returning one frozen result to glue."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from chipshock.chapters.primer import analysis as pm
from chipshock.numbers import number, p_value, percent
from chipshock.results import SectionResult, internal
from chipshock.tables import Col, Table, format_table
from chipshock.wording import compare, covers, rejects


def side(estimate: float, truth: float) -> str:
    """Where an estimate lies relative to the truth: 'above', 'below' or 'equal to'."""
    return compare(estimate, truth, more="above", less="below", same="equal to")


def _row(fit: Any, term: str = "treat") -> pd.Series:
    return fit.table().loc[term]


@dataclass(frozen=True)
class Setup(SectionResult):
    true_effect: float
    seed: int
    n_units: int
    n_periods: int
    draws: dict = internal()


def setup(p: Any) -> Setup:
    return Setup(true_effect=p["true_effect"], seed=p["seed"], n_units=p["n_units"],
                 n_periods=p["n_periods"], draws=pm.run_all(p))


@dataclass(frozen=True)
class TwoWay(SectionResult):
    twfe_coef: float
    twfe_ci_low: float
    twfe_ci_high: float
    twfe_covers: str
    naive: float
    twfe_table: Table = internal()


def two_way(s: Setup) -> TwoWay:
    t = _row(s.draws["twfe"])
    return TwoWay(float(t["coef"]), float(t["ci_low"]), float(t["ci_high"]),
                  covers(t["ci_low"], t["ci_high"], s.true_effect), float(s.draws["naive"]),
                  format_table(s.draws["twfe"].table(), id="twfe_table"))


@dataclass(frozen=True)
class EventStudies(SectionResult):
    event_chart: Any
    event_chart_takeaway: str
    flat_p: float
    trend_p: float
    flat_p_text: str
    trend_p_text: str
    pre_trend: float
    trend_rejects: str
    twfe_trend_coef: float
    twfe_trend_ci_low: float
    twfe_trend_ci_high: float
    twfe_trend_covers: str
    twfe_trend_side: str
    drift_bias: float


def event_takeaway(flat_p: float, trend_p: float) -> str:
    """What the two event studies show: whether each pre-period test rejects parallel trends."""
    return (f"The pre-period test {rejects(flat_p)} parallel trends on the panel built with them and "
            f"{rejects(trend_p)} them on the panel built with a pre-trend (simulated data).")


def event_studies(s: Setup, p: Any) -> EventStudies:
    (flat, flat_test), (trend, trend_test) = s.draws["event_flat"], s.draws["event_trend"]
    tt = _row(s.draws["twfe_trend"])
    return EventStudies(
        event_chart=pm.event_chart(flat, trend),
        event_chart_takeaway=event_takeaway(flat_test["p"], trend_test["p"]),
        flat_p=flat_test["p"], trend_p=trend_test["p"], flat_p_text=p_value(flat_test["p"]),
        trend_p_text=p_value(trend_test["p"]), pre_trend=p["pre_trend"],
        trend_rejects=rejects(trend_test["p"]), twfe_trend_coef=float(tt["coef"]),
        twfe_trend_ci_low=float(tt["ci_low"]), twfe_trend_ci_high=float(tt["ci_high"]),
        twfe_trend_covers=covers(tt["ci_low"], tt["ci_high"], s.true_effect),
        twfe_trend_side=side(float(tt["coef"]), s.true_effect),
        drift_bias=pm.drift_bias(p["pre_trend"], p["n_periods"]))


@dataclass(frozen=True)
class ExerciseTwo(SectionResult):
    """Exercise 2's rerun: the primer assignment's set where the page's run keeps the defaults, the
    page's own values where it sets them, so the solution states the answers for this run; `note`
    says whose answers they are."""

    PREFIX = "ex2_"
    pre_trend: float
    n_units: int
    trend_p: float
    trend_p_text: str
    trend_rejects: str
    twfe_trend_coef: float
    twfe_trend_ci_low: float
    twfe_trend_ci_high: float
    twfe_trend_covers: str
    twfe_trend_side: str
    twfe_trend_bias: float
    drift_bias: float
    note: str


def exercise_two(p: Any) -> ExerciseTwo:
    from chipshock.chapters.primer.parameters import PARAMS

    ex_plain = pm.exercise_run(PARAMS.to_plain(p))  # the page's own run where it sets them
    ex = PARAMS.resolve(ex_plain)
    e2 = pm.pre_trend_sandboxes(ex)
    et = _row(e2["twfe_trend"])
    return ExerciseTwo(
        pre_trend=ex["pre_trend"], n_units=ex["n_units"], trend_p=float(e2["trend_p"]),
        trend_p_text=p_value(float(e2["trend_p"])),
        trend_rejects=rejects(e2["trend_p"]), twfe_trend_coef=float(et["coef"]),
        twfe_trend_ci_low=float(et["ci_low"]), twfe_trend_ci_high=float(et["ci_high"]),
        twfe_trend_covers=covers(et["ci_low"], et["ci_high"], ex["true_effect"]),
        twfe_trend_side=side(float(et["coef"]), ex["true_effect"]),
        twfe_trend_bias=float(et["coef"]) - ex["true_effect"],
        drift_bias=pm.drift_bias(ex["pre_trend"], ex["n_periods"]), note=pm.exercise_note(ex_plain))


@dataclass(frozen=True)
class Counts(SectionResult):
    count_table: Table
    zero_share: float
    ppml_coef: float
    ppml_covers: str
    ols_coef: float
    ols_covers: str


def counts(s: Setup) -> Counts:
    table = s.draws["counts"]
    ppml, ols = table.loc["PPML"], table.loc["OLS on log(1+y)"]
    return Counts(format_table(table, id="count_table"), s.draws["zero_share"],
                  float(ppml["coef"]), covers(ppml["ci_low"], ppml["ci_high"], s.true_effect),
                  float(ols["coef"]), covers(ols["ci_low"], ols["ci_high"], s.true_effect))


@dataclass(frozen=True)
class FewClusters(SectionResult):
    few_clusters: int
    replications: int
    reject_normal: float
    reject_t: float
    reject_boot: float
    few_table: Table = internal()


def few_clusters(s: Setup, p: Any) -> FewClusters:
    few = s.draws["few"]
    table = format_table(pm.rejections_table(few), {"rejection_rate": Col(kind="share")}, id="few_table")
    return FewClusters(p["few_clusters"], p["replications"], few["CR1, normal critical value"],
                       few["CR1, t(G-1) critical value"], few["wild cluster bootstrap"], table)


@dataclass(frozen=True)
class Attenuation(SectionResult):
    attenuation_chart: Any
    attenuation_chart_takeaway: str
    att_clean: float
    att_noisy: float
    att_noisy_share: float
    attenuation_table: Table = internal()


def attenuation_takeaway(att: pd.DataFrame, truth: float) -> str:
    """How the estimate moves from clean to the noisiest proxy, against the truth."""
    clean, noisy = att.iloc[0], att.iloc[-1]
    toward = compare(abs(noisy["coef"]), abs(clean["coef"]), more="further from zero than",
                     less="closer to zero than", same="as far from zero as")
    return (f"With {percent(noisy['misclassified'], 0)} of commits misclassified the estimate is "
            f"{number(noisy['coef'])}, {toward} the {number(clean['coef'])} of the clean proxy "
            f"(truth {number(truth)}; simulated data).")


def attenuation(s: Setup) -> Attenuation:
    att = s.draws["attenuation"]
    return Attenuation(
        attenuation_chart=pm.attenuation_chart(att, s.true_effect),
        attenuation_chart_takeaway=attenuation_takeaway(att, s.true_effect),
        att_clean=float(att.iloc[0]["coef"]), att_noisy=float(att.iloc[-1]["coef"]),
        att_noisy_share=float(att.iloc[-1]["misclassified"]),
        attenuation_table=format_table(att, {"misclassified": Col(kind="share")}, id="attenuation_table"))
