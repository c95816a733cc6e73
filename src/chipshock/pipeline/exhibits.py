"""Numbered exhibits, as a Sphinx extension: the `{exhibit}` directive.

A narrative page shows a glued figure or table as

    ```{exhibit} <key>
    :doc: ../computation/<chapter>.ipynb
    :name: fig-<chapter>-<name>        (or tab-<chapter>-<name> for a table)

    Caption text. {ref}`Made here. <code-<chapter>-<key>>`
    ```

and gets "Figure 6.2" (or "Table 6.1", caption above the table) numbered within its chapter (the
chapter's position in the registry), a target for {numref}`fig-<chapter>-<name>`, the sentence the
notebook glued as `<key>_takeaway` first in the caption (what the figure shows in this run), and a
"Data (CSV)" download link when the notebook glued the exhibit's data (`gluing.glue` does that for
every displayed table and chart). The CSV is taken from the executed notebook at build time, so it
always matches the page, in variant and student builds too.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from myst_nb.ext.glue.utils import PendingGlueReferenceError, create_pending_glue_ref
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective

from chipshock.keys import DATA_SUFFIX, TAKEAWAY_SUFFIX
from chipshock.numbers import NB_HYPHEN, minus
from chipshock.pipeline.registry import CHAPTERS

TAKEAWAY_CLASS = "chipshock-takeaway"
SIMULATED = "(simulated data)"  # a caption's bold label that stays first, before the takeaway
DATA_DIR = "_build/exhibit-data"  # where the build writes the CSVs it links (under the source dir)
KINDS = {"fig-": "figure", "tab-": "table"}
NUMFIG_FORMAT = {"figure": "Figure %s", "table": "Table %s"}


class table_exhibit(nodes.figure):  # docutils names node classes in lower case
    """A glued table with a caption: a figure node that Sphinx numbers as a table."""


def kind_of(name: str) -> str:
    """'figure' or 'table' from the label's prefix (fig-/tab-)."""
    for prefix, kind in KINDS.items():
        if name.startswith(prefix):
            return kind
    raise ValueError(f"exhibit name {name!r} must start with 'fig-' (a figure) or 'tab-' (a table)")


def chapter_numbers() -> dict[str, int]:
    """Docname of each chapter's narrative page -> its chapter number (registry order)."""
    return {f"book/{c.id}": i for i, c in enumerate(CHAPTERS, start=1)}


def glued_data(notebook: Path, key: str) -> str | None:
    """The CSV the notebook glued as `<key>__data`, or None."""
    return glued_string(notebook, key + DATA_SUFFIX)


def glued_takeaway(notebook: Path, key: str) -> str | None:
    """The sentence the notebook glued as `<key>_takeaway`, or None."""
    return glued_string(notebook, key + TAKEAWAY_SUFFIX)


def glued_string(notebook: Path, wanted: str) -> str | None:
    """The string the executed notebook glued under the name `wanted`, or None."""
    try:
        nb = json.loads(notebook.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []):
            if output.get("metadata", {}).get("scrapbook", {}).get("name") != wanted:
                continue
            for mime, text in output.get("data", {}).items():
                if mime.endswith("text/plain"):
                    value = ast.literal_eval("".join(text))
                    return value if isinstance(value, str) else None
    return None


def write_if_changed(path: Path, text: str) -> None:
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


class ExhibitDirective(SphinxDirective):
    """A glued output from another document in a numbered figure or table with a caption."""

    required_arguments = 1
    has_content = True
    option_spec: ClassVar[dict[str, Any]] = {"doc": directives.unchanged_required,
                                             "name": directives.unchanged_required}

    def run(self) -> list[nodes.Node]:
        key = self.arguments[0]
        if "doc" not in self.options or "name" not in self.options:
            raise self.error("an exhibit needs :doc: (the computation notebook) and :name: (fig-/tab-)")
        try:
            kind = kind_of(self.options["name"])
            source, line = self.get_source_info()
            paste = create_pending_glue_ref(self.state.document, source, line, self.options["doc"], key)
        except (ValueError, PendingGlueReferenceError) as exc:
            raise self.error(str(exc)) from None
        node = (nodes.figure if kind == "figure" else table_exhibit)(
            "", classes=["chipshock-exhibit", f"chipshock-exhibit-{kind}"])
        self.set_source_info(node)
        self.add_name(node)
        caption = self._caption()
        self._put_takeaway(caption, key)
        link = self._data_link(key)
        if link is not None:
            caption += [nodes.Text(" "), link]
        node += [caption, paste] if kind == "table" else [paste, caption]
        return [node]

    def _caption(self) -> nodes.caption:
        holder = nodes.Element()
        self.state.nested_parse(self.content, self.content_offset, holder)
        if not holder.children or not isinstance(holder[0], nodes.paragraph) or len(holder) > 1:
            raise self.error("an exhibit's content is its caption: one paragraph")
        para = holder[0]
        caption = nodes.caption(para.rawsource, "", *para.children)
        caption.source, caption.line = para.source, para.line
        return caption

    def _put_takeaway(self, caption: nodes.caption, key: str) -> None:
        """The glued `<key>_takeaway` sentence first in the caption (after a bold "(simulated
        data)" label), marked as glued text."""
        _, notebook = self.env.relfn2path(self.options["doc"], self.env.docname)
        sentence = glued_takeaway(Path(notebook), key)
        if sentence is None:
            return
        node = nodes.inline(sentence, sentence, classes=["pasted-text", TAKEAWAY_CLASS])
        at = 0
        for i, child in enumerate(caption.children):
            if isinstance(child, nodes.Text) and not child.astext().strip():
                continue
            if SIMULATED in child.astext()[:40] and isinstance(child, (nodes.strong, nodes.emphasis)):
                at = i + 1
            break
        caption.insert(at, [*([nodes.Text(" ")] if at else []), node, nodes.Text(" ")])

    def _data_link(self, key: str) -> addnodes.download_reference | None:
        _, notebook = self.env.relfn2path(self.options["doc"], self.env.docname)
        self.env.note_dependency(notebook)
        csv = glued_data(Path(notebook), key)
        if csv is None:
            return None
        refdoc = self.env.path2doc(notebook) or Path(notebook).stem
        rel = f"{DATA_DIR}/{refdoc}/{key}.csv"
        write_if_changed(Path(self.env.srcdir) / rel, csv)
        text = nodes.inline("Data (CSV)", "Data (CSV)", classes=["chipshock-data-link"])
        return addnodes.download_reference("", "", text, refdoc=self.env.docname, refdomain="",
                                           refexplicit=True, reftarget="/" + rel, reftype="download")


