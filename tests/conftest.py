"""Shared fixtures: a throwaway copy of the project, and one strict build of it per session."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from chipshock.paths import Project

REPO = Path(__file__).resolve().parents[1]
PROJECT_FILES = ("_config.yml", "_toc.yml")
PROJECT_DIRS = ("book", "notebooks", "params", "_static", "_vendor", "data/curated")


def copy_project(dest: Path) -> Project:
    """A copy of the files a build reads (no build outputs) under `dest`."""
    for name in PROJECT_FILES:
        shutil.copy2(REPO / name, dest / name)
    for name in PROJECT_DIRS:
        shutil.copytree(REPO / name, dest / name)
    return Project(dest)


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return copy_project(tmp_path)


@pytest.fixture(scope="session")
def built_book(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The whole book, executed and built strictly (-W -n) once for the session."""
    from chipshock.book import build

    proj = copy_project(tmp_path_factory.mktemp("book"))
    build(proj, log=lambda _msg: None)
    return proj


def glued(notebook: Path) -> dict:
    """The values glued by an executed notebook, from its outputs' scrapbook metadata."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    out = {}
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            meta = output.get("metadata", {}).get("scrapbook")
            if meta:
                data = output["data"]
                out[meta["name"]] = data.get("text/plain", data)
    return out
