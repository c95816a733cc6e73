"""Answer keys computed for one student's parameter set: run the chapter (cached), read its glue.

Assignment notebooks call `runs` to get what the chapter glued for the student's set and for the
default book; the grader computes the same key (`expected`) before the student's notebook runs
and compares afterwards (`matches`), and says what it expected, within what tolerance and where
on the page the number is (`feedback`). Students who copy another's number fail, because the key
depends on their own parameters.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from chipshock.errors import UserError
from chipshock.params import params_hash, read_params_file
from chipshock.paths import ROOT_ENV, Project, find_project
from chipshock.pipeline.registry import Chapter, get_chapter
from chipshock.teaching.assignments import Assignment, Question, get_assignment

FLOAT_TOLERANCE = 5e-4
"""Floats are accepted within half a unit of the third decimal at least, so that a number read
off a page (printed to three decimals) counts as right."""
SMALL = 0.01
"""Below this size (p-values such as 5.84e-10) a float must match to three significant digits
instead: half a unit of the third decimal would accept any small number, zero included."""


def assignment_set(project: Project, assignment: Assignment, my_params: Mapping[str, Any]) -> dict[str, Any]:
    """The student's resolved, plain parameter set: chapter defaults, then the assignment's
    default set, then the student's own values (from `chipshock assign`)."""
    if not isinstance(my_params, Mapping):
        raise UserError(f"MY_PARAMS must be a dict of parameter values (from your `chipshock assign` "
                        f"file), not {type(my_params).__name__}")
    chapter = get_chapter(assignment.chapter)
    values = chapter.params.resolve({**default_set(project, assignment), **dict(my_params)})
    return chapter.params.to_plain(values)


def unknown_params(assignment: Assignment, my_params: Mapping[str, Any]) -> list[str]:
    """The keys of MY_PARAMS that are not parameters of the assignment's chapter."""
    return sorted(set(my_params) - set(get_chapter(assignment.chapter).params.names()))


def default_set(project: Project, assignment: Assignment) -> dict[str, Any]:
    """The assignment's default parameter values (its rerun exercise's)."""
    base = assignment.defaults
    return dict(read_params_file(project.root / base) if isinstance(base, str) else base)


def executed_path(project: Project, chapter: Chapter, plain: Mapping[str, Any]) -> Path:
    """Where the run of these parameters is kept: the book's notebook for the defaults, else
    `_build/course-runs/` (never `variants/`, which belongs to `chipshock run`)."""
    if dict(plain) == chapter.params.to_plain(chapter.params.defaults()):
        return project.root / chapter.executed
    return project.build_dir / "course-runs" / f"{chapter.id}-{params_hash(plain)}" / chapter.executed


def chapter_values(project: Project, chapter: Chapter, plain: Mapping[str, Any]) -> dict[str, Any]:
    """Every number and word the chapter glues under these parameters: read from a fresh
    `chipshock run` of them when there is one, else executed (cached)."""
    from chipshock.pipeline.execute import chapter_key, execute, is_fresh

    rerun = project.variants / f"{chapter.id}-{params_hash(plain)}" / chapter.executed
    if is_fresh(rerun, chapter_key(project, chapter, plain)):
        return glued_scalars(rerun)
    out = executed_path(project, chapter, plain)
    execute(project, chapter, plain, out)
    return glued_scalars(out)


def glued_scalars(notebook: Path) -> dict[str, Any]:
    """The numbers and words an executed notebook glued (tables and charts left out)."""
    from chipshock.pipeline.changes import glued_values

    return {k: v for k, (kind, v) in glued_values(notebook).items() if kind in ("number", "word")}


def _require_keys(assignment: Assignment, values: Mapping[str, Any]) -> None:
    missing = [key for key in assignment.keys.values() if key not in values]
    if missing:
        raise UserError(f"the {assignment.chapter} chapter no longer glues {', '.join(missing)}, which "
                        f"its assignment reads; update `keys` of the {assignment.chapter} assignment in "
                        "src/chipshock/teaching/assignments.py to the chapter's new glue names")


