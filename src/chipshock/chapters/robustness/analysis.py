"""Chapter `robustness`, section by section: each function returns the frozen result its notebook
section glues (field names are the page's glue keys). The computations live in `curve` (the
specification curve and its joint test), `checks` (matched placebos, leave-outs), `words` and
`exhibits`."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from chipshock import wording
from chipshock.chapters.robustness import checks as K
from chipshock.chapters.robustness import curve as C
from chipshock.chapters.robustness import estimate as E
from chipshock.chapters.robustness import exhibits as X
from chipshock.chapters.robustness import words as W
from chipshock.data import curated
from chipshock.data.build import load
from chipshock.econometrics import randomization as R
from chipshock.results import Exhibit, SectionResult, flat, internal


@dataclass(frozen=True)
class Inputs:
    """The processed data the chapter reads."""

    commits: pd.DataFrame
    repos: pd.DataFrame
    releases: pd.DataFrame


def inputs(project: Path | Any) -> Inputs:
    """Commits, repositories and the curated model releases of `project`."""
    return Inputs(load(project, "commits"), load(project, "repositories"), curated.model_releases(project))


# ---------------------------------------------------------------------------- the curves


@dataclass(frozen=True)
class CurveStats(SectionResult):
    """Shares and medians of one curve (glued as `curve_...` and `clock_curve_...`)."""

    PREFIXES = ("curve_", "clock_curve_")
    share_pos_sig: float
    share_neg_sig: float
    median_coef: float
    median_t: float
    share_positive: float
    n: int


def curve_stats(stats: dict[str, Any]) -> CurveStats:
    return CurveStats(stats["share_pos_sig"], stats["share_neg_sig"], stats["median_pct"], stats["median_t"],
                      stats["share_positive"], int(stats["n_estimated"]))


@dataclass(frozen=True)
class Curves(SectionResult):
    """The headline (time-zone) curve and the clock curve, their shares and the explorer."""

    curve_seconds: float
    clock_share_of_negatives: float
    clock_neg_word: str
    n_specs: int
    n_dimensions: int
    clock_in_headline: str
    proxy_words: str
    curve_chart: Exhibit
    curve_chart_takeaway: str
    headline_stats: CurveStats = internal()
    clock_stats: CurveStats = internal()
    curve: C.Curve = internal()
    head: pd.DataFrame = internal()
    clock: pd.DataFrame = internal()
    varied: list[str] = internal()
    stats: dict[str, dict[str, Any]] = internal()
    joints: dict[str, C.JointTest] = internal()

    def glue(self, prefix: str | None = None) -> None:
        super().glue(prefix)
        self.headline_stats.glue("curve_")
        self.clock_stats.glue("clock_curve_")


def _varied(table: pd.DataFrame) -> list[str]:
    return [d for d in C.DIMENSIONS if table[d].nunique() > 1] or ["estimator"]


def curves(data: Inputs, p: Any) -> Curves:
    """Estimate both curves (timed) and summarise them; the headline curve's explorer."""
    t0 = time.perf_counter()
    curve = C.specification_curve(data.commits, data.repos, data.releases, p)
    seconds = float(time.perf_counter() - t0)
    head = C.headline(curve.table, p["clock_in_headline"])
    clock = curve.table[curve.table["curve"] == "clock"]
    stats = {"headline": C.summary(head), "clock": C.summary(clock)}
    joints = {"headline": C.joint_test(curve, head), "clock": C.joint_test(curve, clock)}
    varied = _varied(head)
    chart = Exhibit(X.curve_chart(head, varied, C.default_spec(p["min_pre_weeks"])),
                    X.explorer_data(head, varied))
    return Curves(
        seconds, C.clock_share_of_negatives(curve.table),
        W.compare_word(stats["clock"]["share_neg_sig"], stats["headline"]["share_neg_sig"]), len(head),
        len(varied), "includes" if p["clock_in_headline"] else "leaves out",
        W.proxy_words(p["clock_in_headline"]),
        chart, W.curve_takeaway(stats["headline"], joints["headline"].p_values(), "in the headline curve"),
        curve_stats(stats["headline"]), curve_stats(stats["clock"]), curve, head, clock, varied, stats,
        joints)


@dataclass(frozen=True)
class Choices(SectionResult):
    """Which choices move the result: shares by value of each choice and by comparison region."""

    by_choice: Any
    control_words: str
    by_control: pd.DataFrame = internal()


def choices(c: Curves) -> Choices:
    by_control = C.by_comparison(c.curve, c.head)
    return Choices(X.by_choice_table(c.head, c.varied), W.control_words(by_control), by_control)


@dataclass(frozen=True)
class Clock(SectionResult):
    """The paper's clock proxy's own curve."""

    clock_chart: Exhibit
    clock_chart_takeaway: str


def clock_curve(c: Curves) -> Clock:
    dims = _varied(c.clock)
    chart = Exhibit(X.curve_chart(c.clock, dims, explore=False), X.explorer_data(c.clock, dims))
    return Clock(chart, W.curve_takeaway(c.stats["clock"], c.joints["clock"].p_values(),
                                         "with the paper's clock proxy"))


# ------------------------------------------------------------------------- joint inference


