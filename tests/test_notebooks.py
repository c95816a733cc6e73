"""Chapter notebook sources: one parameters cell, in sync with the chapter's declaration."""

from __future__ import annotations

from pathlib import Path

import pytest

from chipshock.notebook import parameters_cell, parameters_cell_source, read_source
from chipshock.registry import CHAPTERS

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
