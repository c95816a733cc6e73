"""What a run glued and what changed between two runs (the variant's "What changed" section)."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

from chipshock.pipeline import changes

PREFIX = "application/papermill.record/"


def notebook(path: Path, values: dict[str, object]) -> Path:
    """An executed notebook in papermill/scrapbook form holding these glued values."""
    outputs = []
    for key, value in values.items():
        if isinstance(value, dict):  # an exhibit: HTML
            data = {PREFIX + "text/html": value["html"], PREFIX + "text/plain": "<table>"}
        else:
            data = {PREFIX + "text/plain": repr(value)}
        outputs.append({"data": data, "metadata": {"scrapbook": {"mime_prefix": PREFIX, "name": key}},
                        "output_type": "display_data"})
    nb = {"cells": [{"cell_type": "code", "outputs": outputs, "source": ""}], "metadata": {}}
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


def test_glued_values_read_papermill_records(tmp_path: Path) -> None:
    nb = notebook(tmp_path / "a.ipynb", {"coef": 1.5, "n": 3, "word": "rose", "flag": True,
                                         "table": {"html": "<table id='altair-viz-123'></table>"}})
    got = changes.glued_values(nb)
    assert got["coef"] == ("number", 1.5) and got["n"] == ("number", 3)
    assert got["word"] == ("word", "rose") and got["flag"] == ("word", "True")
    assert got["table"][0] == "exhibit"


def test_random_chart_ids_are_not_changes(tmp_path: Path) -> None:
    a = notebook(tmp_path / "a.ipynb", {"chart": {"html": "<div id='altair-viz-1a2b'>x</div>"}})
    b = notebook(tmp_path / "b.ipynb", {"chart": {"html": "<div id='altair-viz-9f9f'>x</div>"}})
    c = notebook(tmp_path / "c.ipynb", {"chart": {"html": "<div id='altair-viz-9f9f'>y</div>"}})
    assert not changes.compare(a, b)[0].changed
    assert changes.compare(a, c)[0].changed


def test_changed_words_come_first_then_numbers_by_relative_change(tmp_path: Path) -> None:
    a = notebook(tmp_path / "a.ipynb", {"big": 1.0, "small": 100.0, "dir": "rose", "same": 2.0,
                                        "nan": float("nan")})
    b = notebook(tmp_path / "b.ipynb", {"big": 3.0, "small": 101.0, "dir": "fell", "same": 2.0,
                                        "nan": float("nan")})
    found = changes.compare(a, b)
    assert [c.key for c in found][:3] == ["dir", "big", "small"]
    assert {c.key for c in found if not c.changed} == {"same", "nan"}
    big = next(c for c in found if c.key == "big")
    assert big.difference == 2.0 and math.isclose(big.relative, 2.0)


def test_a_key_only_one_run_has_is_a_change(tmp_path: Path) -> None:
    a = notebook(tmp_path / "a.ipynb", {"x": 1.0})
    b = notebook(tmp_path / "b.ipynb", {"x": 1.0, "y": "new"})
    found = {c.key: c for c in changes.compare(a, b)}
    assert found["y"].changed and found["y"].default is None and not found["x"].changed


def test_section_at_the_defaults_says_nothing_changed(tmp_path: Path) -> None:
    a = notebook(tmp_path / "a.ipynb", {"x": 1.0})
    text = changes.section(changes.compare(a, a), {"p": 1}, {"p": 1})
    assert "nothing changed from the default run" in text and "<table" not in text


def test_section_lists_parameters_words_and_numbers(tmp_path: Path) -> None:
    a = notebook(tmp_path / "a.ipynb", {"pooled_coef": 1.15, "order_word": "larger", "n": 5})
    b = notebook(tmp_path / "b.ipynb", {"pooled_coef": -0.5, "order_word": "smaller", "n": 5})
    text = changes.section(changes.compare(a, b), {"geo_proxy": "tz", "x": [1, 2]},
                           {"geo_proxy": "hour", "x": [1, 2]},
                           {"pooled_coef": "Difference-in-differences"})
    assert "- `geo_proxy`: tz → hour" in text and "`x`" not in text
    assert "1 word " in text and "1 number changed" in text
    assert text.index("smaller") < text.index("−0.5")
    assert "changed word ⚑" in text and "Difference-in-differences" in text and "computation only" in text


def test_sections_of_keys_follow_the_headings() -> None:
    page = ("# Title\n\nA {glue:text}`../computation/x.ipynb::a:.3f` here.\n\n## Two\n\n"
            "```{glue} chart\n:doc: ../computation/x.ipynb\n```\n"
            "and {glue:text}`../computation/x.ipynb::a:d`\n")
    assert changes.sections_of_keys(page) == {"a": "Title", "chart": "Two"}


def test_csv_has_every_key_changed_first(tmp_path: Path) -> None:
    a = notebook(tmp_path / "a.ipynb", {"x": 1.0, "y": 2.0})
    b = notebook(tmp_path / "b.ipynb", {"x": 1.0, "y": 4.0})
    out = tmp_path / "v" / "changes.csv"
    changes.write_csv(changes.compare(a, b), out)
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["key"] for r in rows] == ["y", "x"] and rows[0]["changed"] == "True"
    assert float(rows[0]["difference"]) == 2.0 and not list(out.parent.glob("*.part"))


def test_terminal_summary_flags_words(tmp_path: Path) -> None:
    a = notebook(tmp_path / "a.ipynb", {"w": "rose", "x": 1.0})
    b = notebook(tmp_path / "b.ipynb", {"w": "fell", "x": 2.0})
    lines = changes.summary_lines(changes.compare(a, b))
    assert lines[1].strip().startswith("⚑ w: rose → fell") and "x: 1 → 2" in lines[2]
    assert changes.summary_lines(changes.compare(a, a)) == [
        "no glued word or number changed from the default run"]


def test_changed_verdicts_come_before_every_other_change(tmp_path: Path) -> None:
    a = notebook(tmp_path / "a.ipynb", {"a_word": "rose", "claim3_verdict": "not supported", "x": 1.0})
    b = notebook(tmp_path / "b.ipynb", {"a_word": "fell", "claim3_verdict": "contradicted", "x": 9.0})
    found = changes.compare(a, b)
    assert [c.key for c in found] == ["claim3_verdict", "a_word", "x"]
    text = changes.section(found, {"p": 1}, {"p": 2})
    assert "1 verdict on the paper's claims changed" in text and "changed verdict ⚑" in text


def test_changed_stabilities_come_right_after_the_verdicts(tmp_path: Path) -> None:
    a = notebook(tmp_path / "a.ipynb", {"a_word": "rose", "claim3_verdict": "inconclusive",
                                        "claim3_stability": 1.0, "claim3_fragile": "stable",
                                        "claim4_stability": 0.5, "x": 1.0})
    b = notebook(tmp_path / "b.ipynb", {"a_word": "fell", "claim3_verdict": "supported",
                                        "claim3_stability": 0.5, "claim3_fragile": "fragile",
                                        "claim4_stability": 0.5, "x": 9.0})
    found = [c.key for c in changes.compare(a, b) if c.changed]
    assert found[0] == "claim3_verdict" and set(found[1:3]) == {"claim3_stability", "claim3_fragile"}
    text = changes.section(changes.compare(a, b), {"p": 1}, {"p": 2})
    assert "The stability of 1 verdict across its declared alternatives changed" in text
    assert "changed stability ⚑" in text


def test_exhibit_data_is_compared_as_an_exhibit(tmp_path: Path) -> None:
    a = notebook(tmp_path / "a.ipynb", {"chart__data": "x,y\n1,2\n"})
    b = notebook(tmp_path / "b.ipynb", {"chart__data": "x,y\n1,3\n"})
    change = changes.compare(a, b)[0]
    assert change.kind == "exhibit" and change.changed
    assert changes.changed_rows([change]) == []
