"""The book as a printed book: `make pdf` writes _build/pdf/book.pdf and _build/pdf/computation.pdf.

One single-page HTML build of the book is split in two: the book (narrative pages) and the
computation appendix (the executed notebooks with their code). Each gets a title page, a contents
list with chapter and page numbers, running heads and page numbers (CSS margin boxes and named
pages, which Chromium prints), the chapter numbers of the HTML exhibits ("Figure 3.2" is in
Chapter 3), tables set to fit the page, and a sentence with a link in place of interactive menus.
Headless Chromium prints each twice: the first print tells on which page every entry starts (the
PDF's named destinations), the second carries those numbers in the contents list.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml
from bs4 import BeautifulSoup, Tag

from chipshock.errors import ExecutionError, UserError
from chipshock.paths import Project
from chipshock.pipeline.assemble import Log, _say, execute_all, write_generated_pages
from chipshock.pipeline.launch import repository
from chipshock.pipeline.registry import CHAPTERS

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# Time the page may take to render charts and math before it is printed (virtual ms: idle time
# passes instantly, so this is an upper bound, not a wait).
RENDER_BUDGET_MS = 120_000
MAX_PASSES = 3  # prints until the contents list's page numbers stop moving
WIDE_COLUMNS = 6  # tables with more columns than this print in smaller type
COMPUTATION = "computation"  # docnames of the computation pages start with this
DEFAULT_AUTHORS = "The Open by Necessity team"
MENU = re.compile(r'"bind":\s*\{\s*"input"')  # a vega-lite parameter bound to a form control

PRINT_CSS = """
@page { size: A4; margin: 18mm 16mm 18mm 16mm;
  @top-left { content: "Open by Necessity"; font: 8.5pt system-ui, sans-serif; color: #555; }
  @bottom-center { content: counter(page); font: 9pt system-ui, sans-serif; color: #444; } }
@page :first { @top-left { content: none; } @bottom-center { content: none; } }
html, body { background: #fff !important; color: #111 !important; font-size: 10.5pt; }
.bd-header, .bd-sidebar-primary, .bd-sidebar-secondary, .bd-footer, .header-article, .bd-footer-article,
.prev-next-area, .bd-header-article, .footer-article, #pst-back-to-top, .bd-footer-content,
.headerlink, .skip-link, .onlyprint, .vega-bindings, .vega-embed details, .vega-embed summary,
.chipshock-launch, .chipshock-editions, .toggle-details, button.toggle-button { display: none !important; }
.bd-main .bd-content .bd-article-container, .bd-page-width, .bd-main, .bd-content, .bd-article,
.bd-container, .bd-container__inner, .bd-article-container { max-width: none !important; }
.bd-main .bd-content { margin-left: 0 !important; }
.bd-main .bd-content .bd-article #pdf-title h1 { display: block !important; }
.bd-main .bd-content table { break-inside: auto; }
/* nothing scrolls on paper: a scrollbox would print clipped, with its scrollbar */
* { overflow: visible !important; }
.chipshock-scroll { max-height: none !important; }
h1, h2, h3, h4, h5, h6, .pdf-chapter-number, p.rubric, dt { break-after: avoid-page; break-inside: avoid; }
p, li, dd { orphans: 3; widows: 3; }
.bd-article p { break-inside: avoid; }  /* short paragraphs: no line left alone on a page */
figure, .chipshock-chart, mjx-container[display="true"], div.math, .admonition, tr { break-inside: avoid; }
figure.chipshock-exhibit-table { break-inside: auto; }
figcaption { break-before: avoid-page; }
figure.chipshock-exhibit-table figcaption { break-after: avoid-page; }
thead { display: table-header-group; }
figcaption, figcaption p, figcaption .caption-text, .chipshock-caption, .chipshock-caption p,
figcaption .caption-number { color: #333 !important; }
a { color: #159 !important; text-decoration: none !important; }
span.pasted-text { text-decoration: none !important; }
section.pdf-doc { break-before: page; }
/* the title page */
section#pdf-title { break-after: page; height: 235mm; display: flex; flex-direction: column;
  justify-content: center; text-align: left; }
#pdf-title h1 { font-size: 30pt; margin: 0 0 6mm 0; border: 0; }
#pdf-title .pdf-subtitle { font-size: 15pt; margin: 0 0 4mm 0; line-height: 1.35; }
#pdf-title .pdf-paper { font-size: 11pt; margin: 0 0 16mm 0; color: #333; }
#pdf-title .pdf-authors { font-size: 13pt; margin: 0 0 4mm 0; }
#pdf-title .pdf-meta { font-size: 9.5pt; color: #444; margin: 0; line-height: 1.6; }
/* the contents list */
nav#pdf-toc { break-after: page; }
nav#pdf-toc h2 { margin-top: 0; }
nav#pdf-toc .pdf-toc-part { font-weight: 600; margin: 1.1em 0 0.2em 0; font-size: 10pt;
  text-transform: uppercase; letter-spacing: 0.04em; color: #444; }
nav#pdf-toc ol { list-style: none; padding-left: 0; margin: 0; }
nav#pdf-toc li a { display: flex; align-items: baseline; gap: 0.5em; color: #111 !important;
  line-height: 1.55; }
nav#pdf-toc .pdf-toc-number { flex: 0 0 1.6em; font-weight: 600; }
nav#pdf-toc .pdf-toc-title { flex: 0 1 auto; }
nav#pdf-toc .pdf-toc-leader { flex: 1 1 auto; border-bottom: 1px dotted #999; min-width: 1.5em; }
nav#pdf-toc .pdf-toc-page { flex: 0 0 2.2em; text-align: right; font-variant-numeric: tabular-nums; }
.pdf-chapter-number { display: block; font-size: 0.55em; font-weight: 600; letter-spacing: 0.05em;
  text-transform: uppercase; color: #555; margin-bottom: 0.2em; }
/* tables fit the page: wrapped headers and text, smaller type, no scrollbox */
.chipshock-table, .chipshock-table > div, div.output, .cell_output, .pst-scrollable-table-container,
.table-wrapper { overflow: visible !important; max-width: 100% !important; }
.chipshock-table table, table.dataframe, .bd-content table { width: 100% !important;
  max-width: 100% !important; font-size: 8.5pt !important; table-layout: auto; }
.chipshock-table th, .chipshock-table td, table.dataframe th, table.dataframe td {
  white-space: normal !important; min-width: 0 !important; padding: 2px 4px !important;
  overflow-wrap: break-word; }
.chipshock-table td.gt_right, table.dataframe td { white-space: nowrap !important; }
table.pdf-wide, .pdf-wide table { font-size: 7pt !important; }
table.pdf-wide td, .pdf-wide td { white-space: normal !important; }
/* charts: at most the text width */
.chipshock-chart { max-width: 100% !important; }
.chipshock-chart svg, .chipshock-chart canvas { max-width: 100% !important; height: auto !important;
  max-height: 190mm; }  /* a chart taller than a page would leave an empty page before it */
.pdf-interactive { font-size: 9pt; font-style: italic; margin: 0.3em 0 1.2em 0; }
/* code, in the computation appendix */
pre, div.highlight pre { white-space: pre-wrap !important; overflow-wrap: anywhere;
  font-size: 7.5pt !important; line-height: 1.3; padding: 4px 6px !important; }
div.cell { break-inside: auto; }
.pdf-unlinked-note { font-size: 0.9em; color: #444; }
"""


# --------------------------------------------------------------------------------------- the front


@dataclass(frozen=True)
class Front:
    """What the title page says."""

    title: str
    subtitle: str
    paper: str
    authors: str
    date: str
    commit: str


def _citation(root: Path) -> dict:
    path = root / "CITATION.cff"
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise UserError(f"the title page reads {path}, which cannot be read ({exc}); restore it "
                        "from git (`git checkout CITATION.cff`)") from None


def _names(people: list[dict]) -> list[str]:
    out = []
    for person in people or []:
        name = person.get("name") or " ".join(
            p for p in (person.get("given-names"), person.get("family-names")) if p)
        if name:
            out.append(str(name))
    return out


def _joined(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _paper(cff: dict) -> str:
    """'The paper by Jin, Kunievsky, Lou, Sun and Evans (2026), arXiv:2606.15999'."""
    ref = next((r for r in cff.get("references") or [] if r.get("type") == "article"), None)
    if ref is None:
        return ""
    ids = [str(i.get("value")) for i in ref.get("identifiers") or []
           if "arxiv" in str(i.get("value")).lower()]
    who = _joined([str(a.get("family-names") or a.get("name")) for a in ref.get("authors") or []])
    text = f"The paper by {who} ({ref.get('year')})" if who else f"The paper ({ref.get('year')})"
    return ", ".join([text, *ids])


def _commit(root: Path) -> str:
    from chipshock.pipeline.reproducibility import git_commit

    return git_commit(root).replace("`", "")


def front_matter(root: Path, today: dt.date | None = None) -> Front:
    """Title, the paper re-examined (with its arXiv id), authors (CITATION.cff), date and commit."""
    cff = _citation(root)
    title, _, subtitle = str(cff.get("title") or "Open by Necessity").partition(": ")
    subtitle = re.sub(r"'([^']+(?:'[a-z][^']*)*)'$", "\u201c\\1\u201d", subtitle).replace("'", "\u2019")
    return Front(title=title, subtitle=subtitle[:1].upper() + subtitle[1:], paper=_paper(cff),
                 authors=_joined(_names(cff.get("authors"))) or DEFAULT_AUTHORS,
                 date=(today or dt.date.today()).strftime("%-d %B %Y"), commit=_commit(root))


# -------------------------------------------------------------------------------- the single page


def browser() -> str:
    for name in BROWSERS:
        if path := shutil.which(name):
            return path
    raise UserError("the PDF is printed by headless Chromium: install it (`apt-get install -y chromium`)")


def singlehtml(project: Project, log: Log = _say) -> Path:
    """Build the book as one HTML page (_build/singlehtml/<root>.html), strictly (-W -n)."""
    exe = Path(sys.executable).with_name("jupyter-book")
    cmd = [str(exe) if exe.exists() else "jupyter-book", "build", "--all", "-W", "-n", "--keep-going",
           "--builder", "singlehtml", "."]
    proc = subprocess.run(cmd, cwd=project.root, capture_output=True, text=True, check=False)
    log_file = project.build_dir / "jupyter-book-singlehtml.log"
    log_file.write_text(proc.stdout + proc.stderr, encoding="utf-8")
    if proc.returncode != 0:
        problems = [ln for ln in (proc.stdout + proc.stderr).splitlines() if "WARNING" in ln or "ERROR" in ln]
        raise ExecutionError("the single-page build for the PDF failed:\n" + "\n".join(problems[-20:]))
    index = project.build_dir / "singlehtml" / f"{toc(project.root)['root']}.html"
    if not index.is_file():
        raise ExecutionError(f"the single-page build wrote no {index}")
    log(f"singlehtml: {index}")
    return index


def toc(root: Path) -> dict:
    return yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))


def parts_of(toc_data: dict) -> dict[str, str]:
    """Docname -> the caption of the part of the contents it is in."""
    return {entry["file"]: part.get("caption", "") for part in toc_data.get("parts", [])
            for entry in part.get("chapters", [])}


@dataclass
class Doc:
    """One top-level document of the single page."""

    name: str  # docname, e.g. book/developers
    section: Tag
    title: str
    number: int | None  # chapter number (the registry's order), None for other pages
    part: str


def _title(section: Tag) -> str:
    heading = section.find(["h1", "h2", "h3"])
    return heading.get_text(" ", strip=True).rstrip("#").strip() if heading else ""


def documents(soup: BeautifulSoup, parts: dict[str, str]) -> list[Doc]:
    """The documents the singlehtml builder put in the root's toctrees, in order (each follows a
    <span id="document-<docname>">), computation pages included."""
    numbers = {f"book/{c.id}": i for i, c in enumerate(CHAPTERS, start=1)}
    out = []
    for span in soup.select("span[id^='document-']"):
        section = span.find_next_sibling()
        if span.parent.name == "section" and span.parent.find(True) is span:
            section = span.parent  # already moved in
        elif section is None or section.name != "section":
            continue
        name = span["id"].removeprefix("document-")
        section.insert(0, span.extract())  # an inline box between named pages would print a page
        out.append(Doc(name, section, _title(section), numbers.get(name), parts.get(name, "")))
    return out


def _page_path(index: Path) -> str:
    root = project_root_of(index)
    return index.relative_to(root).as_posix()


def project_root_of(index: Path) -> Path:
    """The singlehtml output directory holding `index` (the one with _static/)."""
    for folder in index.parents:
        if (folder / "_static").is_dir():
            return folder
    raise ExecutionError(f"{index} is not inside a Sphinx output directory (no _static/)")


# -------------------------------------------------------------------------------------- the editing


def localise(soup: BeautifulSoup, page: str) -> None:
    """Links to the single page itself ('book/intro.html#x') become in-document links ('#x'), so
    the PDF links to its own pages."""
    for a in soup.find_all("a", href=True):
        href = a["href"]
        if href.startswith(page + "#"):
            a["href"] = href[len(page):]


def unlink(soup: BeautifulSoup, ids: set[str], note: Callable[[str], str | None], base: str | None) -> None:
    """Links that cannot work on paper: to anchors not in this PDF (the `note` for the target is
    put after the text, e.g. its page in the other PDF) and to local files (downloads), which point
    at the published book (`base`) when there is one, else keep only their text."""
    for a in soup.find_all("a", href=True):
        href = a["href"]
        if re.match(r"^[a-z]+:", href):
            continue
        if href.startswith("#"):
            target = href[1:]
            if target in ids:
                continue
            _replace_with_text(soup, a, note(target))
        elif base:
            a["href"] = base + href
        else:
            _replace_with_text(soup, a, None)


def _replace_with_text(soup: BeautifulSoup, a: Tag, note: str | None) -> None:
    span = soup.new_tag("span", attrs={"class": "pdf-unlinked"})
    text = a.get_text()
    stripped = text.rstrip(".,;:")
    span.string = stripped
    if note:
        extra = soup.new_tag("span", attrs={"class": "pdf-unlinked-note"})
        extra.string = f" ({note})"
        span.append(extra)
    span.append(text[len(stripped):])
    a.replace_with(span)


def number_chapters(soup: BeautifulSoup, docs: list[Doc]) -> None:
    """'Chapter 3' above the title of each chapter (the number its exhibits carry)."""
    for doc in docs:
        heading = doc.section.find(["h1", "h2", "h3"])
        if doc.number is None or heading is None:
            continue
        label = soup.new_tag("span", attrs={"class": "pdf-chapter-number"})
        label.string = f"Chapter {doc.number}"
        heading.insert(0, label)


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def short_title(doc: Doc) -> str:
    """The running head: 'Chapter 3 · Developers' or the page's title before its colon."""
    head = doc.title.split(": ")[0] if ": " in doc.title else doc.title
    return f"{doc.number} · {head}" if doc.number is not None else head


def running_heads(docs: list[Doc], prefix: str = "") -> str:
    """A named page per document, whose top margin carries its short title."""
    rules = []
    for i, doc in enumerate(docs):
        doc.section["style"] = f"page: pdf-doc-{i}"
        doc.section["class"] = [*doc.section.get("class", []), "pdf-doc"]
        head = _css_string(prefix + short_title(doc))
        rules.append(f"@page pdf-doc-{i} {{ @top-left {{ content: {head}; }} }}")
    return "\n".join(rules)


def title_page(soup: BeautifulSoup, front: Front, heading: str | None = None) -> Tag:
    section = soup.new_tag("section", id="pdf-title")
    h1 = soup.new_tag("h1")
    h1.string = front.title if heading is None else f"{front.title}: {heading}"
    section.append(h1)
    lines = [("pdf-subtitle", front.subtitle), ("pdf-paper", front.paper), ("pdf-authors", front.authors)]
    for cls, text in lines:
        if text:
            p = soup.new_tag("p", attrs={"class": cls})
            p.string = text
            section.append(p)
    meta = soup.new_tag("p", attrs={"class": "pdf-meta"})
    source = ("not from a git checkout" if front.commit.startswith("not ") else f"from commit {front.commit}")
    meta.append(f"Printed {front.date} {source}.")
    section.append(meta)
    return section


def contents(soup: BeautifulSoup, docs: list[Doc]) -> Tag:
    """The contents list: part captions, chapter numbers, titles, dotted leaders and page-number
    slots (`span.pdf-toc-page[data-target]`, filled in after the first print)."""
    nav = soup.new_tag("nav", id="pdf-toc")
    heading = soup.new_tag("h2")
    heading.string = "Contents"
    nav.append(heading)
    part, items = None, None
    for doc in docs:
        if doc.part != part or items is None:
            part = doc.part
            if part:
                caption = soup.new_tag("p", attrs={"class": "pdf-toc-part"})
                caption.string = part
                nav.append(caption)
            items = soup.new_tag("ol")
            nav.append(items)
        li, a = soup.new_tag("li"), soup.new_tag("a", href=f"#{doc.section['id']}")
        for cls, text in (("pdf-toc-number", "" if doc.number is None else str(doc.number)),
                          ("pdf-toc-title", doc.title), ("pdf-toc-leader", ""), ("pdf-toc-page", "000")):
            span = soup.new_tag("span", attrs={"class": cls})
            span.string = text
            a.append(span)
        a.select_one(".pdf-toc-page")["data-target"] = doc.section["id"]
        li.append(a)
        items.append(li)
    return nav


def published_page(root: Path, page: str) -> str | None:
    """The page's address in the published HTML book (GitHub Pages of the configured repository)."""
    repo = repository(root)
    if not repo:
        return None
    owner, name = repo.split("/", 1)
    return f"https://{owner}.github.io/{name}/{page}"


def interactive_notes(soup: BeautifulSoup, docs: list[Doc], root: Path) -> int:
    """After each chart with menus (vega bindings), the sentence that replaces them on paper."""
    found = 0
    for doc in docs:
        for chart in doc.section.select(".chipshock-chart"):
            if not MENU.search("".join(s.get_text() for s in chart.find_all("script"))):
                continue
            note = soup.new_tag("p", attrs={"class": "pdf-interactive"})
            note.append("On paper the chart shows the default specification; in the HTML book its menus "
                        "choose any other and show its estimate: see ")
            url = published_page(root, doc.name + ".html")
            link = soup.new_tag("a", href=url) if url else soup.new_tag("span")
            link.string = url or f"{doc.name}.html in the HTML edition (made by make book)"
            note.append(link)
            note.append(".")
            chart.insert_after(note)
            found += 1
    return found


def mark_wide_tables(soup: BeautifulSoup) -> None:
    for table in soup.find_all("table"):
        head = table.find("tr")
        if head is not None and len(head.find_all(["th", "td"])) > WIDE_COLUMNS:
            table["class"] = [*table.get("class", []), "pdf-wide"]


# ---------------------------------------------------------------------------------------- the split


def _article(soup: BeautifulSoup) -> Tag:
    article = soup.select_one("article.bd-article") or soup.find("article")
    if article is None or article.find("section") is None or article.find(["h1", "h2"]) is None:
        raise ExecutionError("the single page has no heading: is it the book's single-page build?")
    return article


def book_part(soup: BeautifulSoup) -> None:
    """Drop the computation pages (they go to the computation appendix)."""
    for span in soup.select(f"span[id^='document-{COMPUTATION}/']"):
        section = span.find_next_sibling()
        wrapper = span.find_parent("div", class_="toctree-wrapper")
        if section is not None:
            section.decompose()
        span.decompose()
        if wrapper is not None and not wrapper.find("section"):
            wrapper.decompose()


def computation_part(soup: BeautifulSoup) -> None:
    """Keep only the computation pages, in order, as the article's content."""
    article = _article(soup)
    kept = []
    for span in soup.select(f"span[id^='document-{COMPUTATION}/']"):
        section = span.find_next_sibling()
        if section is not None and section.name == "section":
            kept.append((span.extract(), section.extract()))
    scripts = [s.extract() for s in article.find_all("script", recursive=False)]
    article.clear()
    holder = soup.new_tag("div", attrs={"class": "toctree-wrapper"})
    for span, section in kept:
        holder.append(span)
        holder.append(section)
    article.append(holder)
    for script in scripts:
        article.append(script)


def computation_titles(docs: list[Doc]) -> None:
    """'Background: computation' for the appendix's entries, from the chapter's own title."""
    titles = {c.id: c.title.split(": ")[0] for c in CHAPTERS}
    numbers = {c.id: i for i, c in enumerate(CHAPTERS, start=1)}
    for doc in docs:
        chapter = doc.name.split("/", 1)[-1]
        doc.number = numbers.get(chapter)
        if chapter in titles and ":" not in doc.title:
            doc.title = f"{titles[chapter]}: computation"


# ----------------------------------------------------------------------------------------- printing


def print_pdf(page: Path, dest: Path, *, tagged: bool = True) -> Path:
    """Print `page` to `dest` with headless Chromium (atomically: a failed print leaves no file).
    A tagged print has the bookmarks (one per heading) that locate the contents' entries, and a
    structure tree that more than doubles the file; the final print is untagged."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".pdf-", dir=dest.parent) as tmp:
        out = Path(tmp) / dest.name
        cmd = [browser(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--no-first-run", f"--user-data-dir={Path(tmp) / 'profile'}", "--no-pdf-header-footer",
               *(["--generate-pdf-document-outline"] if tagged else ["--disable-pdf-tagging"]),
               f"--virtual-time-budget={RENDER_BUDGET_MS}",
               "--run-all-compositor-stages-before-draw", f"--print-to-pdf={out}", page.resolve().as_uri()]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900, check=False)
        if proc.returncode != 0 or not out.is_file() or out.stat().st_size == 0:
            raise ExecutionError(f"Chromium did not print {page}: {proc.stderr[-1500:]}")
        os.replace(out, dest)
    return dest


def _key(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", text.lower())


def outline(pdf: Path) -> list[tuple[str, int]]:
    """The PDF's bookmarks (Chromium makes one per heading) in order: (title, 1-based page)."""
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    out: list[tuple[str, int]] = []

    def walk(items: list) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                out.append((str(item.title), reader.get_destination_page_number(item) + 1))
    walk(reader.outline)
    return out


def start_pages(pdf: Path, docs: list[Doc]) -> dict[str, int]:
    """Section id of each document -> the page its heading is printed on: the documents' headings
    in order among the PDF's bookmarks (a bookmark's title is its heading's text)."""
    marks, at, found = outline(pdf), 0, {}
    for doc in docs:
        key = _key(doc.title)[:40]
        for i in range(at, len(marks)):
            if key and key in _key(marks[i][0]):
                found[doc.section["id"]], at = marks[i][1], i + 1
                break
    return found


def fill_contents(soup: BeautifulSoup, pages: dict[str, int]) -> dict[str, str]:
    """Write the page numbers into the contents list; returns what was written."""
    written = {}
    for slot in soup.select("span.pdf-toc-page[data-target]"):
        target = slot["data-target"]
        slot.string = str(pages[target]) if target in pages else ""
        written[target] = slot.string
    return written


def print_with_contents(soup: BeautifulSoup, docs: list[Doc], page: Path, dest: Path) -> dict[str, int]:
    """Print until the contents list's numbers match where the documents start (at most
    MAX_PASSES tagged prints), then print the final, untagged PDF (the same layout); the
    documents' start pages. Every entry must be found."""
    written: dict[str, str] = {}
    for _ in range(MAX_PASSES):
        page.write_text(str(soup), encoding="utf-8")
        print_pdf(page, dest)
        pages = start_pages(dest, docs)
        missing = [d.title for d in docs if d.section["id"] not in pages]
        if missing:
            raise ExecutionError(f"{dest}: no bookmark for {missing}; the contents list cannot be numbered")
        wanted = fill_contents(soup, pages)
        if wanted == written:
            print_pdf(page, dest, tagged=False)
            return pages
        written = wanted
    raise ExecutionError(f"{dest}: the contents list's page numbers did not settle in {MAX_PASSES} prints")


# --------------------------------------------------------------------------------------- assembling


def _prepared(index: Path, project: Project, *, appendix: bool) -> tuple[BeautifulSoup, list[Doc]]:
    soup = BeautifulSoup(index.read_text(encoding="utf-8"), "html.parser")
    article = _article(soup)
    localise(soup, _page_path(index))
    if appendix:
        computation_part(soup)
    else:
        book_part(soup)
    docs = documents(soup, parts_of(toc(project.root)))
    if appendix:
        computation_titles(docs)
        for doc in docs:
            doc.part = ""
    number_chapters(soup, docs)
    style = soup.new_tag("style")
    style.string = PRINT_CSS + running_heads(docs, "Computation appendix · " if appendix else "")
    soup.head.append(style)
    front = front_matter(project.root)
    first = article.find(True)
    first.insert_before(title_page(soup, front, "computation appendix" if appendix else None))
    first.insert_before(contents(soup, docs))
    interactive_notes(soup, docs, project.root)
    mark_wide_tables(soup)
    return soup, docs


def printable(index: Path, project: Project | None = None, *, appendix: bool = False) -> Path:
    """The print page of the book (or of its computation appendix) beside `index`: the single
    page's URLs (_static/...) are relative to the output's root, so it is written there."""
    project = project or Project(project_root_of(index).parents[1])
    soup, _ = _prepared(index, project, appendix=appendix)
    out = project_root_of(index) / ("computation-print.html" if appendix else "book-print.html")
    out.write_text(str(soup), encoding="utf-8")
    return out


def _in_appendix(docs: list[Doc]) -> dict[str, str]:
    """Element id inside the computation appendix -> where it is ('computation appendix, Chapter 3')."""
    out = {}
    for doc in docs:
        where = "computation appendix" + (f", Chapter {doc.number}" if doc.number else "")
        out |= {t["id"]: where for t in doc.section.find_all(id=True)}
        out[doc.section["id"]] = where
    return out


def build_pdfs(project: Project, log: Log = _say) -> tuple[Path, Path]:
    """Execute stale chapters, build the single page and print the book and its computation
    appendix: _build/pdf/book.pdf and _build/pdf/computation.pdf."""
    execute_all(project, log)
    write_generated_pages(project)
    index = singlehtml(project, log)
    return print_both(project, index, log)


def print_both(project: Project, index: Path, log: Log = _say) -> tuple[Path, Path]:
    """Print the single page `index` as the book and as its computation appendix."""
    out_dir, base = project.build_dir / "pdf", project_root_of(index)
    site = published_page(project.root, "")
    appendix, comp_docs = _prepared(index, project, appendix=True)
    unlink(appendix, {t["id"] for t in appendix.find_all(id=True)}, lambda _t: "in the book", site)
    print_with_contents(appendix, comp_docs, base / "computation-print.html", out_dir / "computation.pdf")
    log(f"pdf: {out_dir / 'computation.pdf'}")
    book, docs = _prepared(index, project, appendix=False)
    where = _in_appendix(comp_docs)
    unlink(book, {t["id"] for t in book.find_all(id=True)}, where.get, site)
    print_with_contents(book, docs, base / "book-print.html", out_dir / "book.pdf")
    log(f"pdf: {out_dir / 'book.pdf'}")
    return out_dir / "book.pdf", out_dir / "computation.pdf"


def build_pdf(project: Project, log: Log = _say) -> Path:
    """The book's PDF (and, beside it, the computation appendix's): _build/pdf/book.pdf."""
    return build_pdfs(project, log)[0]


def main() -> int:
    """`python -m chipshock.pipeline.pdf` (what `make pdf` runs); exit 2 on a user error."""
    from chipshock.paths import find_project

    try:
        build_pdfs(find_project())
    except (UserError, ExecutionError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
