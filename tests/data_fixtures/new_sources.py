"""Helpers for the tests of single processed tables: MANIFEST row counts, and a table rebuilt from a
mirror copy of only its own sources."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

import pandas as pd

from chipshock.data.atomic import file_digest
from chipshock.data.build import TABLES, processed_dir, read_checksums, table_file, validate, write_parquet
from chipshock.data.fetch import fetch, require_raw
from chipshock.data.sources import load_sources
from chipshock.paths import Project

from . import MIRROR, REPO, data_project


@cache
def manifest_rows(path: str) -> int:
    """The `rows` of one file in the mirror's MANIFEST.csv."""
    with (MIRROR / "MANIFEST.csv").open(encoding="utf-8") as fh:
        return next(int(r["rows"]) for r in csv.DictReader(fh) if r["path"] == path)


def fetch_for(project: Project, names: list[str]) -> dict[str, Path]:
    """Fetch, from the mirror, only the sources the named tables read; their raw paths."""
    rels = {rel for name in names for rel in TABLES[name].RAW}
    for source in load_sources(project):
        if rels & {f.path for f in source.files}:
            fetch(project, mirror=MIRROR, only=source.id, log=lambda m: None)
    return require_raw(project, sorted(rels))


def rebuild(tmp_path: Path, names: list[str]) -> dict[str, tuple[pd.DataFrame, list[str]]]:
    """Each named table built twice from fresh raw copies: (frame, [sha256 of both parquet files])."""
    project = data_project(tmp_path / "project")
    raw = fetch_for(project, names)
    out = {}
    for name in names:
        digests = []
        for attempt in (1, 2):
            df = validate(name, TABLES[name].build(raw, {}, project.root), name)
            path = tmp_path / f"{name}.{attempt}.parquet"
            write_parquet(df, path)
            digests.append(file_digest(path))
        out[name] = (df, digests)
    return out


def committed_digest(name: str) -> str:
    project = Project(REPO)
    assert file_digest(processed_dir(project) / table_file(name)) == read_checksums(project)[table_file(name)]
    return read_checksums(project)[table_file(name)]
