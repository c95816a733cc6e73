"""Autograded assignments with otter-grader: build them (`make course`) and grade them locally.

`build_course` writes, per assignment, `_build/course/<id>/student/<id>.ipynb` (what students
start from), `_build/course/<id>/solution/<id>.ipynb` and `_build/course/<id>/<id>-autograder.zip`
(the zip Gradescope accepts). Each question has a public test worth no points (the answer
compared with the student's own run, or only its format for an answer that stays hidden) and a
hidden test worth the question's points.

`grade` does not trust the student's kernel: it computes the answer keys for the student's
parameters first, then executes the notebook in a process of its own with a time limit
(`sandbox`), captures the answers, and compares them here, in another process.
"""

from __future__ import annotations

import ast
import contextlib
import csv
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
import yaml

from chipshock import outputs
from chipshock.errors import ParamError, UserError
from chipshock.params import read_params_file
from chipshock.paths import ROOT_ENV, Project
from chipshock.teaching.assignments import ASSIGNMENTS, Assignment, Question, get_assignment

PARAMS_CELL_TAG = "chipshock-my-params"
TRACKS = {"policy": "policy track: run and read", "methods": "methods track: compute"}
FORMAT_ONLY = ("The check below looks at the format of your answer only (a number); its value is "
               "checked when the notebook is graded.")
OWN_RUN = "The check below compares your answer with your own run and says where the number is if it differs."
TIMEOUT = 600
"""Seconds a submission may run by default (the chapter runs are computed before, so a correct
notebook takes seconds)."""
KILL_GRACE = 10
"""Seconds between stopping a notebook that ran out of time and killing it."""


def _config(a: Assignment) -> str:
    config = {"name": a.chapter, "init_cell": True, "check_all_cell": False, "export_cell": False,
              "run_tests": False, "solutions_pdf": False, "template_pdf": False}
    return "# ASSIGNMENT CONFIG\n" + yaml.safe_dump(config, sort_keys=False)


def constraints_text(a: Assignment) -> str:
    """The rules every student's parameter set obeys, as a sentence list."""
    if not a.constraints:
        return ""
    return "Every parameter file of this assignment obeys: " + "; ".join(c.text for c in a.constraints) + "."


def _intro(a: Assignment) -> str:
    simulated = " **All data in this assignment are SIMULATED.**" if a.chapter == "primer" else ""
    if isinstance(a.defaults, str):
        defaults = f"`chipshock run {a.chapter} -f {a.defaults}`"
    else:
        pairs = " ".join(f"-p {k} {v}" for k, v in a.defaults.items())
        defaults = f"`chipshock run {a.chapter} {pairs}`"
    return (f"# Assignment: {a.title}\n\n{a.exercise}{simulated} {constraints_text(a)} The default "
            f"assignment is {defaults}; your instructor gives you your own parameter file with "
            "`chipshock assign`.\n\n"
            "1. Put the name of your parameter file in `MY_PARAMS_FILE` below (a path relative to this "
            "notebook; leave it `\"\"` for the default assignment). Its values are read from the file: "
            "do not retype them.\n"
            "2. Run every cell. `mine` holds what the chapter glued for your parameters and `default` "
            "what it glued for the default book: the names are those of the chapter's "
            f"`{{glue:text}}` references in `book/{a.chapter}.md`.\n"
            "3. Replace each `...` with your answer, a number (floats to three decimals or more). Policy "
            f"track: type it as your run's page shows it (`chipshock run {a.chapter} -f YOUR-FILE.yml` "
            "prints the page's address). Methods track: compute it from `mine` and `default`. The "
            "check under each answer compares it with your own run and says what is wrong (or, for "
            "a methods question, checks the format only and says so).\n"
            f"4. Save, then grade it yourself: `chipshock grade {a.chapter} {a.chapter}.ipynb` "
            f"(total {a.points} points).")


