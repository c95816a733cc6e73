"""Each claim's rule at its boundaries: significance, sign, and too little data to test."""

from __future__ import annotations

import math

import pytest

from chipshock import claims as C


def test_the_ledger_holds_the_eight_claims_with_rules() -> None:
    assert [c.number for c in C.CLAIMS] == list(range(1, 9))
    assert all(c.rule and c.section and c.chapter for c in C.CLAIMS)
    assert C.claim(6).would_test




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


def test_why_falls_back_on_the_evidence_first_sentence() -> None:
    v = C.Verdict(C.SUPPORTED, "Of 8,411 U.S. patents, 0 name a model. Abstracts rarely do.", "")
    assert v.why_text() == "Of 8,411 U.S. patents, 0 name a model."
    assert C.Verdict(C.SUPPORTED, "x. Y", "", why="Because.").why_text() == "Because."
