"""References that leave a variant book, rewritten to point at the full book.

A variant holds one chapter's narrative page, its computation and the references page, so a
`{ref}`, `{numref}`, `{doc}`, `{term}`, Markdown link or cross-page `{glue:text}` that targets any
other page would break its strict build. Each such reference becomes a link to the main build's
page when it exists locally, else to the published site when `_config.yml` names one
(`html.baseurl`), else plain text "(in the full book: <title>)". Glued values from another
chapter are read from the main book's executed notebook, or the reader is sent to the full book.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml
from docutils.nodes import make_id

LABEL = re.compile(r"^\((?P<label>[^()\s]+)\)=[ \t]*$", re.M)
NAME = re.compile(r"^:name:[ \t]+(?P<label>\S+)[ \t]*$", re.M)  # an {exhibit}'s (or figure's) label
ROLE = re.compile(r"\{(?P<role>ref|numref|doc|term)\}`(?P<body>[^`]+)`")
LINK = re.compile(r"(?<!!)\[(?P<text>[^\]\n]+)\]\((?P<target>[^)\s]+)\)")
GLUE = re.compile(r"\{glue(?::text)?\}`(?P<doc>[^`:]+\.ipynb)::(?P<key>\w+)(?::(?P<fmt>[^`]*))?`")
EXPLICIT = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", re.S)
HEADING = re.compile(r"^#\s+(?P<title>.+?)\s*$", re.M)
TERM = re.compile(r"^(?P<term>\S[^\n]*)\n(?:[ \t]*\n)?[ \t]{2,}\S", re.M)
EXTERNAL = ("http://", "https://", "mailto:", "file://", "#")


@dataclass(frozen=True)
class Page:
    """A page of the full book: its docname (e.g. book/howto), title and labels."""

    docname: str
    title: str
    labels: frozenset[str]


@dataclass(frozen=True)
class FullBook:
    """Where the full book's pages are, to point a variant's outgoing references at them."""

    pages: dict[str, Page]
    html: Path | None  # the main build's HTML folder, when it exists
    site: str | None   # the published site's base URL, when configured
    computation: Path  # the main book's executed notebooks

    def page_of(self, label: str) -> Page | None:
        return next((p for p in self.pages.values() if label in p.labels), None)

    def url(self, docname: str, anchor: str | None = None) -> str | None:
        frag = f"#{make_id(anchor)}" if anchor else ""
        if self.html is not None and (self.html / f"{docname}.html").is_file():
            return (self.html / f"{docname}.html").resolve().as_uri() + frag
        if self.site:
            return f"{self.site.rstrip('/')}/{docname}.html{frag}"
        return None


def toc_docnames(toc: dict) -> list[str]:
    """Every file named in a jb-book _toc.yml, in order."""
    names = [toc["root"]]

    def walk(entries: Iterable[dict]) -> None:
        for entry in entries:
            if "file" in entry:
                names.append(entry["file"])
            walk(entry.get("sections", []))
            walk(entry.get("chapters", []))

    for part in toc.get("parts", []):
        walk(part.get("chapters", []))
    walk(toc.get("chapters", []))
    return names


def _page_text(root: Path, docname: str) -> str:
    for candidate in (root / f"{docname}.md", root / "notebooks" / f"{Path(docname).name}.md"):
        if docname.startswith("computation/") and candidate.parent.name != "notebooks":
            continue
        if candidate.is_file():
            return candidate.read_text(encoding="utf-8")
    return ""


def _terms(text: str) -> set[str]:
    """Terms defined in a {glossary} directive of the page."""
    found: set[str] = set()
    for block in re.findall(r"```\{glossary\}[^\n]*\n(.*?)```", text, re.S):
        found.update(m.group("term").strip().lower() for m in TERM.finditer(block))
    return found


def _labels(text: str) -> set[str]:
    """Targets a page defines: `(label)=` lines and `:name:` options."""
    return {m.group("label") for pattern in (LABEL, NAME) for m in pattern.finditer(text)}


def full_book(root: Path) -> FullBook:
    """The main book of the project at `root`: its pages, labels, and where it is built or published."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8")) or {}
    pages = {}
    for docname in toc_docnames(toc):
        text = _page_text(root, docname)
        heading = HEADING.search(text)
        title = heading.group("title") if heading else Path(docname).name.replace("_", " ").title()
        labels = _labels(text) | {f"term:{t}" for t in _terms(text)}
        pages[docname] = Page(docname, title, frozenset(labels))
    html = root / "_build" / "html"
    return FullBook(pages, html if html.is_dir() else None, (config.get("html") or {}).get("baseurl") or None,
                    root / "computation")


