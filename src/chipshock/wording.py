"""Every word a result decides: direction, comparison, significance, interval, change, trend, count.

One module so that the same case always reads the same way, on every page, and each function is
tested over its sign and significance cases (tests/test_wording.py). The significance level is
`ALPHA` (one place); interval levels are `confidence=` (0.95), never "level".
"""

from __future__ import annotations

import math

from chipshock.numbers import interval as interval_text
from chipshock.numbers import number, p_value

ALPHA = 0.05
"""The book's significance level, for every test and every rule."""
CONFIDENCE = 0.95
"""The level of every interval the book shows."""


def is_significant(p: float | None, alpha: float = ALPHA) -> bool:
    """p below alpha; a missing or NaN p is never significant."""
    return p is not None and not math.isnan(float(p)) and float(p) < alpha


def level_words(alpha: float = ALPHA) -> str:
    """'at the 5% level'."""
    return f"at the {alpha:.0%} level"


def significance(p: float | None, alpha: float = ALPHA) -> str:
    """'statistically significant' or 'not statistically significant'."""
    return "statistically significant" if is_significant(p, alpha) else "not statistically significant"


def direction(x: float, up: str = "rose", down: str = "fell", flat: str = "did not change") -> str:
    """The direction of a change: `up` above zero, `down` below, `flat` at zero or NaN."""
    if x is None or math.isnan(float(x)) or x == 0:
        return flat
    return up if x > 0 else down


def compare(a: float, b: float, more: str = "more than", less: str = "less than",
            same: str = "as much as") -> str:
    """How a compares with b, as a phrase that reads before b ('more than', 'less than', ...)."""
    return more if a > b else less if a < b else same


def tested_change(diff: float, p: float | None, up: str = "rose", down: str = "fell",
                  unclear: str = "did not change significantly", alpha: float = ALPHA) -> str:
    """A tested change: `up`/`down` only when significant, otherwise `unclear`."""
    if not is_significant(p, alpha) or diff == 0:
        return unclear
    return up if diff > 0 else down


def change(before: float | None, after: float | None, p: float | None, alpha: float = ALPHA) -> str:
    """How a measure moved between two sides: 'rose significantly', 'fell, not significantly',
    'did not change', or 'cannot be compared (no documents on one side)' when a side is missing."""
    if any(x is None or math.isnan(float(x)) for x in (before, after)):
        return "cannot be compared (nothing on one side)"
    if after == before:
        return "did not change"
    word = "rose" if after > before else "fell"  # type: ignore[operator]
    return f"{word} significantly" if is_significant(p, alpha) else f"{word}, not significantly"


def relative_change(a: float, b: float) -> str:
    """How change `a` compares with change `b`, right for every pair of signs: 'rose more than',
    'fell less than', 'rose, while ... fell', ... (two declines are never 'the larger rise')."""
    if a > 0 and b > 0:
        return "rose more than" if a > b else "rose less than" if a < b else "rose as much as"
    if a < 0 and b < 0:
        return "fell less than" if a > b else "fell more than" if a < b else "fell as much as"
    if a > 0 >= b:
        return "rose, while" if b < 0 else "rose, while unchanged were"
    if a < 0 <= b:
        return "fell, while" if b > 0 else "fell, while unchanged were"
    return "did not change, unlike" if b != 0 else "did not change, like"


def relative_change_sentence(a_label: str, a: float, b_label: str, b: float) -> str:
    """'China-linked commits fell less than U.S. ones' and the like, right for every sign."""
    words = relative_change(a, b)
    if words.endswith("while"):
        return f"{a_label} {words.removesuffix(', while')}, while {b_label} {direction(b)}"
    if words.endswith("were"):
        return f"{a_label} {words.removesuffix(', while unchanged were')}, while {b_label} did not change"
    return f"{a_label} {words} {b_label}"


def trend(ci_low: float, ci_high: float, up: str = "rose", down: str = "fell",
          flat: str = "showed no clear trend") -> str:
    """A trend word from the slope's interval: `up`/`down` only when the interval excludes zero."""
    if ci_low > 0:
        return up
    if ci_high < 0:
        return down
    return flat


def estimate(coef: float, low: float, high: float, p: float | None = None, digits: int = 3,
             confidence: float = CONFIDENCE) -> str:
    """'1.244 (95% interval −0.877 to 3.364, p = 0.250)'."""
    inside = interval_text(low, high, digits, confidence)
    if p is not None:
        inside += ", " + p_value(p)
    return f"{number(coef, digits)} ({inside})"


def count_of(k: int, n: int, noun: str, plural: str | None = None,
             verb: tuple[str, str] | None = None) -> str:
    """'none of the 3 shocks is', '1 of the 3 shocks is', '2 of the 3 shocks are', 'all 3 shocks
    are', 'both shocks are', 'the only shock is', 'no shock is'.

    `verb` is (singular, plural), e.g. ("is", "are"); its agreement follows the subject."""
    plural = plural or noun + "s"
    if n == 1:
        head = f"the only {noun}" if k == 1 else f"no {noun}"
    elif k == 0:
        head = f"none of the {n} {plural}"
    elif k == n:
        head = f"both {plural}" if n == 2 else f"all {n} {plural}"
    else:
        head = f"{k} of the {n} {plural}"
    if verb is None:
        return head
    singular_subject = n == 1 or (k in (0, 1) and k != n)
    return f"{head} {verb[0] if singular_subject else verb[1]}"


def plural(n: int, noun: str, many: str | None = None) -> str:
    """'1 paper', '12 papers' (thousands separated)."""
    return f"{n:,} {noun if n == 1 else (many or noun + 's')}"


# --- primer

def covers(low: float, high: float, value: float, yes: str = "contains", no: str = "misses") -> str:
    """Whether the interval [low, high] holds `value` (its ends included): `yes` or `no`."""
    return yes if low <= value <= high else no


def rejects(p: float | None, alpha: float = ALPHA) -> str:
    """'rejects' when the test's p is below alpha, else 'does not reject' (a missing p never rejects)."""
    return "rejects" if is_significant(p, alpha) else "does not reject"


# --- policy

def in_line(change_words: str) -> str:
    """What a tested change (the words of `change`) says about a claimed rise: only a significant rise is
    'in line with the claim', only a significant fall 'against the claim'."""
    if change_words == "rose significantly":
        return "in line with the claim"
    if change_words == "fell significantly":
        return "against the claim"
    return "neither in line with the claim nor against it"


def agree(a: float, b: float, yes: str = "the two measures agree",
          no: str = "the two measures disagree") -> str:
    """Whether two counts (or values) agree: `yes` when equal, else `no`."""
    return yes if a == b else no
