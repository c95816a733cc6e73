"""Execution cache keys: notebook source, parameters, input data and package code."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import chipshock
from chipshock.data.atomic import file_digest

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


def execution_key(notebook_source: Path, params_plain: Mapping[str, Any], code: str) -> dict[str, Any]:
    """What a chapter's execution depends on before it runs (notebook source, parameters, package
    code) and their combined digest `key`; the data it reads are added by `with_reads`."""
    parts = {
        "notebook": file_digest(notebook_source),
        "params": hashlib.sha256(json.dumps(params_plain, sort_keys=True).encode()).hexdigest(),
        "code": code,
    }
    parts["key"] = hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()
    return parts


def with_reads(key: Mapping[str, Any], reads: Mapping[str, str]) -> dict[str, Any]:
    """The key of a finished execution: `key` plus the record of every file it read (path → sha256,
    see `chipshock.data.reads`), and `run`, a digest of both (it changes whenever the data did)."""
    out = {k: v for k, v in key.items() if k != "root"}
    out["reads"] = dict(sorted(reads.items()))
    out["run"] = hashlib.sha256(json.dumps([out["key"], out["reads"]], sort_keys=True).encode()).hexdigest()
    return out


def stored(executed: Path) -> dict[str, Any] | None:
    """The cache entry recorded in an executed notebook, or None if absent or unreadable."""
    try:
        meta = json.loads(executed.read_text(encoding="utf-8"))["metadata"]
        entry = meta["chipshock"]["cache"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return entry if isinstance(entry, dict) else None


def stored_key(executed: Path) -> str | None:
    """The pre-execution key recorded in an executed notebook, or None if absent or unreadable."""
    entry = stored(executed)
    return entry.get("key") if entry else None


def stored_run(executed: Path) -> str | None:
    """The digest of an execution and the data it read (see `with_reads`), or None."""
    entry = stored(executed)
    return entry.get("run") if entry else None
