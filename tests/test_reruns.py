"""A few reruns through the real command, end to end.

`chipshock run` at each chapter's defaults (nothing executes: the variant book is built), with a
parameter that flips words and with one that flips a verdict: each exits 0 with its pages and
"What changed from the default run" (and, for some, charts rendered offline). Bad input exits 2
and touches nothing. The README's quick start runs as written. Every file in params/ is checked
without building a variant book in tests/test_params_files.py.
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

CHIPSHOCK = str(Path(sys.executable).with_name("chipshock"))
NEEDS_DOWNLOAD = {"developers-gharchive": "chipshock data gharchive"}
"""Parameter files whose data must be downloaded first: without it, a clean exit 2 naming the fix."""


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


def variant_page(proc: subprocess.CompletedProcess[str]) -> Path:
    assert proc.returncode == 0, proc.stderr[-3000:]
    return Path(proc.stdout.strip().splitlines()[-1])


def assert_variant(page: Path, chapter: str, profile: Path | None) -> str:
    """The variant's page opens with "What changed", its changes.csv is there, and (with a browser
    profile) every chart of its two pages renders offline."""
    html = page.read_text(encoding="utf-8")
    assert "What changed from the default run" in html
    assert (page.parents[3] / "changes.csv").is_file()
    for shown in (page, page.parents[1] / "computation" / f"{chapter}.html") if profile else ():
        expected, rendered = charts_render(shown, profile)
        assert expected and rendered == expected, f"{shown.name}: {rendered} of {expected} charts rendered"
    return html


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize("chapter", [c.id for c in CHAPTERS])
def test_chipshock_run_at_the_defaults(built_book: Project, tmp_path: Path, chapter: str) -> None:
    """Every chapter's variant book builds strictly (its references out rewritten); the charts of
    one are rendered here (those of every chapter's default run: tests/test_browser.py)."""
    profile = tmp_path / "p" if chapter == "robustness" else None
    html = assert_variant(variant_page(chipshock(built_book, "run", chapter)), chapter, profile)
    assert "nothing changed from the default run" in html


@pytest.mark.slow
@pytest.mark.browser
def test_the_clock_proxy_flips_words_in_what_changed(built_book: Project, tmp_path: Path) -> None:
    proc = chipshock(built_book, "run", "developers", "-p", "geo_proxy", "hour")
    html = assert_variant(variant_page(proc), "developers", tmp_path / "p")
    section = html.split("What changed from the default run", 1)[1].split("In this chapter", 1)[0]
    assert "geo_proxy" in section and "changed word ⚑" in section
    assert "⚑" in proc.stderr and "glued words and numbers changed" in proc.stderr
    kinds = [tr.find_all("td")[2].get_text(" ", strip=True)
             for tr in BeautifulSoup(section, "html.parser").find("tbody").find_all("tr")]
    order = {"changed verdict ⚑": 0, "changed stability ⚑": 1, "changed word ⚑": 2, "number": 3}
    assert "changed word ⚑" in kinds  # the proxy flips words
    assert [order[k] for k in kinds] == sorted(order[k] for k in kinds)  # verdicts, stabilities, words


@pytest.mark.slow
def test_a_params_file_whose_data_is_missing_exits_2_and_leaves_no_variant(built_book: Project) -> None:
    if (built_book.root / "data/raw/gharchive").exists():
        pytest.skip("the GH Archive table is here")
    before = sorted(built_book.variants.iterdir()) if built_book.variants.exists() else []
    proc = chipshock(built_book, "run", "developers", "-f", "params/developers-gharchive.yml")
    assert proc.returncode == 2 and NEEDS_DOWNLOAD["developers-gharchive"] in proc.stderr, proc.stderr[-1500:]
    assert (sorted(built_book.variants.iterdir()) if built_book.variants.exists() else []) == before


@pytest.mark.slow
def test_a_params_file_for_another_chapter_exits_2(built_book: Project) -> None:
    proc = chipshock(built_book, "run", "policy", "-f", "params/background-china.yml")
    assert proc.returncode == 2
    assert "'background', not 'policy'" in proc.stderr and "chipshock run background" in proc.stderr


@pytest.mark.slow
def test_an_out_folder_that_is_not_a_variant_is_left_alone(built_book: Project, tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    proc = chipshock(built_book, "run", "background", "--out", str(out))
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


@pytest.mark.slow
def test_readme_quick_start_runs_as_written(built_book: Project) -> None:
    commands = quick_start_commands()
    assert "make book" in commands and any(c.startswith("chipshock run") for c in commands)
    # `make test` is this test suite itself: everything else runs as written, in a copy of the book
    script = [c for c in commands if c != "make test"]
    shutil.copy2(REPO / "Makefile", built_book.root / "Makefile")
    for name in ("requirements.txt", "pyproject.toml"):
        shutil.copy2(REPO / name, built_book.root / name)
    venv = built_book.root / ".venv"
    if not venv.exists():
        venv.symlink_to(Path(sys.executable).parents[1])
    installed = venv / ".installed"
    if installed.exists():
        os.utime(installed)  # the copied requirements are not newer than the installed environment
    env = {**os.environ, "CHIPSHOCK_ROOT": str(built_book.root)}
    proc = subprocess.run(["bash", "-ec", "\n".join(script)], cwd=built_book.root, env=env,
                          capture_output=True, text=True, timeout=1200, check=False)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    pages = [Path(ln) for ln in proc.stdout.splitlines() if ln.endswith(".html")]
    assert pages and all(p.is_file() for p in pages)


@pytest.mark.slow
def test_verdicts_follow_the_parameters(built_book: Project) -> None:
    """Two parameter sets whose claim-3 verdicts differ: each page shows its own, and the rerun's
    "What changed" lists the flipped verdict first."""
    from helpers import glued

    page = variant_page(chipshock(built_book, "run", "developers", "-p", "repo_groups", "B,C"))
    default = glued(built_book.root / "computation/developers.ipynb")["claim3_verdict"]
    rerun = glued(page.parents[3] / "computation/developers.ipynb")["claim3_verdict"]
    assert default != rerun, "choose a parameter set whose claim-3 verdict differs from the default's"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    boxes = [b.get_text(" ", strip=True) for b in soup.select(".chipshock-verdict .admonition-title")]
    assert f"Claim 3: {rerun}" in boxes[0]
    first = soup.find("tbody").find("tr").get_text(" ", strip=True)
    assert "changed verdict" in first and default in first and rerun in first
    main_page = (built_book.build_dir / "html/book/developers.html").read_text(encoding="utf-8")
    assert f"Claim 3: {default}" in BeautifulSoup(main_page, "html.parser").get_text(" ", strip=True)
