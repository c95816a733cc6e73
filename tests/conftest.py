"""Shared fixtures: a throwaway copy of the project, one strict build of it per session, and one
execution cache for the whole run (every test process, pytest-xdist workers and the `chipshock`
subprocesses the tests start), so that each chapter executes once per set of parameters."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import REPO, copy_project, seed_build_outputs

from chipshock.paths import Project
from chipshock.pipeline.execute import STORE_ENV


@pytest.fixture(scope="session", autouse=True)
def execution_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """$CHIPSHOCK_EXECUTION_CACHE for the run: a folder shared by all workers (unless already set)."""
    if os.environ.get(STORE_ENV):
        yield Path(os.environ[STORE_ENV])
        return
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    store = shared / "executions"
    store.mkdir(exist_ok=True)
    os.environ[STORE_ENV] = str(store)
    yield store
    os.environ.pop(STORE_ENV, None)


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return copy_project(tmp_path)


@pytest.fixture(scope="session")
def built_book(tmp_path_factory: pytest.TempPathFactory, execution_store: Path) -> Project:
    """The whole book, executed and built strictly (-W -n) once for the session.

    It starts from the checkout's own build outputs when there are any (after `make book`): the
    execution cache and the build stamp then decide what is still current, as `chipshock build`
    does, so a build that the checkout already made is not made again.
    """
    from chipshock.pipeline.assemble import build

    proj = copy_project(tmp_path_factory.mktemp("book"))
    seed_build_outputs(Project(REPO), proj)
    build(proj, log=lambda _msg: None, jobs=2)
    return proj
