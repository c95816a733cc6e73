"""The execution cache: a hit when nothing changed, a miss when the notebook, parameters or code
changed, or when any file the chapter read (its recorded reads) changed, appeared or disappeared."""

from __future__ import annotations

import contextlib
import gzip
import json
import shutil
from pathlib import Path

import pytest
from data_fixtures import MIRROR

from chipshock.data import reads
from chipshock.errors import ChecksumError, DataError
from chipshock.paths import Project
from chipshock.pipeline import cache
from chipshock.pipeline.execute import STORE_ENV, chapter_key, execute, is_fresh, store_path
from chipshock.pipeline.registry import get_chapter

CHAPTER = get_chapter("background")
DEFAULTS = CHAPTER.params.to_plain(CHAPTER.params.defaults())
ABSTRACTS = "data/raw/patents/istat-ai-patents-sample/abstracts.jsonl.gz"
FULLTEXT = "data/raw/policy/agora/fulltext.jsonl.gz"


def key(project: Project, params: dict | None = None) -> str:
    return chapter_key(project, CHAPTER, params or DEFAULTS)["key"]


def executed_after(project: Project, chapter_id: str, read, monkeypatch: pytest.MonkeyPatch,
                   tmp_path: Path) -> Path:
    """An executed notebook whose cache entry holds what `read()` read, as the pipeline stores it
    (the reads collected through $CHIPSHOCK_READS while the chapter ran)."""
    chapter = get_chapter(chapter_id)
    plain = chapter.params.to_plain(chapter.params.defaults())
    log = tmp_path / "reads.jsonl"
    log.unlink(missing_ok=True)
    monkeypatch.setenv(reads.ENV, str(log))
    with contextlib.suppress(DataError):  # e.g. the abstracts are missing: the chapter goes on without them
        read()
    monkeypatch.delenv(reads.ENV)
    entry = cache.with_reads(chapter_key(project, chapter, plain), reads.collected(log))
    out = project.root / chapter.executed
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"cells": [], "metadata": {"chipshock": {"cache": entry}}}), encoding="utf-8")
    return out


def fresh(project: Project, chapter_id: str) -> bool:
    chapter = get_chapter(chapter_id)
    plain = chapter.params.to_plain(chapter.params.defaults())
    return is_fresh(project.root / chapter.executed, chapter_key(project, chapter, plain))


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


