"""One error path: every user error exits 2 through the real command, with a message naming the
thing and the fix, and no traceback (issue 25, "Tracebacks instead of messages").

Grading cases (`chipshock grade`) are tested with the grader."""

from __future__ import annotations

import ast
import hashlib
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import REPO, copy_project

from chipshock.paths import Project

CHIPSHOCK = str(Path(sys.executable).with_name("chipshock"))
PACKAGE = REPO / "src" / "chipshock"


def _write(path: Path, data: bytes | str) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    return str(path)


def _a_file(tmp: Path) -> str:
    return _write(tmp / "a-file", "not a folder")


def _published_project(project: Project) -> None:
    """Executed notebooks and a git checkout, so that `publish` gets as far as writing."""
    for chapter in ("background", "policy", "developers", "diffusion", "research", "robustness", "primer"):
        _write(project.root / "computation" / f"{chapter}.ipynb",
               '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
    for cmd in (["init", "-q"], ["add", "book/intro.md"]):
        subprocess.run(["git", *cmd], cwd=project.root, check=True, capture_output=True)


def _built_checkout(project: Project) -> None:
    """The project as a checkout after `chipshock build`: git, and the main build's key."""
    subprocess.run(["git", "init", "-q"], cwd=project.root, check=True, capture_output=True)
    _write(project.build_dir / ".chipshock-build-key", "digest")
    _write(project.build_dir / "html" / "index.html", "<html></html>")


# (id, arguments given the project and a scratch folder, words the message must hold, preparation)
Case = tuple[str, Callable[[Project, Path], list[str]], tuple[str, ...], Callable[[Project], None] | None]
CASES: list[Case] = [
    ("run --out a built checkout",
     lambda p, t: ["run", "background", "-p", "start_date", "2017-01-01", "--out", str(p.root)],
     ("looks like a checkout", ".git", "nothing was touched"), _built_checkout),
    ("run --out a folder holding a file it did not write",
     lambda p, t: ["run", "background", "-p", "start_date", "2017-01-01", "--out",
                   str(Path(_write(t / "mine" / "notes.txt", "keep me")).parent)],
     ("mine exists and was not made by `chipshock run`", "nothing was touched"), None),
    ("run --out the home folder",
     lambda p, t: ["run", "background", "-p", "start_date", "2017-01-01", "--out", str(t.parent / "home")],
     ("home folder", "nothing was touched"), None),
    ("scalar for a list parameter",
     lambda p, t: ["run", "background", "-f", _write(t / "p.yml", "countries: 5\n")],
     ("parameter 'countries'", "is not a list", "[a, b]"), None),
    ("mapping for a list parameter",
     lambda p, t: ["run", "background", "-f", _write(t / "p.yml", "countries: {US: 1}\n")],
     ("parameter 'countries'", "is not a list"), None),
    ("non-UTF-8 parameter file",
     lambda p, t: ["run", "background", "-f", _write(t / "p.yml", b"countries: \xff\xfe\n")],
     ("p.yml is not UTF-8", "save it as UTF-8"), None),
    ("non-UTF-8 roster",
     lambda p, t: ["assign", "background", "--students", _write(t / "r.txt", b"Ana\n\xe9mile\n"),
                   "--vary", "countries", "--out", str(t / "out")],
     ("roster", "r.txt is not UTF-8", "save it as UTF-8"), None),
    ("run --out under a file",
     lambda p, t: ["run", "background", "--out", f"{_a_file(t)}/variant"],
     ("a-file is a file, not a folder", "choose a new or empty folder"), None),
    ("assign --out under a file",
     lambda p, t: ["assign", "background", "--students", _write(t / "r.txt", "Ana\nBo\n"),
                   "--vary", "countries", "--out", f"{_a_file(t)}/out"],
     ("a-file is a file, not a folder",), None),
    ("publish --out under a file",
     lambda p, t: ["publish", "--out", f"{_a_file(t)}/out", "--repository", "acme/book"],
     ("a-file is a file, not a folder",), None),
    ("assign --out in an unwritable place",
     lambda p, t: ["assign", "background", "--students", _write(t / "r.txt", "Ana\nBo\n"),
                   "--vary", "countries", "--out", "/proc/chipshock-out"],
     ("/proc", "choose a folder you can write to"), None),
    ("publish --out in an unwritable place",
     lambda p, t: ["publish", "--out", "/proc/chipshock-out", "--repository", "acme/book"],
     ("/proc", "choose a folder you can write to"), _published_project),
    ("publish --out onto a checkout",
     lambda p, t: ["publish", "--out", str(p.root), "--repository", "acme/book"],
     ("looks like a checkout", "_config.yml", "nothing was touched"), _published_project),
    ("publish --repository that is not owner/name",
     lambda p, t: ["publish", "--out", str(t / "pub"), "--repository", 'a/b"], check=True)\nimport os#'],
     ("--repository is", "owner/name"), None),
    ("run --out in an unwritable place",
     lambda p, t: ["run", "background", "--out", "/proc/chipshock-out"],
     ("/proc", "choose a folder you can write to"), None),
    ("a chapter's EmptySelection",
     lambda p, t: ["run", "diffusion", "-p", "end_date", "2024-12-20"],
     ("chapter diffusion", "at least three crawls", "widen"), None),
    ("-p gharchive_path /proc",
     lambda p, t: ["run", "developers", "-p", "source", "gharchive", "-p", "gharchive_path", "/proc",
                   "-p", "geo_proxy", "hour", "-p", "period", "week"],
     ("/proc", "chipshock data gharchive"), None),
]
EXECUTES = {"run --out in an unwritable place", "a chapter's EmptySelection", "-p gharchive_path /proc"}
"""Cases that execute a chapter first (tens of seconds): marked slow."""


@pytest.mark.parametrize(("args", "words", "prepare"), [
    pytest.param(args, words, prepare, id=name, marks=[pytest.mark.slow] if name in EXECUTES else [])
    for name, args, words, prepare in CASES])
def test_a_user_error_exits_2_with_a_message(tmp_path: Path, args, words, prepare) -> None:
    project = copy_project(tmp_path / "book")
    if prepare:
        prepare(project)
    scratch, home = tmp_path / "scratch", tmp_path / "home"
    scratch.mkdir()
    _write(home / ".profile", "mine")
    argv = args(project, scratch)
    before = snapshot(tmp_path)
    env = {**os.environ, "CHIPSHOCK_ROOT": str(project.root), "HOME": str(home)}
    proc = subprocess.run([CHIPSHOCK, *argv], cwd=project.root, env=env,
                          capture_output=True, text=True, timeout=900, check=False)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines()[-1].startswith("chipshock: error: "), proc.stderr[-2000:]
    for word in words:
        assert word in proc.stderr, (word, proc.stderr)
    assert not list(tmp_path.glob("**/.*.tmp-*")), "no temporary files left"
    assert snapshot(tmp_path) == before, "every byte in place (the default run a rerun compares with aside)"


def snapshot(folder: Path) -> dict[str, str]:
    """Every file and link under `folder` with its sha256, but executed notebooks and Jupyter's own
    files (a chapter that fails after its default run has executed keeps that run); empty folders
    hold no bytes (variants/ may be made)."""
    out = {}
    for path in sorted(folder.rglob("*")):
        rel = str(path.relative_to(folder))
        if "/computation/" in f"/{rel}" or "/.ipython" in f"/{rel}" or "/.local" in f"/{rel}" \
                or "/.cache" in f"/{rel}" or "/.jupyter" in f"/{rel}" or "/.config" in f"/{rel}":
            continue
        if path.is_symlink() or path.is_file():
            out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def _user_error_classes() -> set[str]:
    """Every class in the package that derives (directly or not) from UserError, by name, from the source."""
    bases: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                names = {b.id if isinstance(b, ast.Name) else b.attr for b in node.bases
                         if isinstance(b, (ast.Name, ast.Attribute))}
                bases.setdefault(node.name, set()).update(names)
    found, todo = {"UserError"}, ["UserError"]
    while todo:
        parent = todo.pop()
        for name, parents in bases.items():
            if parent in parents and name not in found:
                found.add(name)
                todo.append(name)
    return found


def test_every_user_error_class_is_recognised_without_loading_the_chapters() -> None:
    """A notebook raising any of them is a user error (exit 2) for the pipeline, which sees only light
    modules (EmptySelection once lived in a heavy analysis module and came out as exit 1)."""
    classes = _user_error_classes()
    assert {"EmptySelection", "NoEstimableShock", "ConvergenceError", "ChecksumError"} <= classes
    code = ("import sys\nfrom chipshock.errors import user_error_names\nimport chipshock.cli\n"
            "from chipshock.pipeline import execute\n"
            "assert not [m for m in sys.modules if m.endswith('.analysis')], 'an analysis was loaded'\n"
            "print('\\n'.join(sorted(user_error_names())))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert classes <= set(out.split()), classes - set(out.split())


def test_a_cell_raising_a_chapter_error_is_a_user_error() -> None:
    code = ("import papermill\nfrom chipshock.errors import UserError\n"
            "from chipshock.pipeline import execute\nfrom chipshock.pipeline.registry import get_chapter\n"
            "for name in ('EmptySelection', 'ConvergenceError', 'ChecksumError'):\n"
            "    exc = papermill.PapermillExecutionError(3, 4, 'why', name, 'the fix', [])\n"
            "    try:\n"
            "        execute._raise_cell_error(get_chapter('diffusion'), exc)\n"
            "    except UserError as err:\n"
            "        assert str(err) == 'chapter diffusion: the fix', err\n")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_convergence_failure_is_a_user_error() -> None:
    import numpy as np

    from chipshock.econometrics.fixed_effects import demean
    from chipshock.errors import ConvergenceError

    rng = np.random.default_rng(0)
    groups = [rng.integers(0, 40, 300), rng.integers(0, 40, 300)]
    with pytest.raises(ConvergenceError, match=r"did not converge.*widen the window"):
        demean(rng.normal(size=(300, 1)), groups, tol=0.0, maxiter=2)
