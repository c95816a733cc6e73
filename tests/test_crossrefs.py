"""References out of a variant book point at the full book: built page, published site or text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chipshock.pipeline import crossrefs

PAGE = """# Chapter one

(sec-local)=
## Local

See {ref}`sec-local`, {ref}`the how-to <howto-x>`, {ref}`howto-x`, {doc}`intro`, [the data](data.md),
[the computation](../computation/one.ipynb), {term}`PPML`, {ref}`never-defined`,
and another chapter's number {glue:text}`../computation/two.ipynb::coef:.2f`.
"""


def make_book(root: Path, baseurl: str | None = None) -> Path:
    (root / "book").mkdir(parents=True)
    (root / "notebooks").mkdir()
    (root / "book" / "one.md").write_text(PAGE, encoding="utf-8")
    (root / "book" / "howto.md").write_text("# How to read it\n\n(howto-x)=\n## X\n", encoding="utf-8")
    (root / "book" / "intro.md").write_text("# Introduction\n", encoding="utf-8")
    (root / "book" / "data.md").write_text("# The data\n", encoding="utf-8")
    (root / "book" / "glossary.md").write_text(
        "# Glossary\n\n```{glossary}\nPPML\n  Poisson pseudo-maximum likelihood.\n```\n", encoding="utf-8")
    (root / "notebooks" / "one.md").write_text("# one computation\n", encoding="utf-8")
    toc = ("format: jb-book\nroot: book/intro\nchapters:\n- file: book/one\n  sections:\n"
           "  - file: computation/one\n- file: book/howto\n- file: book/data\n- file: book/glossary\n")
    (root / "_toc.yml").write_text(toc, encoding="utf-8")
    (root / "_config.yml").write_text(f"title: T\nhtml:\n  baseurl: {baseurl or ''}\n", encoding="utf-8")
    return root


INSIDE = {"book/one", "computation/one", "book/references"}


def test_without_a_build_or_site_references_become_plain_text(tmp_path: Path) -> None:
    root = make_book(tmp_path)
    out = crossrefs.rewrite(PAGE, "book/one", INSIDE, crossrefs.full_book(root))
    assert "{ref}`sec-local`" in out  # inside the variant: untouched
    assert "the how-to (in the full book: How to read it)" in out
    assert "(in the full book: How to read it)," in out
    assert "(in the full book: Introduction)" in out and "the data (in the full book: The data)" in out
    assert "[the computation](../computation/one.ipynb)" in out
    assert "PPML" in out and "{term}" not in out
    assert "{ref}`never-defined`" in out  # unknown everywhere: the strict build reports it
    assert "(in the full book:" in out.split("another chapter's number")[1]


def test_with_a_published_site_references_become_links(tmp_path: Path) -> None:
    root = make_book(tmp_path, baseurl="https://example.org/book/")
    out = crossrefs.rewrite(PAGE, "book/one", INSIDE, crossrefs.full_book(root))
    assert "[the how-to](https://example.org/book/book/howto.html#howto-x)" in out
    assert "[Introduction](https://example.org/book/book/intro.html)" in out
    assert "[PPML](https://example.org/book/book/glossary.html#term-ppml)" in out


def test_a_local_main_build_wins(tmp_path: Path) -> None:
    root = make_book(tmp_path, baseurl="https://example.org/")
    html = root / "_build" / "html" / "book"
    html.mkdir(parents=True)
    (html / "howto.html").write_text("<html></html>")
    out = crossrefs.rewrite(PAGE, "book/one", INSIDE, crossrefs.full_book(root))
    assert f"[the how-to]({(html / 'howto.html').resolve().as_uri()}#howto-x)" in out
    assert "https://example.org/book/intro.html" in out  # not built locally: the site


def test_another_chapters_glued_value_is_read_from_the_main_book(tmp_path: Path) -> None:
    root = make_book(tmp_path)
    (root / "computation").mkdir()
    prefix = "application/papermill.record/"
    output = {"data": {prefix + "text/plain": "1.23456"}, "output_type": "display_data",
              "metadata": {"scrapbook": {"name": "coef", "mime_prefix": prefix}}}
    (root / "computation" / "two.ipynb").write_text(json.dumps({"cells": [{"outputs": [output]}]}))
    out = crossrefs.rewrite(PAGE, "book/one", INSIDE, crossrefs.full_book(root))
    assert "another chapter's number 1.23." in out


@pytest.mark.parametrize("target", ["intro.md", "../book/intro.md", "intro.md#part"])
def test_markdown_links_resolve_relative_to_the_page(tmp_path: Path, target: str) -> None:
    root = make_book(tmp_path)
    out = crossrefs.rewrite(f"[x]({target})", "book/one", INSIDE, crossrefs.full_book(root))
    assert out == "x (in the full book: Introduction)"


def test_toc_docnames_walk_parts_and_sections() -> None:
    toc = {"root": "book/intro", "parts": [{"chapters": [{"file": "book/a", "sections": [
        {"file": "computation/a"}]}]}, {"chapters": [{"file": "book/b"}]}]}
    assert crossrefs.toc_docnames(toc) == ["book/intro", "book/a", "computation/a", "book/b"]