def _question_cells(a: Assignment, q: Question) -> list[nbformat.NotebookNode]:
    v4 = nbformat.v4
    new_raw, new_md, new_code = v4.new_raw_cell, v4.new_markdown_cell, v4.new_code_cell
    return [
        new_raw(f"# BEGIN QUESTION\nname: {q.name}\npoints: [0, {q.points}]"),
        new_md(f"**{q.name}** ({TRACKS[q.track]}; {q.points} point{'s' * (q.points != 1)}). {q.prompt} "
               f"Assign it to `{q.name}`. {FORMAT_ONLY if q.hidden else OWN_RUN}"),
        new_raw("# BEGIN SOLUTION"),
        new_code(f"{q.name} = {a.solution(q)}  # SOLUTION\n{q.name}"),
        new_raw("# END SOLUTION"),
        new_raw("# BEGIN TESTS"),
        new_code(f'from chipshock.teaching.answers import public_check\n\n'
                 f'assert public_check("{a.chapter}", "{q.name}", {q.name}, MY_PARAMS)'),
        new_code(f'# HIDDEN\nfrom chipshock.teaching.answers import check\n\n'
                 f'assert check("{a.chapter}", "{q.name}", {q.name}, MY_PARAMS)'),
        new_raw("# END TESTS"),
        new_raw("# END QUESTION"),
    ]


def master_notebook(a: Assignment) -> nbformat.NotebookNode:
    """The otter-grader master notebook of an assignment (solutions and tests in one)."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell(
        "# Your parameter file from `chipshock assign`, relative to this notebook\n"
        '# (e.g. "ada-lovelace.yml"); "" is the default assignment.\nMY_PARAMS_FILE = ""')
    params.metadata["tags"] = [PARAMS_CELL_TAG]
    nb.cells = [
        nbformat.v4.new_raw_cell(_config(a)),
        nbformat.v4.new_markdown_cell(_intro(a)),
        params,
        nbformat.v4.new_code_cell(
            "from chipshock.teaching.answers import my_params, runs\n\n"
            f'MY_PARAMS = my_params(MY_PARAMS_FILE)\nmine, default = runs("{a.chapter}", MY_PARAMS)\n'
            'print("your parameters:", MY_PARAMS or "the default assignment")\n'
            f'print(f"{{len(mine)}} glued numbers and words, e.g.", ", ".join(sorted(mine)[:8]))'),
    ]
    for q in a.questions:
        nb.cells += _question_cells(a, q)
    return nb


DOWNLOADS = "book/assignments"
"""Where the downloadable student notebooks live (committed; the pages link them)."""


def student_notebook(a: Assignment) -> nbformat.NotebookNode:
    """The assignment as a plain notebook to download from the page: no otter, no solutions, no
    hidden tests; each answer followed by its public check. `chipshock grade` grades it."""
    master = master_notebook(a)
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = master.metadata["kernelspec"]
    cells = [c for c in master.cells if c.cell_type != "raw" and not c.source.startswith("# HIDDEN")]
    for cell in cells:
        if cell.cell_type == "code" and "# SOLUTION" in cell.source:
            name = cell.source.split(" = ", 1)[0]
            cell.source = f"{name} = ...\n{name}"
    for number, cell in enumerate(cells):
        cell["id"] = f"{a.chapter}-{number}"
    nb.cells = cells
    return nb


def write_downloads(project: Project) -> list[Path]:
    """Write every assignment's downloadable notebook into `book/assignments/`."""
    folder = project.root / DOWNLOADS
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for a in ASSIGNMENTS:
        path = folder / f"{a.chapter}.ipynb"
        path.write_text(nbformat.writes(student_notebook(a)) + "\n", encoding="utf-8")
        written.append(path)
    return written


@dataclass(frozen=True)
class Built:
    student: Path
    solution: Path
    autograder: Path


def paths(course_dir: Path, chapter_id: str) -> Built:
    folder = course_dir / chapter_id
    return Built(folder / "student" / f"{chapter_id}.ipynb", folder / "solution" / f"{chapter_id}.ipynb",
                 folder / f"{chapter_id}-autograder.zip")


def course_folder(course_dir: Path) -> Path:
    """Make the course's output folder (the one place the course creates it)."""
    try:
        course_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot make the course folder {course_dir}: {exc.strerror}; choose a writable "
                        "--out") from None
    return course_dir


def build_assignment(a: Assignment, course_dir: Path) -> Built:
    """Run `otter assign` on the master notebook and put its outputs in place atomically."""
    course_folder(course_dir)
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


def build_course(course_dir: Path, only: list[str] | None = None,
                 project: Project | None = None) -> list[Built]:
    """Every assignment (or the named ones) into `course_dir`; with a `project`, each
    autograder zip is made self-contained (it executes the default runs it ships)."""
    from chipshock.teaching.autograder import package

    chosen = [get_assignment(c) for c in only] if only else list(ASSIGNMENTS)
    with outputs.owned(course_dir, "course"):  # a folder it made itself, or a new one; refused otherwise
        built = [build_assignment(a, course_dir) for a in chosen]
        if project is not None:
            for a, b in zip(chosen, built, strict=True):
                package(project, a, b.autograder)
    return built


