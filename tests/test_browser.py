"""Every built page in headless Chromium with the network cut: charts render, math renders,
no page asks for an external script or stylesheet, no page scrolls sideways at phone width, and
caption and table text pass WCAG AA contrast in light and dark mode."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from probe import AA, MIN_FONT, measure

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


PHONE = 420


@pytest.fixture(scope="module")
def phone(built_book: Project, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Every page measured once at phone width (one Chromium run for the whole book)."""
    return measure(built_book.build_dir / "html", PHONE, tmp_path_factory.mktemp("probe"))


def test_every_page_was_probed(built_book: Project, phone: dict) -> None:
    html = built_book.build_dir / "html"
    expected = {"/" + p.relative_to(html).as_posix() for p in pages(built_book) if "_static" not in p.parts}
    assert set(phone) == expected and len(expected) >= 20
    assert [page for page, got in phone.items() if "error" in got] == []


def test_no_page_scrolls_sideways_at_phone_width(phone: dict) -> None:
    wide = {page: got["width"] for page, got in phone.items()
            if got["width"]["scrollWidth"] > got["width"]["viewport"]}
    assert wide == {}, "pages wider than a 420-px phone (culprits: widest unclipped elements)"


def test_charts_render_and_fit_at_phone_width(phone: dict) -> None:
    charts = {page: got["charts"] for page, got in phone.items() if got["charts"]["count"]}
    assert sum(c["count"] for c in charts.values()) >= 10
    assert {p: c for p, c in charts.items() if c["rendered"] != c["count"] or c["overflowing"]} == {}


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_caption_and_table_text_pass_wcag_aa(phone: dict, mode: str) -> None:
    low = {page: got[mode] for page, got in phone.items() if got[mode]}
    assert low == {}, f"text below {AA}:1 contrast in {mode} mode"
    assert sum(got["checked"] for got in phone.values()) > 100, "no captions or tables were checked"


def test_chart_text_is_readable_at_phone_width(phone: dict) -> None:
    """Through a 420-px frame no chart draws text below MIN_FONT px (composite charts are laid out
    for the frame by _static/chipshock-fit.js instead of being scaled down)."""
    small = {page: got["fonts"] for page, got in phone.items() if got.get("fonts")}
    assert {p: v for p, v in small.items() if p not in SMALL_TEXT} == {}, (
        f"chart text drawn below {MIN_FONT} px at {PHONE} px")
    fixed = sorted(SMALL_TEXT - set(small))
    assert fixed == [], f"readable now: remove {fixed} from SMALL_TEXT"


# Pages whose charts still draw text below MIN_FONT px at 420 px, and why (the list only shrinks).
SMALL_TEXT = {
    # Figure 6.1's explorer readout ("Estimate +x% (95% CI a to b)", 12 px) starts right of the
    # indicator panel's row labels and is wider than the frame, so the drawing is scaled to ~97%;
    # fix: write the readout on three shorter lines in robustness.analysis.curve_chart.
    "/book/robustness.html", "/computation/robustness.html",
    # A diffusion chart's legend ("balanced panel", "full panel") keeps the redrawn chart ~7% wider
    # than the frame after chipshock-fit.js has narrowed its views as far as it will.
    "/book/diffusion.html", "/computation/diffusion.html",
}


def test_heatmaps_have_an_explicit_zero_colour_in_dark_mode(phone: dict) -> None:
    """A heatmap's empty cells are the 0% colour on its plate, not the dark page showing through."""
    from chipshock.charts import SHARE_ZERO

    zero = "rgb({}, {}, {})".format(*(int(SHARE_ZERO[i:i + 2], 16) for i in (1, 3, 5)))
    maps = {page: got["heatmaps"] for page, got in phone.items() if got.get("heatmaps")}
    assert any("robustness" in page for page in maps), "the specification curve's heatmap was not found"
    bad = {page: [m for m in found if m["plate"] != zero or m["cellFills"] < 2]
           for page, found in maps.items()}
    assert {p: v for p, v in bad.items() if v} == {}


BAD_PAGE = """<!doctype html><html data-theme="light"><head><style>
html[data-theme=dark] body { background: #111; color: #eee; }
html[data-theme=dark] figcaption { color: #222; }
</style></head><body><div class="bd-content">
<figure><figcaption>Figure 1.1 readable in light mode only</figcaption></figure>
<table><tr><td style="color: #bbb">grey on white</td></tr></table>
<div class="chipshock-chart"><svg width="800" height="40" style="width: 400px; height: 20px">
<text x="5" y="30" font-size="12">tiny label</text></svg></div>
<pre style="white-space: pre">{wide}</pre></div></body></html>"""


def test_the_probe_finds_wide_pages_and_low_contrast(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "bad.html").write_text(BAD_PAGE.replace("{wide}", "x" * 400), encoding="utf-8")
    (site / "good.html").write_text(BAD_PAGE.replace("{wide}", "short").replace("#222", "#ddd")
                                    .replace(' style="color: #bbb"', ""), encoding="utf-8")
    got = measure(site, PHONE, tmp_path / "profile")
    bad, good = got["/bad.html"], got["/good.html"]
    assert bad["width"]["scrollWidth"] > bad["width"]["viewport"] and bad["width"]["culprits"]
    assert [w["text"] for w in bad["light"]] == ["grey on white"]
    assert {w["text"] for w in bad["dark"]} >= {"Figure 1.1 readable in light mode only"}
    assert good["width"]["scrollWidth"] <= good["width"]["viewport"]
    assert good["light"] == [] and good["dark"] == [] and good["checked"] == 2
    assert [f["text"] for f in bad["fonts"]] == ["tiny label"] and bad["fonts"][0]["px"] == 6


@pytest.mark.parametrize(("title", "edition"), [("Syllabus — Book", "full"),
                                                ("Syllabus — Book (student edition)", "student")])
def test_sidebar_links_both_editions_of_a_local_build(tmp_path: Path, title: str, edition: str) -> None:
    """In a local build the editions are _build/html and _build/student/html (not student/ beside)."""
    build = tmp_path / "_build"
    site = build / "student" / "html" if edition == "student" else build / "html"
    page = site / "book" / "syllabus.html"
    page.parent.mkdir(parents=True)
    script = (Path(__file__).resolve().parents[1] / "_static" / "chipshock-editions.js").read_text()
    page.write_text(f'<!DOCTYPE html><html data-content_root="../"><head><title>{title}</title></head><body>'
                    '<div class="bd-sidebar-primary"><div class="sidebar-primary-items__start"></div></div>'
                    f"<script>{script}</script></body></html>")
    dom = rendered_dom(page, tmp_path / "profile")
    assert f'href="{(build / "html/book/intro.html").as_uri()}"' in dom
    assert f'href="{(build / "student/html/book/intro.html").as_uri()}"' in dom
