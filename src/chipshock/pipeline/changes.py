"""What a run glued, and what changed between two runs of a chapter (numbers and words).

A rerun's "What changed from the default run" section, `changes.csv`, and the layout check that
a refactor left every glued value of the default book identical all read executed notebooks here.
"""

from __future__ import annotations

import ast
import csv
import hashlib
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

RANDOM_IDS = re.compile(r"altair-viz-[0-9a-f]+")
"""altair gives every rendered chart a random element id; it says nothing about the chart."""
WORD_LIMIT = 80
"""A glued string up to this many characters counts as a word (a direction, a verdict); longer
strings are sentences or HTML, compared by content only."""


@dataclass(frozen=True)
class Change:
    """One glued key compared between the default run and this run."""

    key: str
    kind: str  # "word", "number", "text" or "exhibit" (a table or chart, compared by content)
    default: Any
    this_run: Any

    @property
    def changed(self) -> bool:
        if self.kind == "number" and _is_number(self.default) and _is_number(self.this_run):
            a, b = float(self.default), float(self.this_run)
            return not (a == b or (math.isnan(a) and math.isnan(b)))
        return self.default != self.this_run

    @property
    def difference(self) -> float | None:
        if self.kind == "number" and _is_number(self.default) and _is_number(self.this_run):
            return float(self.this_run) - float(self.default)
        return None

    @property
    def relative(self) -> float | None:
        """|difference| relative to |default| (inf when the default is zero), for ranking."""
        diff = self.difference
        if diff is None:
            return None
        base = abs(float(self.default))
        return abs(diff) / base if base else (math.inf if diff else 0.0)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _plain(output: dict[str, Any]) -> tuple[str, Any]:
    data = output.get("data", {})
    if "text/html" in data or any(k.startswith("application/vnd.vega") for k in data):
        blob = RANDOM_IDS.sub("altair-viz", json.dumps(data, sort_keys=True)).encode()
        return "exhibit", hashlib.sha256(blob).hexdigest()[:16]
    text = "".join(data.get("text/plain", ""))
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return "text", text
    if isinstance(value, bool):
        return "word", str(value)
    if _is_number(value):
        return "number", value
    if isinstance(value, str):
        return ("word" if len(value) <= WORD_LIMIT else "text"), value
    return "text", repr(value)


def glued_values(notebook: Path) -> dict[str, tuple[str, Any]]:
    """Every key an executed notebook glued: (kind, value); tables and charts as a content hash."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    out: dict[str, tuple[str, Any]] = {}
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []):
            meta = output.get("metadata", {}).get("scrapbook")
            if meta:
                out[meta["name"]] = _plain(output)
    return out


def compare(default: Path, this_run: Path) -> list[Change]:
    """Every glued key of either run, changed words first, then numbers by relative change."""
    a, b = glued_values(default), glued_values(this_run)
    changes = []
    for key in sorted(set(a) | set(b)):
        kind = (b.get(key) or a.get(key))[0]
        changes.append(Change(key, kind, a.get(key, (kind, None))[1], b.get(key, (kind, None))[1]))
    return sorted(changes, key=_importance)


def _importance(change: Change) -> tuple[int, float, str]:
    order = {"word": 0, "number": 1, "text": 2, "exhibit": 3}
    rel = change.relative
    return (0 if change.changed else 1, order[change.kind],
            -(rel if rel is not None and not math.isnan(rel) else 0.0), change.key)


def write_csv(changes: list[Change], path: Path) -> None:
    """All compared keys, changed first, as CSV (key, kind, default, this run, difference, changed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".csv.part")
    with open(tmp, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["key", "kind", "default", "this_run", "difference", "changed"])
        for c in changes:
            writer.writerow([c.key, c.kind, c.default, c.this_run,
                             "" if c.difference is None else c.difference, c.changed])
    tmp.replace(path)
