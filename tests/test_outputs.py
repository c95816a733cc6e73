"""Output folders a command owns (`chipshock.outputs`): refused unless made by the same command and
holding nothing else; replaced atomically, also by two runs at once; stale temporary files swept."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from chipshock import outputs
from chipshock.errors import UserError


def snapshot(folder: Path) -> str:
    """Every path and byte under `folder` (what `find … | sha256sum` would compare)."""
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        h.update(str(path.relative_to(folder)).encode())
        if path.is_file():
            h.update(path.read_bytes())
    return h.hexdigest()


def made(folder: Path, kind: str, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True)
    for rel, text in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text)
    outputs.seal(folder, kind)
    return folder


@pytest.mark.parametrize("sign", [".git", "_config.yml", "pyproject.toml"])
def test_a_checkout_is_refused_and_left_alone(tmp_path: Path, sign: str) -> None:
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    (checkout / sign).mkdir() if sign == ".git" else (checkout / sign).write_text("x")
    (checkout / "src").mkdir()
    before = snapshot(checkout)
    why = rf"--out {checkout} looks like a checkout .*{sign}.*nothing was touched"
    with pytest.raises(UserError, match=why):
        outputs.check(checkout, "variant")
    assert snapshot(checkout) == before


def test_a_built_checkout_with_a_build_key_is_not_a_variant(tmp_path: Path) -> None:
    """Issue 25, case 1: the main build's _build/.chipshock-build-key made `run --out .` delete a checkout."""
    checkout = tmp_path / "book"
    (checkout / "_build").mkdir(parents=True)
    (checkout / "_build" / ".chipshock-build-key").write_text("digest")
    (checkout / "notes.md").write_text("mine")
    with pytest.raises(UserError, match="was not made by `chipshock run`"):
        outputs.check(checkout, "variant")


def test_unknown_files_in_an_own_folder_are_refused(tmp_path: Path) -> None:
    folder = made(tmp_path / "v", "variant", {"book/a.md": "a", "changes.csv": "c"})
    outputs.check(folder, "variant")
    (folder / "notes.txt").write_text("keep me")
    with pytest.raises(UserError, match=r"holds files `chipshock run` did not write \(notes.txt\)"):
        outputs.check(folder, "variant")


def test_a_marker_of_another_command_is_refused(tmp_path: Path) -> None:
    """A variant marker is no licence for publish, and so on."""
    folder = made(tmp_path / "v", "variant", {"a": "a"})
    for kind in ("publish", "assign", "student", "course"):
        with pytest.raises(UserError, match=f"was made by `chipshock run`, not `{outputs.KINDS[kind]}`"):
            outputs.check(folder, kind)


def test_home_and_root_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for folder, why in ((home, "home folder"), (home.parent, "home folder or one of its parents"),
                        (Path("/"), "root folder")):
        with pytest.raises(UserError, match=why):
            outputs.check(folder, "publish")
    with pytest.raises(UserError, match="home folder"):  # even when empty
        outputs.check(home, "assign")


def test_new_empty_and_own_folders_are_accepted(tmp_path: Path) -> None:
    outputs.check(tmp_path / "new" / "deeper", "assign")
    (tmp_path / "empty").mkdir()
    outputs.check(tmp_path / "empty", "assign")
    outputs.check(made(tmp_path / "mine", "assign", {"a.yml": "x"}), "assign")


def test_a_folder_under_a_file_or_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(UserError, match="is a file, not a folder"):
        outputs.check(tmp_path / "file" / "out", "variant")
    with pytest.raises(UserError, match="exists and is not a folder"):
        outputs.check(tmp_path / "file", "variant")


def test_replace_swaps_in_one_rename_and_refuses_what_it_does_not_own(tmp_path: Path) -> None:
    dest = made(tmp_path / "out", "publish", {"old.txt": "old"})
    staging = outputs.make_temp_dir(tmp_path, "out")
    (staging / "new.txt").write_text("new")
    outputs.replace(staging, dest, "publish")
    assert sorted(p.name for p in dest.iterdir()) == [outputs.MARKER, "new.txt"]
    assert json.loads((dest / outputs.MARKER).read_text()) == {"kind": "publish", "files": ["new.txt"]}
    assert [p.name for p in tmp_path.iterdir()] == ["out"], "no temporary folder is left"
    (dest / "mine.txt").write_text("mine")
    again = outputs.make_temp_dir(tmp_path, "out")
    with pytest.raises(UserError):
        outputs.replace(again, dest, "publish")
    assert (dest / "mine.txt").read_text() == "mine" and (dest / "new.txt").is_file()


