"""Glue-key conventions shared by the notebooks' side (gluing) and the book's side (pipeline)."""

from __future__ import annotations

DATA_SUFFIX = "__data"
"""The glue key of an exhibit's data: `<key>__data`, a CSV string."""
TAKEAWAY_SUFFIX = "_takeaway"
"""The glue key of a figure's one-sentence takeaway: `<key>_takeaway`."""


def claim_keys(number: int) -> dict[str, str]:
    """The glue keys of claim `number`'s verdict across its declared alternatives."""
    parts = ("verdict", "evidence", "caveat", "why", "alternatives", "stability", "flips", "fragile",
             "holds")
    return {part: f"claim{number}_{part}" for part in parts}
