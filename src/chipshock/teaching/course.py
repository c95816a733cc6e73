"""Autograded assignments with otter-grader: build them (`make course`) and grade one locally.

`build_course` writes, per assignment, `_build/course/<id>/student/<id>.ipynb` (what students
start from), `_build/course/<id>/solution/<id>.ipynb` and `_build/course/<id>/<id>-autograder.zip`
(the zip Gradescope accepts; `chipshock grade` uses it locally). Each question has a public test
(the answer has the right kind) worth no points and a hidden test (the answer matches the key
computed for the student's parameters) worth the question's points.
"""

from __future__ import annotations

import ast
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
import yaml

from chipshock import outputs
from chipshock.errors import UserError
from chipshock.params import read_params_file
from chipshock.paths import ROOT_ENV, Project
from chipshock.pipeline.registry import get_chapter
from chipshock.teaching.assignments import ASSIGNMENTS, Assignment, Question, get_assignment

PARAMS_CELL_TAG = "chipshock-my-params"
TRACKS = {"policy": "policy track: run and read", "methods": "methods track: compute"}


def _config(a: Assignment) -> str:
    config = {"name": a.chapter, "init_cell": True, "check_all_cell": False, "export_cell": False,
              "run_tests": False, "solutions_pdf": False, "template_pdf": False}
    return "# ASSIGNMENT CONFIG\n" + yaml.safe_dump(config, sort_keys=False)


def _intro(a: Assignment) -> str:
    simulated = " **All data in this assignment are SIMULATED.**" if a.chapter == "primer" else ""
    if isinstance(a.defaults, str):
        defaults = f"`chipshock run {a.chapter} -f {a.defaults}`"
    else:
        pairs = " ".join(f"-p {k} {v}" for k, v in a.defaults.items())
        defaults = f"`chipshock run {a.chapter} {pairs}`"
    return (f"# Assignment: {a.title}\n\n{a.exercise}{simulated} The default assignment is {defaults}; "
            f"your instructor gives you your own parameter values with `chipshock assign`.\n\n"
            "1. Put your values in `MY_PARAMS` below (leave it `{}` for the default assignment).\n"
            "2. Run every cell. `mine` holds what the chapter glued for your parameters and `default` "
            "what it glued for the default book: the names are those of the chapter's "
            f"`{{glue:text}}` references in `book/{a.chapter}.md`.\n"
            "3. Replace each `...` with your answer, a number (floats to three decimals or more). Policy "
            f"track: type it as your run's page shows it (`chipshock run {a.chapter} -f YOUR-FILE.yml` "
            "prints the page's address). Methods track: compute it from `mine` and `default`.\n"
            f"4. Save, then grade it yourself: `chipshock grade {a.chapter} {a.chapter}.ipynb` "
            f"(total {a.points} points).")


def _question_cells(a: Assignment, q: Question) -> list[nbformat.NotebookNode]:
    v4 = nbformat.v4
    new_raw, new_md, new_code = v4.new_raw_cell, v4.new_markdown_cell, v4.new_code_cell
    return [
        new_raw(f"# BEGIN QUESTION\nname: {q.name}\npoints: [0, {q.points}]"),
        new_md(f"**{q.name}** ({TRACKS[q.track]}; {q.points} point{'s' * (q.points != 1)}). {q.prompt} "
               f"Assign it to `{q.name}`."),
        new_raw("# BEGIN SOLUTION"),
        new_code(f"{q.name} = {q.solution}  # SOLUTION\n{q.name}"),
        new_raw("# END SOLUTION"),
        new_raw("# BEGIN TESTS"),
        new_code(f'from chipshock.teaching.answers import public_check\n\n'
                 f'assert public_check("{a.chapter}", "{q.name}", {q.name})'),
        new_code(f'# HIDDEN\nfrom chipshock.teaching.answers import check\n\n'
                 f'assert check("{a.chapter}", "{q.name}", {q.name}, MY_PARAMS)'),
        new_raw("# END TESTS"),
        new_raw("# END QUESTION"),
    ]


