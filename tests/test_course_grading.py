"""The course's autograded assignments: keys per student, isolated and bounded grading, feedback."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import nbformat
import pytest

from chipshock.cli import main
from chipshock.errors import ParamError, UserError
from chipshock.paths import Project, find_project
from chipshock.pipeline.registry import CHAPTERS, get_chapter
from chipshock.teaching import answers
from chipshock.teaching.assignments import ASSIGNMENTS, Question, get_assignment
from chipshock.teaching.course import (
    build_assignment,
    build_course,
    drawn_students,
    grade,
    grade_all,
    master_notebook,
    notebook_params,
    verify,
)

PROJECT = find_project()


def _params(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    return next(c for c in nb.cells if "chipshock-my-params" in c.metadata.get("tags", []))


def _q(kind: str) -> Question:
    return Question("q", "?", 1, "0", kind)


@pytest.mark.parametrize(("kind", "answer", "key", "ok"), [
    ("float", 0.1234, 0.12343, True),  # read off a page to four decimals
    ("float", 0.123, 0.1234, True),  # to three
    ("float", 0.12, 0.1234, False),  # two is not enough
    ("float", -0.1234, 0.1234, False),  # the sign matters
    ("float", 3, 3.0, True),
    ("float", 5.84e-10, 5.837e-10, True),  # a small p-value read off a page to three digits
    ("float", 0.0, 5.837e-10, False),  # zero is not a small p-value
    ("float", 1e-4, 5.837e-10, False),
    ("float", 0.0, 0.0, True),
    ("float", 2.32e-71, 7.19e-53, False),  # tiny p-values still differ
    ("float", 7.19e-53, 7.193e-53, True),
    ("float", float("nan"), 0.0, False),
    ("float", ..., 0.0, False),  # the blank notebook's answer
    ("float", True, 1.0, False),  # a bool is not a number here
    ("int", 12, 12, True),
    ("int", 12.0, 12, True),
    ("int", 12.5, 12, False),
    ("int", 11, 12, False),
    ("str", " Rejects ", "rejects", True),
    ("str", "misses", "contains", False),
])
def test_answers_match_their_key_by_kind(kind: str, answer: object, key: object, ok: bool) -> None:
    assert answers.matches(_q(kind), answer, key) is ok


def test_a_share_printed_as_a_percentage_is_accepted_to_the_printed_digit() -> None:
    q = _q("float")
    assert answers.matches(q, 0.216, 0.2197, ".0%")  # the page says 22%
    assert not answers.matches(q, 0.23, 0.2197, ".0%")
    assert not answers.matches(q, 0.216, 0.2197, ".3f")


def test_every_assignment_is_a_chapter_with_valid_defaults_and_questions() -> None:
    assert {a.chapter for a in ASSIGNMENTS} == {c.id for c in CHAPTERS}
    for a in ASSIGNMENTS:
        plain = answers.assignment_set(PROJECT, a, {})  # the default assignment resolves
        assert set(plain) == {p.name for p in get_chapter(a.chapter).params.params}
        assert plain != get_chapter(a.chapter).params.to_plain(get_chapter(a.chapter).params.defaults())
        names = [q.name for q in a.questions]
        assert len(names) == len(set(names)) and a.points == sum(q.points for q in a.questions)
        assert {q.track for q in a.questions} == {"policy", "methods"}
        for q in a.questions:
            assert a.roles(q), f"{a.chapter} {q.name} reads no glued key"
            a.solution(q)  # every role of the expression is in the mapping
        for name in a.vary:
            get_chapter(a.chapter).params.get(name)


def test_every_key_an_assignment_reads_is_glued_by_its_chapter() -> None:
    """A chapter that renames a glued key breaks its assignment here (fix `keys` in assignments.py)."""
    baseline = {c.id: PROJECT.root / c.executed for c in CHAPTERS}
    for a in ASSIGNMENTS:
        if not baseline[a.chapter].is_file():
            pytest.skip("the book is not executed (make book)")
        glued = answers.glued_scalars(baseline[a.chapter])
        assert set(a.keys.values()) <= set(glued), f"{a.chapter}: {set(a.keys.values()) - set(glued)}"


def test_a_renamed_key_is_named_with_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    from dataclasses import replace

    import chipshock.teaching.answers as module

    renamed = replace(get_assignment("primer"), keys={**get_assignment("primer").keys, "coef": "old_name"})
    with pytest.raises(UserError, match=r"no longer glues old_name.*update `keys` of the primer"):
        module._require_keys(renamed, {"trend_p": 1, "true_effect": 0})


def test_students_own_values_override_the_default_assignment() -> None:
    a = get_assignment("primer")
    assert answers.assignment_set(PROJECT, a, {})["pre_trend"] == 0.3
    mine = answers.assignment_set(PROJECT, a, {"seed": 3})
    assert mine["seed"] == 3 and mine["pre_trend"] == 0.3
    with pytest.raises(ParamError):
        answers.assignment_set(PROJECT, a, {"pre_trend": 9})
    with pytest.raises(UserError, match="MY_PARAMS must be a dict"):
        answers.assignment_set(PROJECT, a, [("seed", 3)])  # type: ignore[arg-type]
    with pytest.raises(UserError, match="no assignment 'nope'"):
        get_assignment("nope")


def test_master_notebook_gives_each_hidden_test_the_points() -> None:
    nb = master_notebook(get_assignment("developers"))
    raws = [c.source for c in nb.cells if c.cell_type == "raw"]
    assert raws[0].startswith("# ASSIGNMENT CONFIG")
    assert "name: q1\npoints: [0, 2]" in "\n".join(raws)
    hidden = [c.source for c in nb.cells if c.cell_type == "code" and c.source.startswith("# HIDDEN")]
    assert len(hidden) == len(get_assignment("developers").questions)
    assert 'q1 = mine["pooled_coef"]' in "\n".join(c.source for c in nb.cells)


@pytest.mark.slow
def test_public_checks_tell_what_is_wrong_or_say_only_the_format_was_checked() -> None:
    key = answers.expected("primer", "q2", {})
    assert answers.public_check("primer", "q2", key, {})
    with pytest.raises(AssertionError, match=r"twfe_trend_coef.*Sandbox 2.*differs by more than the"):
        answers.public_check("primer", "q2", key + 0.5, {})
    with pytest.raises(AssertionError, match="must be a float"):
        answers.public_check("primer", "q2", ..., {})
    assert answers.public_check("primer", "q3", 123.0, {})  # hidden: format only, and the text says so
    text = "\n".join(c.source for c in master_notebook(get_assignment("primer")).cells)
    assert text.count("looks at the format of your answer only") == 1
    assert text.count("compares your answer with your own run") == 2


def test_notebook_params_reads_the_file_it_names(tmp_path: Path) -> None:
    nb = master_notebook(get_assignment("primer"))
    cell = _params(nb)
    (tmp_path / "ada.yml").write_text("seed: 3\npre_trend: 0.2\n")
    cell.source = 'MY_PARAMS_FILE = "ada.yml"'
    nbformat.write(nb, tmp_path / "a.ipynb")
    assert notebook_params(tmp_path / "a.ipynb") == {"seed": 3, "pre_trend": 0.2}
    cell.source = 'MY_PARAMS_FILE = ""'
    nbformat.write(nb, tmp_path / "b.ipynb")
    assert notebook_params(tmp_path / "b.ipynb") == {}
    cell.source = "MY_PARAMS_FILE = pick()"
    nbformat.write(nb, tmp_path / "c.ipynb")
    with pytest.raises(UserError, match="in quotes"):
        notebook_params(tmp_path / "c.ipynb")


# --- grading end to end (executes notebooks) ---------------------------------------------------

@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("course")
    build_assignment(get_assignment("primer"), out)
    return out


def _edited(notebook: Path, dest: Path, answer: dict[str, str] | None = None, extra: str | None = None,
            params: str | None = None) -> Path:
    nb = nbformat.read(notebook, as_version=4)
    for name, value in (answer or {}).items():
        cell = next(c for c in nb.cells if c.cell_type == "code" and c.source.startswith(f"{name} = "))
        cell.source = f"{name} = {value}\n{name}"
    if params is not None:
        _params(nb).source = params
    if extra is not None:
        nb.cells.insert(4, nbformat.v4.new_code_cell(extra))
    nbformat.write(nb, dest)
    return dest


@pytest.mark.slow
def test_one_wrong_answer_loses_its_points_and_feedback_names_the_key(course: Path,
                                                                     tmp_path: Path) -> None:
    key = answers.expected("primer", "q2", {})
    solution = course / "primer" / "solution" / "primer.ipynb"
    wrong = _edited(solution, tmp_path / "w.ipynb", {"q2": repr(key + 1)})
    score = grade(PROJECT, "primer", wrong)
    assert (score.total, score.possible) == (3, 5)
    assert score.questions["q2"].points == 0
    text = score.questions["q2"].feedback
    assert f"expected {key:.6g} within ±0.0005" in text and "`twfe_trend_coef`" in text
    assert "section “" in text


@pytest.mark.slow
def test_keys_depend_on_the_students_parameters(course: Path, tmp_path: Path) -> None:
    """Another student's number is wrong for you: the key follows your file."""
    theirs = answers.expected("primer", "q2", {"seed": 11})
    assert theirs != answers.expected("primer", "q2", {})
    sub = _edited(course / "primer" / "solution" / "primer.ipynb", tmp_path / "c.ipynb", {"q2": repr(theirs)})
    assert grade(PROJECT, "primer", sub).questions["q2"].points == 0


