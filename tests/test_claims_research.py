"""Claims 5, 6 and 7 at their boundaries: supported, partly, contradicted, inconclusive against not
supported (an equivalence or exact binomial test), not testable; and the declared alternatives."""

from __future__ import annotations

import pytest

from chipshock import claims as C


@pytest.mark.parametrize(("first", "last", "p", "n", "word"), [
    (0.01, 0.10, 0.01, 100, C.SUPPORTED), (0.01, 0.09, 0.01, 100, C.PARTLY),
    (0.2, 0.1, 0.01, 100, C.CONTRADICTED),
    (0.08, 0.12, 0.2, 100, C.INCONCLUSIVE),     # a rise that is not significant is never support
    (0.20, 0.10, 0.3, 100, C.INCONCLUSIVE),     # nor a fall that is not significant a contradiction
    (0.10, 0.11, 0.8, 5000, C.NOT_SUPPORTED),   # many papers: a change of 5 points is ruled out
    (0.10, 0.11, 0.8, 100, C.INCONCLUSIVE),     # few papers: it is not
])
def test_claim5(first: float, last: float, p: float, n: int, word: str) -> None:
    assert C.research(first, last, p, n, n, "COLM", (2024, 2025)).word == word
    assert C.research(first, last, p, 29, n, "COLM", (2024, 2025)).word == C.UNTESTABLE


@pytest.mark.parametrize(("any_", "cn", "word"), [(0, 0, C.UNTESTABLE), (19, 0, C.UNTESTABLE),
                                                  (20, 1, C.SUPPORTED), (20, 2, C.PARTLY),
                                                  (30, 10, C.CONTRADICTED)])
def test_claim6(any_: int, cn: int, word: str) -> None:
    verdict = C.patents(any_, cn, 8411)
    assert verdict.word == word
    assert "8,411 U.S. AI patents" in verdict.evidence
    if word == C.UNTESTABLE:
        assert "lower bound" in verdict.caveat and "detailed description" in verdict.caveat


@pytest.mark.parametrize(("cn", "any_", "word"), [
    (5, 50, C.SUPPORTED), (12, 118, C.SUPPORTED),
    (11, 118, C.PARTLY),            # one paper fewer: below a tenth, a tenth not ruled out
    (4, 68, C.INCONCLUSIVE),        # four papers: below the bar, a tenth not ruled out
    (5, 51, C.PARTLY),
    (1, 200, C.NOT_SUPPORTED),      # a share of a tenth is ruled out
    (0, 40, C.NOT_SUPPORTED),       # 0.9**40 < 0.05: even none in 40 rules out a tenth
    (2, 40, C.INCONCLUSIVE),
    (10, 29, C.UNTESTABLE),
    (3.27, 52.77, C.INCONCLUSIVE),  # weighted counts (share of authors)
])
def test_claim7(cn: float, any_: float, word: str) -> None:
    assert C.companies(cn, any_).word == word


def test_claim7_evidence_names_the_attribution() -> None:
    v = C.companies(4, 68, "a U.S.-company first or last author")
    assert v.evidence.startswith("4 of 68 papers with a U.S.-company first or last author")
    assert "5.9%" in v.evidence and "3.3 of 52.8" in C.companies(3.27, 52.77).evidence


@pytest.mark.parametrize("number", [5, 6, 7])
def test_research_claims_declare_alternatives(number: int) -> None:
    claim = C.claim(number)
    assert len(claim.alternatives) >= 3 and all(a.reason for a in claim.alternatives)
    assert claim.primary and claim.smallest_effect and len(claim.short.split()) <= 15
    assert any(a.one_observation for a in claim.alternatives)
    if number == 5:
        names = " ".join(a.name for a in claim.alternatives)
        assert "NAACL" in names and "COLING" in names
    if number == 7:
        names = {a.name for a in claim.alternatives}
        assert {"any company author", "share of authors", "one paper fewer"} <= names


def test_claim5_alternative_on_a_venue_the_run_does_not_select_is_not_testable() -> None:
    import pandas as pd

    from chipshock.chapters.research import analysis as A

    empty = pd.DataFrame({"CN": pd.Series([], dtype=bool)})
    some = pd.DataFrame({"CN": [True] * 40 + [False] * 60})
    assert A.claim5_verdict(empty, some, "NAACL and COLING", (2024, 2025)).word == C.UNTESTABLE
