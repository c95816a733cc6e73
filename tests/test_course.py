"""Per-student parameter sets for a course: valid, reproducible, written atomically."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from chipshock.cli import main
from chipshock.errors import ParamError, UserError
from chipshock.params import read_params_file
from chipshock.pipeline.registry import get_chapter
from chipshock.teaching.assign import assign, menu, read_roster, write_assignments

DEV = get_chapter("developers")


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


def test_every_drawn_set_is_valid_and_reproducible() -> None:
    students = [f"s{i}" for i in range(30)]
    vary = ["geo_proxy", "estimator", "window_weeks", "repo_groups", "exclude_release_weeks", "shocks"]
    sets = assign(DEV.params, students, vary, seed=11)
    assert sets == assign(DEV.params, students, vary, seed=11)
    assert sets != assign(DEV.params, students, vary, seed=12)
    for values in sets.values():
        assert set(values) == set(vary)
        DEV.params.resolve(values)
    assert len({v["geo_proxy"] for v in sets.values()}) > 1


def test_menus_stay_inside_the_declaration() -> None:
    for p in DEV.params.params:
        for value in menu(p):
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
    err = capsys.readouterr().err
    assert "--vary needs at least one parameter" in err and "cannot read the roster" in err
    assert not (tmp_path / "x").exists() and not (tmp_path / "y").exists()


def test_a_base_set_is_kept_unless_a_varied_parameter_overrides_it() -> None:
    base = {"geo_proxy": "hour", "hour_cutoff_utc": 17}
    sets = assign(DEV.params, ["a", "b", "c"], ["estimator"], seed=3, base=base)
    for values in sets.values():
        assert values["geo_proxy"] == "hour" and values["hour_cutoff_utc"] == 17
        assert set(values) == {"geo_proxy", "hour_cutoff_utc", "estimator"}
    varied = assign(DEV.params, [f"s{i}" for i in range(20)], ["geo_proxy"], seed=3, base=base)
    assert len({v["geo_proxy"] for v in varied.values()}) > 1


def test_cli_assign_files_hold_the_assignment_and_reproduce_its_run(tmp_path: Path) -> None:
    """A student's file alone gives their assignment's run: `chipshock run CHAPTER -f FILE`."""
    from chipshock.paths import find_project
    from chipshock.teaching.answers import assignment_set
    from chipshock.teaching.assignments import get_assignment

    roster = tmp_path / "roster.txt"
    roster.write_text("Ada\n")
    assert main(["assign", "developers", "--students", str(roster), "--vary", "estimator",
                 "--out", str(tmp_path / "a")]) == 0
    mine = read_params_file(tmp_path / "a" / "ada.yml")
    assert mine["geo_proxy"] == "hour"  # the rerun exercise's proxy (params/developers-clock.yml)
    run = DEV.params.to_plain(DEV.params.resolve(mine))
    assert assignment_set(find_project(), get_assignment("developers"), mine) == run
