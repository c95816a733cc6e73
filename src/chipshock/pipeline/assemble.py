"""Build the whole book, or one chapter under other parameters as a small standalone book."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml

from chipshock import outputs
from chipshock.errors import ExecutionError, UserError
from chipshock.params import params_hash
from chipshock.paths import Project
from chipshock.pipeline import cache, changes, crossrefs
from chipshock.pipeline.execute import chapter_key, execute, is_fresh
from chipshock.pipeline.registry import CHAPTERS, Chapter, get_chapter

SOLUTION = re.compile(r"^:::\{admonition\} Solution[^\n]*\n.*?^:::[ \t]*\n?", re.S | re.M)
STUDENT_COPY = ("book", "computation", "notebooks", "_static", "_vendor", "_config.yml", "_toc.yml",
                "references.bib", "data/README.md", "data/processed/DATASETS.md")
BOOK_INPUTS = ("book/**/*.md", "notebooks/*.md", "computation/*.ipynb", "_static/**/*", "_vendor/**/*",
               "data/README.md", "data/processed/DATASETS.md")
BOOK_FILES = ("_config.yml", "_toc.yml", "references.bib")
STAMP = ".chipshock-build-key"
PUBLISHED_BRANCH = "published"
MYST_URL_SCHEMES = ["http", "https", "mailto", "ftp", "file"]

Log = Callable[[str], None]


def _say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def book_digest(root: Path) -> str:
    """Digest of everything the HTML build reads."""
    files = {p for pattern in BOOK_INPUTS for p in root.glob(pattern) if p.is_file()}
    files |= {root / f for f in BOOK_FILES if (root / f).is_file()}
    h = hashlib.sha256(cache.tree_digest(files, root).encode())
    h.update(cache.code_digest().encode())
    h.update(os.environ.get("CHIPSHOCK_REPOSITORY", "").encode())
    return h.hexdigest()


def published_config(root: Path, repository: str | None) -> Path | None:
    """With $CHIPSHOCK_REPOSITORY (owner/name), a config that turns on the repository, Binder
    and Colab buttons for the published branch; None to use _config.yml as it is."""
    if not repository:
        return None
    if not re.fullmatch(r"[\w.-]+/[\w.-]+", repository):
        raise UserError(f"$CHIPSHOCK_REPOSITORY={repository!r} is not of the form owner/name")
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    config["repository"] = {"url": f"https://github.com/{repository}", "branch": PUBLISHED_BRANCH}
    config.setdefault("html", {}).update(use_repository_button=True)
    config["launch_buttons"] = {"notebook_interface": "jupyterlab", "binderhub_url": "https://mybinder.org",
                                "colab_url": "https://colab.research.google.com"}
    path = root / "_build" / "_config.published.yml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def jupyter_book(root: Path, log: Log = _say) -> None:
    """Run the strict Jupyter Book build of `root`; raise with its warnings on failure."""
    exe = Path(sys.executable).with_name("jupyter-book")
    cmd = [str(exe) if exe.exists() else "jupyter-book", "build", "--all", "-W", "-n", "--keep-going", "."]
    config = published_config(root, os.environ.get("CHIPSHOCK_REPOSITORY"))
    if config is not None:
        cmd += ["--config", str(config)]
    proc = subprocess.run(cmd, cwd=root, capture_output=True, text=True, check=False)
    (root / "_build").mkdir(exist_ok=True)
    (root / "_build" / "jupyter-book.log").write_text(proc.stdout + proc.stderr, encoding="utf-8")
    if proc.returncode != 0:
        problems = [ln for ln in (proc.stdout + proc.stderr).splitlines()
                    if "WARNING" in ln or "ERROR" in ln or "Error" in ln]
        detail = "\n".join(problems[-20:]) or (proc.stdout + proc.stderr)[-2000:]
        raise ExecutionError(f"jupyter-book build failed in {root}:\n{detail}")


def _execute_default(root: str, chapter_id: str, progress: bool | None = None) -> tuple[str, bool, float]:
    """Execute one chapter's defaults in the main book (also a worker process of `execute_all`)."""
    chapter = get_chapter(chapter_id)
    project = Project(Path(root))
    t0 = time.perf_counter()
    ran = execute(project, chapter, chapter.params.to_plain(chapter.params.defaults()),
                  project.root / chapter.executed, progress=progress)
    return chapter_id, ran, time.perf_counter() - t0


