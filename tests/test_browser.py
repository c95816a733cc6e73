"""Every built page in headless Chromium with the network cut: charts render, math renders,
and no page asks for an external script or stylesheet."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from chipshock.charts import TEXT_WIDTH
from chipshock.paths import Project

pytestmark = [pytest.mark.slow, pytest.mark.browser]

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
NO_NETWORK = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9",
]


def browser() -> str:
    for name in BROWSERS:
        if path := shutil.which(name):
            return path
    pytest.fail("headless Chromium is needed: `apt-get install -y chromium` (.ci/run does this)")


def rendered_dom(page: Path, profile: Path) -> str:
    cmd = [browser(), *NO_NETWORK, f"--user-data-dir={profile}", "--virtual-time-budget=10000",
           "--dump-dom", page.as_uri()]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


def external(soup: BeautifulSoup) -> list[str]:
    """URLs of scripts and stylesheets that would be fetched from another host."""
    urls = [tag.get("src", "") for tag in soup.find_all("script")]
    urls += [tag.get("href", "") for tag in soup.find_all("link")
             if {"stylesheet", "preload", "modulepreload"} & set(tag.get("rel", []))]
    return [u for u in urls if re.match(r"^(https?:)?//", u)]


def pages(project: Project) -> list[Path]:
    html = project.build_dir / "html"
    return sorted(p for p in html.rglob("*.html") if p.name not in {"genindex.html", "search.html"})


def test_pages_render_offline(built_book: Project, tmp_path: Path) -> None:
    charts_seen = 0
    for page in pages(built_book):
        static = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        assert external(static) == [], f"{page.name} links external resources"
        expected = len(static.find_all("div", id=re.compile(r"^altair-viz-")))
        dom = BeautifulSoup(rendered_dom(page, tmp_path / "profile"), "html.parser")
        assert external(dom) == [], f"{page.name} fetched external resources at run time"
        rendered = [d for d in dom.find_all("div", id=re.compile(r"^altair-viz-"))
                    if "vega-embed" in d.get("class", []) and d.find("svg")]
        assert len(rendered) == expected, f"{page.name}: {len(rendered)} of {expected} charts rendered"
        errors = [d.get_text() for d in dom.find_all("div", class_="error")]
        assert errors == [], f"{page.name}: chart errors {errors}"
        wide = [(d.parent.get("aria-label", "")[:60], w) for d in rendered
                if (w := float(d.find("svg").get("width", 0))) > TEXT_WIDTH]
        assert wide == [], f"{page.name}: charts wider than the text column ({TEXT_WIDTH} px): {wide}"
        if static.find(class_="math"):
            assert dom.find("mjx-container"), f"{page.name}: math did not render"
        charts_seen += expected
    assert charts_seen >= 2, "the background chapter's charts were not found"


def test_the_vendored_libraries_match_altair() -> None:
    import altair as alt

    head = (Path(__file__).resolve().parents[1] / "_static/vega-offline.js").read_text()
    assert f"vega-lite@{alt.VEGALITE_VERSION}" in head.splitlines()[1]
    assert f'"vegalite_version": "{alt.VEGALITE_VERSION}"' in head[-300:]