CHEAT = """import chipshock.teaching.answers as A, chipshock.teaching.course as C
for name in ("check", "matches", "public_check", "right_type", "expected", "feedback", "key_of"):
    setattr(A, name, lambda *a, **k: True)
C.grade = lambda *a, **k: None
open("answers.json", "w").write('{"answers": {}, "errors": []}')
"""


@pytest.mark.slow
def test_a_notebook_that_patches_the_checks_scores_only_what_its_answers_earn(course: Path,
                                                                               tmp_path: Path) -> None:
    blank = _edited(course / "primer" / "student" / "primer.ipynb", tmp_path / "cheat.ipynb", extra=CHEAT)
    assert grade(PROJECT, "primer", blank).total == 0
    key = answers.expected("primer", "q1", {})
    one = _edited(course / "primer" / "student" / "primer.ipynb", tmp_path / "one.ipynb", {"q1": repr(key)},
                  extra=CHEAT)
    assert grade(PROJECT, "primer", one).total == get_assignment("primer").question("q1").points


@pytest.mark.slow
def test_an_endless_cell_is_stopped_at_the_time_limit(course: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    looping = _edited(course / "primer" / "solution" / "primer.ipynb", tmp_path / "loop.ipynb",
                      extra="while True:\n    pass")
    start = time.monotonic()
    assert main(["grade", "primer", str(looping), "--timeout", "20"]) == 0
    assert time.monotonic() - start < 20 + 30
    out = capsys.readouterr().out
    assert "did not finish within the time limit of 20 s" in out and "primer: 0 / 5 points" in out


@pytest.mark.slow
def test_unknown_my_params_keys_are_named(course: Path, tmp_path: Path) -> None:
    (tmp_path / "mine.yml").write_text("seed: 3\ncolour: red\n")
    sub = _edited(course / "primer" / "solution" / "primer.ipynb", tmp_path / "u.ipynb",
                  params='MY_PARAMS_FILE = "mine.yml"')
    score = grade(PROJECT, "primer", sub)
    assert score.total == 0
    assert all("MY_PARAMS has colour, which is not a parameter of the primer chapter" in m.feedback
               for m in score.questions.values())


@pytest.mark.parametrize(("content", "message"), [
    (b"{}", "is not a notebook"),
    (b'{"cells": 5}', "is not a notebook"),
    (b"not json", "not JSON"),
    (b'{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5, "x": "\xe9"}', "not UTF-8"),
])
def test_bad_notebooks_exit_2_with_a_message(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                             content: bytes, message: str) -> None:
    (tmp_path / "bad.ipynb").write_bytes(content)
    assert main(["grade", "primer", str(tmp_path / "bad.ipynb")]) == 2
    err = capsys.readouterr().err
    assert message in err and "bad.ipynb" in err


def test_a_syntax_error_in_the_params_cell_exits_2(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    nb = master_notebook(get_assignment("primer"))
    _params(nb).source = 'MY_PARAMS = {"seed": 3'
    nbformat.write(nb, tmp_path / "s.ipynb")
    assert main(["grade", "primer", str(tmp_path / "s.ipynb")]) == 2
    assert "is not valid Python" in capsys.readouterr().err
    assert main(["grade", "primer", str(tmp_path / "none.ipynb")]) == 2
    assert main(["grade", "nope", str(tmp_path / "s.ipynb")]) == 2
    assert main(["grade", "primer"]) == 2
    err = capsys.readouterr().err
    assert "no notebook at" in err and "no assignment 'nope'" in err and "give the notebook to grade" in err


@pytest.mark.slow
def test_grade_all_writes_a_gradebook(course: Path, tmp_path: Path) -> None:
    subs, assigned = tmp_path / "subs", tmp_path / "assigned"
    subs.mkdir()
    assigned.mkdir()
    (tmp_path / "roster.txt").write_text("Ada Lovelace\nAlan Turing\nGrace Hopper\nEdsger Dijkstra\n")
    (assigned / "ada-lovelace.yml").write_text("seed: 3\n")
    (assigned / "alan-turing.yml").write_text("seed: 4\n")
    (assigned / "grace-hopper.yml").write_text("seed: 5\n")
    (assigned / "edsger-dijkstra.yml").write_text("seed: 6\n")
    (subs / "ada.yml").write_text("seed: 3\n")
    _edited(course / "primer" / "solution" / "primer.ipynb", subs / "ada-lovelace.ipynb",
            params='MY_PARAMS_FILE = "ada.yml"')
    _edited(course / "primer" / "student" / "primer.ipynb", subs / "alan-turing.ipynb")  # the default set
    # Grace names her file, which was not handed in: graded with the instructor's copy
    _edited(course / "primer" / "solution" / "primer.ipynb", subs / "grace-hopper.ipynb",
            params='MY_PARAMS_FILE = "grace-hopper.yml"')
    path = grade_all(PROJECT, "primer", subs, tmp_path / "roster.txt", assigned, timeout=300)
    import csv

    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert path == subs / "gradebook.csv" and list(rows[0]) == ["student", "question", "points", "possible",
                                                                  "feedback"]
    totals = {r["student"]: r["points"] for r in rows if r["question"] == "total"}
    assert totals == {"Ada Lovelace": "5", "Alan Turing": "0", "Grace Hopper": "5",
                      "Edsger Dijkstra": "0"}
    alan = next(r for r in rows if r["student"] == "Alan Turing" and r["question"] == "q1")
    assert "does not name the parameter set of" in alan["feedback"]
    edsger = next(r for r in rows if r["student"] == "Edsger Dijkstra" and r["question"] == "q1")
    assert "no submission" in edsger["feedback"]
    ada = next(r for r in rows if r["student"] == "Ada Lovelace" and r["question"] == "q2")
    assert "right:" in ada["feedback"] and "expected" in ada["feedback"]


@pytest.mark.slow
def test_every_assignment_grades_for_the_default_and_three_drawn_students(built_book: Project,
                                                                          tmp_path: Path) -> None:
    """CI's proof of `make course`: every solution full marks, every blank notebook zero, for the
    default assignment and three students drawn as `chipshock assign` draws them."""
    build_course(tmp_path / "course")
    students = drawn_students(built_book, 3)
    assert {a.chapter: len(v) for a, v in zip(ASSIGNMENTS, students.values(), strict=True)} == {
        a.chapter: 3 for a in ASSIGNMENTS}
    assert verify(built_book, tmp_path / "course", students=students) == []




def test_the_primer_exercise_solution_is_computed_for_a_students_own_parameters() -> None:
    """A variant page built from a student's file states that student's answers, and says so."""
    from chipshock.chapters.primer.parameters import PARAMS, exercise_note, exercise_run

    book = PARAMS.to_plain(PARAMS.defaults())
    ex = exercise_run(book)
    assert ex["pre_trend"] == 0.3 and ex["n_units"] == 20
    assert "default parameter set" in exercise_note(ex)
    student = answers.assignment_set(PROJECT, get_assignment("primer"), {"seed": 2140, "pre_trend": 0.35})
    assert exercise_run(student) == student
    assert "this page's parameters (seed 2140, pre-trend 0.35, 20 units)" in exercise_note(student)
    half = exercise_run({**book, "pre_trend": 0.35})  # a run that sets only the pre-trend
    assert half["pre_trend"] == 0.35 and half["n_units"] == 20
    assert "pre-trend 0.35, 20 units" in exercise_note(half)
    assert "default" not in exercise_note({**ex, "seed": 8})


@pytest.mark.slow
def test_a_students_variant_page_states_their_own_exercise_answers() -> None:
    student = {"seed": 2140, "pre_trend": 0.35}
    mine, _ = answers.runs("primer", student, PROJECT)
    assert mine["ex2_trend_p"] == mine["trend_p"] and mine["ex2_twfe_trend_coef"] == mine["twfe_trend_coef"]
    from chipshock.pipeline.changes import glued_values

    plain = answers.assignment_set(PROJECT, get_assignment("primer"), student)
    note = glued_values(answers.executed_path(PROJECT, get_chapter("primer"), plain))["ex2_note"][1]
    assert "this page's parameters (seed 2140, pre-trend 0.35" in note


@pytest.mark.slow
def test_the_autograder_zip_is_self_contained_and_grades_under_otter_run(tmp_path: Path) -> None:
    """otter's own non-containerised runner grades a right and a wrong submission with the zip."""
    import subprocess
    import sys
    import zipfile

    built = build_course(tmp_path / "course", ["primer"], PROJECT)[0]
    with zipfile.ZipFile(built.autograder) as zf:
        names = set(zf.namelist())
        env = zf.read("environment.yml").decode()
        assert "python=3.11" in env and "chipshock-0.1.0-py3-none-any.whl" in env
        assert "-r /autograder/source/requirements.txt" in env
        assert "mamba env create -f /autograder/source/environment.yml" in zf.read("setup.sh").decode()
        wheel = zf.read("chipshock-0.1.0-py3-none-any.whl")
    shipped = "files/chipshock-project/"
    assert {f"{shipped}notebooks/primer.md", f"{shipped}computation/primer.ipynb", "requirements.txt",
            "run_autograder"} <= names
    assert any(n.startswith("files/chipshock-project/_build/course-runs/primer-") for n in names)
    (tmp_path / "w.whl").write_bytes(wheel)
    with zipfile.ZipFile(tmp_path / "w.whl") as whl:
        assert "chipshock/teaching/answers.py" in whl.namelist()
    for notebook, want in ((built.solution, 5.0), (built.student, 0.0)):
        out = tmp_path / f"out-{want:g}"
        out.mkdir()
        cmd = [sys.executable, "-m", "otter", "run", "-a", str(built.autograder), "-o", str(out),
               str(notebook)]
        env = {k: v for k, v in os.environ.items() if k != "CHIPSHOCK_ROOT"}
        proc = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=600, env=env)
        assert proc.returncode == 0, proc.stderr[-2000:]
        results = json.loads((out / "results.json").read_text())
        assert sum(t.get("score") or 0 for t in results["tests"]) == want


@pytest.mark.slow
def test_the_downloaded_notebook_grades_blank_zero_and_solved_full(tmp_path: Path) -> None:
    a = get_assignment("primer")
    download = PROJECT.root / "book" / "assignments" / "primer.ipynb"
    assert grade(PROJECT, "primer", download).total == 0
    solved = _edited(download, tmp_path / "solved.ipynb", {q.name: a.solution(q) for q in a.questions})
    assert grade(PROJECT, "primer", solved).total == a.points
