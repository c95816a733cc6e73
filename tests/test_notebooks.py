"""Chapter notebook sources: one parameters cell, in sync with the chapter's declaration."""

from __future__ import annotations

from pathlib import Path

import pytest

from chipshock.pipeline.notebook import parameters_cell, parameters_cell_source, read_source
from chipshock.pipeline.registry import CHAPTERS

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.id)
def test_parameters_cell_is_generated_from_the_declaration(chapter) -> None:
    nb = read_source(REPO / chapter.source)
    assert parameters_cell(nb).source == parameters_cell_source(chapter.id, chapter.params), (
        f"regenerate the cell with `chipshock params {chapter.id} --cell`"
    )


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.id)
def test_every_chapter_has_both_layers(chapter) -> None:
    assert (REPO / chapter.narrative).is_file()
    assert (REPO / chapter.source).is_file()
    toc = (REPO / "_toc.yml").read_text()
    assert f"file: book/{chapter.id}" in toc and f"file: computation/{chapter.id}" in toc


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.id)
def test_papermill_reads_every_parameter_of_the_cell(chapter) -> None:
    """papermill inspects the cell (e.g. for `papermill --help-notebook`) and warns on what it can't parse."""
    from papermill.translators import PythonTranslator

    cell = parameters_cell(read_source(REPO / chapter.source))
    found = {p.name: p for p in PythonTranslator.inspect(cell)}
    assert list(found) == [p.name for p in chapter.params.params], (
        "a help text with '=' or a multi-line default hides a parameter from papermill"
    )
    assert all(found[p.name].help for p in chapter.params.params)
