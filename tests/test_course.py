"""Per-student parameter sets for a course: valid, distinct, reproducible, written atomically."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml

from chipshock.cli import main
from chipshock.errors import ParamError, UserError
from chipshock.params import read_params_file
from chipshock.paths import find_project
from chipshock.pipeline.registry import get_chapter
from chipshock.teaching.assign import Subsets, assign, menu, read_roster, write_assignments
from chipshock.teaching.assignments import ASSIGNMENTS, BIS_RULES, get_assignment
from chipshock.teaching.course import drawn, master_notebook

DEV = get_chapter("developers")
CLASS = [f"student {i}" for i in range(60)]


def test_roster_lines_csv_and_comments(tmp_path: Path) -> None:
    roster = tmp_path / "r.csv"
    roster.write_text("# class of 2027\nAda Lovelace, ada@example.org\n\nAlan Turing\n")
    assert read_roster(roster) == ["Ada Lovelace", "Alan Turing"]
    roster.write_text("Ada\nada\n")
    with pytest.raises(UserError, match="duplicate"):
        read_roster(roster)
    roster.write_text("# nobody\n")
    with pytest.raises(UserError, match="lists no students"):
        read_roster(roster)
    roster.write_bytes(b"Ad\xe9le\n")
    with pytest.raises(UserError, match="not UTF-8"):
        read_roster(roster)


def test_every_drawn_set_is_valid_distinct_and_reproducible() -> None:
    students = [f"s{i}" for i in range(30)]
    vary = ["geo_proxy", "estimator", "window_weeks", "repo_groups", "exclude_release_weeks", "shocks"]
    sets = assign(DEV.params, students, vary, seed=11)
    assert sets == assign(DEV.params, students, vary, seed=11)
    assert sets != assign(DEV.params, students, vary, seed=12)
    for values in sets.values():
        assert set(values) == set(vary)
        DEV.params.resolve(values)
    assert len({json.dumps(v, sort_keys=True) for v in sets.values()}) == len(students)


@pytest.mark.parametrize("a", ASSIGNMENTS, ids=lambda a: a.chapter)
def test_sixty_students_get_sixty_distinct_valid_sets(a) -> None:
    sets = drawn(find_project(), a, CLASS, seed=2027)
    chapter = get_chapter(a.chapter)
    distinct = {json.dumps(chapter.params.to_plain(chapter.params.resolve(v)), sort_keys=True)
                for v in sets.values()}
    assert len(distinct) == len(CLASS)
    for values in sets.values():
        plain = chapter.params.to_plain(chapter.params.resolve(values))
        assert all(c.holds(plain) for c in a.constraints)
        assert set(a.vary) <= set(values)


def test_constraints_mean_what_the_text_says() -> None:
    primer = get_chapter("primer")
    default_trend = primer.params.get("pre_trend").default
    for values in drawn(find_project(), get_assignment("primer"), CLASS).values():
        assert values["pre_trend"] > default_trend  # "a stronger pre-trend"
    for values in drawn(find_project(), get_assignment("background"), CLASS).values():
        assert "export_control" in values["event_kinds"]  # "export-control events"
        assert {dt.date.fromisoformat(str(d)) for d in values["shocks"]} <= set(BIS_RULES)
    bad = get_assignment("primer").constraints[0]
    assert not bad.holds({"pre_trend": 0.0}) and not bad.holds({"pre_trend": default_trend})
    kinds = get_assignment("background").constraints[1]
    assert not kinds.holds({"event_kinds": ["industrial_policy"]})


def test_constraints_are_stated_next_to_the_assignment_text() -> None:
    for a in ASSIGNMENTS:
        intro = master_notebook(a).cells[1].source
        for c in a.constraints:
            assert c.text in intro


def test_a_class_larger_than_the_distinct_sets_is_refused(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    roster = tmp_path / "roster.txt"
    roster.write_text("".join(f"s{i}\n" for i in range(5)))
    args = ["assign", "diffusion", "--students", str(roster), "--vary", "balanced,repo_metric",
            "--out", str(tmp_path / "out")]
    assert main(args) == 2
    assert "only 4 distinct valid parameter sets" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
    roster.write_text("".join(f"s{i}\n" for i in range(4)))
    assert main(args) == 0
    rows = (tmp_path / "out" / "assignments.csv").read_text().splitlines()[1:]
    assert len(set(r.split(",", 2)[2] for r in rows)) == 4


def test_subsets_enumerate_every_sublist_with_the_required_items() -> None:
    s = Subsets(("a", "b", "c"), required=("b",))
    assert len(s) == 4 and sorted(map(tuple, s)) == [("a", "b"), ("a", "b", "c"), ("b",), ("b", "c")]
    with pytest.raises(IndexError):
        s[4]


def test_menus_stay_inside_the_declaration() -> None:
    for p in DEV.params.params:
        for value in list(menu(p))[:200]:
            p.coerce(value)


def test_unknown_parameter_is_refused() -> None:
    with pytest.raises(ParamError, match="unknown parameter 'colour'"):
        assign(DEV.params, ["a"], ["colour"], seed=0)


def test_files_are_written_atomically_and_run(tmp_path: Path) -> None:
    sets = assign(DEV.params, ["Ada Lovelace", "Alan Turing"], ["estimator"], seed=1)
    out = tmp_path / "assignments"
    write_assignments(DEV, sets, out, seed=1)
    assert sorted(p.name for p in out.iterdir()) == [
        ".chipshock-output", "ada-lovelace.yml", "alan-turing.yml", "assignments.csv"]
    assert read_params_file(out / "ada-lovelace.yml") == sets["Ada Lovelace"]
    assert "chipshock run developers -f ada-lovelace.yml" in (out / "ada-lovelace.yml").read_text()
    write_assignments(DEV, sets, out, seed=1)  # its own folder: replaced
    (out / "grades.xlsx").write_text("the teacher's")
    with pytest.raises(UserError, match=r"holds files `chipshock assign` did not write \(grades.xlsx\)"):
        write_assignments(DEV, sets, out, seed=1)
    assert (out / "grades.xlsx").read_text() == "the teacher's"
    assert [p for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    assert yaml.safe_load((out / "alan-turing.yml").read_text())["estimator"] in (
        "ols_level", "ols_log", "ppml")


def test_cli_assign_and_its_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    roster = tmp_path / "roster.txt"
    roster.write_text("Ada\nAlan\n")
    args = ["assign", "developers", "--students", str(roster), "--vary", "geo_proxy", "--out"]
    assert main([*args, str(tmp_path / "ok")]) == 0
    assert main([*args[:-3], "--vary", " ", "--out", str(tmp_path / "x")]) == 2
    assert main(["assign", "developers", "--students", str(tmp_path / "none.txt"), "--vary", "geo_proxy",
                 "--out", str(tmp_path / "y")]) == 2
    (tmp_path / "file").write_text("")
    assert main([*args, str(tmp_path / "file" / "z")]) == 2
    err = capsys.readouterr().err
    assert "--vary needs at least one parameter" in err and "cannot read the roster" in err
    assert "is a file, not a folder; nothing was touched" in err
    assert not (tmp_path / "x").exists() and not (tmp_path / "y").exists()


def test_cli_assign_uses_the_assignments_menus_and_constraints_by_default(tmp_path: Path) -> None:
    roster = tmp_path / "roster.txt"
    roster.write_text("".join(f"s{i}\n" for i in range(60)))
    assert main(["assign", "primer", "--students", str(roster), "--out", str(tmp_path / "p")]) == 0
    files = sorted((tmp_path / "p").glob("*.yml"))
    sets = [read_params_file(f) for f in files]
    assert len(files) == 60 and len({(s["seed"], s["pre_trend"]) for s in sets}) == 60
    assert all(s["pre_trend"] > get_chapter("primer").params.get("pre_trend").default for s in sets)


def test_a_base_set_is_kept_unless_a_varied_parameter_overrides_it() -> None:
    base = {"geo_proxy": "hour", "hour_cutoff_utc": 17}
    sets = assign(DEV.params, ["a", "b", "c"], ["estimator"], seed=3, base=base)
    for values in sets.values():
        assert values["geo_proxy"] == "hour" and values["hour_cutoff_utc"] == 17
        assert set(values) == {"geo_proxy", "hour_cutoff_utc", "estimator"}
    varied = assign(DEV.params, [f"s{i}" for i in range(6)], ["geo_proxy"], seed=3, base=base)
    assert len({v["geo_proxy"] for v in varied.values()}) == 6


def test_cli_assign_files_hold_the_assignment_and_reproduce_its_run(tmp_path: Path) -> None:
    """A student's file alone gives their assignment's run: `chipshock run CHAPTER -f FILE`."""
    from chipshock.teaching.answers import assignment_set

    roster = tmp_path / "roster.txt"
    roster.write_text("Ada\n")
    assert main(["assign", "developers", "--students", str(roster), "--vary", "estimator",
                 "--out", str(tmp_path / "a")]) == 0
    mine = read_params_file(tmp_path / "a" / "ada.yml")
    assert mine["geo_proxy"] == "hour"  # the rerun exercise's proxy (params/developers-clock.yml)
    run = DEV.params.to_plain(DEV.params.resolve(mine))
    assert assignment_set(find_project(), get_assignment("developers"), mine) == run


def test_the_course_guide_lists_what_each_assignment_varies() -> None:
    text = (find_project().root / "book" / "course.md").read_text(encoding="utf-8")
    for a in ASSIGNMENTS:
        row = next(line for line in text.splitlines() if f"`{a.chapter}`" in line and line.startswith("|"))
        listed = row.rsplit("|", 2)[-2]
        assert [v.strip(" `") for v in listed.split(",")] == list(a.vary), a.chapter


def test_each_weeks_assignment_notebook_is_downloadable_from_the_syllabus() -> None:
    """book/assignments/ holds every assignment's plain student notebook as the package makes it
    (regenerate with `chipshock course --write-downloads`), and the syllabus links each one."""
    import nbformat

    from chipshock.teaching.course import student_notebook

    root = find_project().root
    syllabus = (root / "book" / "syllabus.md").read_text(encoding="utf-8")
    for a in ASSIGNMENTS:
        committed = root / "book" / "assignments" / f"{a.chapter}.ipynb"
        assert committed.read_text(encoding="utf-8") == nbformat.writes(student_notebook(a)) + "\n", a.chapter
        assert f"<assignments/{a.chapter}.ipynb>" in syllabus
        source = committed.read_text(encoding="utf-8")
        assert "# HIDDEN" not in source and "# SOLUTION" not in source and "import check" not in source