def test_code_change_is_a_miss(project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = key(project)
    package = tmp_path / "pkg"
    shutil.copytree(cache.PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(cache, "PACKAGE_DIR", package)
    assert key(project) == before
    module = package / "chapters" / "background" / "analysis.py"
    module.write_text(module.read_text() + "\n# edited\n")
    assert key(project) != before


def test_a_curated_or_processed_file_read_is_recorded_and_its_change_is_a_miss(
        project: Project, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from chipshock.data import curated
    from chipshock.data.build import load

    def read() -> None:
        curated.policy_events(project)
        load(project, "epoch_models")

    executed_after(project, "background", read, monkeypatch, tmp_path)
    stored = cache.stored(project.root / CHAPTER.executed)["reads"]
    assert set(stored) == {"data/curated/policy_events.csv", "data/processed/epoch_models.parquet"}
    assert fresh(project, "background")
    events = project.root / "data/curated/policy_events.csv"
    events.write_text(events.read_text() + "\n")
    assert not fresh(project, "background")


def test_the_research_abstracts_appearing_changing_or_vanishing_is_a_miss(
        project: Project, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The connector sentence depends on the raw abstracts, which no hand-kept list named."""
    from chipshock.chapters.research import patent_counts as pc
    from chipshock.data.build import load

    istat = load(project, "istat_patents")

    def check() -> None:
        pc.connector_check(project.root, istat, ["qwen", "deepseek"])

    executed_after(project, "research", check, monkeypatch, tmp_path)
    assert cache.stored(project.root / "computation/research.ipynb")["reads"][ABSTRACTS] == reads.ABSENT
    assert fresh(project, "research")
    target = project.root / ABSTRACTS
    target.parent.mkdir(parents=True)
    with gzip.open(target, "wt", encoding="utf-8") as fh:  # `make data` adds the file
        fh.write(json.dumps({"id": "1", "title": "t", "abstract": "a"}) + "\n")
    assert not fresh(project, "research"), "the abstracts appeared: the research chapter must re-run"
    executed_after(project, "research", check, monkeypatch, tmp_path)
    assert fresh(project, "research")
    with gzip.open(target, "at", encoding="utf-8") as fh:
        fh.write(json.dumps({"id": "2", "title": "u", "abstract": "b"}) + "\n")
    assert not fresh(project, "research"), "the abstracts changed"
    executed_after(project, "research", check, monkeypatch, tmp_path)
    target.unlink()
    assert not fresh(project, "research"), "the abstracts vanished"


def test_a_policy_run_that_reads_the_agora_full_texts_reruns_when_they_change(
        project: Project, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from chipshock.chapters.policy import analysis as pa

    target = project.root / FULLTEXT
    target.parent.mkdir(parents=True)
    with gzip.open(target, "wt", encoding="utf-8") as fh:
        fh.write(json.dumps({"agora_id": 1, "text": "open source models"}) + "\n")
    executed_after(project, "policy", lambda: pa._full_texts(project), monkeypatch, tmp_path)
    assert FULLTEXT in cache.stored(project.root / "computation/policy.ipynb")["reads"]
    assert fresh(project, "policy")
    with gzip.open(target, "wt", encoding="utf-8") as fh:
        fh.write(json.dumps({"agora_id": 1, "text": "open-weight models"}) + "\n")
    assert not fresh(project, "policy")
    executed_after(project, "policy", lambda: pa._full_texts(project), monkeypatch, tmp_path)
    target.unlink()
    assert not fresh(project, "policy")


def test_a_folder_read_whole_reruns_when_a_file_is_added_changed_or_removed(
        project: Project, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    folder = tmp_path / "gharchive"
    folder.mkdir()
    (folder / "a.parquet").write_bytes(b"a")
    executed_after(project, "developers", lambda: reads.use_tree(project.root, folder), monkeypatch, tmp_path)
    assert fresh(project, "developers")
    (folder / "b.parquet").write_bytes(b"b")
    assert not fresh(project, "developers")
    (folder / "b.parquet").unlink()
    assert fresh(project, "developers")
    (folder / "a.parquet").write_bytes(b"changed")
    assert not fresh(project, "developers")
    (folder / "a.parquet").unlink()
    assert not fresh(project, "developers")


def test_a_notebook_from_before_the_record_is_stale(project: Project) -> None:
    out = project.root / CHAPTER.executed
    out.parent.mkdir()
    entry = {"key": key(project), "data": {}}  # the old layout: no reads
    out.write_text(json.dumps({"metadata": {"chipshock": {"cache": entry}}}), encoding="utf-8")
    assert not fresh(project, "background")


@pytest.mark.skipif(not (MIRROR / "patents").is_dir(), reason="no data mirror")
def test_a_truncated_raw_file_is_refused_naming_it_and_the_repair(project: Project) -> None:
    """Issue 25, case 5: a truncated abstracts file stops with exit-2 error naming the file and the fix
    (not an EOFError deep in a cell), even where a missing file would be tolerated."""
    from chipshock.chapters.research import patent_counts as pc
    from chipshock.data.build import load

    shutil.copy2(Path(__file__).resolve().parents[1] / "data/sources.yml", project.root / "data/sources.yml")
    target = project.root / ABSTRACTS
    target.parent.mkdir(parents=True)
    target.write_bytes((MIRROR / ABSTRACTS.removeprefix("data/raw/")).read_bytes()[:-5000])
    with pytest.raises(ChecksumError, match=rf"{ABSTRACTS} is corrupt.*`chipshock data fetch --only istat"):
        pc.connector_check(project.root, load(project, "istat_patents"), ["qwen"])


@pytest.mark.slow
def test_execution_hits_and_misses(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    out = project.root / CHAPTER.executed
    assert execute(project, CHAPTER, DEFAULTS, out) is True
    assert set(cache.stored(out)["reads"]) == {"data/curated/model_releases.csv",
                                                "data/curated/policy_events.csv"}
    assert execute(project, CHAPTER, DEFAULTS, out) is False, "nothing changed: must not re-execute"
    other = CHAPTER.params.to_plain(CHAPTER.params.resolve({"countries": "CN"}))
    assert execute(project, CHAPTER, other, out) is True
    assert cache.stored_key(out) == chapter_key(project, CHAPTER, other)["key"]
    data = project.root / "data/curated/model_releases.csv"
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
