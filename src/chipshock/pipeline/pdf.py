"""The whole book as one PDF: a single-page HTML build, given a contents list and page numbers,
printed by headless Chromium once its charts (vega) and math (MathJax) have rendered."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml
from bs4 import BeautifulSoup

from chipshock.errors import ExecutionError, UserError
from chipshock.paths import Project
from chipshock.pipeline.assemble import Log, _say, execute_all, write_generated_pages

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# Time the page may take to render charts and math before it is printed (virtual ms: idle time
# passes instantly, so this is an upper bound, not a wait).
RENDER_BUDGET_MS = 120_000
PRINT_CSS = """
@page { size: A4; margin: 16mm 14mm 18mm 14mm;
  @bottom-center { content: counter(page) " / " counter(pages); font-size: 9pt; color: #444; } }
@media print {
  html, body { background: #fff !important; }
  .bd-header, .bd-sidebar-primary, .bd-sidebar-secondary, .bd-footer, .header-article,
  .prev-next-area, .bd-header-article, .footer-article, #pst-back-to-top,
  .headerlink { display: none !important; }
  .bd-main .bd-content .bd-article-container { max-width: 100% !important; }
  .bd-page-width { max-width: 100% !important; }
  nav#pdf-toc { break-after: page; }
  nav#pdf-toc ul { list-style: none; padding-left: 0; line-height: 1.7; }
  .skip-link, .onlyprint { display: none !important; }
  figcaption, figcaption p, figcaption .caption-text,
  figcaption .caption-number { color: #333 !important; }
  article div.toctree-wrapper > section { break-before: page; }
}
"""


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
    # the book's one page is its root document (index.html only redirects to it)
    root = yaml.safe_load((project.root / "_toc.yml").read_text(encoding="utf-8"))["root"]
    index = project.build_dir / "singlehtml" / f"{root}.html"
    if not index.is_file():
        raise ExecutionError(f"the single-page build wrote no {index}")
    log(f"singlehtml: {index}")
    return index


def contents(soup: BeautifulSoup) -> list[tuple[str, str]]:
    """(anchor, title) of each top-level document of the single page: the singlehtml builder puts
    every document of a toctree in a section inside that toctree's wrapper."""
    out = []
    for section in soup.select("article div.toctree-wrapper > section"):
        if len(section.find_parents("div", class_="toctree-wrapper")) != 1:
            continue  # a document's own sub-pages (the computation pages)
        heading = section.find(["h1", "h2", "h3"])
        title = heading.get_text(" ", strip=True).rstrip("#").strip() if heading else ""
        if section.get("id") and title:
            out.append((section["id"], title))
    return out


def project_root_of(index: Path) -> Path:
    """The singlehtml output directory holding `index` (the one with _static/)."""
    for folder in index.parents:
        if (folder / "_static").is_dir():
            return folder
    raise ExecutionError(f"{index} is not inside a Sphinx output directory (no _static/)")


def printable(index: Path) -> Path:
    """A copy of the single page with a contents list and the print stylesheet, at the output's
    root: the singlehtml builder writes the root document's URLs (_static/...) relative to it."""
    soup = BeautifulSoup(index.read_text(encoding="utf-8"), "html.parser")
    style = soup.new_tag("style")
    style.string = PRINT_CSS
    soup.head.append(style)
    first = soup.select_one("article section h1")
    if first is None:
        raise ExecutionError(f"{index} has no heading: is it the book's single-page build?")
    nav = soup.new_tag("nav", id="pdf-toc")
    heading = soup.new_tag("h2")
    heading.string = "Contents"
    nav.append(heading)
    items = soup.new_tag("ul")
    for anchor, title in contents(soup):
        li, a = soup.new_tag("li"), soup.new_tag("a", href=f"#{anchor}")
        a.string = title
        li.append(a)
        items.append(li)
    nav.append(items)
    first.insert_after(nav)
    out = project_root_of(index) / "book-print.html"
    out.write_text(str(soup), encoding="utf-8")
    return out


def print_pdf(page: Path, dest: Path) -> Path:
    """Print `page` to `dest` with headless Chromium (atomically: a failed print leaves no file)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".pdf-", dir=dest.parent) as tmp:
        out = Path(tmp) / dest.name
        cmd = [browser(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--no-first-run", f"--user-data-dir={Path(tmp) / 'profile'}", "--no-pdf-header-footer",
               "--generate-pdf-document-outline", f"--virtual-time-budget={RENDER_BUDGET_MS}",
               "--run-all-compositor-stages-before-draw", f"--print-to-pdf={out}", page.resolve().as_uri()]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900, check=False)
        if proc.returncode != 0 or not out.is_file() or out.stat().st_size == 0:
            raise ExecutionError(f"Chromium did not print {page}: {proc.stderr[-1500:]}")
        os.replace(out, dest)
    return dest


def build_pdf(project: Project, log: Log = _say) -> Path:
    """Execute stale chapters, build the single page and print it: _build/pdf/book.pdf."""
    execute_all(project, log)
    write_generated_pages(project)
    page = printable(singlehtml(project, log))
    pdf = print_pdf(page, project.build_dir / "pdf" / "book.pdf")
    log(f"pdf: {pdf}")
    return pdf


def main() -> int:
    """`python -m chipshock.pipeline.pdf` (what `make pdf` runs); exit 2 on a user error."""
    from chipshock.paths import find_project

    try:
        build_pdf(find_project())
    except (UserError, ExecutionError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
