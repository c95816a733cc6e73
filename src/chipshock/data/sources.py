"""data/sources.yml: every raw source and file, pinned by sha256 and size."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from chipshock.errors import DataError
from chipshock.paths import Project

SOURCES_FILE = "data/sources.yml"


@dataclass(frozen=True)
class RawFile:
    """One raw file: its path under data/raw/, checksum, size and where to download it."""

    source: str
    path: str
    sha256: str
    bytes: int
    url: str | None = None
    gzip: bool = False
    note: str = ""


@dataclass(frozen=True)
class Source:
    id: str
    description: str
    licence: str
    upstream: str
    files: tuple[RawFile, ...]


def raw_dir(project: Project) -> Path:
    return project.data / "raw"


def _source(entry: dict) -> Source:
    sid = entry["id"]
    files = tuple(
        RawFile(
            source=sid,
            path=f["path"],
            sha256=f["sha256"],
            bytes=int(f["bytes"]),
            url=f.get("url"),
            gzip=bool(f.get("gzip", False)),
            note=f.get("note", ""),
        )
        for f in entry["files"]
    )
    return Source(sid, entry["description"], entry["licence"], entry.get("upstream", ""), files)


def load_sources(project: Project) -> list[Source]:
    """The sources listed in data/sources.yml."""
    path = project.root / SOURCES_FILE
    if not path.is_file():
        raise DataError(f"{SOURCES_FILE} is missing; restore it with `git checkout -- {SOURCES_FILE}`")
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        return [_source(e) for e in doc["sources"]]
    except (yaml.YAMLError, KeyError, TypeError, ValueError) as exc:
        raise DataError(
            f"{SOURCES_FILE} is malformed ({exc}); restore it with `git checkout -- {SOURCES_FILE}`"
        ) from None


def select(sources: list[Source], only: str | None) -> list[Source]:
    """All sources, or the one named `only`."""
    if only is None:
        return sources
    chosen = [s for s in sources if s.id == only]
    if not chosen:
        raise DataError(
            f"no source {only!r} in {SOURCES_FILE}; choose one of: {', '.join(s.id for s in sources)}"
        )
    return chosen
