"""One way to write a number, for prose and tables alike: true minus signs (U+2212), the same digits
for the same quantity, percentages where percent is meant, p-values as "p < 0.001" below the
smallest shown value."""

from __future__ import annotations

import math

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