@dataclass(frozen=True)
class Joint(SectionResult):
    """The joint test of each curve, per comparison region and estimator family, and the breakdown
    of the significant results by the choices that drive them."""

    curve_joint_p: float
    curve_joint_p_neg: float
    curve_joint_p_median: float
    clock_curve_joint_p: float
    clock_curve_joint_p_neg: float
    joint_n_ols: int
    joint_draws: int
    curves_table: Any
    families_table: Any
    drivers_table: Any
    drivers_words: str
    overall: dict[str, Any] = internal()


def joint(c: Curves, p: Any) -> Joint:
    pv = {k: j.p_values() for k, j in c.joints.items()}
    n_ols = {k: j.n_specs for k, j in c.joints.items()}
    family = c.head["estimator"].map(C.estimator_family)
    overall = {"n": c.stats["headline"]["n_estimated"], "share_pos": c.stats["headline"]["share_pos_sig"],
               "share_neg": c.stats["headline"]["share_neg_sig"], "n_ols": n_ols["headline"],
               "p_pos": pv["headline"]["p_share_pos"], "p_neg": pv["headline"]["p_share_neg"]}
    return Joint(
        pv["headline"]["p_share_pos"], pv["headline"]["p_share_neg"], pv["headline"]["p_median"],
        pv["clock"]["p_share_pos"], pv["clock"]["p_share_neg"], n_ols["headline"], int(p["joint_draws"]),
        X.curves_table(X.curves_frame(c.stats, pv, n_ols)), X.families_table(C.families(c.curve, c.head)),
        X.drivers_table(C.drivers(c.head)), W.drivers_words(c.head, C.decisive_shocks(c.head), family),
        overall)


# ------------------------------------------------------------------- the default run's checks


@dataclass(frozen=True)
class DefaultRun:
    """The developers chapter's default panel (wide and long), parameters and estimate."""

    wide: E.Wide
    panel: pd.DataFrame
    q: dict[str, Any]
    full: dict[str, Any]


def default_run(data: Inputs, p: Any) -> DefaultRun:
    wide, panel, q = K.default_setup(data.commits, data.repos, data.releases, p["min_pre_weeks"])
    return DefaultRun(wide, panel, q, K.full_estimate(wide, q))


@dataclass(frozen=True)
class Placebos(SectionResult):
    """Matched placebo shock dates, each checked against every real shock's window."""

    placebo_words: str
    placebo_verdict: str
    placebo_drawn: int
    placebo_qualified: int
    placebo_sets_qualified: int
    placebo_sets_overlapping_real: int
    placebo_min_qualified: int
    placebo_table: Any
    placebo_chart: Any
    placebo_chart_takeaway: str
    results: dict[str, R.RandomizationResult] = internal()


def placebos(run: DefaultRun, p: Any) -> Placebos:
    got = K.matched_placebos(run.panel, run.q, run.full["shocks_used"].split(", "), p["n_placebo"], p["seed"])
    t = got.table
    qualified = int(t["qualified"].sum())
    return Placebos(W.placebo_words(t, p["n_placebo"]), W.placebo_verdict(t), int(t["drawn"].sum()),
                    qualified, qualified, got.overlapping_real, W.min_qualified(), X.placebo_table(t),
                    X.placebo_chart(got.results),
                    W.placebo_takeaway(t), got.results)


LOO_COUNT_KEYS = ("loo_flip_words", "loo_significant_words")


@dataclass(frozen=True)
class LeaveOut(SectionResult):
    """The default estimate leaving out each repository, origin group and shock."""

    full_pct: float
    full_p: float
    full_shocks: str
    loo_min: float
    loo_max: float
    loo_min_repo: str
    loo_max_repo: str
    loo_sign_flips: int
    loo_significant: int
    n_loo: int
    loo_notes: str
    loo_chart: Any
    loo_chart_takeaway: str
    logo_table: Any
    counts: dict[str, str] = flat(LOO_COUNT_KEYS)


def leave_out(run: DefaultRun, data: Inputs) -> LeaveOut:
    loo = K.leave_out(run.wide, data.repos, run.q)
    by_repo = loo[loo["kind"] == "repository"]
    full = run.full
    return LeaveOut(
        float(full["pct"]), float(full["p"]), full["shocks_used"], float(by_repo["pct"].min()),
        float(by_repo["pct"].max()), by_repo.loc[by_repo["pct"].idxmin(), "left_out"],
        by_repo.loc[by_repo["pct"].idxmax(), "left_out"], int((by_repo["pct"] * full["pct"] < 0).sum()),
        int(sum(wording.is_significant(x) for x in by_repo["p"])), len(by_repo), W.loo_notes(loo, full),
        X.leave_out_chart(by_repo, full), W.loo_takeaway(by_repo, full),
        X.leave_out_table(loo, ("origin group", "shock"), "logo_table"), W.loo_counts(by_repo, full))


@dataclass(frozen=True)
class Verdict(SectionResult):
    verdict: str


def verdict(run: DefaultRun, ch: Choices, j: Joint) -> Verdict:
    primary = run.q["control_region"]
    return Verdict(W.verdict(run.full, j.overall, ch.by_control,
                             primary if primary in ch.by_control.index else str(ch.by_control.index[0])))
