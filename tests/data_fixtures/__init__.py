"""Helpers for the data-layer tests: a minimal project copy with the data configuration."""

from __future__ import annotations

import shutil
from pathlib import Path

from chipshock.paths import Project

REPO = Path(__file__).resolve().parents[2]
MIRROR = REPO.parent / "shared" / "data"
DATA_FILES = ("data/sources.yml", "data/repos.yml")


def data_project(dest: Path, processed: bool = False) -> Project:
    """A project under `dest` with what the data layer reads (no raw data; processed data if asked)."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO / "_toc.yml", dest / "_toc.yml")
    (dest / "notebooks").mkdir(exist_ok=True)
    shutil.copytree(REPO / "data/curated", dest / "data/curated")
    for rel in DATA_FILES:
        shutil.copy2(REPO / rel, dest / rel)
    if processed:
        shutil.copytree(REPO / "data/processed", dest / "data/processed")
    return Project(dest)