def master_notebook(a: Assignment) -> nbformat.NotebookNode:
    """The otter-grader master notebook of an assignment (solutions and tests in one)."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    example = f'{{"{a.vary[0]}": ...}}' if a.vary else "{}"
    params = nbformat.v4.new_code_cell(
        f"# Your parameter values from your `chipshock assign` file, as a dict (e.g. {example});\n"
        "# {} is the default assignment.\nMY_PARAMS = {}")
    params.metadata["tags"] = [PARAMS_CELL_TAG]
    nb.cells = [
        nbformat.v4.new_raw_cell(_config(a)),
        nbformat.v4.new_markdown_cell(_intro(a)),
        params,
        nbformat.v4.new_code_cell(
            f'from chipshock.teaching.answers import runs\n\nmine, default = runs("{a.chapter}", MY_PARAMS)\n'
            f'print(f"{{len(mine)}} glued numbers and words, e.g.", ", ".join(sorted(mine)[:8]))'),
    ]
    for q in a.questions:
        nb.cells += _question_cells(a, q)
    return nb


@dataclass(frozen=True)
class Built:
    student: Path
    solution: Path
    autograder: Path


def paths(course_dir: Path, chapter_id: str) -> Built:
    folder = course_dir / chapter_id
    return Built(folder / "student" / f"{chapter_id}.ipynb", folder / "solution" / f"{chapter_id}.ipynb",
                 folder / f"{chapter_id}-autograder.zip")


def build_assignment(a: Assignment, course_dir: Path) -> Built:
    """Run `otter assign` on the master notebook and put its outputs in place atomically."""
    course_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{a.chapter}-", dir=course_dir) as tmp:
        master, dist = Path(tmp) / "master" / f"{a.chapter}.ipynb", Path(tmp) / "dist"
        master.parent.mkdir()
        nbformat.write(master_notebook(a), master)
        proc = subprocess.run([sys.executable, "-m", "otter", "assign", "--no-pdfs", str(master), str(dist)],
                              capture_output=True, text=True, check=False)
        zips = sorted((dist / "autograder").glob("*.zip"))
        if proc.returncode != 0 or not zips:
            raise UserError(f"otter assign failed for {a.chapter}: {(proc.stdout + proc.stderr)[-1500:]}")
        target = paths(Path(tmp) / "stage", a.chapter)
        for src, dst in ((dist / "student" / f"{a.chapter}.ipynb", target.student),
                         (dist / "autograder" / f"{a.chapter}.ipynb", target.solution),
                         (zips[-1], target.autograder)):
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)
        final = course_dir / a.chapter
        if final.exists():
            shutil.rmtree(final)
        os.replace(Path(tmp) / "stage" / a.chapter, final)
    return paths(course_dir, a.chapter)


def build_course(course_dir: Path, only: list[str] | None = None) -> list[Built]:
    """Every assignment (or the named ones) into `course_dir`."""
    chosen = [get_assignment(c) for c in only] if only else list(ASSIGNMENTS)
    with outputs.owned(course_dir, "course"):  # a folder it made itself, or a new one; refused otherwise
        return [build_assignment(a, course_dir) for a in chosen]


@dataclass(frozen=True)
class Score:
    chapter: str
    questions: dict[str, tuple[float, float]]  # name -> (score, possible)

    @property
    def total(self) -> float:
        return sum(s for s, _ in self.questions.values())

    @property
    def possible(self) -> float:
        return sum(p for _, p in self.questions.values())

    def report(self) -> str:
        lines = [f"{name}: {s:g} / {p:g}" for name, (s, p) in self.questions.items()]
        return "\n".join([*lines, f"{self.chapter}: {self.total:g} / {self.possible:g} points"])


def notebook_params(submission: Path) -> dict[str, Any]:
    """The `MY_PARAMS` a submitted notebook set (its tagged cell, read without running it)."""
    try:
        nb = nbformat.read(submission, as_version=4)
    except (OSError, json.JSONDecodeError, nbformat.reader.NotJSONError) as exc:
        raise UserError(f"cannot read the notebook {submission}: {exc}; submit the .ipynb you ran") from None
    for cell in nb.cells:
        if PARAMS_CELL_TAG in cell.metadata.get("tags", []):
            for node in ast.parse(cell.source).body:
                targets = [getattr(t, "id", "") for t in getattr(node, "targets", [])]
                if isinstance(node, ast.Assign) and "MY_PARAMS" in targets:
                    try:
                        return dict(ast.literal_eval(node.value))
                    except (ValueError, TypeError):
                        break
            raise UserError(f"{submission}: MY_PARAMS must be a plain dict of values, e.g. {{\"seed\": 3}}")
    raise UserError(f"{submission} has no MY_PARAMS cell; start from the student notebook of `make course`")


def check_params(project: Project, chapter_id: str, submission: Path, params_file: Path) -> None:
    """Refuse a submission whose MY_PARAMS is not the student's assigned set."""
    from chipshock.teaching.answers import assignment_set

    a = get_assignment(chapter_id)
    assigned = assignment_set(project, a, read_params_file(params_file))
    if assignment_set(project, a, notebook_params(submission)) != assigned:
        raise UserError(f"{submission}: MY_PARAMS is not the parameter set of {params_file}; copy the "
                        "values of your own file into MY_PARAMS")


