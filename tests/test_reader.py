"""Reader features in the built book: citations, downloads, provenance links, alt text, internal
links, generated pages, formatted tables, numbered exhibits with their data, the glossary and
computation pages without stray outputs."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from bs4 import BeautifulSoup

from chipshock.paths import Project
from chipshock.pipeline import provenance
from chipshock.pipeline.exhibits import TAKEAWAY_CLASS, chapter_numbers
from chipshock.pipeline.registry import CHAPTERS
from chipshock.tables import audit_glued, audit_html

# Chapters whose pages do not yet follow a rule: the issue-16 sweep (CONTRIBUTING.md, "Reader-facing
# pages") converts them. Each test fails when a listed chapter already follows its rule, so the
# lists only shrink; a chapter not listed fails as soon as its pages break the rule.
UNSWEPT: dict[str, set[str]] = {
    "tables": set(), "exhibits": set(), "glossary": set(), "outputs": set(),
    # issue 30: figure captions open with the glued `<key>_takeaway` sentence (primer is converted)
    "takeaways": set(),
    # issue 30: glued prose numbers follow the house rules (scientific notation left here)
    "glued": set(),
}
"""Chapters not yet converted to a reader rule; a chapter listed here must break it."""

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
    report = (built_book.build_dir / "html/book/reproducibility.html").read_text()
    assert "pandas" in report and "cache key" in report and "background" in report


def _chapter_of(page: Path, root: Path) -> str | None:
    rel = page.relative_to(root)
    chapters = chapter_numbers_by_id()
    return rel.stem if rel.parts[0] in ("book", "computation") and rel.stem in chapters else None


def chapter_numbers_by_id() -> dict[str, int]:
    return {doc.split("/", 1)[1]: n for doc, n in chapter_numbers().items()}


def test_tables_follow_the_house_rules_on_every_page(built_book: Project) -> None:
    root = built_book.build_dir / "html"
    problems: dict[str, list[str]] = {}
    for page, soup in html_pages(built_book).items():
        if "_static" in page.parts:
            continue
        found = audit_html(str(soup))
        if found:
            problems[str(page.relative_to(root))] = found
    listed = UNSWEPT["tables"]
    unexpected = {p: v[:3] for p, v in problems.items() if _chapter_of(root / p, root) not in listed}
    assert unexpected == {}, "five or more decimals, scientific p-values, True/False or snake_case"
    clean = {c for c in listed if not any(_chapter_of(root / p, root) == c for p in problems)}
    assert clean == set(), f"clean now: remove {sorted(clean)} from UNSWEPT['tables']"


def _exhibits(soup: BeautifulSoup) -> list:
    return soup.select("figure.chipshock-exhibit")


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.id)
def test_exhibits_are_numbered_in_their_chapter_and_link_their_data(built_book: Project, chapter) -> None:
    page = (built_book.build_dir / "html" / chapter.narrative).with_suffix(".html")
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    old = soup.select(".chipshock-caption")
    if chapter.id in UNSWEPT["exhibits"]:
        assert old, f"{chapter.id} has no unnumbered captions left: remove it from UNSWEPT['exhibits']"
        return
    assert old == [] and _exhibits(soup), f"{chapter.id}: figures and tables should be {{exhibit}}s"
    n = chapter_numbers_by_id()[chapter.id]
    seen = {"Figure": 0, "Table": 0}
    for fig in _exhibits(soup):
        number = fig.select_one(".caption-number").get_text(strip=True)
        kind = number.partition(" ")[0]
        seen[kind] += 1
        assert number == f"{kind} {n}.{seen[kind]}", f"{fig.get('id')}: {number}"
        link = fig.select_one("a.download")
        assert link is not None and link.get_text(strip=True) == "Data (CSV)", f"{fig.get('id')}: no data"
        csv = (page.parent / unquote(link["href"])).resolve()
        header = csv.read_text(encoding="utf-8").splitlines()[0]
        assert "," in header or header.strip(), f"{csv} is empty"
    refs = [a.get_text(strip=True) for a in soup.select("span.std-numref")]
    assert refs and all(re.fullmatch(rf"(Figure|Table) {n}\.\d+", r) for r in refs), refs


def test_figures_page_lists_exhibits_by_number(built_book: Project) -> None:
    soup = BeautifulSoup((built_book.build_dir / "html/book/figures.html").read_text(), "html.parser")
    numbers = [a.get_text(strip=True) for a in soup.select("span.std-numref")]
    rb = chapter_numbers_by_id()["robustness"]
    assert f"Figure {rb}.1" in numbers and f"Table {rb}.1" in numbers


def test_glossary_defines_the_terms_and_chapters_link_them(built_book: Project) -> None:
    soup = BeautifulSoup((built_book.build_dir / "html/book/glossary.html").read_text(), "html.parser")
    terms = {dt.get_text(" ", strip=True).rstrip("#").strip() for dt in soup.select("dl.glossary dt")}
    assert len(terms) >= 15
    for needed in ("Stacked difference-in-differences", "Poisson pseudo-maximum likelihood (PPML)",
                   "Wilson interval", "Newcombe interval", "Minimum detectable effect", "Placebo test",
                   "Holm adjustment", "Balanced accuracy", "Power", "Wald test", "Sign-flip test"):
        assert needed in terms
    for page in ("book/intro.html", "book/findings.html"):
        text = (built_book.build_dir / "html" / page).read_text()
        assert "glossary.html#term-" in text, f"{page} links no term"
    defs = [dd.get_text(" ", strip=True) for dd in soup.select("dl.glossary dd")]
    assert all(20 < len(d) < 600 for d in defs), "definitions are one to three sentences"
    for chapter in CHAPTERS:
        page = (built_book.build_dir / "html" / chapter.narrative).with_suffix(".html").read_text()
        linked = "glossary.html#term-" in page
        if chapter.id in UNSWEPT["glossary"]:
            assert not linked, f"{chapter.id} links glossary terms: remove it from UNSWEPT['glossary']"
        else:
            assert linked, f"{chapter.id} links no glossary term"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.id)
def test_computation_pages_show_each_output_once(built_book: Project, chapter) -> None:
    nb = json.loads((built_book.root / chapter.executed).read_text(encoding="utf-8"))
    outputs = [o for cell in nb["cells"] for o in cell.get("outputs", [])]
    stray = [o for o in outputs if o["output_type"] == "execute_result"]
    injected = [c for c in nb["cells"] if "injected-parameters" in c.get("metadata", {}).get("tags", [])]
    assert all("remove-cell" in c["metadata"]["tags"] for c in injected), "parameters listed twice"
    html = (built_book.build_dir / "html" / chapter.executed).with_suffix(".html").read_text()
    assert html.count('id="tbl-params_table"') == 1
    if chapter.id in UNSWEPT["outputs"]:
        assert stray, f"{chapter.id} has no stray outputs left: remove it from UNSWEPT['outputs']"
    else:
        assert stray == [], f"{chapter.id}: a cell's last expression prints a stray value"


def test_glued_numbers_in_prose_follow_the_house_rules(built_book: Project) -> None:
    """No hyphen for minus (the build writes U+2212), no five decimals, no scientific notation."""
    root = built_book.build_dir / "html"
    problems = {str(p.relative_to(root)): found for p, soup in html_pages(built_book).items()
                if "_static" not in p.parts and (found := audit_glued(str(soup)))}
    minus = {p: [f for f in v if "hyphen" in f] for p, v in problems.items()}
    assert {p: v[:3] for p, v in minus.items() if v} == {}, "a glued number writes minus as a hyphen"
    listed = UNSWEPT["glued"]
    unexpected = {p: v[:3] for p, v in problems.items() if _chapter_of(root / p, root) not in listed}
    assert unexpected == {}, "glued numbers with five or more decimals, scientific notation or True/False"
    clean = {c for c in listed if not any(_chapter_of(root / p, root) == c for p in problems)}
    assert clean == set(), f"clean now: remove {sorted(clean)} from UNSWEPT['glued']"


def takeaway_problems(soup: BeautifulSoup) -> list[str]:
    """Figure exhibits whose caption does not open with a glued takeaway sentence."""
    problems = []
    for fig in soup.select("figure.chipshock-exhibit-figure"):
        caption = fig.select_one("figcaption")
        first = caption.select_one(f"span.{TAKEAWAY_CLASS}") if caption else None
        text = caption.get_text(" ", strip=True) if caption else ""
        number = fig.select_one(".caption-number")
        start = re.sub(r"^(Figure [\d.]+\s*)?(\(simulated data\)\s*)?", "",
                       text.replace(number.get_text(" ", strip=True), "", 1).strip() if number else text)
        if first is None or "pasted-text" not in first.get("class", []):
            problems.append(f"{fig.get('id')}: no glued takeaway")
        elif not start.startswith(first.get_text(" ", strip=True)[:40]):
            problems.append(f"{fig.get('id')}: the takeaway is not the caption's first sentence")
        elif not first.get_text(strip=True).endswith("."):
            problems.append(f"{fig.get('id')}: the takeaway is not a sentence")
    return problems


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.id)
def test_figure_captions_open_with_a_glued_takeaway(built_book: Project, chapter) -> None:
    page = (built_book.build_dir / "html" / chapter.narrative).with_suffix(".html")
    problems = takeaway_problems(BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser"))
    if chapter.id in UNSWEPT["takeaways"]:
        assert problems, f"{chapter.id}'s figures all have takeaways: remove it from UNSWEPT['takeaways']"
    else:
        assert problems == [], problems


def test_the_takeaway_check_can_fail() -> None:
    bad = BeautifulSoup('<figure class="chipshock-exhibit chipshock-exhibit-figure" id="f">'
                        '<figcaption><span class="caption-number">Figure 1.1 </span>Only a description.'
                        '</figcaption></figure>', "html.parser")
    good = BeautifulSoup('<figure class="chipshock-exhibit chipshock-exhibit-figure" id="f">'
                         '<figcaption><span class="caption-number">Figure 1.1 </span><p><strong>(simulated '
                         f'data)</strong> <span class="pasted-text {TAKEAWAY_CLASS}">It rose.</span> '
                         'Description.</p></figcaption></figure>', "html.parser")
    assert takeaway_problems(bad) == ["f: no glued takeaway"]
    assert takeaway_problems(good) == []
