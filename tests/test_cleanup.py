"""Clean after a kill: pool workers (and their kernels) die with `chipshock build`, and a later run
removes the temporary files a dead run left (recognised by name and process id), nothing else."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from data_fixtures import data_project
from helpers import copy_project

from chipshock import outputs
from chipshock.data.build import build_all, processed_dir
from chipshock.errors import DataError
from chipshock.paths import Project
from chipshock.pipeline import assemble

CHIPSHOCK = str(Path(sys.executable).with_name("chipshock"))


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def _descendants(pid: int) -> set[int]:
    tree, found, todo = _children(), set(), [pid]
    while todo:
        for child in tree.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def _dead_pid() -> int:
    return int(subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                              text=True, check=True).stdout)


@pytest.mark.skipif(not Path("/proc/self/stat").is_file(), reason="needs /proc (Linux)")
def test_build_killed_with_9_leaves_no_worker_or_kernel(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    env = {**os.environ, "CHIPSHOCK_ROOT": str(project.root), "CI": "1"}
    env.pop("CHIPSHOCK_EXECUTION_CACHE", None)  # the run's shared cache would copy, not execute
    proc = subprocess.Popen([CHIPSHOCK, "build", "-j", "2"], cwd=project.root, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:  # wait for the two workers and a kernel under one of them
            workers = _children().get(proc.pid, [])
            if len(workers) >= 2 and any(_children().get(w) for w in workers):
                break
            time.sleep(0.2)
        else:
            pytest.fail("the build never started its workers and kernels")
        family = _descendants(proc.pid)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and any(_alive(p) for p in family):
            time.sleep(0.2)
        assert not [p for p in family if _alive(p)], "processes of the killed build live on"
    finally:
        if proc.poll() is None:
            proc.kill()
    left = [p for p in project.computation.iterdir() if outputs.TEMP.match(p.name)]
    removed = outputs.sweep(project.computation)
    assert sorted(removed) == sorted(left)
    assert all(p.suffix == ".ipynb" and not p.name.startswith(".") for p in project.computation.iterdir())


def test_a_later_build_removes_what_a_dead_run_left_in_computation(project: Project, monkeypatch) -> None:
    dead = _dead_pid()
    stale = project.computation / f".background.tmp-{dead}-0a1b2c3d"
    (stale / "sub").mkdir(parents=True)
    mine = project.computation / ".my-notes"
    mine.write_text("mine")
    monkeypatch.setattr(assemble, "_execute_default", lambda root, cid, progress=None: (cid, False, 0.0))
    assemble.execute_all(project, log=lambda m: None, jobs=1)
    assert not stale.exists() and mine.read_text() == "mine"


def test_a_later_data_build_removes_part_files_of_a_dead_build(tmp_path: Path) -> None:
    project = data_project(tmp_path, processed=True)
    dead = _dead_pid()
    stale = processed_dir(project) / f".commits.parquet.tmp-{dead}-0a1b2c3d.part"
    stale.write_bytes(b"half")
    live = processed_dir(project) / f".papers.parquet.tmp-{os.getpid()}-0a1b2c3d.part"
    live.write_bytes(b"being written")
    other = processed_dir(project) / ".commits.parquet.abc.part"  # not named by chipshock: not ours
    other.write_bytes(b"?")
    with pytest.raises(DataError):  # no raw data here: the build stops, after sweeping
        build_all(project, log=lambda m: None)
    assert not stale.exists() and live.exists() and other.exists()


@pytest.mark.skipif(not Path("/proc/self/stat").is_file(), reason="needs /proc (Linux)")
def test_a_zombie_counts_as_gone() -> None:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    stat = Path(f"/proc/{child.pid}/stat")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and "Z" not in stat.read_text().rsplit(")", 1)[1][:3]:
        time.sleep(0.05)
    try:
        assert not outputs._alive(child.pid)  # exited, not yet reaped
        assert outputs._alive(os.getpid())
    finally:
        child.wait()
