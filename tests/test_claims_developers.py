"""Claims 3 and 8: boundary cases of their rules, inconclusive against not supported."""

from __future__ import annotations

import math

import pytest

from chipshock import claims as C
from chipshock.claims.developers import CLAIMS

NAN = float("nan")


@pytest.mark.parametrize(("coef", "p", "triple", "triple_p", "se", "word"), [
    (1.0, 0.01, 0.8, 0.02, 0.3, C.SUPPORTED),
    (1.0, 0.01, 0.8, 0.20, 0.3, C.PARTLY),     # not China-specific
    (1.0, 0.01, -0.5, 0.01, 0.3, C.PARTLY),
    (1.0, 0.049, 1.0, 0.049, 0.3, C.SUPPORTED),
    (-1.0, 0.01, 0.0, 0.9, 0.3, C.CONTRADICTED),
    (1.0, 0.05, 1.0, 0.01, 0.5, C.INCONCLUSIVE),  # p = 0.05 is not below 0.05; the margin is not ruled out
    (0.05, 0.80, 0.0, 0.9, 0.2, C.NOT_SUPPORTED),  # TOST against 1.0 with se 0.2: ruled out
    (0.05, 0.80, 0.0, 0.9, 0.9, C.INCONCLUSIVE),   # same point estimate, too noisy to rule it out
    (-0.3, 0.30, 0.0, 0.9, 0.3, C.NOT_SUPPORTED),
])
def test_claim3(coef: float, p: float, triple: float, triple_p: float, se: float, word: str) -> None:
    assert C.developers(coef, p, triple, triple_p, 40.0, 4, se=se, margin=1.0, clusters=60).word == word


def test_claim3_without_an_equivalence_test_is_never_not_supported() -> None:
    assert C.developers(0.0, 0.99, 0.0, 0.9, 40.0, 4).word == C.INCONCLUSIVE


def test_claim3_nothing_estimable() -> None:
    assert C.developers(NAN, NAN, 0, 1, 0, 0).word == C.UNTESTABLE


def test_claim3_evidence_reads_the_relative_effect_a_missing_placebo_and_the_tost() -> None:
    v = C.developers(1.2, 0.3, NAN, NAN, 40.0, 4, pct=11.0, se=1.0, margin=1.0, clusters=60)
    assert "+11% of the pre-shock mean" in v.evidence and "no placebo region" in v.evidence
    assert "equivalence test" in v.evidence and v.word == C.INCONCLUSIVE
    assert C.developers(1.2, 0.01, NAN, NAN, 40.0, 4).word == C.PARTLY


def test_claims_declare_primary_smallest_effect_short_and_alternatives() -> None:
    for claim in CLAIMS:
        assert claim.primary and claim.smallest_effect and claim.short
        assert len(claim.short.split()) <= 15 and len(claim.alternatives) >= 3
        assert all(a.reason for a in claim.alternatives)
    names = [a.name for a in CLAIMS[0].alternatives]
    for wanted in ("pool without pre-trend failures", "OLS on log(1+y)", "Poisson PML",
                   "Europe as the comparison", "copies kept"):
        assert wanted in names
    assert "denominator" in CLAIMS[1].rule


@pytest.mark.parametrize(("bal", "prec", "word"), [(0.85, 0.85, C.SUPPORTED), (0.85, 0.79, C.PARTLY),
                                                     (0.79, 0.9, C.PARTLY), (0.9, 0.49, C.CONTRADICTED)])
def test_claim8_boundaries(bal: float, prec: float, word: str) -> None:
    assert C.clock(bal, prec, 5000, 17).word == word
    assert C.clock(bal, prec, 999, 17).word == C.UNTESTABLE
    assert not math.isnan(bal)
