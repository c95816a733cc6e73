"""Claim 4's rule at its boundaries: supported, partly, inconclusive against not supported (TOST on the
share's trend), not testable; and the declared alternatives."""

from __future__ import annotations

import importlib
import math

import pytest

from chipshock import claims as C

CD = importlib.import_module("chipshock.claims.diffusion")  # the name is also the rule function


def trend(slope: float, se: float, n: int = 11) -> dict[str, float]:
    from scipy import stats

    p = float(2 * stats.t.sf(abs(slope / se), n - 2)) if se else 0.0
    return {"slope": slope, "se": se, "p": p, "n": n, "ci_low": slope - 2 * se, "ci_high": slope + 2 * se}


@pytest.mark.parametrize(("cn", "us", "t", "word"), [
    (60, 40, trend(0.01, 0.05), C.SUPPORTED),          # more reach than the U.S., flat trend
    (40, 40, trend(-0.01, 0.05), C.SUPPORTED),         # a tie is "at least as much"
    (60, 40, trend(-0.30, 0.05), C.PARTLY),            # more reach but falling significantly
    (20, 80, trend(0.30, 0.05), C.PARTLY),             # a fifth: widely used, below the U.S.
    (10, 90, trend(0.0, 0.05), C.PARTLY),              # exactly a tenth
    (9, 91, trend(0.0, 0.005), C.NOT_SUPPORTED),       # below a tenth, a 5-point rise ruled out
    (9, 91, trend(0.0, 0.05), C.INCONCLUSIVE),         # below a tenth, the trend cannot rule it out
    (9, 91, trend(0.10, 0.02), C.INCONCLUSIVE),        # rising significantly, not yet a tenth
])
def test_claim4_rule(cn: float, us: float, t: dict, word: str) -> None:
    total = cn + us
    assert C.diffusion(cn / total, us / total, cn, us, t, "downloads").word == word


def test_claim4_a_non_significant_change_is_never_support_below_a_tenth() -> None:
    for se in (0.02, 0.05, 0.5):
        word = C.diffusion(0.05, 0.95, 5, 95, trend(0.02, se), "downloads").word
        assert word in (C.INCONCLUSIVE, C.NOT_SUPPORTED)


def test_claim4_needs_three_observations_and_states_reach_both_ways() -> None:
    assert C.diffusion(0.6, 0.4, 60, 40, trend(0.0, 0.1, n=2), "downloads").word == C.UNTESTABLE
    v = C.diffusion(0.6, 0.4, 60_000, 40_000, trend(0.074, 0.03), "downloads")
    assert "60,000" in v.evidence and "150.0% of the U.S. reach" in v.evidence
    assert "+7.4 percentage points a year" in v.evidence and "%" not in v.evidence.split("trend is")[1][:12]
    no_us = C.diffusion(1.0, 0.0, 10, 0, trend(0.0, 0.1), "downloads")
    assert no_us.word == C.SUPPORTED and "no U.S. reach" in no_us.evidence


def test_claim4_declares_its_alternatives_and_smallest_effect() -> None:
    claim = C.claim(4)
    assert len(claim.alternatives) >= 3 and all(a.reason for a in claim.alternatives)
    assert claim.primary and claim.smallest_effect and len(claim.short.split()) <= 15
    assert {a.name for a in claim.alternatives} >= {"all models", "model-balanced panel",
                                                     "GitHub model repositories"}
    assert math.isclose(CD.SMALLEST_TREND, 0.05) and "5 percentage points" in claim.rule
