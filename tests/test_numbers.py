"""The number formatter's table and glued-text helpers (issue 30); `number`, `percent` and
`p_value` are tested in tests/test_wording.py."""

from __future__ import annotations

import pytest

from chipshock import numbers as nb
from chipshock.numbers import MINUS, NBSP


@pytest.mark.parametrize(("x", "want"), [
    (1.2437, "1.24"), (-12.437, f"{MINUS}12.4"), (1234.5, "1,230"), (12345678.9, "12,300,000"),
    (0.0123456, "0.0123"),
    (0.00123456, "0.0012"), (-0.00012345, f"{MINUS}1.23 × 10⁻⁴"), (0.000999999, "1.00 × 10⁻³"),
    (0.0, "0.00"), (9.999, "10.0"), (-2941.3, f"{MINUS}2,940"),
])
def test_significant(x: float, want: str) -> None:
    assert nb.significant(x) == want


def test_significant_signed_and_missing() -> None:
    assert nb.significant(0.5, signed=True) == "+0.500"
    assert nb.significant(float("nan")) == nb.MISSING


def test_p_cell() -> None:
    assert nb.p_cell(0.0312) == "0.031"
    assert nb.p_cell(0.0004) == "<0.001"
    assert nb.p_cell(None) == nb.MISSING


def test_minus_fixes_numbers_not_hyphens() -> None:
    assert nb.minus("1.244 (95% interval -0.877 to 3.364)") == f"1.244 (95% interval {MINUS}0.877 to 3.364)"
    assert nb.minus("-3") == f"{MINUS}3"
    assert nb.minus("(-.5)") == f"({MINUS}.5)"
    assert nb.minus("-6.5%") == f"{MINUS}6.5%"
    for text in ("4-week", "2019-03-01", "Ex-ante", "a-1", "x--1", "CN-US"):
        assert nb.minus(text) == text


def test_format_spec_uses_the_minus_sign() -> None:
    assert nb.format_spec(-0.8771, ".3f") == f"{MINUS}0.877"
    assert nb.format_spec(-1234, ",d") == f"{MINUS}1,234"
    assert nb.format_spec(-0.25, ".1%") == f"{MINUS}25.0%"
    assert nb.format_spec("a-1 -2", "s") == "a-1 -2"  # text is left as written


def test_missing_and_no_break() -> None:
    assert nb.is_missing(None) and nb.is_missing(float("nan")) and not nb.is_missing(0)
    assert nb.no_break("4-week bin") == f"4\u2011week{NBSP}bin"
