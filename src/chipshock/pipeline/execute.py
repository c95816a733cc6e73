"""Execute a chapter notebook with papermill, atomically, reusing a cached execution.

With $CHIPSHOCK_EXECUTION_CACHE naming a folder, every execution is also kept there under its key,
and an execution whose key is there is copied instead of run: copies of the book (the test suite's,
CI's steps, variants) then execute each chapter once per set of inputs. Processes that share the
folder take a lock per key, so a key is executed once even when two ask for it at the same time.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import nbformat
import papermill

from chipshock import outputs
from chipshock.data import reads
from chipshock.errors import ExecutionError, UserError, user_error_names
from chipshock.paths import ROOT_ENV, Project
from chipshock.pipeline import cache
from chipshock.pipeline.notebook import read_source, with_declared_parameters
from chipshock.pipeline.registry import Chapter


@contextlib.contextmanager
def _env(name: str, value: str) -> Iterator[None]:
    old = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = old


def chapter_key(project: Project, chapter: Chapter, params_plain: Mapping[str, Any]) -> dict[str, Any]:
    """The execution key of a chapter under these parameters: its notebook, parameters and code.

    The data it read are checked from the record its last execution stored (`is_fresh`)."""
    key = cache.execution_key(project.root / chapter.source, params_plain, cache.code_digest())
    return {**key, "root": str(project.root)}


STORE_ENV = "CHIPSHOCK_EXECUTION_CACHE"


def store_path(chapter: Chapter, key: Mapping[str, Any]) -> Path | None:
    """Where $CHIPSHOCK_EXECUTION_CACHE keeps this execution, or None when it is not set."""
    folder = os.environ.get(STORE_ENV)
    return Path(folder) / f"{chapter.id}-{key['key']}.ipynb" if folder else None


@contextlib.contextmanager
def _locked(stored: Path | None) -> Iterator[None]:
    """Hold the store's lock for one key (nothing to hold without a store)."""
    if stored is None:
        yield
        return
    stored.parent.mkdir(parents=True, exist_ok=True)
    with open(stored.with_suffix(".lock"), "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def show_progress() -> bool:
    """Progress bars for a person at a terminal, not for CI logs."""
    return sys.stderr.isatty() and not os.environ.get("CI")


def is_fresh(executed: Path, key: Mapping[str, Any]) -> bool:
    """The executed notebook was made under `key` and every file it read is as it read it."""
    stored = cache.stored(executed)
    return (stored is not None and stored.get("key") == key["key"]
            and isinstance(stored.get("reads"), dict)
            and not reads.changed(Path(key["root"]), stored["reads"]))


def execute(
    project: Project,
    chapter: Chapter,
    params_plain: Mapping[str, Any],
    out: Path,
    *,
    force: bool = False,
    progress: bool | None = None,
) -> bool:
    """Execute the chapter into `out` unless its cached execution is fresh; True if `out` was
    written (executed, or copied from $CHIPSHOCK_EXECUTION_CACHE; `force` always executes).

    `progress` shows papermill's cell-by-cell progress bar (tqdm); by default only when the
    output is a terminal and not in CI, so logs stay quiet.
    """
    key = chapter_key(project, chapter, params_plain)
    if not force and is_fresh(out, key):
        return False
    stored = store_path(chapter, key)
    with _locked(stored):
        if not force and stored is not None and is_fresh(stored, key):
            copy_atomic(stored, out)
            return True
        _run(project, chapter, params_plain, out, key, progress)
        if stored is not None:
            copy_atomic(out, stored)
    return True


def _run(project: Project, chapter: Chapter, params_plain: Mapping[str, Any], out: Path,
         key: Mapping[str, Any], progress: bool | None) -> None:
    """Execute the notebook with papermill into `out`, atomically."""
    nb = with_declared_parameters(read_source(project.root / chapter.source), chapter.id, chapter.params)
    outputs.sweep(out.parent)
    tmp = outputs.make_temp_dir(out.parent, chapter.id)
    try:
        src, dst, record = tmp / "in.ipynb", tmp / out.name, tmp / "reads.jsonl"
        nbformat.write(nb, src)
        with _env(ROOT_ENV, str(project.root)), _env(reads.ENV, str(record)):
            try:
                papermill.execute_notebook(
                    str(src), str(dst), parameters=dict(params_plain), cwd=str(project.notebooks),
                    kernel_name="python3", progress_bar=show_progress() if progress is None else progress,
                    log_output=False,
                    # the kernel listens on loopback only; its per-start TCP warning is noise here
                    extra_arguments=["--IPKernelApp.log_level=ERROR"],
                )
            except papermill.PapermillExecutionError as exc:
                _raise_cell_error(chapter, exc)
        _record(dst, chapter, params_plain, cache.with_reads(key, reads.collected(record)))
        os.replace(dst, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _raise_cell_error(chapter: Chapter, exc: papermill.PapermillExecutionError) -> None:
    if exc.ename in user_error_names():
        raise UserError(f"chapter {chapter.id}: {exc.evalue}") from None
    raise ExecutionError(
        f"chapter {chapter.id}: notebook cell {exc.exec_count} failed with {exc.ename}: {exc.evalue}"
    ) from None


def _record(path: Path, chapter: Chapter, params_plain: Mapping[str, Any], key: Mapping[str, Any]) -> None:
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:  # the page's parameters table shows these values: don't list them twice
        tags = cell.get("metadata", {}).get("tags", [])
        if "injected-parameters" in tags and "remove-cell" not in tags:
            cell["metadata"]["tags"] = [*tags, "remove-cell"]
    nb["metadata"]["chipshock"] = {"chapter": chapter.id, "params": dict(params_plain), "cache": dict(key)}
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def copy_atomic(src: Path, dst: Path) -> None:
    """Copy a file so that readers never see it half-written."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = dst.parent / outputs.temp_name(dst.name)
    try:
        shutil.copyfile(src, tmp)
        os.replace(tmp, dst)
    finally:
        tmp.unlink(missing_ok=True)
