"""The course's assignments: one per chapter, built from the chapter's rerun exercise.

Every question's answer key is computed for the student's own parameter set (from
`chipshock assign`): the chapter is executed with that set (cached) and the answer is read from
what it glued, or derived from it (a difference from the default run, a bias against the truth).
Nothing here is a typed result; only the questions, their points and tolerances are declared.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from chipshock.chapters.primer.parameters import EXERCISE_RUN
from chipshock.errors import UserError

Values = Mapping[str, Any]
"""What a chapter glued, key to value (scalars only)."""


@dataclass(frozen=True)
class Question:
    """One autograded question: a number (or word) the student computes from their run."""

    name: str
    prompt: str
    points: int
    solution: str  # the solution cell's right-hand side, e.g. 'mine["pooled_coef"]'
    answer: Callable[[Values, Values], Any]  # (student's run, default run) -> the answer key
    kind: str = "float"  # "float", "int" or "str"
    tolerance: float = 1e-6  # absolute, for floats (answers are read from the same computation)
    track: str = "policy"  # "policy" (read and compare) or "methods" (compute)


@dataclass(frozen=True)
class Assignment:
    """An assignment notebook for one chapter."""

    chapter: str
    title: str
    exercise: str  # what the rerun exercise asks, in a sentence
    defaults: str | Mapping[str, Any]  # the exercise's parameter set (a params/ file or values)
    questions: tuple[Question, ...]
    vary: tuple[str, ...] = field(default=())  # what `chipshock assign` should vary, for the guide

    @property
    def points(self) -> int:
        return sum(q.points for q in self.questions)

    def question(self, name: str) -> Question:
        for q in self.questions:
            if q.name == name:
                return q
        raise UserError(f"assignment {self.chapter} has no question {name!r} "
                        f"(it has {', '.join(q.name for q in self.questions)})")


def _key(key: str) -> Callable[[Values, Values], Any]:
    return lambda mine, default: mine[key]


def _change(key: str) -> Callable[[Values, Values], Any]:
    return lambda mine, default: mine[key] - default[key]


def _q(name: str, prompt: str, solution: str, answer: Callable[[Values, Values], Any], *,
       points: int = 1, kind: str = "float", track: str = "policy") -> Question:
    return Question(name, prompt, points, solution, answer, kind, track=track)


ASSIGNMENTS: tuple[Assignment, ...] = (
    Assignment(
        "background", "Background: which shocks and events a timeline shows",
        "Rerun the chapter with only the BIS export-control rules as shocks and only export-control "
        "and open-source-policy events.",
        "params/background-export-controls.yml",
        (
            _q("q1", "How many policy events does your run show?", 'mine["n_events"]',
               _key("n_events"), kind="int"),
            _q("q2", "How many shocks fall in your run's date range?", 'mine["n_shocks"]',
               _key("n_shocks"), kind="int"),
            _q("q3", "How many fewer events does your run show than the default book (default minus "
               "yours)?", 'default["n_events"] - mine["n_events"]',
               lambda m, d: d["n_events"] - m["n_events"], kind="int", track="methods"),
        ),
        vary=("shocks", "event_kinds"),
    ),
    Assignment(
        "policy", "Policy: what a smaller corpus can detect",
        "Rerun the chapter with national documents only, counted per year.",
        "params/policy-central-yearly.yml",
        (
            _q("q1", "How many Chinese document families remain in your run?", 'mine["n_cn_units"]',
               _key("n_cn_units"), kind="int"),
            _q("q2", "What is the p-value of the logit's China x after interaction?", 'mine["logit_p"]',
               _key("logit_p")),
            _q("q3", "How many Chinese document families does your run drop, compared with the default "
               "book (default minus yours)?", 'default["n_cn_units"] - mine["n_cn_units"]',
               lambda m, d: d["n_cn_units"] - m["n_cn_units"], kind="int", track="methods"),
        ),
        vary=("jurisdictions", "period", "min_words"),
    ),
    Assignment(
        "developers", "Developers: how the location proxy moves the estimate",
        "Rerun the chapter with the paper's own location proxy (the hour of the commit).",
        "params/developers-clock.yml",
        (
            _q("q1", "What is your run's pooled difference-in-differences estimate?",
               'mine["pooled_coef"]', _key("pooled_coef"), points=2),
            _q("q2", "What is the lower end of its 95% interval?", 'mine["pooled_ci_low"]',
               _key("pooled_ci_low")),
            _q("q3", "By how much does your estimate differ from the default book's (yours minus "
               "default)?", 'mine["pooled_coef"] - default["pooled_coef"]', _change("pooled_coef"),
               points=2, track="methods"),
        ),
        vary=("geo_proxy", "estimator", "window_weeks"),
    ),
    Assignment(
        "diffusion", "Diffusion: stars against forks, full against balanced panels",
        "Rerun the chapter with stars instead of forks and the full (unbalanced) panel.",
        "params/diffusion-full-stars.yml",
        (
            _q("q1", "What is your run's pooled China-owned minus U.S.-owned estimate?",
               'mine["pooled_coef"]', _key("pooled_coef"), points=2),
            _q("q2", "What is its p-value?", 'mine["pooled_p"]', _key("pooled_p")),
            _q("q3", "By how much does your estimate differ from the default book's (yours minus "
               "default)?", 'mine["pooled_coef"] - default["pooled_coef"]', _change("pooled_coef"),
               points=2, track="methods"),
        ),
        vary=("balanced", "repo_metric", "estimator"),
    ),
    Assignment(
        "research", "Research: how the venue mix moves a share",
        "Restrict the analysis to the language-model venues.",
        "params/research-llm-venues.yml",
        (
            _q("q1", "How many papers does your run read?", 'mine["n_papers"]', _key("n_papers"),
               kind="int"),
            _q("q2", "How many of them name any model family?", 'mine["n_any_family"]',
               _key("n_any_family"), kind="int"),
            _q("q3", "What share of your run's papers name any model family (a number between 0 and "
               "1)?", 'mine["n_any_family"] / mine["n_papers"]',
               lambda m, d: m["n_any_family"] / m["n_papers"], track="methods"),
        ),
        vary=("venues", "years"),
    ),
    Assignment(
        "robustness", "Robustness: what a specification curve and placebo dates show",
        "Run the reduced grid with your seed.",
        "params/robustness-small.yml",
        (
            _q("q1", "How many specifications does your curve have?", 'mine["n_specs"]',
               _key("n_specs"), kind="int"),
            _q("q2", "What share of the estimated specifications is positive?",
               'mine["share_positive"]', _key("share_positive")),
            _q("q3", "What is the median t statistic across the curve?", 'mine["median_t"]',
               _key("median_t"), track="methods"),
        ),
        vary=("seed",),
    ),
    Assignment(
        "primer", "Methods primer: what a pre-trend does to two-way fixed effects (SIMULATED data)",
        "Rerun the primer with a stronger pre-trend and fewer units.",
        EXERCISE_RUN,
        (
            _q("q1", "What p-value does the joint pre-trend test give on the panel with the drift "
               "(sandbox 2)?", 'mine["trend_p"]', _key("trend_p")),
            _q("q2", "What do two-way fixed effects estimate on the panel with the drift?",
               'mine["twfe_trend_coef"]', _key("twfe_trend_coef"), points=2),
            _q("q3", "What is the bias of that estimate (estimate minus the true effect)?",
               'mine["twfe_trend_coef"] - mine["true_effect"]',
               lambda m, d: m["twfe_trend_coef"] - m["true_effect"], points=2, track="methods"),
        ),
        vary=("seed", "pre_trend"),  # not n_units: with 10 units the pre-trend Wald test degenerates
    ),
)


def get_assignment(name: str) -> Assignment:
    """The assignment of a chapter; a UserError lists the ones there are."""
    for a in ASSIGNMENTS:
        if a.chapter == name:
            return a
    raise UserError(f"there is no assignment {name!r}; choose one of "
                    f"{', '.join(a.chapter for a in ASSIGNMENTS)}")
