"""Output folders a command owns: it replaces only a folder it made itself, and leaves no debris.

A command that writes a folder (`run --out`, `publish --out`, `assign --out`, `build --student`,
`course --out`) marks it with `MARKER`: the command's kind and every file it wrote. It later
replaces that folder only when the marker is of its own kind and the folder holds nothing else;
a checkout, the home folder, `/` or a folder with files the command did not write are refused
(UserError, exit 2) before anything is touched.

Temporary files and folders carry the writer's process id in their name (`temp_name`), so a
later run removes those of a process that is gone (`sweep`) and never anything else.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import shutil
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from chipshock.errors import UserError

MARKER = ".chipshock-output"
KINDS = {
    "variant": "chipshock run",
    "publish": "chipshock publish",
    "assign": "chipshock assign",
    "student": "chipshock build --student",
    "course": "chipshock course",
}
CHECKOUT_SIGNS = (".git", "_config.yml", "pyproject.toml", "_toc.yml")
VARIANT_LAYOUT = {"book", "notebooks", "computation", "_static", "_vendor", "_build", "_config.yml",
                  "_toc.yml", "references.bib", "changes.csv", ".chipshock-variant"}


def _legacy_variant(folder: Path) -> set[str] | None:
    if not (folder / ".chipshock-variant").is_file():
        return None
    return {p.name for p in folder.iterdir()} - VARIANT_LAYOUT


def _legacy_student(folder: Path) -> set[str] | None:
    if not (folder / "html" / "index.html").is_file():
        return None
    return {p.name for p in folder.iterdir()} - {"html"}


def course_layout(folder: Path) -> set[str]:
    """Names in a course folder that `chipshock course` or `chipshock grade` write: one folder per
    assignment (with its autograder) and the answer key."""
    names = {p.name for p in folder.iterdir()}
    return {n for n in names if (folder / n / f"{n}-autograder.zip").is_file()} | ({"answer-key.csv"} & names)


def _legacy_course(folder: Path) -> set[str] | None:
    layout = course_layout(folder)
    return {p.name for p in folder.iterdir()} - layout if layout else None


LEGACY = {"variant": _legacy_variant, "student": _legacy_student, "course": _legacy_course}
"""Folders written before `MARKER` existed, recognised by their layout: the names that do not
belong to it (None: not such a folder)."""
TEMP = re.compile(r"^\..+\.tmp-(?P<pid>\d+)-[0-9a-z]+(\.part)?$")


def _files(folder: Path) -> set[str]:
    """Every entry under `folder` that is not a folder (symbolic links not followed), relative."""
    found: set[str] = set()
    for base, dirs, files in os.walk(folder):
        here = Path(base)
        links = [d for d in dirs if (here / d).is_symlink()]
        dirs[:] = [d for d in dirs if d not in links]
        found.update(str((here / name).relative_to(folder)) for name in (*files, *links))
    return found


def _marker(folder: Path) -> dict | None:
    try:
        data = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("files"), list) else None


def _refuse(folder: Path, option: str, why: str) -> UserError:
    return UserError(f"{option} {folder} {why}; nothing was touched: choose a new or empty folder "
                     f"(or remove this one yourself if you are sure)")


def _check_new(folder: Path, option: str) -> None:
    """A folder that does not exist yet must be creatable: no file in the way, a writable parent."""
    parent = folder.parent
    while not parent.exists():
        if parent.is_symlink():
            raise _refuse(folder, option, f"cannot be created: {parent} is a broken link")
        parent = parent.parent
    if not parent.is_dir():
        raise _refuse(folder, option, f"cannot be created: {parent} is a file, not a folder")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise _refuse(folder, option, f"cannot be created: {parent} is not writable")


def _why_not_owned(folder: Path, kind: str) -> str | None:
    """Why `kind` may not replace the existing folder, or None if it may."""
    present = _files(folder)
    if not present and not any(folder.iterdir()):
        return None
    marker = _marker(folder)
    legacy = LEGACY[kind](folder) if marker is None and kind in LEGACY else None
    if legacy is not None:
        return f"holds files `{KINDS[kind]}` did not write ({', '.join(sorted(legacy))})" if legacy else None
    signs = [s for s in CHECKOUT_SIGNS if (folder / s).exists() and s not in (marker or {}).get("files", [])]
    if signs:
        return f"looks like a checkout or project folder (it holds {', '.join(signs)})"
    if marker is None:
        return f"exists and was not made by `{KINDS[kind]}` (it has no {MARKER} marker)"
    if marker.get("kind") != kind:
        return f"was made by `{KINDS.get(marker.get('kind'), 'another command')}`, not `{KINDS[kind]}`"
    unknown = sorted(present - set(marker["files"]) - {MARKER})
    if kind == "course":  # `chipshock grade` adds an assignment it needs to the course folder
        layout = course_layout(folder)
        unknown = [u for u in unknown if u.split("/")[0] not in layout]
    if unknown:
        shown = ", ".join(unknown[:5]) + (f" and {len(unknown) - 5} more" if len(unknown) > 5 else "")
        return f"holds files `{KINDS[kind]}` did not write ({shown})"
    return None


def check(folder: Path, kind: str, option: str = "--out") -> None:
    """Refuse (UserError) unless `kind`'s command may write `folder`: a new folder that can be made,
    an empty folder, or one it made itself holding nothing else. Nothing is touched."""
    folder = Path(os.path.abspath(folder))
    home = Path.home().resolve()
    real = folder.resolve()
    if real == Path("/") or real == home or real in home.parents:
        raise _refuse(folder, option, "is the home folder or one of its parents" if real != Path("/")
                      else "is the root folder /")
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise _refuse(folder, option, "exists and is not a folder")
    if not folder.exists():
        _check_new(folder, option)
        return
    if not os.access(folder.parent, os.W_OK | os.X_OK):
        raise _refuse(folder, option, f"cannot be replaced: {folder.parent} is not writable")
    why = _why_not_owned(folder, kind)
    if why:
        raise _refuse(folder, option, why)


def seal(folder: Path, kind: str) -> None:
    """Write the marker: this folder was made by `kind`'s command and holds exactly these files."""
    files = sorted(_files(folder) - {MARKER})
    (folder / MARKER).write_text(json.dumps({"kind": kind, "files": files}, indent=0) + "\n",
                                 encoding="utf-8")