def execute_all(project: Project, log: Log = _say, jobs: int = 1) -> dict[str, float]:
    """Execute every chapter with its defaults where the cache is stale; seconds per chapter.

    With jobs > 1, up to that many chapters execute at once, each in its own process (each
    execution is atomic, so a failure leaves the other chapters' results in place).
    """
    from concurrent.futures import ProcessPoolExecutor, as_completed

    timings: dict[str, float] = {}
    outputs.sweep(project.computation)  # what an earlier, killed run left
    jobs = max(1, min(jobs, len(CHAPTERS)))
    if jobs == 1:
        for chapter in CHAPTERS:
            _, ran, seconds = _execute_default(str(project.root), chapter.id)
            timings[chapter.id] = seconds
            log(f"{chapter.id}: {'executed' if ran else 'cached'} ({seconds:.1f} s)")
        return timings
    log(f"executing chapters, {jobs} at a time")
    with ProcessPoolExecutor(max_workers=jobs, initializer=outputs.die_with_parent) as pool:
        futures = [pool.submit(_execute_default, str(project.root), c.id, False) for c in CHAPTERS]
        for future in as_completed(futures):
            chapter_id, ran, seconds = future.result()
            timings[chapter_id] = seconds
            log(f"{chapter_id}: {'executed' if ran else 'cached'} ({seconds:.1f} s)")
    return {c.id: timings[c.id] for c in CHAPTERS}


def write_generated_pages(project: Project) -> None:
    """Pages made from the book itself: Findings and verdicts, figures and tables, the reproducibility
    report, and the "Run this chapter yourself" box of each computation page."""
    from chipshock.pipeline.findings import write_verdicts
    from chipshock.pipeline.launch import add_boxes
    from chipshock.pipeline.provenance import write_figures_page
    from chipshock.pipeline.reproducibility import write_report

    write_verdicts(project)
    write_figures_page(project)
    write_report(project)
    add_boxes(project)


def build(project: Project, *, force: bool = False, log: Log = _say, jobs: int = 1) -> Path:
    """Execute stale chapters and build the HTML book unless nothing changed; the index path."""
    execute_all(project, log, jobs)
    write_generated_pages(project)
    index = project.build_dir / "html" / "index.html"
    stamp = project.build_dir / STAMP
    digest = book_digest(project.root)
    if not force and index.is_file() and stamp.is_file() and stamp.read_text() == digest:
        log("book: up to date, nothing rebuilt")
        return index
    stamp.unlink(missing_ok=True)
    t0 = time.perf_counter()
    log("book: building the HTML (strict)")
    jupyter_book(project.root, log)
    stamp.write_text(digest)
    log(f"book: built in {time.perf_counter() - t0:.1f} s")
    return index


def _variant_config(project: Project, chapter: Chapter) -> dict[str, Any]:
    config = yaml.safe_load((project.root / "_config.yml").read_text(encoding="utf-8"))
    config["title"] = f"{config.get('title', 'Book')}: {chapter.id} (variant)"
    # links out of the variant may point at the main build's pages on this machine
    config.setdefault("parse", {})["myst_url_schemes"] = MYST_URL_SCHEMES
    return config


def variant_pages(chapter: Chapter, project: Project) -> set[str]:
    """The docnames a chapter's variant book holds."""
    pages = {f"book/{chapter.id}", f"computation/{chapter.id}"}
    if (project.root / "book" / "references.md").is_file():
        pages.add("book/references")
    return pages


def _lay_out_variant(project: Project, chapter: Chapter, dest: Path) -> None:
    (dest / "book").mkdir(parents=True)
    (dest / "notebooks").mkdir()
    shutil.copy2(project.root / chapter.source, dest / chapter.source)
    for folder in ("_static", "_vendor"):
        shutil.copytree(project.root / folder, dest / folder)
    for name in ("references.bib",):
        if (project.root / name).is_file():
            shutil.copy2(project.root / name, dest / name)
    config = _variant_config(project, chapter)
    (dest / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    inside = variant_pages(chapter, project)
    book = crossrefs.full_book(project.root)
    for docname in sorted(inside - {f"computation/{chapter.id}"}):
        text = (project.root / f"{docname}.md").read_text(encoding="utf-8")
        (dest / f"{docname}.md").write_text(crossrefs.rewrite(text, docname, inside, book), encoding="utf-8")
    from chipshock.pipeline.findings import write_chapter_includes

    for include in write_chapter_includes(dest, [chapter.id]):  # the page's {include} of its verdict boxes
        text = include.read_text(encoding="utf-8")
        include.write_text(crossrefs.rewrite(text, f"book/{chapter.id}", inside, book), encoding="utf-8")
    chapters = [{"file": f"computation/{chapter.id}", "title": "Computation"}]
    if "book/references" in inside:
        chapters.append({"file": "book/references"})
    toc = {"format": "jb-book", "root": f"book/{chapter.id}", "chapters": chapters}
    (dest / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False), encoding="utf-8")


def _rewrite_notebook(path: Path, chapter: Chapter, project: Project) -> None:
    """The executed notebook's Markdown cells, with references out of the variant rewritten."""
    import json

    nb = json.loads(path.read_text(encoding="utf-8"))
    inside, book = variant_pages(chapter, project), crossrefs.full_book(project.root)
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            source = "".join(cell["source"])
            cell["source"] = crossrefs.rewrite(source, chapter.executed.removesuffix(".ipynb"), inside, book)
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def default_run(project: Project, chapter: Chapter, log: Log = _say) -> tuple[Path, str]:
    """The main book's execution of the chapter at its defaults (executed if missing or stale)."""
    plain = chapter.params.to_plain(chapter.params.defaults())
    path = project.root / chapter.executed
    key = chapter_key(project, chapter, plain)
    if not is_fresh(path, key):
        t0 = time.perf_counter()
        log(f"{chapter.id}: executing the default run to compare with")
        execute(project, chapter, plain, path)
        log(f"{chapter.id}: default run executed ({time.perf_counter() - t0:.1f} s)")
    return path, cache.stored_run(path) or ""