@dataclass(frozen=True)
class Mark:
    points: float
    possible: float
    feedback: str


@dataclass(frozen=True)
class Score:
    chapter: str
    questions: dict[str, Mark]
    notes: tuple[str, ...] = ()  # about the whole run: time limit, cells that raised

    @property
    def total(self) -> float:
        return sum(m.points for m in self.questions.values())

    @property
    def possible(self) -> float:
        return sum(m.possible for m in self.questions.values())

    def report(self) -> str:
        lines = [f"{name}: {m.points:g} / {m.possible:g}: {m.feedback}" for name, m in self.questions.items()]
        return "\n".join([*self.notes, *lines, f"{self.chapter}: {self.total:g} / {self.possible:g} points"])


def read_submission(submission: Path) -> nbformat.NotebookNode:
    """A submitted notebook, or a UserError saying what is wrong with the file."""
    fix = "submit the .ipynb you saved from the assignment's student notebook"
    if not submission.is_file():
        raise UserError(f"no notebook at {submission}; give the path of your saved .ipynb")
    try:
        text = submission.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise UserError(f"{submission} is not UTF-8 text, so not a notebook; {fix}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserError(f"cannot read the notebook {submission}: not JSON ({exc.msg} at line {exc.lineno}); "
                        f"{fix}") from None
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list) or not all(
            isinstance(c, dict) and isinstance(c.get("source", ""), str | list) for c in data["cells"]):
        raise UserError(f"{submission} is not a notebook (it needs a list of cells); {fix}")
    try:
        return nbformat.reads(text, as_version=4)
    except Exception as exc:  # nbformat raises many kinds on a malformed file
        raise UserError(f"cannot read the notebook {submission}: {exc}; {fix}") from None


def _params_cell(nb: nbformat.NotebookNode) -> nbformat.NotebookNode | None:
    for cell in nb.cells:
        if PARAMS_CELL_TAG in cell.get("metadata", {}).get("tags", []):
            return cell
    return None


def notebook_params(submission: Path, nb: nbformat.NotebookNode | None = None) -> dict[str, Any]:
    """The parameters a submitted notebook names, read without running it: its tagged cell's
    `MY_PARAMS_FILE` (read relative to the notebook) or a plain `MY_PARAMS` dict."""
    nb = nb if nb is not None else read_submission(submission)
    cell = _params_cell(nb)
    if cell is None:
        raise UserError(f"{submission} has no MY_PARAMS_FILE cell; start from the student notebook of "
                        "`make course`")
    try:
        tree = ast.parse(cell.source)
    except SyntaxError as exc:
        raise UserError(f"{submission}: the MY_PARAMS_FILE cell is not valid Python ({exc.msg}, line "
                        f"{exc.lineno}); write MY_PARAMS_FILE = \"your-file.yml\"") from None
    for node in tree.body:
        targets = [getattr(t, "id", "") for t in getattr(node, "targets", [])]
        if not isinstance(node, ast.Assign) or not {"MY_PARAMS", "MY_PARAMS_FILE"} & set(targets):
            continue
        try:
            value = ast.literal_eval(node.value)
        except (ValueError, TypeError, SyntaxError):
            break
        if "MY_PARAMS_FILE" in targets and isinstance(value, str):
            return _read_params(submission.parent / value) if value.strip() else {}
        if "MY_PARAMS" in targets and isinstance(value, dict):
            return value
        break
    raise UserError(f"{submission}: MY_PARAMS_FILE must be the name of your parameter file in quotes, "
                    "e.g. MY_PARAMS_FILE = \"ada-lovelace.yml\" (or \"\" for the default assignment)")


def _named_file(nb: nbformat.NotebookNode) -> str | None:
    """The file name (without folders) that the notebook's MY_PARAMS_FILE names, if it is a literal."""
    cell = _params_cell(nb)
    try:
        for node in ast.parse(cell.source if cell is not None else "").body:
            names = [getattr(t, "id", "") for t in getattr(node, "targets", [])]
            if isinstance(node, ast.Assign) and "MY_PARAMS_FILE" in names:
                value = ast.literal_eval(node.value)
                return Path(value).name if isinstance(value, str) and value.strip() else None
    except (SyntaxError, ValueError, TypeError):
        return None
    return None