def number_by_chapter(app: Sphinx, env: Any) -> list[str]:
    """Renumber each chapter page's figures and tables as (chapter, n): "Figure 6.2"."""
    numbers = chapter_numbers()
    changed = []
    for docname, by_type in env.toc_fignumbers.items():
        chapter = numbers.get(docname)
        if chapter is None:
            continue
        for figtype, ids in by_type.items():
            new = {fid: (chapter, i) for i, fid in enumerate(sorted(ids, key=ids.get), start=1)}
            if new != ids:
                by_type[figtype] = new
                changed.append(docname)
    return sorted(set(changed))


def _visit(self: Any, node: nodes.Element) -> None:
    self.visit_figure(node)


def _depart(self: Any, node: nodes.Element) -> None:
    self.depart_figure(node)


def _numfig_format(app: Sphinx, config: Any) -> None:
    config.numfig = True
    config.numfig_format = {**(config.numfig_format or {}), **NUMFIG_FORMAT}


GLUED = "pasted-text"  # myst-nb's class for text pasted by {glue} and {glue:text}
# Words glued to a number or a letter by a hyphen that must not break there: "4-week", "p-value".
_UNIT_AFTER_NUMBER = re.compile(r"^\s?-(?=(?:day|week|month|year|hour|minute|quarter|point)s?\b)")
_P_VALUE = re.compile(r"^-(?=values?\b)")


def _glued(node: nodes.Node) -> bool:
    return isinstance(node, nodes.inline) and GLUED in node.get("classes", [])


class TrueMinus(SphinxPostTransform):
    """Glued text writes negative numbers with a minus sign (U+2212), as the tables do: a format
    spec such as `:.3f` gives Python's hyphen-minus ("-0.877" becomes "−0.877")."""

    default_priority = 20  # after myst-nb pastes cross-document glue (priority 5)

    def run(self, **kwargs: Any) -> None:
        for node in list(self.document.findall(_glued)):
            text = node.astext()
            fixed = minus(text)
            if fixed != text:
                node.children = []
                node += nodes.Text(fixed)


class NoBreaks(SphinxPostTransform):
    """No line break inside "4-week" after a glued number (and no stray space before its hyphen)
    or inside "*p*-value": the hyphen becomes a non-breaking one (U+2011)."""

    default_priority = 21

    def run(self, **kwargs: Any) -> None:
        for text in list(self.document.findall(nodes.Text)):
            before = _previous_sibling(text)
            if before is None:
                continue
            if _glued(before):
                new = _UNIT_AFTER_NUMBER.sub(NB_HYPHEN, str(text), count=1)
            elif isinstance(before, nodes.emphasis) and before.astext() == "p":
                new = _P_VALUE.sub(NB_HYPHEN, str(text), count=1)
            else:
                continue
            if new != str(text):
                text.parent.replace(text, nodes.Text(new))


def _previous_sibling(node: nodes.Node) -> nodes.Node | None:
    parent = node.parent
    if parent is None:
        return None
    i = parent.index(node)
    return parent[i - 1] if i > 0 else None


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_post_transform(TrueMinus)
    app.add_post_transform(NoBreaks)
    app.add_enumerable_node(table_exhibit, "table", None, html=(_visit, _depart))
    app.add_directive("exhibit", ExhibitDirective)
    app.connect("config-inited", _numfig_format)
    app.connect("env-get-updated", number_by_chapter, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
