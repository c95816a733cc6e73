"""Reader features in the built book: citations, downloads, provenance links, alt text, contrast,
internal links, generated pages."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from bs4 import BeautifulSoup
from helpers import REPO

from chipshock.paths import Project
from chipshock.pipeline import provenance
from chipshock.pipeline.registry import CHAPTERS

pytestmark = pytest.mark.slow


def html_pages(project: Project) -> dict[Path, BeautifulSoup]:
    root = project.build_dir / "html"
    return {p: BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser") for p in root.rglob("*.html")}


def test_every_internal_link_and_anchor_resolves(built_book: Project) -> None:
    root = built_book.build_dir / "html"
    pages = html_pages(built_book)
    ids = {p: {t["id"] for t in soup.find_all(id=True)} for p, soup in pages.items()}
    external, broken = set(), []
    for page, soup in pages.items():
        for a in soup.find_all("a", href=True):
            href = a["href"]
            parsed = urlparse(href)
            if parsed.scheme in ("http", "https", "mailto"):
                external.add(href)
                continue
            if parsed.scheme or href.startswith("javascript:"):
                continue
            target = page if not parsed.path else (page.parent / unquote(parsed.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{page.relative_to(root)} -> {href}")
            elif (parsed.fragment and target.suffix == ".html"
                  and parsed.fragment not in ids.get(target, set())):
                broken.append(f"{page.relative_to(root)} -> {href} (no anchor)")
    assert broken == []
    (built_book.build_dir / "external-links.txt").write_text("\n".join(sorted(external)) + "\n")
    assert any("arxiv" in u.lower() or "github.com" in u for u in external)


def test_every_chart_and_image_has_a_text_alternative(built_book: Project) -> None:
    charts = 0
    for page, soup in html_pages(built_book).items():
        for img in soup.find_all("img"):
            assert img.get("alt", "").strip(), f"{page.name}: img without alt"
        for div in soup.find_all("div", id=re.compile(r"^altair-viz-")):
            box = div.find_parent("div", class_="chipshock-chart")
            assert box is not None and box.get("role") == "img", page.name
            assert box["aria-label"].startswith("Chart (") and len(box["aria-label"]) > 20
            charts += 1
    assert charts >= 10


def luminance(hex_colour: str) -> float:
    digits = hex_colour[1:]
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    rgb = [int(digits[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def test_text_colours_pass_wcag_aa_on_white() -> None:
    css = (REPO / "_static/chipshock.css").read_text()
    colours = re.findall(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3})\b", css)
    assert colours
    for colour in colours:
        contrast = (1.0 + 0.05) / (luminance(colour) + 0.05)
        assert contrast >= 4.5, f"{colour} has contrast {contrast:.2f} on white"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.id)
def test_captions_link_to_the_cell_that_made_them(built_book: Project, chapter) -> None:
    page = (built_book.root / chapter.narrative).read_text()
    items = provenance.items(page, chapter.id)
    assert items and provenance.unlabelled(built_book, chapter) == []
    html = (built_book.build_dir / "html" / chapter.narrative).with_suffix(".html").read_text()
    for item in items:
        assert f"#{item.code_label.replace('_', '-')}" in html or f"#{item.code_label}" in html


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.id)
def test_computation_pages_offer_notebook_and_source(built_book: Project, chapter) -> None:
    html = (built_book.build_dir / "html" / chapter.executed).with_suffix(".html").read_text()
    assert re.search(rf'href="[^"]*_downloads/[^"]*/{chapter.id}\.ipynb"', html)
    assert re.search(rf'href="[^"]*_downloads/[^"]*/{chapter.id}\.md"', html)


def test_citations_and_references(built_book: Project) -> None:
    refs = (built_book.build_dir / "html/book/references.html").read_text()
    for needle in ("arxiv:2606.15999", "agora", "epoch ai", "tenreyro", "specification curve"):
        assert needle in refs.lower()
    developers = (built_book.build_dir / "html/book/developers.html").read_text()
    assert "references.html#id" in developers or "references.html#" in developers


def test_generated_pages_are_current(built_book: Project) -> None:
    assert (built_book.root / "book/figures.md").read_text() == provenance.figures_page(built_book)
    assert (REPO / "book/figures.md").read_text() == provenance.figures_page(Project(REPO)), (
        "book/figures.md is stale: run `chipshock build`")
    report = (built_book.build_dir / "html/book/reproducibility.html").read_text()
    assert "pandas" in report and "cache key" in report and "background" in report
