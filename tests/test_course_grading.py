"""The course's autograded assignments: keys per student, otter-grader notebooks, `chipshock grade`."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from chipshock.cli import main
from chipshock.errors import ParamError, UserError
from chipshock.paths import find_project
from chipshock.pipeline.registry import CHAPTERS, get_chapter
from chipshock.teaching import answers
from chipshock.teaching.assignments import ASSIGNMENTS, Question, get_assignment
from chipshock.teaching.course import build_assignment, grade, master_notebook, notebook_params

PROJECT = find_project()
FAST = ("primer", "background")  # the two quick chapters carry the full otter-grader checks


def _q(kind: str) -> Question:
    return Question("q", "?", 1, "0", lambda m, d: 0, kind)


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


def test_every_assignment_is_a_chapter_with_valid_defaults_and_questions() -> None:
    assert {a.chapter for a in ASSIGNMENTS} == {c.id for c in CHAPTERS}
    for a in ASSIGNMENTS:
        plain = answers.assignment_set(PROJECT, a, {})  # the default assignment resolves
        assert set(plain) == {p.name for p in get_chapter(a.chapter).params.params}
        assert plain != get_chapter(a.chapter).params.to_plain(get_chapter(a.chapter).params.defaults())
        names = [q.name for q in a.questions]
        assert len(names) == len(set(names)) and a.points == sum(q.points for q in a.questions)
        assert {q.track for q in a.questions} == {"policy", "methods"}
        for name in a.vary:
            get_chapter(a.chapter).params.get(name)


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


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("course")
    for chapter in FAST:
        build_assignment(get_assignment(chapter), out)
    return out


def _with_answer(solution: Path, question: str, value: str, dest: Path) -> Path:
    nb = nbformat.read(solution, as_version=4)
    cells = [c for c in nb.cells if c.cell_type == "code" and c.source.startswith(f"{question} = ")]
    assert len(cells) == 1
    cells[0].source = f"{question} = {value}\n{question}"
    nbformat.write(nb, dest)
    return dest


@pytest.mark.slow
@pytest.mark.parametrize("chapter", FAST)
def test_solution_full_blank_zero_one_wrong_loses_its_points(course: Path, tmp_path: Path,
                                                             chapter: str) -> None:
    a = get_assignment(chapter)
    folder = course / chapter
    student = json.loads((folder / "student" / f"{chapter}.ipynb").read_text())
    source = "".join("".join(c["source"]) for c in student["cells"])
    assert "# HIDDEN" not in source and "# SOLUTION" not in source and "import check" not in source
    assert source.count(" = ...") == len(a.questions)

    solution = grade(PROJECT, chapter, folder / "solution" / f"{chapter}.ipynb", course)
    assert solution.total == solution.possible == a.points
    blank = grade(PROJECT, chapter, folder / "student" / f"{chapter}.ipynb", course)
    assert blank.total == 0
    wrong_q = max(a.questions, key=lambda q: q.points)
    key = answers.expected(chapter, wrong_q.name, {})
    wrong = _with_answer(folder / "solution" / f"{chapter}.ipynb", wrong_q.name, repr(key + 1),
                         tmp_path / "w.ipynb")
    score = grade(PROJECT, chapter, wrong, course)
    assert score.total == a.points - wrong_q.points
    assert score.questions[wrong_q.name] == (0, wrong_q.points)


@pytest.mark.slow
def test_keys_depend_on_the_students_parameters(course: Path, tmp_path: Path) -> None:
    """Another student's number is wrong for you: the key follows MY_PARAMS."""
    theirs = answers.expected("primer", "q2", {"seed": 11})
    assert theirs != answers.expected("primer", "q2", {})
    sub = _with_answer(course / "primer" / "solution" / "primer.ipynb", "q2", repr(theirs),
                       tmp_path / "c.ipynb")
    assert grade(PROJECT, "primer", sub, course).questions["q2"] == (0, 2)


@pytest.mark.slow
def test_cli_grade_prints_the_score_and_refuses_bad_input(course: Path, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    solution = course / "primer" / "solution" / "primer.ipynb"
    assert main(["grade", "primer", str(solution), "--course", str(course)]) == 0
    assert "primer: 5 / 5 points" in capsys.readouterr().out
    assert main(["grade", "primer", str(tmp_path / "none.ipynb"), "--course", str(course)]) == 2
    assert main(["grade", "nope", str(solution), "--course", str(course)]) == 2
    (tmp_path / "bad.ipynb").write_text("not json")
    assert main(["grade", "primer", str(tmp_path / "bad.ipynb"), "--course", str(course)]) == 2
    mine = tmp_path / "ada.yml"
    mine.write_text("seed: 3\n")
    assert main(["grade", "primer", str(solution), "--course", str(course), "--params", str(mine)]) == 2
    err = capsys.readouterr().err
    assert "no notebook at" in err and "no assignment 'nope'" in err and "cannot read the notebook" in err
    assert "MY_PARAMS is not the parameter set of" in err


def test_notebook_params_reads_the_tagged_cell(tmp_path: Path) -> None:
    nb = master_notebook(get_assignment("primer"))
    cell = next(c for c in nb.cells if "chipshock-my-params" in c.metadata.get("tags", []))
    cell.source = 'MY_PARAMS = {"seed": 3, "pre_trend": 0.2}'
    nbformat.write(nb, tmp_path / "a.ipynb")
    assert notebook_params(tmp_path / "a.ipynb") == {"seed": 3, "pre_trend": 0.2}
    cell.source = "MY_PARAMS = dict(seed=3)"
    nbformat.write(nb, tmp_path / "b.ipynb")
    with pytest.raises(UserError, match="plain dict"):
        notebook_params(tmp_path / "b.ipynb")


@pytest.mark.slow
def test_answer_runs_leave_chipshock_run_its_variants_folder(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Keys are computed outside variants/, and a later `chipshock run` of the same set works."""
    from helpers import copy_project

    from chipshock.params import params_hash

    project = copy_project(tmp_path / "book")
    monkeypatch.setenv("CHIPSHOCK_ROOT", str(project.root))
    plain = answers.assignment_set(project, get_assignment("primer"), {"seed": 5})
    answers.expected("primer", "q1", {"seed": 5}, project)
    variant = project.variants / f"primer-{params_hash(plain)}"
    assert not variant.exists()
    assert (project.build_dir / "course-runs" / f"primer-{params_hash(plain)}").is_dir()
    mine = tmp_path / "mine.yml"
    mine.write_text("seed: 5\npre_trend: 0.3\nn_units: 20\n")
    assert main(["run", "primer", "-f", str(mine)]) == 0
    assert variant.is_dir()
