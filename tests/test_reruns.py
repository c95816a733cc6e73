"""Every chapter reruns through the real command: at its defaults and with every file in params/.

Each run must exit 0, make its page, render its charts offline, and open with "What changed from
the default run". Bad input exits 2 and touches nothing. The README's quick start runs as written.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from helpers import REPO
from test_browser import rendered_dom

from chipshock.paths import Project
from chipshock.pipeline.registry import CHAPTERS

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CHIPSHOCK = str(Path(sys.executable).with_name("chipshock"))
PARAMS_FILES = sorted(p for p in (REPO / "params").glob("*.yml"))
NEEDS_DOWNLOAD = {"developers-gharchive": "chipshock data gharchive"}
"""Parameter files whose data must be downloaded first: without it, a clean exit 2 naming the fix."""
CASES = [(c.id, None) for c in CHAPTERS] + [(p.stem.split("-", 1)[0], p.name) for p in PARAMS_FILES]


@pytest.fixture(scope="module")
def book(built_book: Project) -> Project:
    """The built book with the raw full texts that some parameter sets read (from the data mirror)."""
    mirror = REPO.parent / "shared" / "data"
    if not (built_book.root / "data/raw/policy").exists():
        if not mirror.is_dir():
            pytest.skip(f"the raw-data mirror {mirror} is not here; `chipshock data fetch` downloads it")
        shutil.copy2(REPO / "data/sources.yml", built_book.root / "data/sources.yml")
        proc = chipshock(built_book, "data", "fetch", "--only", "agora", "--mirror", str(mirror))
        assert proc.returncode == 0, proc.stderr
    return built_book


def chipshock(project: Project, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CHIPSHOCK_ROOT": str(project.root)}
    return subprocess.run([CHIPSHOCK, *args], cwd=project.root, env=env, capture_output=True, text=True,
                          timeout=900, check=False)


def charts_render(page: Path, profile: Path) -> tuple[int, int]:
    """(charts on the page, charts vega rendered) in headless Chromium with the network cut."""
    static = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    expected = len(static.find_all("div", id=re.compile(r"^altair-viz-")))
    dom = BeautifulSoup(rendered_dom(page, profile), "html.parser")
    rendered = [d for d in dom.find_all("div", id=re.compile(r"^altair-viz-"))
                if "vega-embed" in d.get("class", []) and d.find("svg")]
    return expected, len(rendered)


def test_every_params_file_names_a_chapter() -> None:
    ids = {c.id for c in CHAPTERS}
    assert len(PARAMS_FILES) >= 14 and {chapter for chapter, _ in CASES} <= ids


@pytest.mark.parametrize(("chapter", "params_file"), CASES, ids=[f"{c}:{f or 'defaults'}" for c, f in CASES])
def test_chipshock_run(book: Project, tmp_path: Path, chapter: str, params_file: str | None) -> None:
    args = ["run", chapter] + (["-f", f"params/{params_file}"] if params_file else [])
    proc = chipshock(book, *args)
    stem = (params_file or "").removesuffix(".yml")
    if stem in NEEDS_DOWNLOAD and not (book.root / "data/raw/gharchive").exists():
        assert proc.returncode == 2 and NEEDS_DOWNLOAD[stem] in proc.stderr, proc.stderr[-1500:]
        return
    assert proc.returncode == 0, proc.stderr[-3000:]
    page = Path(proc.stdout.strip().splitlines()[-1])
    html = page.read_text(encoding="utf-8")
    assert "What changed from the default run" in html
    if params_file is None:
        assert "nothing changed from the default run" in html
    assert (page.parents[3] / "changes.csv").is_file()
    for shown in (page, page.parents[1] / "computation" / f"{chapter}.html"):
        expected, rendered = charts_render(shown, tmp_path / "profile")
        assert rendered == expected, f"{shown.name}: {rendered} of {expected} charts rendered"


def test_the_clock_proxy_flips_words_in_what_changed(book: Project) -> None:
    proc = chipshock(book, "run", "developers", "-p", "geo_proxy", "hour")
    assert proc.returncode == 0, proc.stderr[-3000:]
    html = Path(proc.stdout.strip().splitlines()[-1]).read_text(encoding="utf-8")
    section = html.split("What changed from the default run", 1)[1].split("In this chapter", 1)[0]
    assert "geo_proxy" in section and "changed word ⚑" in section
    assert "⚑" in proc.stderr and "glued words and numbers changed" in proc.stderr
    first_row = BeautifulSoup(section, "html.parser").find("tbody").find("tr").get_text(" ")
    assert "changed word" in first_row  # words are listed before numbers


def test_a_params_file_for_another_chapter_exits_2(book: Project) -> None:
    proc = chipshock(book, "run", "policy", "-f", "params/background-china.yml")
    assert proc.returncode == 2
    assert "'background', not 'policy'" in proc.stderr and "chipshock run background" in proc.stderr


def test_an_out_folder_that_is_not_a_variant_is_left_alone(book: Project, tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    proc = chipshock(book, "run", "background", "--out", str(out))
    assert proc.returncode == 2 and "was not made by `chipshock run`" in proc.stderr
    assert [p.name for p in out.iterdir()] == ["notes.txt"] and (out / "notes.txt").read_text() == "keep me"


def quick_start_commands() -> list[str]:
    """The shell lines of the README's quick start, in order, without comments."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    lines = []
    for block in re.findall(r"```bash\n(.*?)```", section, re.S):
        lines += [ln.split("#", 1)[0].strip() for ln in block.splitlines()]
    return [ln for ln in lines if ln]


