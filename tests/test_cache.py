"""The execution cache: a hit when nothing changed, a miss for each of its four inputs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from chipshock.errors import DataError
from chipshock.paths import Project
from chipshock.pipeline import cache
from chipshock.pipeline.execute import STORE_ENV, chapter_key, execute, store_path
from chipshock.pipeline.registry import get_chapter

CHAPTER = get_chapter("background")
DEFAULTS = CHAPTER.params.to_plain(CHAPTER.params.defaults())


def key(project: Project, params: dict | None = None) -> str:
    return chapter_key(project, CHAPTER, params or DEFAULTS)["key"]


def test_key_is_stable(project: Project) -> None:
    assert key(project) == key(project)


def test_notebook_change_is_a_miss(project: Project) -> None:
    before = key(project)
    src = project.root / CHAPTER.source
    src.write_text(src.read_text() + "\n<!-- edited -->\n")
    assert key(project) != before


def test_params_change_is_a_miss(project: Project) -> None:
    other = CHAPTER.params.to_plain(CHAPTER.params.resolve({"countries": "CN"}))
    assert key(project, other) != key(project)


def test_data_change_is_a_miss(project: Project) -> None:
    before = key(project)
    data = project.root / CHAPTER.inputs[0]
    data.write_text(data.read_text().replace("paper shock 1", "paper shock one"))
    assert key(project) != before


def test_code_change_is_a_miss(project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = key(project)
    package = tmp_path / "pkg"
    shutil.copytree(cache.PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(cache, "PACKAGE_DIR", package)
    assert key(project) == before
    module = package / "chapters" / "background" / "analysis.py"
    module.write_text(module.read_text() + "\n# edited\n")
    assert key(project) != before


def test_missing_input_names_the_file_and_the_fix(project: Project) -> None:
    (project.root / CHAPTER.inputs[1]).unlink()
    with pytest.raises(DataError, match=f"{CHAPTER.inputs[1]} is missing; make it with `chipshock data"):
        key(project)


@pytest.mark.slow
def test_execution_hits_and_misses(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    out = project.root / CHAPTER.executed
    assert execute(project, CHAPTER, DEFAULTS, out) is True
    assert execute(project, CHAPTER, DEFAULTS, out) is False, "nothing changed: must not re-execute"
    other = CHAPTER.params.to_plain(CHAPTER.params.resolve({"countries": "CN"}))
    assert execute(project, CHAPTER, other, out) is True
    assert cache.stored_key(out) == chapter_key(project, CHAPTER, other)["key"]
    data = project.root / CHAPTER.inputs[1]
    data.write_text(data.read_text() + "\n")
    assert execute(project, CHAPTER, other, out) is True
    monkeypatch.setattr(cache, "code_digest", lambda package_dir=None: "changed")
    assert execute(project, CHAPTER, other, out) is True
    src = project.root / CHAPTER.source
    src.write_text(src.read_text() + "\n<!-- edited -->\n")
    assert execute(project, CHAPTER, other, out) is True
    assert execute(project, CHAPTER, other, out) is False


@pytest.mark.slow
def test_the_execution_store_serves_another_copy_without_executing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """$CHIPSHOCK_EXECUTION_CACHE: a key executed in one copy of the book is copied into another
    (True: the output was written) without starting a kernel; `force` executes regardless."""
    import papermill
    from helpers import copy_project

    monkeypatch.setenv(STORE_ENV, str(tmp_path / "store"))
    first, second = copy_project(tmp_path / "a"), copy_project(tmp_path / "b")
    other = CHAPTER.params.to_plain(CHAPTER.params.resolve({"countries": "CN", "start_date": "2017-03-01"}))
    assert execute(first, CHAPTER, other, first.root / CHAPTER.executed) is True
    stored = list((tmp_path / "store").glob("background-*.ipynb"))
    assert [p.name for p in stored] == [f"background-{chapter_key(first, CHAPTER, other)['key']}.ipynb"]

    def no_kernel(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("executed although the store holds this key")

    monkeypatch.setattr(papermill, "execute_notebook", no_kernel)
    out = second.root / CHAPTER.executed
    assert execute(second, CHAPTER, other, out) is True
    assert cache.stored_key(out) == cache.stored_key(first.root / CHAPTER.executed)
    assert execute(second, CHAPTER, other, out) is False
    with pytest.raises(AssertionError, match="executed although"):
        execute(second, CHAPTER, other, out, force=True)
    assert cache.stored_key(out) == cache.stored_key(stored[0])  # the failed forced run left it alone


def test_without_the_store_nothing_is_written_outside_the_output(
        project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(STORE_ENV, raising=False)
    assert store_path(CHAPTER, {"key": "k"}) is None
    monkeypatch.setenv(STORE_ENV, str(tmp_path / "s"))
    assert store_path(CHAPTER, {"key": "k"}) == tmp_path / "s" / "background-k.ipynb"
