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

from chipshock.keys import DATA_SUFFIX

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
    meta = output.get("metadata", {}).get("scrapbook", {})
    prefix = meta.get("mime_prefix", "")
    data = {k.removeprefix(prefix): v for k, v in output.get("data", {}).items()}
    if str(meta.get("name", "")).endswith(DATA_SUFFIX):
        return "exhibit", hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]
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


VERDICT_KEY = re.compile(r"^claim\d+_verdict$")
STABILITY_KEY = re.compile(r"^claim\d+_(stability|fragile|alternatives)$")


def is_verdict(key: str) -> bool:
    return bool(VERDICT_KEY.match(key))


def is_stability(key: str) -> bool:
    """A verdict's stability across its declared alternatives (listed right after the verdicts)."""
    return bool(STABILITY_KEY.match(key))


def _importance(change: Change) -> tuple[int, int, float, str]:
    order = {"word": 2, "number": 3, "text": 4, "exhibit": 5}
    rel = change.relative
    rank = 0 if is_verdict(change.key) else 1 if is_stability(change.key) else order[change.kind]
    return (0 if change.changed else 1, rank,
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


SECTION_TITLE = "What changed from the default run"


def _shown(value: Any) -> str:
    if value is None:
        return "–"
    if _is_number(value):
        if isinstance(value, int):
            return f"{value:,d}".replace("-", "−")
        if math.isnan(value):
            return "–"
        return f"{value:,.3g}".replace("-", "−") if abs(value) >= 1e-3 or value == 0 else f"{value:.2e}"
    return str(value)


def _label(key: str) -> str:
    from chipshock.tables import humanise

    return humanise(key)


def sections_of_keys(page_text: str) -> dict[str, str]:
    """For each glue key a page uses, the title of the section where it first appears."""
    where: dict[str, str] = {}
    heading = ""
    for line in page_text.splitlines():
        if match := re.match(r"^#{1,4}\s+(.+?)\s*$", line):
            heading = match.group(1)
        for key in re.findall(r"::(\w+)(?::[^`]*)?`", line) + re.findall(r"^```\{glue\}\s+(\w+)", line):
            where.setdefault(key, heading)
    return where


def changed_rows(found: list[Change], where: dict[str, str] | None = None) -> list[dict[str, str]]:
    """The changed words and numbers, most important first, as rows for the page's table."""
    rows = []
    for c in found:
        if not c.changed or c.kind not in ("word", "number"):
            continue
        diff = c.difference
        rows.append({
            "What": _label(c.key),
            "Where on the page": (where or {}).get(c.key, "computation only"),
            "Kind": ("changed verdict ⚑" if is_verdict(c.key) else
                     "changed stability ⚑" if is_stability(c.key) else
                     "changed word ⚑" if c.kind == "word" else "number"),
            "Default run": _shown(c.default),
            "This run": _shown(c.this_run),
            "Difference": "–" if diff is None else _shown(diff),
            "Glue key": c.key,
        })
    return rows


def _parameter_lines(defaults: dict[str, Any], plain: dict[str, Any]) -> list[str]:
    lines = []
    for name, value in plain.items():
        if defaults.get(name) != value:
            lines.append(f"- `{name}`: {_shown_param(defaults.get(name))} → {_shown_param(value)}")
    return lines


def _shown_param(value: Any) -> str:
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


def section(found: list[Change], defaults: dict[str, Any], plain: dict[str, Any],
            where: dict[str, str] | None = None) -> str:
    """The Markdown of the "What changed from the default run" section of a variant page."""
    from chipshock.tables import format_table

    params = _parameter_lines(defaults, plain)
    if not params:
        return (f"## {SECTION_TITLE}\n\nThis run uses the chapter's default parameters: nothing "
                "changed from the default run (the full comparison is in "
                "{download}`changes.csv <../changes.csv>`).\n\n")
    rows = changed_rows(found, where)
    words = sum(r["Kind"].startswith("changed") for r in rows)
    verdicts = sum(r["Kind"].startswith("changed verdict") for r in rows)
    stabilities = len({r["Glue key"].split("_")[0] for r in rows
                       if r["Kind"].startswith("changed stability")})
    numbers = len(rows) - words
    exhibits = sum(c.changed for c in found if c.kind in ("exhibit", "text"))
    same = sum(not c.changed for c in found)
    head = (f"## {SECTION_TITLE}\n\nThis run changes {len(params)} parameter"
            f"{'s' if len(params) != 1 else ''} of the default run:\n\n" + "\n".join(params) + "\n\n"
            + (f"**{verdicts} verdict{'s' if verdicts != 1 else ''} on the paper's claims changed** "
               "(listed first). " if verdicts else "")
            + (f"**The stability of {stabilities} verdict{'s' if stabilities != 1 else ''} across "
               "its declared alternatives changed** (listed next). " if stabilities else "") +
            f"Of the chapter's glued results, {words} word{'s' if words != 1 else ''} (directions, "
            f"significance, verdicts; marked ⚑ and listed first) and {numbers} number"
            f"{'s' if numbers != 1 else ''} changed; {exhibits} table{'s' if exhibits != 1 else ''}, "
            f"chart{'s' if exhibits != 1 else ''} or sentence{'s' if exhibits != 1 else ''} differ; "
            f"{same} glued value{'s are' if same != 1 else ' is'} the same. Every key is in "
            "{download}`changes.csv <../changes.csv>`.\n\n")
    if not rows:
        return head
    import pandas as pd

    table = format_table(pd.DataFrame(rows), id="what-changed").html
    return head + "```{raw} html\n" + table + "\n```\n\n"


def add_section(page: Path, found: list[Change], defaults: dict[str, Any], plain: dict[str, Any]) -> None:
    """Insert the section after the page's title (the first level-1 heading)."""
    text = page.read_text(encoding="utf-8")
    match = re.search(r"^# .*$", text, re.M)
    at = match.end() + 1 if match else 0
    block = section(found, defaults, plain, sections_of_keys(text))
    page.write_text(text[:at] + "\n" + block + text[at:], encoding="utf-8")


def summary_lines(found: list[Change], most: int = 10) -> list[str]:
    """The most important changes, for the terminal."""
    rows = changed_rows(found)
    if not rows:
        return ["no glued word or number changed from the default run"]
    lines = [f"{len(rows)} glued words and numbers changed from the default run; "
             f"the first {min(most, len(rows))}:"]
    for r in rows[:most]:
        flag = "⚑ " if r["Kind"].startswith("changed") else "  "
        lines.append(f"  {flag}{r['Glue key']}: {r['Default run']} → {r['This run']}")
    return lines
