"""The course's assignments: one per chapter, built from the chapter's rerun exercise.

Every question's answer key is computed for the student's own parameter set (from
`chipshock assign`): the chapter is executed with that set (cached) and the answer is an
expression over what it glued (`mine`) and what the default book glued (`default`). The glued
keys an assignment reads are named once, in its `keys` mapping (role -> glue key), so a chapter
that renames a key needs a one-line fix here (and the test that grades every solution fails
until then). Nothing here is a typed result; only questions, points, tolerances and the space
of parameter sets students draw from are declared.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from chipshock.chapters.primer.parameters import EXERCISE_RUN
from chipshock.chapters.primer.parameters import PARAMS as PRIMER_PARAMS
from chipshock.errors import UserError
from chipshock.teaching.assign import Subsets

Values = Mapping[str, Any]
"""What a chapter glued, key to value (scalars only)."""


@dataclass(frozen=True)
class Question:
    """One autograded question: a number (or word) computed from the student's run.

    `expr` is a Python expression over `mine[{role}]` and `default[{role}]`, where each `{role}`
    is a key of the assignment's `keys`; the same expression is the solution cell and the key.
    """

    name: str
    prompt: str
    points: int
    expr: str
    kind: str = "float"  # "float", "int" or "str"
    track: str = "policy"  # "policy" (read and compare) or "methods" (compute)
    tolerance: float = 5e-4  # absolute, for floats of size 0.01 or more (three decimals)
    hidden: bool = False  # True: the public check looks at the format only


@dataclass(frozen=True)
class Constraint:
    """A rule every drawn parameter set obeys, stated next to the assignment's text."""

    text: str
    holds: Callable[[Values], bool]


@dataclass(frozen=True)
class Assignment:
    """An assignment notebook for one chapter."""

    chapter: str
    title: str
    exercise: str  # what the rerun exercise asks, in a sentence
    defaults: str | Mapping[str, Any]  # the exercise's parameter set (a params/ file or values)
    keys: Mapping[str, str]  # role -> the chapter's glue key (one place to follow a rename)
    questions: tuple[Question, ...]
    vary: Mapping[str, Sequence[Any] | None] = field(default_factory=dict)  # name -> menu (None: generic)
    constraints: tuple[Constraint, ...] = ()

    @property
    def points(self) -> int:
        return sum(q.points for q in self.questions)

    def question(self, name: str) -> Question:
        for q in self.questions:
            if q.name == name:
                return q
        raise UserError(f"assignment {self.chapter} has no question {name!r} "
                        f"(it has {', '.join(q.name for q in self.questions)})")

    def solution(self, q: Question) -> str:
        """The question's expression with the glue keys filled in, e.g. `mine["pooled_coef"]`."""
        return q.expr.format(**{role: json.dumps(key) for role, key in self.keys.items()})

    def roles(self, q: Question) -> list[str]:
        """The glue keys a question reads."""
        return [key for role, key in self.keys.items() if "{" + role + "}" in q.expr]

    def answer(self, q: Question, mine: Values, default: Values) -> Any:
        """The key: the solution expression evaluated on the two runs."""
        return eval(self.solution(q), {"__builtins__": {}}, {"mine": mine, "default": default})


def _q(name: str, prompt: str, expr: str, *, points: int = 1, kind: str = "float",
       track: str = "policy", hidden: bool = False) -> Question:
    return Question(name, prompt, points, expr, kind, track, hidden=hidden)


BIS_RULES = tuple(dt.date.fromisoformat(d) for d in ("2022-10-07", "2023-10-17", "2024-12-02"))
PRIMER_DEFAULT_PRE_TREND = float(PRIMER_PARAMS.get("pre_trend").default)  # the assignment asks for more
LANGUAGE_VENUES = ("colm", "naacl", "coling")


def _venues_with_colm() -> Subsets:
    from chipshock.chapters.research.parameters import VENUES

    return Subsets(VENUES, required=("colm",))


