"""Execution cache keys: notebook source, parameters, input data and package code."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import chipshock
from chipshock.data.atomic import file_digest
from chipshock.errors import DataError
from chipshock.paths import Project

PACKAGE_DIR = Path(chipshock.__file__).resolve().parent


def tree_digest(paths: Iterable[Path], base: Path) -> str:
    """sha256 over the relative names and contents of files."""
    h = hashlib.sha256()
    for path in sorted(paths):
        h.update(str(path.relative_to(base)).encode())
        h.update(file_digest(path).encode())
    return h.hexdigest()


def code_digest(package_dir: Path | None = None) -> str:
    """Digest of the package's Python code."""
    package_dir = package_dir or PACKAGE_DIR
    return tree_digest(package_dir.rglob("*.py"), package_dir)


def data_digests(project: Project, inputs: Iterable[str], how_to_make: str) -> dict[str, str]:
    """Digest of each input data file; a missing one is a DataError saying how to make it."""
    out = {}
    for rel in inputs:
        path = project.root / rel
        if not path.is_file():
            raise DataError(f"input data file {rel} is missing; make it with `{how_to_make}`")
        out[rel] = file_digest(path)
    return out


def execution_key(
    notebook_source: Path,
    params_plain: Mapping[str, Any],
    data: Mapping[str, str],
    code: str,
) -> dict[str, Any]:
    """The four components of a chapter's execution key and their combined digest."""
    parts = {
        "notebook": file_digest(notebook_source),
        "params": hashlib.sha256(json.dumps(params_plain, sort_keys=True).encode()).hexdigest(),
        "data": dict(sorted(data.items())),
        "code": code,
    }
    parts["key"] = hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()
    return parts


def stored_key(executed: Path) -> str | None:
    """The key recorded in an executed notebook, or None if absent or unreadable."""
    try:
        meta = json.loads(executed.read_text(encoding="utf-8"))["metadata"]
        return meta["chipshock"]["cache"]["key"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