def _read_params(path: Path) -> dict[str, Any]:
    try:
        return read_params_file(path)
    except UnicodeDecodeError:
        raise UserError(f"the parameter file {path} is not UTF-8 text; use the file `chipshock assign` "
                        "wrote") from None
    except ParamError as exc:
        raise UserError(f"{exc}; give the file from `chipshock assign` (or --params FILE)") from None


def _zero(a: Assignment, why: str, notes: tuple[str, ...] = ()) -> Score:
    return Score(a.chapter, {q.name: Mark(0.0, float(q.points), why) for q in a.questions}, notes)


def submission_set(project: Project, a: Assignment, submission: Path, nb: nbformat.NotebookNode,
                   params_file: Path | None) -> dict[str, Any] | str:
    """The student's values (from `--params` or the notebook), or why they cannot be graded."""
    from chipshock.teaching.answers import assignment_set, unknown_params

    try:
        named = notebook_params(submission, nb)
    except UserError:
        # the instructor grades with the student's file; the notebook names it but it was not handed in
        if params_file is None or _named_file(nb) != params_file.name:
            raise
        named = _read_params(params_file)
    mine = _read_params(params_file) if params_file is not None else named
    unknown = unknown_params(a, named) or unknown_params(a, mine)
    if unknown:
        verb = "is not a parameter" if len(unknown) == 1 else "are not parameters"
        return (f"MY_PARAMS has {', '.join(unknown)}, which {verb} "
                f"of the {a.chapter} chapter (see `chipshock params {a.chapter}`); use your own file from "
                "`chipshock assign`")
    try:
        if params_file is not None and assignment_set(project, a, named) != assignment_set(project, a, mine):
            raise UserError(f"{submission}: MY_PARAMS_FILE does not name the parameter set of {params_file}; "
                            "name your own file in MY_PARAMS_FILE")
        assignment_set(project, a, mine)
    except ParamError as exc:
        return f"MY_PARAMS: {exc}; use your own file from `chipshock assign`"
    return mine


@dataclass(frozen=True)
class Captured:
    answers: dict[str, dict[str, Any]]
    errors: list[str]
    timed_out: bool = False


def _kill(proc: subprocess.Popen[bytes], pid_file: Path) -> None:
    """Stop the runner's process group and the kernel's (it runs in a session of its own)."""
    groups = [proc.pid]
    if pid_file.is_file() and pid_file.read_text().strip().isdigit():
        groups.append(int(pid_file.read_text()))
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in groups:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, sig)
        try:
            proc.wait(KILL_GRACE)
            if sig == signal.SIGTERM:
                time.sleep(0.5)
        except subprocess.TimeoutExpired:
            continue


OTTER_CELL = re.compile(r"\s*(# Initialize Otter\s*)?(import otter\s*)?grader = otter\.Notebook\(.*\)\s*"
                        r"|\s*grader\.check(_all)?\(.*\)\s*")
"""otter's set-up and in-notebook check cells: the grader leaves them out (it checks afterwards)."""