ASSIGNMENTS: tuple[Assignment, ...] = (
    Assignment(
        "background", "Background: which shocks and events a timeline shows",
        "Rerun the chapter with some of the BIS export-control rules as shocks and a selection of "
        "event kinds that always includes export-control events (your file says which).",
        "params/background-export-controls.yml",
        {"events": "n_events", "shocks": "n_shocks"},
        (
            _q("q1", "How many policy events does your run show?", "mine[{events}]", kind="int"),
            _q("q2", "How many shocks fall in your run's date range?", "mine[{shocks}]", kind="int"),
            _q("q3", "How many fewer events does your run show than the default book (default minus "
               "yours)?", "default[{events}] - mine[{events}]", kind="int", track="methods", hidden=True),
        ),
        vary={"shocks": Subsets(BIS_RULES), "event_kinds": Subsets(
            ("export_control", "industrial_policy", "ai_strategy", "open_source_policy", "regulation",
             "standards"), required=("export_control",))},
        constraints=(
            Constraint("the shocks are BIS export-control rules only (a non-empty selection of "
                       "2022-10-07, 2023-10-17 and 2024-12-02)",
                       lambda v: len(v["shocks"]) > 0 and {dt.date.fromisoformat(str(d)) for d in v["shocks"]}
                       <= set(BIS_RULES)),
            Constraint("the event kinds include export-control events (export_control)",
                       lambda v: "export_control" in v["event_kinds"]),
        ),
    ),
    Assignment(
        "policy", "Policy: what a smaller corpus can detect",
        "Rerun the chapter with the national documents (U.S. federal, Chinese central) and the "
        "sub-national levels your file adds, counted per your period, dropping documents shorter "
        "than your minimum length.",
        "params/policy-central-yearly.yml",
        {"cn_units": "n_cn_units", "logit_p": "logit_p"},
        (
            _q("q1", "How many Chinese document families remain in your run?", "mine[{cn_units}]",
               kind="int"),
            _q("q2", "What is the p-value of the logit's China x after interaction?", "mine[{logit_p}]"),
            _q("q3", "How many Chinese document families does your run drop, compared with the default "
               "book (default minus yours)?", "default[{cn_units}] - mine[{cn_units}]", kind="int",
               track="methods", hidden=True),
        ),
        vary={"jurisdictions": Subsets(("us_federal", "us_state", "us_local", "cn_central", "cn_provincial"),
                                       required=("us_federal", "cn_central")),
              "period": ("year", "half-year"), "min_words": tuple(range(0, 401, 25))},
        constraints=(
            Constraint("the jurisdictions include the national levels of both countries (us_federal, "
                       "cn_central)", lambda v: {"us_federal", "cn_central"} <= set(v["jurisdictions"])),
            Constraint("the minimum length is at most 400 words",
                       lambda v: 0 <= v["min_words"] <= 400),
        ),
    ),
    Assignment(
        "developers", "Developers: how the location proxy moves the estimate",
        "Rerun the chapter with your location proxy (the paper's own is the hour of the commit), "
        "your estimator and your window around each shock.",
        "params/developers-clock.yml",
        {"coef": "pooled_coef", "ci_low": "pooled_ci_low"},
        (
            _q("q1", "What is your run's pooled difference-in-differences estimate?", "mine[{coef}]",
               points=2),
            _q("q2", "What is the lower end of its 95% interval?", "mine[{ci_low}]"),
            _q("q3", "By how much does your estimate differ from the default book's (yours minus "
               "default)?", "mine[{coef}] - default[{coef}]", points=2, track="methods", hidden=True),
        ),
        vary={"geo_proxy": None, "estimator": None, "window_weeks": tuple(range(8, 53, 4))},
        constraints=(Constraint("the window is 8 to 52 weeks on each side of a shock",
                                lambda v: 8 <= v["window_weeks"] <= 52),),
    ),
    Assignment(
        "diffusion", "Diffusion: stars against forks, full against balanced panels",
        "Rerun the chapter with your GitHub measure (stars or forks), your hub panel (full or "
        "balanced), your estimator and your window around each shock.",
        "params/diffusion-full-stars.yml",
        {"coef": "pooled_coef", "p": "pooled_p"},
        (
            _q("q1", "What is your run's pooled China-owned minus U.S.-owned estimate?", "mine[{coef}]",
               points=2),
            _q("q2", "What is its p-value?", "mine[{p}]"),
            _q("q3", "By how much does your estimate differ from the default book's (yours minus "
               "default)?", "mine[{coef}] - default[{coef}]", points=2, track="methods", hidden=True),
        ),
        vary={"balanced": None, "repo_metric": None, "estimator": None,
              "window_weeks": tuple(range(8, 37, 2))},
        constraints=(Constraint("the window is 8 to 36 weeks on each side of a shock",
                                lambda v: 8 <= v["window_weeks"] <= 36),),
    ),
    Assignment(
        "research", "Research: how the venue mix moves a share",
        "Rerun the chapter on your venue mix, which always includes COLM (the language-model venue "
        "the chapter compares across years), in your years.",
        "params/research-llm-venues.yml",
        {"papers": "n_papers", "any_family": "n_any_family"},
        (
            _q("q1", "How many papers does your run read?", "mine[{papers}]", kind="int"),
            _q("q2", "How many of them name any model family?", "mine[{any_family}]", kind="int"),
            _q("q3", "What share of your run's papers name any model family (a number between 0 and "
               "1)?", "mine[{any_family}] / mine[{papers}]", track="methods", hidden=True),
        ),
        vary={"venues": _venues_with_colm(), "years": Subsets((2023, 2024, 2025), required=(2024, 2025))},
        constraints=(
            Constraint("the venues include COLM (colm)", lambda v: "colm" in v["venues"]),
            Constraint("the years include COLM's two years, 2024 and 2025",
                       lambda v: {2024, 2025} <= set(v["years"])),
        ),
    ),
    Assignment(
        "robustness", "Robustness: what a specification curve and placebo dates show",
        "Run the reduced grid with your seed (it draws the joint test's swaps and the placebo dates).",
        "params/robustness-small.yml",
        {"specs": "n_specs", "share_positive": "curve_share_positive", "median_t": "curve_median_t"},
        (
            _q("q1", "How many specifications does your curve have?", "mine[{specs}]", kind="int"),
            _q("q2", "What share of the estimated specifications is positive?", "mine[{share_positive}]"),
            _q("q3", "What is the median t statistic across the curve?", "mine[{median_t}]",
               track="methods", hidden=True),
        ),
        vary={"seed": range(1, 100_000)},
    ),
    Assignment(
        "primer", "Methods primer: what a pre-trend does to two-way fixed effects (SIMULATED data)",
        "Rerun the primer with a stronger pre-trend than the chapter's default and fewer units "
        "(your file gives your pre-trend and seed).",
        EXERCISE_RUN,
        {"trend_p": "trend_p", "coef": "twfe_trend_coef", "truth": "true_effect"},
        (
            _q("q1", "What p-value does the joint pre-trend test give on the panel with the drift "
               "(sandbox 2)?", "mine[{trend_p}]"),
            _q("q2", "What do two-way fixed effects estimate on the panel with the drift?", "mine[{coef}]",
               points=2),
            _q("q3", "What is the bias of that estimate (estimate minus the true effect)?",
               "mine[{coef}] - mine[{truth}]", points=2, track="methods", hidden=True),
        ),
        # not n_units: with 10 units the pre-trend Wald test degenerates
        vary={"seed": range(0, 10_000), "pre_trend": tuple(round(0.15 + 0.05 * i, 2) for i in range(8))},
        constraints=(
            Constraint(f"the pre-trend is stronger than the chapter's default ({PRIMER_DEFAULT_PRE_TREND})",
                       lambda v: v["pre_trend"] > PRIMER_DEFAULT_PRE_TREND),
        ),
    ),
)


def get_assignment(name: str) -> Assignment:
    """The assignment of a chapter; a UserError lists the ones there are."""
    for a in ASSIGNMENTS:
        if a.chapter == name:
            return a
    raise UserError(f"there is no assignment {name!r}; choose one of "
                    f"{', '.join(a.chapter for a in ASSIGNMENTS)}")