RACE = """
import sys, time
from pathlib import Path
from chipshock import outputs
dest, tag, start = Path(sys.argv[1]), sys.argv[2], float(sys.argv[3])
staging = outputs.make_temp_dir(dest.parent, dest.name)
for i in range(200):
    (staging / f"f{i}").write_text(tag)
while time.time() < start:
    pass
for _ in range(20):
    again = outputs.make_temp_dir(dest.parent, dest.name)
    (again / "f0").write_text(tag)
    outputs.replace(again, dest, "variant")
outputs.replace(staging, dest, "variant")
"""


def test_two_runs_finishing_the_same_variant_together_both_succeed(tmp_path: Path) -> None:
    import time

    dest = tmp_path / "variants" / "background-abc"
    dest.parent.mkdir()
    start = str(time.time() + 1.5)
    procs = [subprocess.Popen([sys.executable, "-c", RACE, str(dest), tag, start], stderr=subprocess.PIPE,
                              text=True) for tag in ("a", "b")]
    errors = [p.communicate(timeout=120)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], errors
    texts = {(dest / f"f{i}").read_text() for i in range(200)}
    assert len(texts) == 1, "the folder is one run's, whole"
    assert sorted(p.name for p in dest.parent.iterdir()) == ["background-abc"], "nothing left behind"


def test_sweep_removes_only_temporary_files_of_dead_processes(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True).stdout.strip()
    stale_dir = tmp_path / f".background.tmp-{dead}-0a1b2c3d"
    stale_dir.mkdir()
    (stale_dir / "x.ipynb").write_text("x")
    stale_part = tmp_path / f".commits.parquet.tmp-{dead}-0a1b2c3d.part"
    stale_part.write_text("x")
    live = tmp_path / f".research.tmp-{os.getpid()}-0a1b2c3d"
    live.mkdir()
    keep = [tmp_path / ".background-xyz", tmp_path / "notes.tmp-1-2", tmp_path / "background.ipynb"]
    for path in keep:
        path.write_text("mine")
    assert sorted(outputs.sweep(tmp_path)) == sorted([stale_dir, stale_part])
    assert live.is_dir() and all(p.read_text() == "mine" for p in keep)


def test_build_student_replaces_only_its_own_edition(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from chipshock.paths import Project
    from chipshock.pipeline import assemble

    def fake_book(project, staging: Path, log) -> None:
        (staging / "_build" / "html").mkdir(parents=True)
        (staging / "_build" / "html" / "index.html").write_text("student edition")

    monkeypatch.setattr(assemble, "execute_all", lambda *a, **k: {})
    monkeypatch.setattr(assemble, "write_generated_pages", lambda project: None)
    monkeypatch.setattr(assemble, "_student_book", fake_book)
    project = Project(tmp_path)
    out = project.build_dir / "student"
    (out / "html").mkdir(parents=True)
    (out / "html" / "index.html").write_text("an edition from before the marker")
    assert assemble.build_student(project, log=lambda m: None).read_text() == "student edition"
    assert assemble.build_student(project, log=lambda m: None).is_file()
    assert sorted(p.name for p in project.build_dir.iterdir()) == ["student"], "no temporary folder left"
    (out / "html" / "my-notes.txt").write_text("mine")
    with pytest.raises(UserError, match="did not write"):
        assemble.build_student(project, log=lambda m: None)
    assert (out / "html" / "my-notes.txt").read_text() == "mine"


def test_course_out_refuses_a_folder_it_did_not_make(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from chipshock.teaching import course

    def fake_build(a, course_dir: Path):
        folder = course_dir / a.chapter
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{a.chapter}-autograder.zip").write_text("zip")

    monkeypatch.setattr(course, "build_assignment", fake_build)
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    (checkout / "pyproject.toml").write_text("[project]")
    with pytest.raises(UserError, match="looks like a checkout"):
        course.build_course(checkout)
    assert [p.name for p in checkout.iterdir()] == ["pyproject.toml"]
    out = tmp_path / "course"
    course.build_course(out)
    course.build_course(out)  # its own folder
    (out / "answer-key.csv").write_text("key")  # written by `course --check`, and
    (out / "unknown.txt").write_text("?")
    with pytest.raises(UserError, match=r"did not write \(unknown.txt\)"):
        course.build_course(out)
