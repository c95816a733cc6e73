"""The one wording module and the one number formatter, over their sign and significance cases."""

from __future__ import annotations

import math

import pytest

from chipshock import numbers as N
from chipshock import wording as W


@pytest.mark.parametrize(("p", "expected"), [(0.049, True), (0.05, False), (0.2, False),
                                             (math.nan, False), (None, False)])
def test_significance_at_the_one_alpha(p, expected) -> None:
    assert W.is_significant(p) is expected
    assert W.significance(p) == ("statistically significant" if expected else "not statistically significant")


@pytest.mark.parametrize(("x", "word"), [(1.0, "rose"), (-1.0, "fell"), (0.0, "did not change"),
                                         (math.nan, "did not change")])
def test_direction(x, word) -> None:
    assert W.direction(x) == word


@pytest.mark.parametrize(("diff", "p", "word"), [(1, 0.01, "rose"), (-1, 0.01, "fell"),
                                                 (1, 0.3, "did not change significantly"),
                                                 (-1, 0.3, "did not change significantly"),
                                                 (0, 0.01, "did not change significantly")])
def test_tested_change_needs_significance(diff, p, word) -> None:
    assert W.tested_change(diff, p) == word


@pytest.mark.parametrize(("before", "after", "p", "word"), [
    (0.1, 0.2, 0.01, "rose significantly"), (0.1, 0.2, 0.3, "rose, not significantly"),
    (0.2, 0.1, 0.01, "fell significantly"), (0.2, 0.1, 0.3, "fell, not significantly"),
    (0.2, 0.2, 0.01, "did not change"), (math.nan, 0.2, 0.01, "cannot be compared (nothing on one side)"),
])
def test_change(before, after, p, word) -> None:
    assert W.change(before, after, p) == word


@pytest.mark.parametrize(("a", "b", "sentence"), [
    (2, 1, "A rose more than B"), (1, 2, "A rose less than B"), (-1, -2, "A fell less than B"),
    (-2, -1, "A fell more than B"), (1, -1, "A rose, while B fell"), (-1, 1, "A fell, while B rose"),
    (1, 0, "A rose, while B did not change"), (0, 1, "A did not change, unlike B"),
    (0, 0, "A did not change, like B"), (1, 1, "A rose as much as B"),
])
def test_two_declines_are_never_the_larger_rise(a, b, sentence) -> None:
    assert W.relative_change_sentence("A", a, "B", b) == sentence


@pytest.mark.parametrize(("lo", "hi", "word"), [(0.1, 0.5, "rose"), (-0.5, -0.1, "fell"),
                                                (-0.1, 0.5, "showed no clear trend")])
def test_trend_from_the_interval(lo, hi, word) -> None:
    assert W.trend(lo, hi) == word


@pytest.mark.parametrize(("k", "n", "text"), [
    (0, 3, "none of the 3 shocks is"), (1, 3, "1 of the 3 shocks is"), (2, 3, "2 of the 3 shocks are"),
    (3, 3, "all 3 shocks are"), (2, 2, "both shocks are"), (1, 1, "the only shock is"), (0, 1, "no shock is"),
])
def test_counts_agree_with_their_verb(k, n, text) -> None:
    assert W.count_of(k, n, "shock", verb=("is", "are")) == text


def test_numbers_use_a_true_minus_and_never_a_negative_zero() -> None:
    assert N.number(-0.8771) == "−0.877"
    assert N.number(-0.0001) == "0.000"
    assert N.number(1.2444, signed=True) == "+1.244"
    assert "-" not in W.estimate(-1.0, -2.0, -0.5, 0.01)
    shown = W.estimate(1.244, -0.877, 3.364, 0.25)
    assert shown == "1.244 (95% interval −0.877 to 3.364, p\u00a0=\u00a00.250)"


def test_percent_points_and_p_values() -> None:
    assert N.percent(0.0115) == "1.1%"
    assert N.percent(-0.5, 0) == "−50%"
    assert N.points(0.074) == "+7.4\u00a0percentage points"
    assert N.p_value(0.0004) == "p\u00a0<\u00a00.001"  # non-breaking: "p =" never splits from its value
    assert N.p_value(0.25, 2) == "p\u00a0=\u00a00.25"
    assert N.number(math.nan) == N.MISSING


# --- primer

@pytest.mark.parametrize(("lo", "hi", "x", "word"), [(0.1, 0.5, 0.3, "contains"), (0.1, 0.5, 0.5, "contains"),
                                                     (0.1, 0.5, 0.6, "misses"), (-0.5, -0.1, 0.0, "misses")])
def test_covers_the_interval_ends_included(lo, hi, x, word) -> None:
    assert W.covers(lo, hi, x) == word


@pytest.mark.parametrize(("p", "word"), [(0.01, "rejects"), (0.05, "does not reject"),
                                         (0.2, "does not reject"), (math.nan, "does not reject"),
                                         (None, "does not reject")])
def test_rejects_at_the_books_level(p, word) -> None:
    assert W.rejects(p) == word


# --- policy

@pytest.mark.parametrize(("words", "verdict"), [
    ("rose significantly", "in line with the claim"), ("fell significantly", "against the claim"),
    ("rose, not significantly", "neither in line with the claim nor against it"),
    ("fell, not significantly", "neither in line with the claim nor against it"),
    ("did not change", "neither in line with the claim nor against it")])
def test_only_a_significant_rise_is_in_line(words, verdict) -> None:
    assert W.in_line(words) == verdict
    assert W.in_line(W.change(0.1, 0.3, 0.01)) == "in line with the claim"


def test_agree() -> None:
    assert W.agree(4, 4) == "the two measures agree" and W.agree(4, 0) == "the two measures disagree"