def test_readme_quick_start_runs_as_written(book: Project) -> None:
    commands = quick_start_commands()
    assert "make book" in commands and any(c.startswith("chipshock run") for c in commands)
    # `make test` is this test suite itself: everything else runs as written, in a copy of the book
    script = [c for c in commands if c != "make test"]
    shutil.copy2(REPO / "Makefile", book.root / "Makefile")
    for name in ("requirements.txt", "pyproject.toml"):
        shutil.copy2(REPO / name, book.root / name)
    venv = book.root / ".venv"
    if not venv.exists():
        venv.symlink_to(Path(sys.executable).parents[1])
    installed = venv / ".installed"
    if installed.exists():
        os.utime(installed)  # the copied requirements are not newer than the installed environment
    env = {**os.environ, "CHIPSHOCK_ROOT": str(book.root)}
    proc = subprocess.run(["bash", "-ec", "\n".join(script)], cwd=book.root, env=env,
                          capture_output=True, text=True, timeout=1200, check=False)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    pages = [Path(ln) for ln in proc.stdout.splitlines() if ln.endswith(".html")]
    assert pages and all(p.is_file() for p in pages)


def test_verdicts_follow_the_parameters(book: Project) -> None:
    """Two parameter sets whose claim-3 verdicts differ: each page shows its own, and the rerun's
    "What changed" lists the flipped verdict first."""
    from helpers import glued

    other = chipshock(book, "run", "developers", "-p", "repo_groups", "B,C")
    assert other.returncode == 0, other.stderr[-3000:]
    page = Path(other.stdout.strip().splitlines()[-1])
    default = glued(book.root / "computation/developers.ipynb")["claim3_verdict"]
    rerun = glued(page.parents[3] / "computation/developers.ipynb")["claim3_verdict"]
    assert default != rerun, "choose a parameter set whose claim-3 verdict differs from the default's"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    boxes = [b.get_text(" ", strip=True) for b in soup.select(".chipshock-verdict .admonition-title")]
    assert f"Verdict: {rerun}" in boxes[0]
    first = soup.find("tbody").find("tr").get_text(" ", strip=True)
    assert "changed verdict" in first and default in first and rerun in first
    main_page = (book.build_dir / "html/book/developers.html").read_text(encoding="utf-8")
    assert f"Verdict: {default}" in BeautifulSoup(main_page, "html.parser").get_text(" ", strip=True)
