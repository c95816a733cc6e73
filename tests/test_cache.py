"""The execution cache: a hit when nothing changed, a miss for each of its four inputs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from chipshock.errors import DataError
from chipshock.paths import Project
from chipshock.pipeline import cache
from chipshock.pipeline.execute import chapter_key, execute
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
