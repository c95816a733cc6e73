"""Figure and table provenance: which notebook cell, data files and parameters make each one.

Narrative pages show glued figures and tables as numbered exhibits (`chipshock.pipeline.exhibits`):

    ```{exhibit} <key>
    :doc: ../computation/<chapter>.ipynb
    :name: fig-<chapter>-<name>

    Caption ... {ref}`Made here. <code-<chapter>-<key>>`
    ```

(the older unnumbered form, a `(fig-...)=` target, a `{glue}` block and a `chipshock-caption`
container, is still read; `convert_exhibits` rewrites it) and the notebook labels the cell that
glues `<key>` with `(code-<chapter>-<key>)=`. This module parses that, keeps labels and links in
place, and writes the "Figures and tables" page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from chipshock.data.atomic import write_if_changed
from chipshock.data.reads import ABSENT
from chipshock.paths import Project
from chipshock.pipeline import cache
from chipshock.pipeline.registry import CHAPTERS, Chapter

ITEM = re.compile(
    r"^\((?P<label>(?:fig|tab)-[\w-]+)\)=\n"
    r"```\{glue\} (?P<key>\w+)\n:doc: \.\./computation/(?P<doc>\w+)\.ipynb\n```\n\n"
    r"```\{container\} chipshock-caption\n"
    r"\*\*(?P<kind>Figure|Table)(?P<note>[^*]*)\*\* (?P<caption>.*?)\n```",
    re.S | re.M)
EXHIBIT = re.compile(
    r"^```\{exhibit\} (?P<key>\w+)\n:doc: \.\./computation/(?P<doc>\w+)\.ipynb\n"
    r":name: (?P<label>(?:fig|tab)-[\w-]+)\n\n(?P<caption>.*?)\n```",
    re.S | re.M)
CODE_CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(?P<body>.*?)^```", re.S | re.M)
LINK = "{{ref}}`Made here. <code-{chapter}-{key}>`"


@dataclass(frozen=True)
class Item:
    chapter: str
    label: str
    key: str
    kind: str
    caption: str
    numbered: bool = False

    @property
    def code_label(self) -> str:
        return f"code-{self.chapter}-{self.key}"


def items(text: str, chapter: str) -> list[Item]:
    """Glued figures and tables of a narrative page, in page order."""
    found = [(m.start(), Item(chapter, m["label"], m["key"], m["kind"], " ".join(m["caption"].split())))
             for m in ITEM.finditer(text) if m["doc"] == chapter]
    found += [(m.start(), Item(chapter, m["label"], m["key"],
                               "Figure" if m["label"].startswith("fig-") else "Table",
                               " ".join(m["caption"].split()), numbered=True))
              for m in EXHIBIT.finditer(text) if m["doc"] == chapter]
    return [item for _, item in sorted(found, key=lambda pair: pair[0])]


def link_captions(text: str, chapter: str) -> str:
    """Append a link to the making cell to every caption that has none."""
    def add(m: re.Match[str]) -> str:
        block = m.group(0)
        if "<code-" in block:
            return block
        link = LINK.format(chapter=chapter, key=m["key"])
        return block[: -len("\n```")] + f" {link}\n```"
    return EXHIBIT.sub(add, ITEM.sub(add, text))


def convert_exhibits(text: str) -> str:
    """Rewrite the older unnumbered figures and tables of a page as numbered `{exhibit}`s."""
    def convert(m: re.Match[str]) -> str:
        note = m["note"].strip().removesuffix(".").strip()
        caption = f"**{note}** {m['caption'].strip()}" if note else m["caption"].strip()
        return (f"```{{exhibit}} {m['key']}\n:doc: ../computation/{m['doc']}.ipynb\n"
                f":name: {m['label']}\n\n{caption}\n```")
    return ITEM.sub(convert, text)


def label_cells(text: str, chapter: str, keys: list[str]) -> str:
    """Put `(code-<chapter>-<key>)=` before the code cell that glues each key (idempotent)."""
    for key in keys:
        label = f"(code-{chapter}-{key})="
        if label in text:
            continue
        for m in CODE_CELL.finditer(text):
            if re.search(rf"""glue\(\s*["']{key}["']""", m["body"]):
                text = text[: m.start()] + label + "\n" + text[m.start():]
                break
    return text


def unlabelled(project: Project, chapter: Chapter) -> list[str]:
    """Keys of glued figures and tables whose making cell has no label (should be empty)."""
    page = (project.root / chapter.narrative).read_text(encoding="utf-8")
    source = (project.root / chapter.source).read_text(encoding="utf-8")
    return [i.key for i in items(page, chapter.id) if f"({i.code_label})=" not in source]


def files_read(project: Project, chapter: Chapter) -> list[str]:
    """The data files the chapter's executed notebook read (its cache record), else its declared INPUTS."""
    entry = cache.stored(project.root / chapter.executed)
    if entry and isinstance(entry.get("reads"), dict):
        return [path for path, digest in entry["reads"].items() if digest != ABSENT]
    return list(chapter.inputs)


def figures_page(project: Project) -> str:
    """Markdown of the 'Figures and tables' page: every item with its cell, inputs and parameters."""
    lines = [
        "# Figures and tables",
        "",
        "Every figure and table of the narrative pages, the notebook cell that makes it, the data",
        "files that cell's notebook reads and the parameters it takes: the book's list of exhibits",
        "and programs. This page is generated by `chipshock build` from the pages themselves.",
        "",
    ]
    for chapter in CHAPTERS:
        page = project.root / chapter.narrative
        found = items(page.read_text(encoding="utf-8"), chapter.id)
        if not found:
            continue
        inputs = ", ".join(f"`{i}`" for i in files_read(project, chapter)) or "none (simulated data)"
        params = ", ".join(f"`{p}`" for p in chapter.params.names())
        lines += [f"## {chapter.title}", "",
                  f"Notebook: `{chapter.source}`. Data: {inputs}. Parameters: {params}.", "",
                  "| Item | What it shows | Made by |", "|---|---|---|"]
        for item in found:
            what = item.caption.split(" {ref}")[0].replace("|", "\\|")
            name = f"{{numref}}`{item.label}`" if item.numbered else f"{{ref}}`{item.kind} <{item.label}>`"
            lines.append(f"| {name} | {what} | "
                         f"{{ref}}`cell <{item.code_label}>` |")
        lines.append("")
    return "\n".join(lines)


def write_figures_page(project: Project) -> Path:
    return write_if_changed(project.root / "book" / "figures.md", figures_page(project))
