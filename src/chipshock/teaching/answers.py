"""Answer keys computed for one student's parameter set: run the chapter (cached), read its glue.

Assignment notebooks call `runs` to get what the chapter glued for the student's set and for the
default book; their hidden tests call `check`, which recomputes the key the same way. Students
who copy another's number fail, because the key depends on their own parameters.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from chipshock.errors import UserError
from chipshock.params import params_hash, read_params_file
from chipshock.paths import Project, find_project
from chipshock.pipeline.registry import Chapter, get_chapter
from chipshock.teaching.assignments import Assignment, Question, get_assignment

FLOAT_TOLERANCE = 5e-4
"""Floats are accepted within half a unit of the third decimal, so that a number read off a
page (printed to three decimals) counts as right."""
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


def runs(chapter_id: str, my_params: Mapping[str, Any],
         project: Project | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """What the chapter glued for the student's set and for the default book."""
    project = project or find_project()
    assignment = get_assignment(chapter_id)
    chapter = get_chapter(assignment.chapter)
    mine = chapter_values(project, chapter, assignment_set(project, assignment, my_params))
    default = chapter_values(project, chapter, chapter.params.to_plain(chapter.params.defaults()))
    return mine, default


def expected(chapter_id: str, question: str, my_params: Mapping[str, Any],
             project: Project | None = None) -> Any:
    """The answer key of one question for this student's parameter set."""
    q = get_assignment(chapter_id).question(question)
    mine, default = runs(chapter_id, my_params, project)
    return _typed(q, q.answer(mine, default))


def _typed(q: Question, value: Any) -> Any:
    if q.kind == "int":
        return int(value)
    if q.kind == "float":
        return float(value)
    return str(value)


def right_type(q: Question, answer: Any) -> bool:
    """The public test: an answer of the question's kind (not left as `...`)."""
    if isinstance(answer, bool):
        return False
    if q.kind == "int":
        return isinstance(answer, int) or (isinstance(answer, float) and answer.is_integer())
    if q.kind == "float":
        return isinstance(answer, int | float) and math.isfinite(float(answer))
    return isinstance(answer, str)


def matches(q: Question, answer: Any, key: Any) -> bool:
    """Whether an answer equals the key: ints exactly, floats within `FLOAT_TOLERANCE`, words
    ignoring case and surrounding spaces."""
    if not right_type(q, answer):
        return False
    if q.kind == "int":
        return int(answer) == int(key)
    if q.kind == "float":
        error, size = abs(float(answer) - float(key)), abs(float(key))
        if size == 0:
            return error <= 1e-12
        if size < SMALL:
            return error <= 5e-3 * size
        return error <= max(FLOAT_TOLERANCE, q.tolerance)
    return answer.strip().lower() == str(key).strip().lower()


def check(chapter_id: str, question: str, answer: Any, my_params: Mapping[str, Any]) -> bool:
    """The hidden test: the answer matches the key computed for this student's parameters."""
    q = get_assignment(chapter_id).question(question)
    return matches(q, answer, expected(chapter_id, question, my_params))


def public_check(chapter_id: str, question: str, answer: Any) -> bool:
    """The public test: the answer is of the right kind."""
    return right_type(get_assignment(chapter_id).question(question), answer)
