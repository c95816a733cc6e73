"""`make pdf`: the book as a printed book (title page, numbered contents, page numbers, running
heads, tables that fit, no menus) and its computation appendix as a second PDF."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from helpers import glued
from pypdf import PdfReader

from chipshock.paths import Project
from chipshock.pipeline import pdf
from chipshock.pipeline.exhibits import chapter_numbers
from chipshock.pipeline.registry import CHAPTERS
from chipshock.tables import _header_row

MAX_PAGES, MAX_MB = 200, 15


def text_of(path: Path) -> list[str]:
    # NFKC: the PDF's text uses ligatures ("ﬁ") that the page's text does not
    return [unicodedata.normalize("NFKC", page.extract_text() or "") for page in PdfReader(path).pages]


@pytest.fixture(scope="module")
def printed(built_book: Project) -> dict[str, tuple[Path, list[str]]]:
    book, computation = pdf.build_pdfs(built_book, log=lambda _msg: None)
    return {"book": (book, text_of(book)), "computation": (computation, text_of(computation))}


pytestmark = [pytest.mark.slow, pytest.mark.browser]


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def test_the_book_is_a_printable_size(built_book: Project, printed: dict) -> None:
    path, pages = printed["book"]
    assert path == built_book.build_dir / "pdf" / "book.pdf"
    assert 60 <= len(pages) < MAX_PAGES, f"{len(pages)} pages"
    assert path.stat().st_size < MAX_MB * 1e6, f"{path.stat().st_size / 1e6:.1f} MB"


def test_the_title_page_names_the_book_the_paper_the_authors_and_the_commit(printed: dict) -> None:
    first = " ".join(printed["book"][1][0].split())
    front = pdf.front_matter(Path(__file__).resolve().parents[1])
    for needed in ("Open by Necessity", "arXiv:2606.15999", "Jin, Kunievsky, Lou, Sun and Evans",
                   front.authors, "U.S. Policies Unintentionally Accelerated China"):
        assert needed in first, needed
    printed_from = r"Printed \d+ \w+ \d{4} (from commit [0-9a-f]{40}|not from a git checkout)"
    assert re.search(printed_from, first), first


def test_the_contents_give_chapter_numbers_and_the_right_pages(printed: dict) -> None:
    pages = printed["book"][1]
    contents = " ".join(pages[1].split())
    assert contents.startswith("Contents") or " Contents " in f" {contents}"
    for number, chapter in enumerate(CHAPTERS, start=1):
        title = re.escape(chapter.title.replace("'", "’"))
        found = re.search(rf"{number} {title} (\d+)", contents)
        assert found, f"chapter {number} ({chapter.id}) with its page is not in the contents"
        start = pages[int(found.group(1)) - 1]
        assert f"CHAPTER {number}" in start.upper() and chapter.title.split(":")[0] in start, chapter.id


def test_every_page_but_the_title_has_its_number_and_a_running_head(printed: dict) -> None:
    pages = printed["book"][1]
    for i, page in enumerate(pages[1:], start=2):
        lines = [ln.strip() for ln in page.splitlines() if ln.strip()]
        assert str(i) in lines, f"page {i} has no page number"
    heads = {ln for page in pages[1:] for ln in page.splitlines()[:1]}
    n = chapter_numbers()["book/robustness"]
    assert any(h.startswith(f"{n} · Robustness") for h in heads), "no running head for the robustness chapter"


def test_every_column_header_of_every_table_is_printed(built_book: Project, printed: dict) -> None:
    """Wide tables fit the page: each header of each table is in the PDF's text."""
    root = built_book.build_dir / "singlehtml"
    for name, page in (("book", "book-print.html"), ("computation", "computation-print.html")):
        soup = BeautifulSoup((root / page).read_text(encoding="utf-8"), "html.parser")
        text = squeeze("".join(printed[name][1]))
        missing = sorted({h for table in soup.find_all("table") for h in _header_row(table)
                          if h.strip() and squeeze(h) not in text})
        assert missing == [], f"{name}: table headers not printed: {missing[:10]}"