def check_out_folder(out: Path) -> None:
    """`--out` may name a new folder or an earlier variant, never another folder (it is replaced)."""
    outputs.check(out, "variant")


def run_variant(
    project: Project, chapter: Chapter, values: Mapping[str, Any], out: Path | None = None,
    log: Log = _say,
) -> Path:
    """Execute one chapter with these (validated) values and build its two pages as a book.

    The narrative page opens with "What changed from the default run" (the glued words and
    numbers that differ), and `changes.csv` in the variant folder lists every glued key.
    """
    started = time.perf_counter()
    plain = chapter.params.to_plain(values)
    out = out or project.variants / f"{chapter.id}-{params_hash(plain)}"
    check_out_folder(out)
    page = out / "_build" / "html" / "book" / f"{chapter.id}.html"
    executed = out / chapter.executed
    stamp = out / "_build" / STAMP
    default_nb, default_key = default_run(project, chapter, log)
    # reuse an earlier variant when its execution, its comparison and its pages are still current
    if (page.is_file() and stamp.is_file() and is_fresh(executed, chapter_key(project, chapter, plain))
            and stamp.read_text() == _variant_stamp(out, default_key)):
        log(f"{chapter.id}: variant up to date")
        for line in changes.summary_lines(changes.compare(default_nb, executed)):
            log(line)
        return page
    outputs.sweep(out.parent)
    outputs.sweep(project.computation)
    staging = outputs.make_temp_dir(out.parent, out.name)
    try:
        _lay_out_variant(project, chapter, staging)
        for source in (executed, default_nb):
            if source.is_file() and is_fresh(source, chapter_key(project, chapter, plain)):
                (staging / chapter.executed).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, staging / chapter.executed)
                break
        t0 = time.perf_counter()
        log(f"{chapter.id}: executing with parameters {params_hash(plain)}")
        ran = execute(project, chapter, plain, staging / chapter.executed)
        log(f"{chapter.id}: {'executed' if ran else 'cached'} ({time.perf_counter() - t0:.1f} s)")
        _rewrite_notebook(staging / chapter.executed, chapter, project)
        found = changes.compare(default_nb, staging / chapter.executed)
        changes.write_csv(found, staging / "changes.csv")
        changes.add_section(staging / chapter.narrative, found, chapter.params.to_plain(
            chapter.params.defaults()), plain)
        for line in changes.summary_lines(found):
            log(line)
        t0 = time.perf_counter()
        log(f"{chapter.id}: building the variant book (strict)")
        jupyter_book(staging, log)
        log(f"{chapter.id}: built in {time.perf_counter() - t0:.1f} s")
        (staging / "_build" / STAMP).write_text(_variant_stamp(staging, default_key))
        outputs.replace(staging, out, "variant")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    log(f"{chapter.id}: done in {time.perf_counter() - started:.1f} s; all changes in {out / 'changes.csv'}")
    return page


def _variant_stamp(folder: Path, default_key: str) -> str:
    return f"{book_digest(folder)}\n{default_key}"


def strip_solutions(text: str) -> str:
    """A page without its solution blocks (`:::{admonition} Solution` ... `:::`)."""
    return SOLUTION.sub("", text)


def build_student(project: Project, log: Log = _say, jobs: int = 1) -> Path:
    """The book without exercise solutions, in _build/student/html; the index path."""
    out = project.build_dir / "student"
    outputs.check(out, "student", "the student edition's folder")
    execute_all(project, log, jobs)
    write_generated_pages(project)
    outputs.sweep(project.build_dir)
    staging = outputs.make_temp_dir(project.build_dir, "student-src")
    html = outputs.make_temp_dir(project.build_dir, "student")
    try:
        _student_book(project, staging, log)
        os.replace(staging / "_build" / "html", html / "html")
        outputs.replace(html, out, "student", "the student edition's folder")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(html, ignore_errors=True)
    return out / "html" / "index.html"


def _student_book(project: Project, staging: Path, log: Log) -> None:
    """Copy the book into `staging` without its solutions and build it there."""
    for name in STUDENT_COPY:
        src, dst = project.root / name, staging / name
        if src.is_dir():
            shutil.copytree(src, dst)
        elif src.is_file():
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)
    for page in (staging / "book").glob("*.md"):
        page.write_text(strip_solutions(page.read_text(encoding="utf-8")), encoding="utf-8")
    config = yaml.safe_load((staging / "_config.yml").read_text(encoding="utf-8"))
    config["title"] = f"{config.get('title', 'Book')} (student edition)"
    (staging / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    jupyter_book(staging, log)
