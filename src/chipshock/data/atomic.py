"""Writes that never leave a partial file: a temp name in the same folder, then os.replace."""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from chipshock import outputs


def temp_file(folder: Path, final: str) -> Path:
    """A new empty `.part` file in `folder` for writing `final`, named so that a later run removes
    it if this process dies first (`chipshock.outputs.sweep`)."""
    path = folder / f"{outputs.temp_name(final)}.part"
    os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    return path


@contextlib.contextmanager
def atomic_path(dest: Path) -> Iterator[Path]:
    """A temp path next to `dest`; moved onto `dest` if the block succeeds, deleted otherwise."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_file(dest.parent, dest.name)
    try:
        yield tmp
        os.chmod(tmp, 0o644)
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)


@contextlib.contextmanager
def atomic_open(dest: Path, mode: str = "wb", **kwargs) -> Iterator[IO]:
    """Open a temp file for writing; it replaces `dest` only if the block succeeds."""
    with atomic_path(dest) as tmp, open(tmp, mode, **kwargs) as fh:
        yield fh


def write_text(dest: Path, text: str) -> None:
    with atomic_open(dest, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)


def write_if_changed(dest: Path, text: str) -> Path:
    """Write `text` atomically unless `dest` already holds it (so its mtime and digest stay put)."""
    if not dest.is_file() or dest.read_text(encoding="utf-8") != text:
        write_text(dest, text)
    return dest


def file_digest(path: Path) -> str:
    """sha256 of a file's bytes, streamed."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
