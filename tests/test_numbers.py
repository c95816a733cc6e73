"""The one number formatter: true minus signs, commas, percentages, p-values."""

from __future__ import annotations

import math

import pytest

from chipshock import numbers as nb
from chipshock.numbers import MINUS, NBSP


@pytest.mark.parametrize(("x", "digits", "signed", "want"), [
    (-0.8771, 3, False, f"{MINUS}0.877"),
    (1.2437, 3, False, "1.244"),
    (2592, 0, False, "2,592"),
    (0.5, 1, True, "+0.5"),
    (-0.5, 1, True, f"{MINUS}0.5"),
    (-0.0004, 2, True, "0.00"),  # rounds to zero: no sign
    (0, 2, True, "0.00"),
    (float("nan"), 2, False, "–"),
    (None, 2, False, "–"),
    (-math.inf, 2, False, f"{MINUS}∞"),
])
def test_number(x: float, digits: int, signed: bool, want: str) -> None:
    assert nb.number(x, digits, signed=signed) == want


@pytest.mark.parametrize(("x", "want"), [
    (1.2437, "1.24"), (-12.437, f"{MINUS}12.4"), (1234.5, "1,230"), (12345678.9, "12,300,000"),
    (0.0123456, "0.0123"),
    (0.00123456, "0.0012"), (-0.00012345, f"{MINUS}1.23 × 10⁻⁴"), (0.000999999, "1.00 × 10⁻³"),
    (0.0, "0.00"), (9.999, "10.0"), (-2941.3, f"{MINUS}2,940"),
])
def test_significant(x: float, want: str) -> None:
    assert nb.significant(x) == want


def test_percent_and_points() -> None:
    assert nb.percent(0.0116) == "1.2%"
    assert nb.percent(0.0115, 2) == "1.15%"
    assert nb.percent(-0.03, signed=True) == f"{MINUS}3.0%"
    assert nb.percent(0.03, signed=True) == "+3.0%"
    assert nb.percent(1.16, share=False) == "1.2%"
    assert nb.points(-0.031) == f"{MINUS}3.1{NBSP}percentage points"


def test_p_value() -> None:
    assert nb.p_value(0.0312) == "0.031"
    assert nb.p_value(0.0004) == "<0.001"
    assert nb.p_value(0.0004, relation=True) == f"<{NBSP}0.001"
    assert nb.p_value(0.2, relation=True) == f"={NBSP}0.200"
    assert nb.p_value(float("nan")) == "–"
    with pytest.raises(ValueError, match="between 0 and 1"):
        nb.p_value(1.5)


def test_minus_fixes_numbers_not_hyphens() -> None:
    assert nb.minus("1.244 (95% interval -0.877 to 3.364)") == f"1.244 (95% interval {MINUS}0.877 to 3.364)"
    assert nb.minus("-3") == f"{MINUS}3"
    assert nb.minus("(-.5)") == f"({MINUS}.5)"
    for text in ("4-week", "2019-03-01", "Ex-ante", "a-1", "x--1"):
        assert nb.minus(text) == text


def test_format_spec_uses_the_minus_sign() -> None:
    assert nb.format_spec(-0.8771, ".3f") == f"{MINUS}0.877"
    assert nb.format_spec(-1234, ",d") == f"{MINUS}1,234"
    assert nb.format_spec(-0.25, ".1%") == f"{MINUS}25.0%"
    assert nb.format_spec("a-1 -2", "s") == "a-1 -2"  # text is left as written


def test_no_break() -> None:
    assert nb.no_break("4-week bin") == "4\u2011week\u00a0bin"
