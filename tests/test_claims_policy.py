"""Claims 1 and 2 at their boundaries: support, partial support, inconclusive against not supported
(the equivalence test), contradiction, and too few documents."""

from __future__ import annotations

import math

import pytest

from chipshock import claims as C
from chipshock.claims import policy as P


def test_both_claims_declare_a_primary_a_smallest_effect_and_three_alternatives() -> None:
    for n in (1, 2):
        claim = C.claim(n)
        assert claim.primary and claim.smallest_effect and len(claim.alternatives) >= 3
        assert len(claim.short.split()) <= 15
        assert all(a.reason for a in claim.alternatives)
    assert {a.name for a in C.claim(1).alternatives if a.one_observation} == {"one document fewer",
                                                                             "one document more"}


@pytest.mark.parametrize(("cn", "cn_n", "us", "us_n", "word"), [
    (3, 20, 2, 97, C.SUPPORTED),
    (1, 20, 0, 97, C.PARTLY),            # one country promoted it
    (0, 20, 1, 97, C.PARTLY),
    (0, 100, 0, 97, C.NOT_SUPPORTED),    # 0 of 97 rules out a 5% share (0.95^97 < 0.05)
    (0, 20, 0, 55, C.INCONCLUSIVE),      # 0 of 55 does not (0.95^55 = 0.06), nor 0 of 20
    (0, 58, 0, 59, C.NOT_SUPPORTED),     # 0.95^59 = 0.048: ruled out
    (0, 57, 0, 58, C.INCONCLUSIVE),      # 0.95^58 = 0.051: not ruled out
])
def test_claim1(cn: int, cn_n: int, us: int, us_n: int, word: str) -> None:
    assert C.policy_before(cn, cn_n, us, us_n).word == word


def test_claim1_too_few_documents() -> None:
    assert C.policy_before(3, 9, 2, 97).word == C.UNTESTABLE
    assert C.policy_before(3, 10, 2, 10).word == C.SUPPORTED


def test_ruled_out_is_the_exact_binomial_bound() -> None:
    assert P.ruled_out(0, 59) and not P.ruled_out(0, 58)
    assert P.ruled_out(1, 100) and not P.ruled_out(5, 100)


def _after(step: float, p: float, tost: float = 0.5, slope: float = 0.0, slope_p: float = 0.9,
           n: tuple[int, int] = (40, 40)) -> str:
    return C.policy_after(step, step - 0.1, step + 0.1, p, tost, slope, slope_p, *n, "national").word


@pytest.mark.parametrize(("step", "p", "tost", "slope", "slope_p", "word"), [
    (0.10, 0.01, 0.9, 0.0, 0.9, C.SUPPORTED),
    (-0.10, 0.01, 0.9, 0.0, 0.9, C.CONTRADICTED),
    (0.03, 0.30, 0.9, 0.04, 0.01, C.PARTLY),       # no step, but the slope rises significantly
    (0.03, 0.30, 0.9, -0.04, 0.01, C.INCONCLUSIVE),  # a falling slope is no support
    (0.01, 0.70, 0.01, 0.0, 0.9, C.NOT_SUPPORTED),   # the equivalence test rules out 5 points
    (0.05, 0.20, 0.50, 0.0, 0.9, C.INCONCLUSIVE),    # neither significant nor ruled out
    (0.05, 0.049, 0.50, 0.0, 0.9, C.SUPPORTED),      # the 5% boundary
    (0.05, 0.05, 0.049, 0.0, 0.9, C.NOT_SUPPORTED),
])
def test_claim2(step: float, p: float, tost: float, slope: float, slope_p: float, word: str) -> None:
    assert _after(step, p, tost, slope, slope_p) == word


def test_claim2_too_few_documents_or_no_estimate() -> None:
    assert _after(0.2, 0.001, n=(9, 40)) == C.UNTESTABLE
    assert _after(math.nan, math.nan) == C.UNTESTABLE


@pytest.mark.parametrize(("counts", "p", "tost", "word"), [
    ((0, 111, 3, 121), 0.25, 0.3, C.INCONCLUSIVE),
    ((0, 111, 3, 121), 0.25, 0.01, C.NOT_SUPPORTED),
    ((0, 111, 20, 121), 0.001, 0.9, C.SUPPORTED),
    ((20, 111, 0, 121), 0.001, 0.9, C.CONTRADICTED),
    ((0, 9, 3, 121), 0.001, 0.9, C.UNTESTABLE),
])
def test_claim2_within_one_series(counts: tuple[int, int, int, int], p: float, tost: float,
                                  word: str) -> None:
    assert C.policy_after_shares(*counts, p, tost, "MIIT").word == word


def test_the_evidence_writes_percentage_points_with_a_true_minus() -> None:
    v = C.policy_after(-0.012, -0.063, 0.039, 0.6, 0.07, 0.0, 0.9, 111, 119, "the MIIT list")
    assert "−1.2 percentage points" in v.evidence and "-" not in v.evidence.replace("pre-trend", "")
