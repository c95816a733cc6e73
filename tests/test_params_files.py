"""Every file in params/ executes once, and what its `chipshock run` would show holds up.

Each file names a chapter and is valid for it. Its run (the session's execution cache serves the
chapter tests that execute the same file) glues every key the chapter's page shows, each in a form
the page's format accepts (what the strict variant build checks); "What changed" compares it with
the default run and writes changes.csv; and every chart of every run renders offline (one page,
one headless Chromium). A file whose data must be downloaded first stops with a clear user error.
End-to-end variant builds: tests/test_reruns.py.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import REPO, copy_project
from myst_nb.core.variables import format_plain_text

from chipshock.errors import UserError
from chipshock.params import read_params_file
from chipshock.paths import Project
from chipshock.pipeline import changes
from chipshock.pipeline.execute import execute
from chipshock.pipeline.registry import CHAPTERS, get_chapter

PARAMS_FILES = sorted((REPO / "params").glob("*.yml"))
RUNS = [p.stem for p in PARAMS_FILES]
NEEDS_DOWNLOAD = {"developers-gharchive": "chipshock data gharchive"}
"""Parameter files whose data must be downloaded first: without it, a clear error naming the fix."""
NEEDS_MIRROR = {"policy-open-models": "data/raw/policy"}
"""Parameter files that read raw full texts, copied from the data mirror when it is here."""
MIRROR = REPO.parent / "shared" / "data"
TEXT_ROLE = re.compile(r"\{glue:text\}`[^`]*?::(\w+):([^`]*)`")
BLOCK = re.compile(r"^```\{(?:glue|exhibit)\} (\w+)", re.M)


def chapter_of(stem: str) -> str:
    return stem.split("-", 1)[0]


def test_every_params_file_names_a_chapter_and_is_valid() -> None:
    assert len(PARAMS_FILES) >= 14 and {chapter_of(s) for s in RUNS} <= {c.id for c in CHAPTERS}
    for path in PARAMS_FILES:
        get_chapter(chapter_of(path.stem)).params.resolve(read_params_file(path))


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """A copy of the project with the raw full texts some parameter sets read (from the mirror)."""
    project = copy_project(tmp_path_factory.mktemp("params-book"))
    if MIRROR.is_dir():
        shutil.copy2(REPO / "data/sources.yml", project.root / "data/sources.yml")
        cmd = [str(Path(sys.executable).with_name("chipshock")), "data", "fetch", "--only", "agora",
               "--mirror", str(MIRROR)]
        proc = subprocess.run(cmd, cwd=project.root, env={**os.environ, "CHIPSHOCK_ROOT": str(project.root)},
                              capture_output=True, text=True, timeout=900, check=False)
        assert proc.returncode == 0, proc.stderr
    return project


@pytest.fixture(scope="module")
def runs(book: Project, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path | UserError]:
    """Each parameter file's execution (or the user error it stops with), in its own folder."""
    out: dict[str, Path | UserError] = {}
    folder = tmp_path_factory.mktemp("runs")
    for stem in RUNS:
        chapter = get_chapter(chapter_of(stem))
        values = chapter.params.resolve(read_params_file(book.root / "params" / f"{stem}.yml"))
        path = folder / stem / chapter.executed
        try:
            execute(book, chapter, chapter.params.to_plain(values), path)
        except UserError as exc:
            out[stem] = exc
        else:
            out[stem] = path
    return out


def default_run(book: Project, chapter_id: str) -> Path:
    chapter = get_chapter(chapter_id)
    execute(book, chapter, chapter.params.to_plain(chapter.params.defaults()), book.root / chapter.executed)
    return book.root / chapter.executed


def glued_text(notebook: Path) -> dict[str, dict[str, str]]:
    """Each glued key's output data (mime type without the papermill prefix -> text)."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    out = {}
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            meta = output.get("metadata", {}).get("scrapbook")
            if meta:
                prefix = meta.get("mime_prefix", "")
                out[meta["name"]] = {k.removeprefix(prefix): "".join(v) for k, v in output["data"].items()}
    return out


@pytest.mark.slow
@pytest.mark.parametrize("stem", RUNS)
def test_params_file_run_glues_what_its_page_shows(book: Project, runs: dict, stem: str) -> None:
    result = runs[stem]
    if stem in NEEDS_DOWNLOAD and not (book.root / "data/raw/gharchive").exists():
        assert isinstance(result, UserError) and NEEDS_DOWNLOAD[stem] in str(result), result
        return
    if stem in NEEDS_MIRROR and not (book.root / NEEDS_MIRROR[stem]).exists():
        pytest.skip(f"needs the data mirror {MIRROR} for {NEEDS_MIRROR[stem]}")
    assert isinstance(result, Path), result
    chapter = get_chapter(chapter_of(stem))
    page = (book.root / chapter.narrative).read_text(encoding="utf-8")
    values = glued_text(result)
    for key, spec in TEXT_ROLE.findall(page):
        assert "text/plain" in values.get(key, {}), f"{stem}: {key} is not glued as text"
        format_plain_text(values[key]["text/plain"], spec)  # as the strict build formats it
    assert set(BLOCK.findall(page)) <= set(values), f"{stem}: exhibits not glued"
    found = changes.compare(default_run(book, chapter.id), result)
    assert any(c.changed for c in found), f"{stem}: nothing changed from the default run"
    csv = result.parent.parent / "changes.csv"
    changes.write_csv(found, csv)
    assert len(csv.read_text(encoding="utf-8").splitlines()) == len(found) + 1


@pytest.mark.slow
@pytest.mark.browser
def test_every_params_files_charts_render_offline(runs: dict, tmp_path: Path) -> None:
    """Every chart of every parameter file's run on one page, with the book's offline vega."""
    from test_reruns import charts_render

    charts = [v["text/html"] for path in runs.values() if isinstance(path, Path)
              for v in glued_text(path).values() if 'id="altair-viz-' in v.get("text/html", "")]
    assert len(charts) >= len(RUNS), "expected charts from every run"
    js = (REPO / "_static/vega-offline.js").resolve().as_uri()
    page = tmp_path / "charts.html"
    page.write_text(f'<!doctype html><html><head><meta charset="utf-8"><script src="{js}"></script>'
                    f"</head><body>{''.join(charts)}</body></html>", encoding="utf-8")
    expected, rendered = charts_render(page, tmp_path / "profile")
    assert expected == len(charts) and rendered == expected, f"{rendered} of {expected} charts rendered"
