"""What the book concludes about the paper as a whole, in three sentences that follow the verdicts.

The Findings page opens with these sentences (written at build time from the glued verdicts of the
executed chapters), so that a rerun or a changed rule changes the bottom line too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from chipshock.claims.ledger import (
    CONTRADICTED,
    INCONCLUSIVE,
    NOT_SUPPORTED,
    PARTLY,
    SUPPORTED,
    UNTESTABLE,
    VERDICTS,
)

CAUSAL = 3
"""The paper's central causal claim: China-linked developers moved more than U.S. developers."""


@dataclass(frozen=True)
class Judged:
    """A claim's verdict as the Findings page reads it back from the chapter's glued values."""

    word: str
    alternatives: int
    stability: float
    fragile: bool


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _claims(numbers: list[int]) -> str:
    return ("claim " if len(numbers) == 1 else "claims ") + _join([str(n) for n in numbers])


def tally(judged: Mapping[int, Judged]) -> str:
    """'The book judges the paper's 8 claims on public data: 2 supported, 1 partly supported, ...'"""
    parts = []
    for word in VERDICTS:
        n = sum(j.word == word for j in judged.values())
        if n:
            parts.append(f"{n} {'not testable' if word == UNTESTABLE else word}")
    return f"The book judges the paper's {len(judged)} claims on public data: {_join(parts)}."


def causal_sentence(judged: Mapping[int, Judged]) -> str:
    """What the book says of the central causal claim, with its stability."""
    j = judged.get(CAUSAL)
    if j is None:
        return "The central causal claim (claim 3) was not judged in this build."
    head = (f"The central causal claim, that China-linked developers engaged more with open LLM "
            f"repositories than U.S. developers after the export controls (claim {CAUSAL}), is {j.word}")
    if j.word == UNTESTABLE or j.alternatives == 0:
        return head + "."
    kept = round(j.stability * j.alternatives)
    hold = f"{kept} of its {j.alternatives} declared alternatives give the same verdict"
    meaning = {
        SUPPORTED: "the data back it", PARTLY: "the data back part of it",
        INCONCLUSIVE: "the data can neither confirm it nor rule out an effect of the size that matters",
        NOT_SUPPORTED: "the data rule out an effect of the size that matters",
        CONTRADICTED: "the data point the other way",
    }[j.word]
    return f"{head}: {meaning}; {hold}{', so the verdict is fragile' if j.fragile else ''}."


def holds_sentence(judged: Mapping[int, Judged]) -> str:
    """Which verdicts of support hold across their alternatives, and which are fragile."""
    backed = [n for n, j in sorted(judged.items()) if j.word in (SUPPORTED, PARTLY)]
    steady = [n for n in backed if judged[n].alternatives and not judged[n].fragile]
    unchecked = [n for n in backed if not judged[n].alternatives]
    fragile = [n for n, j in sorted(judged.items()) if j.fragile and j.word != UNTESTABLE]
    if not backed:
        first = "No claim is supported, even in part"
    elif steady:
        first = ("Support that holds under at least two thirds of the declared alternatives, and survives "
                 f"one observation more or fewer, is found for {_claims(steady)}")
    elif unchecked and not fragile:
        first = f"Support is found for {_claims(backed)}, but no alternative was computed for it"
    else:
        first = f"Support is found only for {_claims(backed)}, and none of it holds across its alternatives"
    if unchecked and steady:
        first += f" (no alternative was computed for {_claims(unchecked)})"
    if fragile:
        tail = f"; the verdicts on {_claims(fragile)} change with a defensible choice"
    elif any(j.alternatives for j in judged.values()):
        tail = "; no verdict changes with a declared defensible choice"
    else:
        tail = ""
    return first + tail + "."


def bottom_line(judged: Mapping[int, Judged]) -> str:
    """Three sentences: the tally, the central causal claim, what holds."""
    return " ".join([tally(judged), causal_sentence(judged), holds_sentence(judged)])
