"""Each claim's rule at its boundaries: significance, sign, and too little data to test."""

from __future__ import annotations

import math

import pytest

from chipshock import claims as C


def test_the_ledger_holds_the_eight_claims_with_rules() -> None:
    assert [c.number for c in C.CLAIMS] == list(range(1, 9))
    assert all(c.rule and c.section and c.chapter for c in C.CLAIMS)
    assert C.claim(6).would_test


@pytest.mark.parametrize(("cn", "us", "word"), [(3, 2, C.SUPPORTED), (3, 0, C.PARTLY), (0, 1, C.PARTLY),
                                                (0, 0, C.NOT_SUPPORTED)])
def test_claim1(cn: int, us: int, word: str) -> None:
    assert C.policy_before(cn, 20, us, 97).word == word


def test_claim1_too_few_documents() -> None:
    assert C.policy_before(3, 9, 2, 97).word == C.UNTESTABLE
    assert C.policy_before(3, 10, 2, 10).word == C.SUPPORTED


@pytest.mark.parametrize(("shares", "intensity", "p", "word"), [
    ((0.2, 0.4), (1.0, 2.0), 0.01, C.SUPPORTED),
    ((0.2, 0.4), (1.0, 2.0), 0.20, C.PARTLY),       # both rise, not significant
    ((0.2, 0.4), (2.0, 1.0), 0.01, C.PARTLY),       # share rises significantly, intensity falls
    ((0.2, 0.4), (2.0, 1.0), 0.20, C.NOT_SUPPORTED),
    ((0.4, 0.2), (2.0, 1.0), 0.01, C.CONTRADICTED),  # a significant fall is never "in line with"
    ((0.4, 0.2), (2.0, 1.0), 0.30, C.NOT_SUPPORTED),
    ((0.3, 0.3), (1.0, 2.0), 0.01, C.NOT_SUPPORTED),
])
def test_claim2(shares: tuple[float, float], intensity: tuple[float, float], p: float, word: str) -> None:
    assert C.policy_after(*shares, *intensity, p, 40, 40, "MIIT").word == word


def test_claim2_too_few_documents() -> None:
    assert C.policy_after(0.2, 0.4, 1.0, 2.0, 0.01, 9, 40, "MIIT").word == C.UNTESTABLE


@pytest.mark.parametrize(("coef", "p", "triple", "triple_p", "word"), [
    (1.0, 0.01, 0.8, 0.02, C.SUPPORTED),
    (1.0, 0.01, 0.8, 0.20, C.PARTLY),     # not China-specific
    (1.0, 0.01, -0.5, 0.01, C.PARTLY),
    (1.0, 0.049, 1.0, 0.049, C.SUPPORTED),
    (1.0, 0.05, 1.0, 0.01, C.NOT_SUPPORTED),  # p = 0.05 is not below 0.05
    (-1.0, 0.01, 0.0, 0.9, C.CONTRADICTED),
    (-1.0, 0.30, 0.0, 0.9, C.NOT_SUPPORTED),
    (1.15, 0.335, -0.04, 0.96, C.NOT_SUPPORTED),
])
def test_claim3(coef: float, p: float, triple: float, triple_p: float, word: str) -> None:
    assert C.developers(coef, p, triple, triple_p, 40.0, 4).word == word


def test_claim3_nothing_estimable() -> None:
    assert C.developers(float("nan"), float("nan"), 0, 1, 0, 0).word == C.UNTESTABLE


@pytest.mark.parametrize(("bal", "prec", "word"), [(0.8, 0.8, C.SUPPORTED), (0.79, 0.9, C.PARTLY),
                                                   (0.9, 0.5, C.PARTLY), (0.9, 0.49, C.CONTRADICTED)])
def test_claim8(bal: float, prec: float, word: str) -> None:
    assert C.clock(bal, prec, 5000, 17).word == word
    assert C.clock(bal, prec, 999, 17).word == C.UNTESTABLE


def test_a_verdict_must_be_one_of_the_five_words() -> None:
    with pytest.raises(ValueError, match="unknown verdict"):
        C.Verdict("mostly true", "", "")
    assert set(C.SYMBOLS) == set(C.VERDICTS) == set(C.CSS_CLASS)
    assert not C.significant(math.nan)


def test_claim3_evidence_reads_the_relative_effect_and_a_missing_placebo() -> None:
    v = C.developers(1.2, 0.3, float("nan"), float("nan"), 40.0, 4, pct=11.0)
    assert "+11% of the pre-shock mean" in v.evidence and "no placebo region" in v.evidence
    assert v.word == C.NOT_SUPPORTED
    assert C.developers(1.2, 0.01, float("nan"), float("nan"), 40.0, 4).word == C.PARTLY


def _claim_with(alternatives: tuple) -> C.Claim:
    return C.Claim(9, "x", "developers", "s", "rule", alternatives=alternatives)


def test_stability_counts_the_alternatives_that_keep_the_primary_verdict() -> None:
    alts = (C.Alternative("a", "r"), C.Alternative("b", "r"), C.Alternative("c", "r"),
            C.Alternative("one fewer", "r", one_observation=True))
    v = {w: C.Verdict(w, "", "") for w in C.VERDICTS}
    j = C.judge(_claim_with(alts), v[C.SUPPORTED], {"a": v[C.SUPPORTED], "b": v[C.SUPPORTED],
                                                     "c": v[C.INCONCLUSIVE], "one fewer": v[C.SUPPORTED]})
    assert j.alternatives == 4 and j.stability == 0.75 and not j.fragile
    assert j.flips_text() == "c: inconclusive"
    values = j.glue_values()
    assert values["claim9_stability"] == 0.75 and values["claim9_fragile"] == "stable"
    flips_on_one = C.judge(_claim_with(alts), v[C.SUPPORTED], {"a": v[C.SUPPORTED], "b": v[C.SUPPORTED],
                                                               "c": v[C.SUPPORTED], "one fewer": v[C.PARTLY]})
    assert flips_on_one.stability == 0.75 and flips_on_one.fragile  # one observation flips it
    unstable = C.judge(_claim_with(alts[:3]), v[C.SUPPORTED], {"a": v[C.SUPPORTED], "b": v[C.PARTLY],
                                                               "c": v[C.PARTLY]})
    assert unstable.fragile and unstable.flips_text() == "b: partly supported; c: partly supported"


def test_judge_refuses_alternatives_that_were_not_declared() -> None:
    v = C.Verdict(C.SUPPORTED, "", "")
    with pytest.raises(ValueError, match="missing"):
        C.judge(_claim_with((C.Alternative("a", "r"),)), v, {})
    with pytest.raises(ValueError, match="not declared"):
        C.judge(_claim_with(()), v, {"b": v})