def temp_name(name: str) -> str:
    """A hidden temporary name next to `name`, tagged with this process (see `sweep`)."""
    return f".{name}.tmp-{os.getpid()}-{os.urandom(4).hex()}"


def make_temp_dir(parent: Path, name: str) -> Path:
    """A new temporary folder in `parent` for building `name` (removed by `sweep` if left behind)."""
    path = parent / temp_name(name)
    try:
        parent.mkdir(parents=True, exist_ok=True)
        path.mkdir()
    except OSError as exc:
        raise UserError(f"cannot write in {parent} ({exc.strerror or exc}): choose a folder you can "
                        "write to") from None
    return path


def _alive(pid: int) -> bool:
    """Whether process `pid` still runs; a zombie (dead, not yet reaped: common in containers whose
    first process reaps nothing) counts as gone."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state not in ("Z", "X")


def sweep(folder: Path) -> list[Path]:
    """Remove temporary files and folders in `folder` left by a process that is gone; the removed."""
    removed: list[Path] = []
    if not folder.is_dir():
        return removed
    for entry in folder.iterdir():
        match = TEMP.match(entry.name)
        if not match or _alive(int(match["pid"])):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
        removed.append(entry)
    return removed


def die_with_parent() -> None:
    """Make this (worker) process exit when its parent does, even if the parent is killed with -9:
    the kernel's parent-death signal on Linux, and a watcher thread everywhere."""
    parent = os.getppid()
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """An exclusive lock on a folder (its parent's lock serialises replacing its children)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def replace(staging: Path, dest: Path, kind: str, option: str = "--out") -> None:
    """Seal `staging` and put it at `dest` in one rename, replacing a folder `kind` made earlier.

    Runs replacing the same folder at once take turns (a lock on the parent), so each succeeds
    and readers always see a whole folder.
    """
    seal(staging, kind)
    dest = Path(os.path.abspath(dest))
    with _locked(dest.parent):
        check(dest, kind, option)
        if not dest.exists():
            os.replace(staging, dest)
            return
        old = dest.parent / temp_name(f"{dest.name}-old")
        os.replace(dest, old)
        os.replace(staging, dest)
    shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def owned(folder: Path, kind: str, option: str = "--out") -> Iterator[Path]:
    """Write into `folder` in place: checked first, made if new, and sealed with what it then holds."""
    check(folder, kind, option)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        yield folder
    finally:
        seal(folder, kind)