def test_menus_are_replaced_by_a_sentence_and_the_code_is_in_the_appendix(built_book: Project,
                                                                           printed: dict) -> None:
    book = " ".join(" ".join(printed["book"][1]).split())
    assert book.count("in the HTML book its menus choose any other") == 1  # the explorer, not zoomable charts
    assert "Estimator " not in book.split("specifications, sorted by t statistic")[0][-300:]
    assert "Robustness: every defensible specification, placebo shocks and leave-one-out" in book
    assert f"Figure {chapter_numbers()['book/robustness']}.1" in book
    n_specs = glued(built_book.root / "computation/robustness.ipynb")["n_specs"]
    assert f"{n_specs:,d}" in book  # a glued number
    assert "glue(" not in book and "import " not in book, "code printed in the book"
    appendix = " ".join(" ".join(printed["computation"][1]).split())
    assert "computation appendix" in appendix.lower() and "glue(" in appendix


def test_charts_and_math_are_rendered_in_the_pdf(printed: dict) -> None:
    text = "\n".join(printed["book"][1])
    assert "t statistic (China-linked minus comparison)" in text  # an axis title: the chart was drawn
    assert "Error loading script" not in text and "\\pm" not in text and "\\(" not in text  # math typeset


PAGE = ("<html><head></head><body><article class='bd-article'><section id='intro'><h1>Book#</h1>"
        "<p>Intro.</p><div class='toctree-wrapper'><span id='document-book/a'></span>"
        "<section id='a'><h2>Chapter A#</h2><p>See <a href='#code-a'>here</a>.</p>"
        "<div class='toctree-wrapper'><span id='document-computation/a'></span>"
        "<section id='a-comp'><h2>Computation#</h2><span id='code-a'></span><pre>glue()</pre></section>"
        "</div></section><span id='document-book/b'></span><section id='b'><h2>Chapter B#</h2></section>"
        "</div></section></article></body></html>")


def test_the_print_pages_split_the_book_from_its_computation(tmp_path: Path) -> None:
    page = tmp_path / "out" / "book" / "intro.html"
    page.parent.mkdir(parents=True)
    (tmp_path / "out" / "_static").mkdir()
    page.write_text(PAGE)
    project = Project(Path(__file__).resolve().parents[1])
    book = BeautifulSoup(pdf.printable(page, project).read_text(), "html.parser")
    assert [a["href"] for a in book.select("#pdf-toc a")] == ["#a", "#b"]
    assert book.select_one("#pdf-title h1").get_text() == "Open by Necessity"
    assert book.find(id="a-comp") is None and "glue()" not in book.get_text()
    assert "@bottom-center" in str(book.head) and "@page pdf-doc-0" in str(book.head)
    appendix = BeautifulSoup(pdf.printable(page, project, appendix=True).read_text(), "html.parser")
    assert appendix.find(id="a-comp") is not None and appendix.find(id="b") is None
    assert "computation appendix" in appendix.select_one("#pdf-title h1").get_text()


def test_links_out_of_the_pdf_become_text_with_where_to_look() -> None:
    soup = BeautifulSoup("<p><a href='#x'>Made here.</a> <a href='#y'>ok</a> "
                         "<a href='_downloads/d.csv'>Data (CSV)</a> <a href='https://e.org'>e</a></p>",
                         "html.parser")
    pdf.unlink(soup, {"y"}, {"x": "computation appendix, Chapter 3"}.get, None)
    assert soup.get_text() == "Made here (computation appendix, Chapter 3). ok Data (CSV) e"
    assert [a["href"] for a in soup.find_all("a")] == ["#y", "https://e.org"]


def test_a_page_that_is_not_a_book_build_is_a_clear_error(tmp_path: Path) -> None:
    page = tmp_path / "x.html"
    page.write_text("<html><head></head><body><p>no heading</p></body></html>")
    (tmp_path / "_static").mkdir()
    with pytest.raises(pdf.ExecutionError, match="no heading"):
        pdf.printable(page, Project(Path(__file__).resolve().parents[1]))


def test_no_page_is_nearly_empty(printed: dict) -> None:
    """No blank or near-blank page (a stray break, a heading pushed away from its text)."""
    for name in ("book", "computation"):
        pages = printed[name][1]
        thin = [i for i, page in enumerate(pages[1:], start=2)
                if len("".join(page.splitlines()[2:]).strip()) < 60]
        assert thin == [], f"{name}: nearly empty pages {thin}"
