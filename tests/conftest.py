"""Shared fixtures: a throwaway copy of the project, and one strict build of it per session."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import copy_project

from chipshock.paths import Project


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return copy_project(tmp_path)


@pytest.fixture(scope="session")
def built_book(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The whole book, executed and built strictly (-W -n) once for the session."""
    from chipshock.pipeline.assemble import build

    proj = copy_project(tmp_path_factory.mktemp("book"))
    build(proj, log=lambda _msg: None)
    return proj
