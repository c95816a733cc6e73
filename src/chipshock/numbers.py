"""One way to write a number, for prose and tables alike: true minus signs (U+2212), the same digits
for the same quantity, percentages where percent is meant, p-values as "p < 0.001" below the
smallest shown value."""

from __future__ import annotations

import math
import re

MINUS = "\u2212"
NBSP = "\u00a0"
MISSING = "n/a"


def _finite(x: float | int | None) -> bool:
    return x is not None and not (isinstance(x, float) and math.isnan(x)) and math.isfinite(float(x))


def number(x: float | int | None, digits: int = 3, signed: bool = False, thousands: bool = True) -> str:
    """`x` with `digits` decimals and a true minus; `signed` puts + before positive values."""
    if not _finite(x):
        return MISSING if x is None or math.isnan(float(x)) else (MINUS if float(x) < 0 else "") + "∞"
    spec = f"{'+' if signed else ''}{',' if thousands else ''}.{digits}f"
    text = format(float(x), spec)
    if float(text.replace(",", "").lstrip("+-")) == 0:
        text = text.lstrip("+-")  # a value that rounds to zero is written without a sign, never "−0.000"
    return text.replace("-", MINUS)


def integer(n: int | float) -> str:
    """A count with thousands separators."""
    return number(int(n), digits=0)


def percent(x: float | None, digits: int = 1, signed: bool = False) -> str:
    """A share (0.123) as a percentage ("12.3%")."""
    if not _finite(x):
        return MISSING
    return number(100 * float(x), digits, signed=signed) + "%"


def points(x: float | None, digits: int = 1, signed: bool = True) -> str:
    """A difference of two shares in percentage points ("+7.4 percentage points")."""
    if not _finite(x):
        return MISSING
    return number(100 * float(x), digits, signed=signed) + f"{NBSP}percentage points"


def p_value(p: float | None, digits: int = 3) -> str:
    """"p = 0.042" or "p < 0.001"; italic p is the page's business, the non-breaking space is ours."""
    if not _finite(p):
        return f"p{NBSP}={NBSP}{MISSING}"
    floor = 10.0 ** -digits
    if float(p) < floor:
        return f"p{NBSP}<{NBSP}{number(floor, digits)}"
    return f"p{NBSP}={NBSP}{number(float(p), digits)}"


def interval(low: float, high: float, digits: int = 3, confidence: float = 0.95) -> str:
    """"95% interval −0.877 to 3.364"."""
    return f"{confidence:.0%} interval {number(low, digits)} to {number(high, digits)}"


# ------------------------------------------------------- tables, glued text and the book's extension
# (issue 30: tables.format_table formats its cells with these; the book's Sphinx extension rewrites
# glued text with `minus` and `NB_HYPHEN`)

NB_HYPHEN = "\u2011"  # a hyphen the line never breaks at: "4\u2011week", "p\u2011value"
TINY = 1e-3  # below this (and not 0) a significant-digits number reads 1.23 × 10⁻⁴
MAX_DECIMALS = 4  # never five or more decimals
_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
# A hyphen-minus that starts a number (after a space, a bracket or the text's start), not one
# inside a word, a date or a range ("4-week", "2019-03-01", "a-1").
_LEADING_HYPHEN = re.compile(r"(?<![\w.\-])-(?=\.?\d)")


def is_missing(x: object) -> bool:
    """True for None and NaN (and NA-likes that compare unequal to themselves)."""
    if x is None:
        return True
    try:
        return bool(x != x)
    except (TypeError, ValueError):
        return False


def minus(text: str) -> str:
    """`text` with every hyphen-minus that starts a number ("-0.8", "(-3", "to -1") as U+2212."""
    return _LEADING_HYPHEN.sub(MINUS, text)


def format_spec(x: object, spec: str) -> str:
    """`x` formatted with a Python format spec (what `{glue:text}` takes: ".3f", ",d", ".1%"),
    with a true minus sign; text is formatted as it is."""
    if isinstance(x, (int, float)) and not isinstance(x, bool):
        return minus(format(x, spec))
    return format(x, spec)


def _scientific(size: float, digits: int) -> str:
    exponent = math.floor(math.log10(size))
    mantissa = size / 10.0 ** exponent
    if round(mantissa, digits - 1) >= 10:
        mantissa, exponent = mantissa / 10, exponent + 1
    return f"{mantissa:.{digits - 1}f} × 10{str(exponent).translate(_SUPERSCRIPT)}"


def significant(x: float | None, digits: int = 3, signed: bool = False) -> str:
    """`x` to `digits` significant digits, never more than four decimals; below 0.001 it reads
    1.23 × 10⁻⁴. significant(1.2437) == "1.24", significant(1234.5) == "1,230",
    significant(-0.00012345) == "−1.23 × 10⁻⁴"; zero reads "0.00"."""
    if not _finite(x):
        return number(x)
    value = float(x)
    size = abs(value)
    if size == 0:
        return number(0.0, digits - 1)
    if size < TINY:
        sign = MINUS if value < 0 else ("+" if signed else "")
        return sign + _scientific(size, digits)
    magnitude = math.floor(math.log10(float(f"{size:.{digits - 1}e}")))
    if magnitude >= digits - 1:
        return number(math.copysign(round(size, digits - 1 - magnitude), value), 0, signed=signed)
    return number(value, min(digits - 1 - magnitude, MAX_DECIMALS), signed=signed)


def p_cell(p: float | None, digits: int = 3) -> str:
    """A p-value in a table cell, under a "p-value" header: "0.031" or "<0.001"."""
    if not _finite(p):
        return MISSING
    floor = 10.0 ** -digits
    return f"<{number(floor, digits)}" if float(p) < floor else number(float(p), digits)


def no_break(text: str) -> str:
    """`text` with non-breaking hyphens and spaces, for short phrases that must not split."""
    return text.replace("-", NB_HYPHEN).replace(" ", NBSP)
