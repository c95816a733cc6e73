"""The ledger's vocabulary: claims, verdicts, declared alternatives, and a verdict's stability.

A claim declares its primary specification and a short list of defensible alternatives, each with
a one-line reason, before any number is seen. The chapter computes the claim's rule under the
primary specification and under every declared alternative, and `judge` turns the verdicts into a
`Judgement`: the primary verdict, how many alternatives were computed, the share of them that give
the primary verdict (its stability) and the alternatives that give another verdict (its flips).
A verdict whose stability is below `FRAGILE_BELOW`, or that flips when one observation is added or
removed, is fragile.

Verdict words: a change that is not significant never counts as support. *Inconclusive*: not
significant, and the data cannot rule out an effect of the size that matters; *not supported*: the
data rule out such an effect (an equivalence test against the claim's declared smallest effect of
interest).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from chipshock.keys import claim_keys
from chipshock.numbers import p_value, percent
from chipshock.wording import ALPHA, is_significant

SUPPORTED = "supported"
PARTLY = "partly supported"
INCONCLUSIVE = "inconclusive"
NOT_SUPPORTED = "not supported"
CONTRADICTED = "contradicted"
UNTESTABLE = "not testable with public data"
VERDICTS = (SUPPORTED, PARTLY, INCONCLUSIVE, NOT_SUPPORTED, CONTRADICTED, UNTESTABLE)
SYMBOLS = {SUPPORTED: "✔", PARTLY: "◐", INCONCLUSIVE: "?", NOT_SUPPORTED: "✘", CONTRADICTED: "⊗",
           UNTESTABLE: "∅"}
CSS_CLASS = {SUPPORTED: "supported", PARTLY: "partly", INCONCLUSIVE: "inconclusive",
             NOT_SUPPORTED: "not-supported", CONTRADICTED: "contradicted", UNTESTABLE: "untestable"}
FRAGILE_BELOW = 2 / 3
"""A verdict that fewer than two thirds of the declared alternatives reproduce is fragile."""


@dataclass(frozen=True)
class Alternative:
    """A defensible alternative to a claim's primary specification, declared in advance."""

    name: str  # short, as shown in a table: "pool without pre-trend failures"
    reason: str  # one line: why a careful analyst could choose it
    one_observation: bool = False  # the primary data with one observation more or fewer


@dataclass(frozen=True)
class Claim:
    """One of the paper's claims (paraphrased) and where and how the book tests it."""

    number: int
    words: str
    chapter: str
    section: str  # the label of the section that tests it
    rule: str
    would_test: str = ""  # the data that would test it, when public data cannot
    primary: str = ""  # the primary specification, in words
    smallest_effect: str = ""  # the smallest effect of interest, with its reason
    alternatives: tuple[Alternative, ...] = field(default=())
    short: str = ""  # the claim in at most 15 words, for the summary table


@dataclass(frozen=True)
class Verdict:
    word: str
    evidence: str
    caveat: str
    why: str = ""  # one plain sentence for the summary table; the evidence's first sentence if empty

    def why_text(self) -> str:
        """`why`, else the evidence's first sentence (a full stop after a lower-case letter, a digit,
        % or a bracket, before a capital: "U.S. documents" does not end a sentence)."""
        if self.why:
            return self.why
        return re.split(r"(?<=[a-z0-9%)])\. (?=[A-Z])", self.evidence)[0].rstrip(".") + "."

    def __post_init__(self) -> None:
        if self.word not in VERDICTS:
            raise ValueError(f"unknown verdict {self.word!r}")


@dataclass(frozen=True)
class Judgement:
    """A claim's primary verdict and its verdicts under the declared alternatives."""

    number: int
    primary: Verdict
    under: Mapping[str, Verdict]
    one_observation: frozenset[str] = frozenset()

    @property
    def alternatives(self) -> int:
        return len(self.under)

    @property
    def stability(self) -> float:
        """Share of the alternatives that give the primary verdict (1.0 when none is declared)."""
        if not self.under:
            return 1.0
        return sum(v.word == self.primary.word for v in self.under.values()) / len(self.under)

    @property
    def flipping(self) -> dict[str, str]:
        return {name: v.word for name, v in self.under.items() if v.word != self.primary.word}

    @property
    def fragile(self) -> bool:
        return self.stability < FRAGILE_BELOW or bool(set(self.flipping) & self.one_observation)

    def flips_text(self) -> str:
        """'none' or 'pool without 2023-10-17: partly supported; Europe as control: inconclusive'."""
        if not self.flipping:
            return "none"
        return "; ".join(f"{name}: {word}" for name, word in self.flipping.items())

    def holds_text(self) -> str:
        """The stability in words, for the verdict box: '5 of its 6 declared alternatives give the
        same verdict (stable); it changes under: none'."""
        if not self.under:
            return "no alternative is declared for this verdict"
        kept = sum(v.word == self.primary.word for v in self.under.values())
        state = "fragile" if self.fragile else "stable"
        return (f"{kept} of its {self.alternatives} declared alternatives give the same verdict ({state}); "
                f"it changes under: {self.flips_text()}")

    def glue_values(self) -> dict[str, object]:
        keys = claim_keys(self.number)
        return {keys["verdict"]: self.primary.word, keys["evidence"]: self.primary.evidence,
                keys["caveat"]: self.primary.caveat, keys["why"]: self.primary.why_text(),
                keys["alternatives"]: self.alternatives,
                keys["stability"]: self.stability, keys["flips"]: self.flips_text(),
                keys["fragile"]: self.fragility(), keys["holds"]: self.holds_text()}

    def fragility(self) -> str:
        """'fragile', 'stable', or 'not checked' when no alternative is declared."""
        return "not checked" if not self.under else "fragile" if self.fragile else "stable"


def judge(claim: Claim, primary: Verdict, under: Mapping[str, Verdict]) -> Judgement:
    """The judgement of `claim`; `under` must hold exactly the claim's declared alternatives."""
    declared = [a.name for a in claim.alternatives]
    if sorted(under) != sorted(declared):
        missing, extra = sorted(set(declared) - set(under)), sorted(set(under) - set(declared))
        raise ValueError(f"claim {claim.number}: alternatives computed do not match those declared "
                         f"(missing {missing}, not declared {extra})")
    ordered = {name: under[name] for name in declared}
    one = frozenset(a.name for a in claim.alternatives if a.one_observation)
    return Judgement(claim.number, primary, ordered, one)


def significant(p: float) -> bool:
    return is_significant(p, ALPHA)


def pct_text(x: float) -> str:
    return percent(x, 1)


def p_text(p: float) -> str:
    return p_value(p).replace("\u00a0", " ")