@contextlib.contextmanager
def _environ(values: dict[str, str]) -> Iterator[None]:
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _quiet_kernel(ipython_dir: Path) -> str:
    """An IPython profile whose kernels log errors only (not the loopback TCP warning)."""
    profile = ipython_dir / "profile_default"
    profile.mkdir(parents=True)
    (profile / "ipython_kernel_config.py").write_text('c.IPKernelApp.log_level = "ERROR"\n')
    return str(ipython_dir)


def grade(project: Project, chapter_id: str, submission: Path, course_dir: Path,
          params_file: Path | None = None) -> Score:
    """Grade one submission locally with the assignment's autograder (built when missing)."""
    a = get_assignment(chapter_id)
    get_chapter(a.chapter)
    if not submission.is_file():
        raise UserError(f"no notebook at {submission}; give the path of your saved .ipynb")
    notebook_params(submission)
    if params_file is not None:
        check_params(project, chapter_id, submission, params_file)
    built = paths(course_dir, a.chapter)
    if not built.autograder.is_file():
        built = build_assignment(a, course_dir)
    with tempfile.TemporaryDirectory(prefix="chipshock-ipython-") as ipython_dir, \
            _environ({ROOT_ENV: str(project.root), "IPYTHONDIR": _quiet_kernel(Path(ipython_dir))}), \
            warnings.catch_warnings():  # otter-grader's own deprecation noise (pandas, pkg_resources)
        warnings.simplefilter("ignore")
        from otter.api import grade_submission

        results = grade_submission(str(submission.resolve()), str(built.autograder.resolve()), quiet=True)
    scores = {q.name: (float(results.get_score(q.name)), float(q.points)) for q in a.questions}
    return Score(a.chapter, scores)


def verify(project: Project, course_dir: Path, only: list[str] | None = None) -> list[str]:
    """Grade each built solution (must score full marks) and blank student notebook (must score
    zero); the problems found, empty when every assignment grades as it should."""
    problems = []
    for a in [get_assignment(c) for c in only] if only else list(ASSIGNMENTS):
        built = paths(course_dir, a.chapter)
        solution = grade(project, a.chapter, built.solution, course_dir)
        blank = grade(project, a.chapter, built.student, course_dir)
        if solution.total != solution.possible:
            problems.append(f"{a.chapter}: the solution scores {solution.total:g} of {solution.possible:g}")
        if blank.total != 0:
            problems.append(f"{a.chapter}: the blank student notebook scores {blank.total:g}, not 0")
    return problems


def write_answer_key(project: Project, course_dir: Path) -> Path:
    """`answer-key.csv`: every question's answer for the default assignment (MY_PARAMS = {})."""
    import csv

    from chipshock.teaching.answers import expected

    rows = [{"assignment": a.chapter, "question": q.name, "points": q.points, "track": q.track,
             "answer": expected(a.chapter, q.name, {}, project)}
            for a in ASSIGNMENTS for q in a.questions]
    path = course_dir / "answer-key.csv"
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    os.replace(tmp, path)
    return path
