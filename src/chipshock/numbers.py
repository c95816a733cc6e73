"""How the book writes a number, in prose and in tables alike.

One set of rules: a true minus sign (U+2212), commas between thousands, percentages for shares,
p-values as 0.003 or <0.001, and an en dash for a missing value. `number`, `percent` and `p_value`
return plain text (no HTML), so a glued word, a table cell and a chart label read the same.
Light: imports nothing heavier than the standard library.
"""

from __future__ import annotations

import math
import re
from typing import Any

MINUS = "\u2212"  # −, the minus sign (a hyphen-minus "-" is a hyphen)
NBSP = "\u00a0"  # no line break here: "p\u00a0<\u00a00.001"
NB_HYPHEN = "\u2011"  # a hyphen the line never breaks at: "4\u2011week"
MISSING = "–"  # en dash for NaN / None
TINY = 1e-3  # below this (and not 0) a significant-digits number reads 1.23 × 10⁻⁴
MAX_DECIMALS = 4  # never five or more decimals
_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
# A leading hyphen-minus before a digit or a decimal point (after an optional space or bracket).
_LEADING_HYPHEN = re.compile(r"(?<![\w.\-])-(?=[\d.])")


def is_missing(x: Any) -> bool:
    """True for None and NaN (float or numpy/pandas NA-likes that compare unequal to themselves)."""
    if x is None:
        return True
    try:
        return bool(x != x)
    except (TypeError, ValueError):
        return False


def minus(text: str) -> str:
    """`text` with every hyphen-minus that starts a number ("-0.8", "(-3", "to -1") as U+2212;
    hyphens inside words or ranges ("4-week", "2019-03") are left alone."""
    return _LEADING_HYPHEN.sub(MINUS, text)


def _sign(x: float, text: str, signed: bool) -> str:
    """`text` (the magnitude) with the sign of `x`: a minus below zero, a plus above it if `signed`.
    A value that rounds to zero carries no sign."""
    if set(text) <= set("0.,%"):
        return text
    if x < 0:
        return MINUS + text
    return ("+" + text) if signed and x > 0 else text


def number(x: Any, digits: int = 2, *, signed: bool = False, thousands: bool = True) -> str:
    """`x` with `digits` decimals: number(-0.8771, 3) == "−0.877", number(2592, 0) == "2,592",
    number(0.5, 1, signed=True) == "+0.5". Missing values read as an en dash."""
    if is_missing(x):
        return MISSING
    x = float(x)
    if math.isinf(x):
        return MINUS + "∞" if x < 0 else "∞"
    text = f"{abs(x):{',' if thousands else ''}.{digits}f}"
    return _sign(x, text, signed)


def integer(x: Any, *, signed: bool = False, thousands: bool = True) -> str:
    """`x` rounded to a whole number, commas between thousands: integer(5184) == "5,184"."""
    return number(x, 0, signed=signed, thousands=thousands)


def significant(x: Any, digits: int = 3, *, signed: bool = False) -> str:
    """`x` to `digits` significant digits, never more than four decimals; below 0.001 it reads
    1.23 × 10⁻⁴. significant(1.2437) == "1.24", significant(1234.5) == "1,230",
    significant(-0.00012345) == "−1.23 × 10⁻⁴"; zero reads "0.00"."""
    if is_missing(x):
        return MISSING
    x = float(x)
    if x == 0 or math.isinf(x):
        return number(x, digits - 1)
    size = abs(x)
    if size < TINY:
        return _sign(x, _scientific(size, digits), signed)
    magnitude = math.floor(math.log10(float(f"{size:.{digits - 1}e}")))
    if magnitude >= digits - 1:
        return number(math.copysign(round(size, digits - 1 - magnitude), x), 0, signed=signed)
    return number(x, min(digits - 1 - magnitude, MAX_DECIMALS), signed=signed)


def _scientific(size: float, digits: int) -> str:
    exponent = math.floor(math.log10(size))
    mantissa = size / 10.0 ** exponent
    if round(mantissa, digits - 1) >= 10:
        mantissa, exponent = mantissa / 10, exponent + 1
    return f"{mantissa:.{digits - 1}f} × 10{str(exponent).translate(_SUPERSCRIPT)}"


def percent(x: Any, digits: int = 1, *, signed: bool = False, share: bool = True) -> str:
    """A share as a percentage: percent(0.0116) == "1.2%"; `share=False` when `x` is already in
    percent (percent(1.16, share=False) == "1.2%"). `signed` for changes: "+3.0%"."""
    if is_missing(x):
        return MISSING
    value = float(x) * (100 if share else 1)
    return number(value, digits, signed=signed) + "%"


def points(x: Any, digits: int = 1, *, signed: bool = True) -> str:
    """A difference of two shares in percentage points: points(0.031) == "+3.1\u00a0percentage points"."""
    if is_missing(x):
        return MISSING
    return number(float(x) * 100, digits, signed=signed) + NBSP + "percentage points"


def p_value(p: Any, digits: int = 3, *, relation: bool = False) -> str:
    """A p-value: p_value(0.0312) == "0.031", p_value(0.0004) == "<0.001". With `relation` it
    reads as the right side of "p = …": "=\u00a00.031" or "<\u00a00.001" (no break after the sign)."""
    if is_missing(p):
        return MISSING
    p = float(p)
    if not 0 <= p <= 1:
        raise ValueError(f"a p-value lies between 0 and 1, got {p!r}")
    floor = 10.0 ** -digits
    if p < floor:
        return f"<{NBSP}{floor:.{digits}f}" if relation else f"<{floor:.{digits}f}"
    text = f"{p:.{digits}f}"
    return f"={NBSP}{text}" if relation else text


def no_break(text: str) -> str:
    """`text` with its hyphens non-breaking and its spaces non-breaking, for short phrases that
    must not split across lines ("4-week", "p-value")."""
    return text.replace("-", NB_HYPHEN).replace(" ", NBSP)


def format_spec(x: Any, spec: str) -> str:
    """`x` formatted with a Python format spec (what `{glue:text}` takes, e.g. ".3f", ",d", ".1%"),
    with a true minus sign. Non-numbers format as `str.format` would."""
    if isinstance(x, bool) or (not isinstance(x, (int, float)) and not hasattr(x, "__float__")):
        return format(x, spec)
    return minus(format(x, spec))