def _outside(book: FullBook, text: str, target: str, anchor: str | None, docname: str) -> str:
    page = book.pages.get(docname)
    title = page.title if page else docname
    url = book.url(docname, anchor)
    shown = text or title
    if url:
        return f"[{shown}]({url})"
    return f"{shown} (in the full book: {title})" if text else f"(in the full book: {title})"


def _resolve_doc(current: str, target: str) -> str:
    """The docname a relative `{doc}`/Markdown target names, seen from page `current`."""
    path = target.split("#", 1)[0]
    path = re.sub(r"\.(md|ipynb|html)$", "", path)
    return posixpath.normpath(posixpath.join(posixpath.dirname(current), path))


def _glued_text(book: FullBook, doc: str, key: str, fmt: str | None) -> str | None:
    """A value another chapter glued, formatted as the role would, from the main book's notebook."""
    from chipshock.pipeline.changes import glued_values

    path = book.computation / Path(doc).name
    if not path.is_file():
        return None
    kind, value = glued_values(path).get(key, (None, None))
    if kind not in ("number", "word", "text"):
        return None
    try:
        return format(value, fmt) if fmt else str(value)
    except (ValueError, TypeError):
        return str(value)


def rewrite(text: str, docname: str, inside: set[str], book: FullBook) -> str:
    """The page `docname` of a variant whose pages are `inside`, with outgoing references rewritten."""
    local = _labels(text)
    for name in inside:
        if name in book.pages:
            local |= set(book.pages[name].labels)

    def role(m: re.Match[str]) -> str:
        kind, body = m.group("role"), m.group("body")
        explicit = EXPLICIT.match(body)
        shown, target = (explicit.group("text"), explicit.group("target")) if explicit else ("", body)
        if kind == "doc":
            target_doc = _resolve_doc(docname, target)
            return m.group(0) if target_doc in inside else _outside(book, shown, target, None, target_doc)
        if kind == "term":
            key = f"term:{target.strip().lower()}"
            if key in local:
                return m.group(0)
            page = book.page_of(key)
            word = shown or target
            if page is None:
                return word
            url = book.url(page.docname, f"term-{target.strip()}")
            return f"[{word}]({url})" if url else word
        if target in local:
            return m.group(0)
        page = book.page_of(target)
        if page is None:
            return m.group(0)  # unknown anywhere: leave it for the strict build to report
        return _outside(book, shown, target, target, page.docname)

    def link(m: re.Match[str]) -> str:
        target = m.group("target")
        if target.startswith(EXTERNAL) or not re.search(r"\.(md|ipynb)(#|$)", target):
            return m.group(0)
        target_doc = _resolve_doc(docname, target)
        if target_doc in inside:
            return m.group(0)
        anchor = target.split("#", 1)[1] if "#" in target else None
        return _outside(book, m.group("text"), target, anchor, target_doc)

    def glue(m: re.Match[str]) -> str:
        target_doc = _resolve_doc(docname, m.group("doc"))
        if target_doc in inside:
            return m.group(0)
        value = _glued_text(book, m.group("doc"), m.group("key"), m.group("fmt"))
        return value if value is not None else _outside(book, "", m.group("doc"), None, target_doc)

    return GLUE.sub(glue, LINK.sub(link, ROLE.sub(role, text)))