def _graded_copy(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook as graded: otter's cells emptied, MY_PARAMS_FILE naming the graded values."""
    copy = nbformat.reads(nbformat.writes(nb), as_version=4)
    for cell in copy.cells:
        if cell.cell_type == "code" and OTTER_CELL.fullmatch(cell.source):
            cell.source = ""
    cell = _params_cell(copy)
    if cell is not None:
        cell.source = 'MY_PARAMS_FILE = "my-params.yml"'
    return copy


def execute_submission(project: Project, nb: nbformat.NotebookNode, names: list[str],
                       values: Mapping[str, Any], timeout: float) -> Captured:
    """Run a copy of the notebook, with its parameter cell set to the graded values, in a process
    of its own (cwd a fresh folder), for at most `timeout` seconds; capture the named answers."""
    with tempfile.TemporaryDirectory(prefix="chipshock-grade-") as tmp:
        folder = Path(tmp)
        (folder / "ipython").mkdir()
        profile = folder / "ipython" / "profile_default"
        profile.mkdir()
        (profile / "ipython_kernel_config.py").write_text('c.IPKernelApp.log_level = "ERROR"\n')
        (folder / "my-params.yml").write_text(yaml.safe_dump(dict(values)), encoding="utf-8")
        copy = _graded_copy(nb)
        nbformat.write(copy, folder / "submission.ipynb")
        answers, pid_file = folder / "answers.json", folder / "kernel.pid"
        env = {**os.environ, ROOT_ENV: str(project.root), "IPYTHONDIR": str(folder / "ipython"),
               "PYTHONWARNINGS": "ignore"}
        cmd = [sys.executable, "-m", "chipshock.teaching.sandbox", str(folder / "submission.ipynb"),
               str(answers), str(pid_file), *names]
        proc = subprocess.Popen(cmd, cwd=folder, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            _kill(proc, pid_file)
            return Captured({}, [], timed_out=True)
        _kill(proc, pid_file)  # a kernel left behind
        if not answers.is_file():
            return Captured({}, ["the notebook could not be executed (its kernel did not start or died)"])
        data = json.loads(answers.read_text(encoding="utf-8"))
        return Captured(data["answers"], data["errors"])


def grade(project: Project, chapter_id: str, submission: Path, course_dir: Path | None = None,
          params_file: Path | None = None, timeout: float = TIMEOUT) -> Score:
    """Grade one submission: keys first (for the student's parameters), then the notebook in a
    process of its own with a time limit, then the captured answers against the keys, here."""
    from chipshock.teaching.answers import feedback, key_of, runs, show

    a = get_assignment(chapter_id)
    nb = read_submission(submission)
    values = submission_set(project, a, submission, nb, params_file)
    if isinstance(values, str):
        return _zero(a, values)
    mine, default = runs(a.chapter, values, project)
    keys = {q.name: key_of(a, q, mine, default) for q in a.questions}
    captured = execute_submission(project, nb, [q.name for q in a.questions], values, timeout)
    if captured.timed_out:
        why = (f"the notebook did not finish within the time limit of {timeout:g} s (a cell that never "
               "ends?), so this run scores zero; fix the cell and grade again")
        return _zero(a, why, (why,))
    marks = {}
    for q in a.questions:
        got = captured.answers.get(q.name, {"shown": "not defined"})
        answer = got.get("value", ...)
        shown = show(answer) if "value" in got else got.get("shown", "?")
        points, text = feedback(a, q, answer, keys[q.name], shown)
        marks[q.name] = Mark(points, float(q.points), text)
    return Score(a.chapter, marks, tuple(captured.errors))


def find_submission(folder: Path, student: str, chapter_id: str) -> Path | None:
    """A student's notebook in a submissions folder: `<slug>.ipynb` or `<slug>-<chapter>.ipynb`."""
    from chipshock.teaching.assign import slug

    for name in (f"{slug(student)}.ipynb", f"{slug(student)}-{chapter_id}.ipynb",
                 f"{slug(student)}/{chapter_id}.ipynb"):
        if (folder / name).is_file():
            return folder / name
    return None


def grade_all(project: Project, chapter_id: str, folder: Path, roster: Path, assigned: Path | None = None,
              timeout: float = TIMEOUT, gradebook: Path | None = None) -> Path:
    """Grade every student of the roster; write `gradebook.csv` (student, question, points,
    possible, feedback) atomically, beside the submissions unless told otherwise."""
    from chipshock.teaching.assign import read_roster, slug

    a = get_assignment(chapter_id)
    if not folder.is_dir():
        raise UserError(f"no submissions folder {folder}; give the folder that holds <student>.ipynb files")
    rows = []
    for student in read_roster(roster):
        score = _grade_student(project, a, folder, student, assigned and assigned / f"{slug(student)}.yml",
                               timeout)
        for name, m in score.questions.items():
            rows.append({"student": student, "question": name, "points": f"{m.points:g}",
                         "possible": f"{m.possible:g}", "feedback": " ".join([*score.notes, m.feedback])})
        rows.append({"student": student, "question": "total", "points": f"{score.total:g}",
                     "possible": f"{score.possible:g}", "feedback": ""})
    path = gradebook or folder / "gradebook.csv"
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=["student", "question", "points", "possible", "feedback"])
        writer.writeheader()
        writer.writerows(rows)
    os.replace(tmp, path)
    return path


def _grade_student(project: Project, a: Assignment, folder: Path, student: str, params: Path | None,
                   timeout: float) -> Score:
    submission = find_submission(folder, student, a.chapter)
    if submission is None:
        return _zero(a, f"no submission in {folder} (looked for {student}'s .ipynb)")
    if params is not None and not params.is_file():
        return _zero(a, f"no parameter file {params} for {student}")
    try:
        return grade(project, a.chapter, submission, params_file=params, timeout=timeout)
    except UserError as exc:
        return _zero(a, f"not graded: {exc}")


def verify(project: Project, course_dir: Path, only: list[str] | None = None,
           students: Mapping[str, list[Mapping[str, Any]]] | None = None,
           timeout: float = TIMEOUT, jobs: int | None = None) -> list[str]:
    """Grade each built solution (must score full marks) and blank student notebook (must score
    zero), for the default assignment and each given student parameter set; the problems found,
    empty when every assignment grades as it should. The chapter runs are computed first, one
    at a time (papermill changes the working directory while it runs), then the notebooks are
    graded `jobs` at a time."""
    from concurrent.futures import ThreadPoolExecutor

    from chipshock.teaching.answers import runs

    course_dir = course_dir.resolve()
    cases = [(a, dict(values)) for a in ([get_assignment(c) for c in only] if only else list(ASSIGNMENTS))
             for values in [{}, *(students or {}).get(a.chapter, [])]]
    jobs = jobs or min(2, os.cpu_count() or 1)
    for a, values in cases:
        runs(a.chapter, values, project)
    with tempfile.TemporaryDirectory(prefix="chipshock-verify-") as tmp, ThreadPoolExecutor(jobs) as pool:
        def one(item: tuple[int, tuple[Assignment, dict[str, Any]], str]) -> str | None:
            number, (a, values), kind = item
            built = paths(course_dir, a.chapter)
            notebook = built.solution if kind == "solution" else built.student
            sub = _with_params(notebook, values, Path(tmp) / f"{a.chapter}-{number}-{kind}.ipynb")
            score = grade(project, a.chapter, sub, timeout=timeout)
            target = score.possible if kind == "solution" else 0.0
            if score.total == target:
                return None
            who = "the default assignment" if not values else f"parameters {values}"
            return (f"{a.chapter} ({who}): the {kind} notebook scores {score.total:g} of {score.possible:g}, "
                    f"not {target:g}:\n  " + score.report().replace("\n", "\n  "))

        items = [(n, case, kind) for n, case in enumerate(cases) for kind in ("solution", "blank")]
        return [p for p in pool.map(one, items) if p]


def _with_params(notebook: Path, values: Mapping[str, Any], dest: Path) -> Path:
    """A copy of a notebook whose MY_PARAMS_FILE names a file holding `values`."""
    nb = nbformat.read(notebook, as_version=4)
    if values:
        (dest.parent / f"{dest.stem}.yml").write_text(yaml.safe_dump(dict(values)), encoding="utf-8")
        cell = _params_cell(nb)
        if cell is None:
            raise UserError(f"{notebook} has no MY_PARAMS_FILE cell; rebuild the course")
        cell.source = f'MY_PARAMS_FILE = "{dest.stem}.yml"'
    nbformat.write(nb, dest)
    return dest


def write_answer_key(project: Project, course_dir: Path) -> Path:
    """`answer-key.csv`: every question's answer for the default assignment (MY_PARAMS = {})."""
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


def drawn(project: Project, a: Assignment, students: list[str], seed: int = 0) -> dict[str, dict[str, Any]]:
    """Each student's parameter set as `chipshock assign` draws it for this assignment."""
    from chipshock.pipeline.registry import get_chapter
    from chipshock.teaching.answers import default_set
    from chipshock.teaching.assign import assign

    menus = {k: v for k, v in a.vary.items() if v is not None}
    return assign(get_chapter(a.chapter).params, students, list(a.vary), seed, default_set(project, a), menus,
                  [(c.text, c.holds) for c in a.constraints])


def drawn_students(project: Project, n: int, only: list[str] | None = None,
                   seed: int = 0) -> dict[str, list[dict[str, Any]]]:
    """`n` drawn students' parameter sets per assignment (for `chipshock course --check`)."""
    if n <= 0:
        return {}
    chosen = [get_assignment(c) for c in only] if only else list(ASSIGNMENTS)
    names = [f"student-{i}" for i in range(1, n + 1)]
    return {a.chapter: list(drawn(project, a, names, seed).values()) for a in chosen}