PROJECT_DIR = "chipshock-project"
"""The folder beside a submission in which the Gradescope autograder ships the book's part that
an assignment runs (see `chipshock.teaching.autograder`)."""


def course_project() -> Project:
    """The book to grade against: $CHIPSHOCK_ROOT when set, else a `chipshock-project` folder
    beside the notebook (in the autograder zip), else the checkout around it."""
    shipped = Path.cwd() / PROJECT_DIR
    if not os.environ.get(ROOT_ENV) and (shipped / "_toc.yml").is_file():
        return Project(shipped.resolve())
    return find_project()


def runs(chapter_id: str, my_params: Mapping[str, Any],
         project: Project | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """What the chapter glued for the student's set and for the default book."""
    project = project or course_project()
    assignment = get_assignment(chapter_id)
    chapter = get_chapter(assignment.chapter)
    mine = chapter_values(project, chapter, assignment_set(project, assignment, my_params))
    default = chapter_values(project, chapter, chapter.params.to_plain(chapter.params.defaults()))
    _require_keys(assignment, mine)
    _require_keys(assignment, default)
    return mine, default


def expected(chapter_id: str, question: str, my_params: Mapping[str, Any],
             project: Project | None = None) -> Any:
    """The answer key of one question for this student's parameter set."""
    a = get_assignment(chapter_id)
    mine, default = runs(chapter_id, my_params, project)
    return key_of(a, a.question(question), mine, default)


def key_of(a: Assignment, q: Question, mine: Mapping[str, Any], default: Mapping[str, Any]) -> Any:
    """One question's key from the two runs' glue."""
    value = a.answer(q, mine, default)
    if q.kind == "int":
        return int(value)
    if q.kind == "float":
        return float(value)
    return str(value)


def right_type(q: Question, answer: Any) -> bool:
    """An answer of the question's kind (not left as `...`)."""
    if isinstance(answer, bool):
        return False
    if q.kind == "int":
        return isinstance(answer, int) or (isinstance(answer, float) and answer.is_integer())
    if q.kind == "float":
        return isinstance(answer, int | float) and math.isfinite(float(answer))
    return isinstance(answer, str)


@dataclass(frozen=True)
class Place:
    """Where a glued number is shown: the page, its section and the format it is printed in."""

    page: str
    section: str
    fmt: str

    def __str__(self) -> str:
        return f"{self.page}, section “{self.section}”" if self.section else self.page


@cache
def place(chapter_id: str, key: str, root: str | None = None) -> Place:
    """The first place the chapter's narrative page prints `key` (else its computation page)."""
    base = Path(root) if root else course_project().root
    chapter = get_chapter(chapter_id)
    for path, page in ((base / "book" / f"{chapter_id}.md", f"the {chapter.title.split(':')[0]} page"),
                       (base / "notebooks" / f"{chapter_id}.md", f"the {chapter_id} Computation page")):
        found = _find(path, key)
        if found is not None:
            return Place(page, *found)
    return Place(f"the {chapter_id} Computation page (glued as `{key}`)", "", "")


def _find(path: Path, key: str) -> tuple[str, str] | None:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    section = ""
    pattern = re.compile(rf"::{re.escape(key)}:([^`]*)`|glue\(\s*['\"]{re.escape(key)}['\"]")
    for line in lines:
        if line.startswith("#"):
            section = line.lstrip("#").strip()
        hit = pattern.search(line)
        if hit:
            return section, hit.group(1) or ""
    return None


def tolerance(q: Question, key: Any, fmt: str = "") -> float:
    """The absolute tolerance of a float answer: the question's, or half a unit of the last digit
    the page prints when that is coarser; three significant digits for small numbers."""
    size = abs(float(key))
    if size == 0:
        return 1e-12
    if size < SMALL:
        return 5e-3 * size
    printed = re.fullmatch(r",?\.(\d+)([f%])", fmt)
    page = 0.0
    if printed:
        step = 10.0 ** -int(printed.group(1)) / (100 if printed.group(2) == "%" else 1)
        page = step / 2
    return max(FLOAT_TOLERANCE, q.tolerance, page)


def matches(q: Question, answer: Any, key: Any, fmt: str = "") -> bool:
    """Whether an answer equals the key: ints exactly, floats within `tolerance`, words ignoring
    case and surrounding spaces."""
    if not right_type(q, answer):
        return False
    if q.kind == "int":
        return int(answer) == int(key)
    if q.kind == "float":
        return abs(float(answer) - float(key)) <= tolerance(q, key, fmt)
    return answer.strip().lower() == str(key).strip().lower()


def where(a: Assignment, q: Question) -> str:
    """Where the numbers behind a question are on the student's own run's pages."""
    parts = [f"`{key}` on {place(a.chapter, key)}" for key in a.roles(q)]
    return "; ".join(parts)


def _fmt(q: Question, a: Assignment) -> str:
    keys = a.roles(q)
    return place(a.chapter, keys[0]).fmt if len(keys) == 1 and "-" not in q.expr and "/" not in q.expr else ""


def show(value: Any) -> str:
    """A key or an answer as the feedback writes it (six significant digits for floats)."""
    return f"{value:.6g}" if isinstance(value, float) else repr(value)


def describe_tolerance(q: Question, key: Any, fmt: str = "") -> str:
    if q.kind == "int":
        return "exactly"
    if q.kind == "str":
        return "ignoring case"
    return f"within ±{tolerance(q, key, fmt):.3g}"


def feedback(a: Assignment, q: Question, answer: Any, key: Any, shown: str) -> tuple[float, str]:
    """Points and a sentence: the expected value, its tolerance and where it comes from.

    `shown` is how the captured answer is written (its repr, or why there is none)."""
    fmt = _fmt(q, a)
    ok = matches(q, answer, key, fmt)
    how = "computed from" if q.expr.count("[") > 1 else "read from"
    target = (f"expected {show(key)} {describe_tolerance(q, key, fmt)} for your parameters "
              f"({how} {where(a, q)})")
    if ok:
        return float(q.points), f"right: {shown} matches, {target}"
    if not right_type(q, answer):
        return 0.0, f"no {q.kind} answer ({shown}); {target}"
    return 0.0, f"wrong: {shown}; {target}"


def my_params(path: str | Path) -> dict[str, Any]:
    """The student's parameter values, read by name from their `chipshock assign` file ("" for
    the default assignment)."""
    return read_params_file(Path(path)) if str(path).strip() else {}


def check(chapter_id: str, question: str, answer: Any, my_params: Mapping[str, Any]) -> bool:
    """The hidden test of the Gradescope autograder: the answer matches the key computed for
    this student's parameters."""
    a = get_assignment(chapter_id)
    q = a.question(question)
    mine, default = runs(chapter_id, my_params)
    return matches(q, answer, key_of(a, q, mine, default), _fmt(q, a))


def public_check(chapter_id: str, question: str, answer: Any,
                 my_params: Mapping[str, Any] | None = None) -> bool:
    """The public test: compares the answer with the student's own run and says what is wrong,
    or, for a question whose answer stays hidden, checks the format only (the question says so)."""
    a = get_assignment(chapter_id)
    q = a.question(question)
    if not right_type(q, answer):
        raise AssertionError(f"{question} must be a {'whole number' if q.kind == 'int' else q.kind}; "
                             f"replace the ... with your answer")
    if q.hidden or my_params is None:
        return True  # the question's text says that only the format is checked here
    mine, default = runs(chapter_id, my_params)
    key = key_of(a, q, mine, default)
    fmt = _fmt(q, a)
    if not matches(q, answer, key, fmt):
        raise AssertionError(f"{question}: the value with your parameters is {where(a, q)}; your value "
                             f"differs by more than the tolerance ({describe_tolerance(q, key, fmt)}). "
                             "Check that MY_PARAMS_FILE names your own file and that you read your run page")
    return True  # silent: otter's checks are doctests, which fail on any output
