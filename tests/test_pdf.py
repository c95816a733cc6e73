"""`make pdf`: the whole book as one PDF with a contents list, page numbers, rendered charts and
math, and the glued numbers of the HTML book."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from helpers import glued
from pypdf import PdfReader

from chipshock.paths import Project
from chipshock.pipeline import pdf
from chipshock.pipeline.exhibits import chapter_numbers

pytestmark = [pytest.mark.slow, pytest.mark.browser]


@pytest.fixture(scope="module")
def book_pdf(built_book: Project) -> tuple[Path, list[str]]:
    path = pdf.build_pdf(built_book, log=lambda _msg: None)
    # NFKC: the PDF's text uses ligatures ("ﬁ") that the page's text does not
    return path, [unicodedata.normalize("NFKC", page.extract_text() or "") for page in PdfReader(path).pages]


def test_the_pdf_is_the_whole_book(built_book: Project, book_pdf: tuple[Path, list[str]]) -> None:
    path, pages = book_pdf
    assert path == built_book.build_dir / "pdf" / "book.pdf"
    assert len(pages) >= 60, f"only {len(pages)} pages"
    text = "\n".join(pages)
    first = " ".join(pages[0].split())  # the contents list, lines rejoined
    assert "Contents" in first and "Robustness: every defensible specification" in first
    assert all(f"{i} / {len(pages)}" in page for i, page in enumerate(pages, start=1)), "page numbers"
    assert "Robustness: every defensible specification, placebo shocks and leave-one-out" in text
    assert f"Figure {chapter_numbers()['book/robustness']}.1 Top: each specification" in text  # a caption
    n_specs = glued(built_book.root / "computation/robustness.ipynb")["n_specs"]
    assert f"has {n_specs:,d} specifications" in " ".join(text.split())  # a glued number


def test_charts_and_math_are_rendered_in_the_pdf(book_pdf: tuple[Path, list[str]]) -> None:
    text = "\n".join(book_pdf[1])
    assert "t statistic (China-linked minus comparison)" in text  # an axis title: the chart was drawn
    assert "Error loading script" not in text and "\\pm" not in text and "\\(" not in text  # math typeset


def test_the_contents_list_links_every_top_level_page(tmp_path: Path) -> None:
    page = tmp_path / "out" / "book" / "intro.html"
    page.parent.mkdir(parents=True)
    (tmp_path / "out" / "_static").mkdir()
    page.write_text(
        "<html><head></head><body><article><section id='intro'><h1>Book#</h1>"
        "<div class='toctree-wrapper'><section id='a'><h2>Chapter A#</h2>"
        "<div class='toctree-wrapper'><section id='a-comp'><h2>Computation#</h2></section></div>"
        "</section><section id='b'><h2>Chapter B#</h2></section></div></section></article></body></html>")
    out = pdf.printable(page)
    assert out == tmp_path / "out" / "book-print.html"
    soup = BeautifulSoup(out.read_text(), "html.parser")
    assert [(a["href"], a.get_text()) for a in soup.select("#pdf-toc a")] == [
        ("#a", "Chapter A"), ("#b", "Chapter B")]
    assert "@bottom-center" in str(soup.head)


def test_a_page_that_is_not_a_book_build_is_a_clear_error(tmp_path: Path) -> None:
    page = tmp_path / "x.html"
    page.write_text("<html><head></head><body><p>no heading</p></body></html>")
    (tmp_path / "_static").mkdir()
    with pytest.raises(pdf.ExecutionError, match="no heading"):
        pdf.printable(page)
