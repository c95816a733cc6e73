"""Section results: frozen, glued field by field, with keys known without executing a notebook."""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
import re
from pathlib import Path

import pandas as pd
import pytest

from chipshock import results as R
from chipshock.keys import claim_keys
from chipshock.tables import format_table

ROOT = Path(__file__).resolve().parents[1]


@dataclasses.dataclass(frozen=True)
class _Example(R.SectionResult):
    PREFIX = "ex_"
    n: int
    word: str
    table: object
    by_origin: dict = R.flat(["first_cn", "first_us"])
    frame: pd.DataFrame = R.internal(None)


def _example() -> _Example:
    t = format_table(pd.DataFrame({"a": [1, 2]}), id="t")
    return _Example(3, "rose", t, {"first_cn": "Qwen", "first_us": "Llama"})


def test_keys_are_known_statically_and_internal_fields_are_not_glued() -> None:
    assert _Example.glue_keys() == ["ex_n", "ex_word", "ex_table", "ex_first_cn", "ex_first_us"]
    values = _example().values()
    assert list(values) == _Example.glue_keys() and values["ex_first_cn"] == "Qwen"


def test_results_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        _example().n = 4  # type: ignore[misc]


def test_a_flat_field_must_hold_exactly_its_declared_keys() -> None:
    bad = _Example(3, "rose", None, {"first_cn": "Qwen"})
    with pytest.raises(ValueError, match="declared"):
        bad.values()


def test_glue_displays_exhibits_only(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []

    def record(key, value, display=False, data=None):
        calls.append((key, display))

    monkeypatch.setattr(R.gluing, "glue", record)
    _example().glue()
    assert dict(calls) == {"ex_n": False, "ex_word": False, "ex_table": True, "ex_first_cn": False,
                           "ex_first_us": False}
    with pytest.raises(ValueError, match="PREFIXES"):
        _example().glue("other_")


GLUE = re.compile(r"\{glue(?::\w+)?\}`(?:[^`]*?::)?([A-Za-z0-9_]+)")


def page_keys(chapter: str) -> set[str]:
    text = (ROOT / "book" / f"{chapter}.md").read_text(encoding="utf-8")
    return set(GLUE.findall(text))


CONVERTED: tuple[str, ...] = ("background", "policy", "primer", "developers", "robustness", "diffusion",
                             "research")
"""Chapters whose sections return SectionResults (each chapter helper adds its own)."""
PIPELINE_KEYS = {"params_table"}
"""Keys glued by the notebook's set-up rather than by a section result."""


@pytest.mark.parametrize("chapter", CONVERTED)
def test_every_glue_key_of_a_converted_page_is_a_field_of_some_result(chapter: str) -> None:
    package = importlib.import_module(f"chipshock.chapters.{chapter}")
    for module in pkgutil.iter_modules(package.__path__):  # sections may live beside analysis.py
        importlib.import_module(f"{package.__name__}.{module.name}")
    importlib.import_module("chipshock.claims")
    known = {k for cls in R.subclasses() for k in cls.glue_keys()} | PIPELINE_KEYS
    known |= {k for n in range(1, 9) for k in claim_keys(n).values()}
    missing = sorted(page_keys(chapter) - known)
    assert not missing, f"book/{chapter}.md glues keys no section result declares: {missing}"
