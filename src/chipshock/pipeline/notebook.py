"""Chapter notebooks: jupytext sources and their generated parameters cell."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jupytext
import nbformat

from chipshock.params import ParamSpec

PARAMETERS_HEADER = (
    "# Parameters at their defaults, generated from the declaration in the chipshock package\n"
    "# (`chipshock params {chapter} --cell` prints this cell; a test keeps it in sync).\n"
)


def parameters_cell_source(chapter_id: str, spec: ParamSpec) -> str:
    """Python source of the parameters cell: every parameter at its default."""
    defaults = spec.to_plain(spec.defaults())
    lines = [PARAMETERS_HEADER.format(chapter=chapter_id)]
    for p in spec.params:
        lines.append(f"{p.name} = {defaults[p.name]!r}  # {p.help}\n")
    return "".join(lines).rstrip("\n")


def read_source(path: Path) -> nbformat.NotebookNode:
    """Read a jupytext MyST notebook source."""
    return jupytext.read(path)


def parameters_cell(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The unique code cell tagged `parameters`."""
    cells = [c for c in nb.cells if c.cell_type == "code" and "parameters" in c.metadata.get("tags", [])]
    if len(cells) != 1:
        raise ValueError(f"expected exactly one cell tagged 'parameters', found {len(cells)}")
    return cells[0]


def with_declared_parameters(nb: nbformat.NotebookNode, chapter_id: str, spec: ParamSpec) -> Any:
    """The notebook with its parameters cell regenerated from the declaration."""
    parameters_cell(nb).source = parameters_cell_source(chapter_id, spec)
    return nb
