"""The Findings page's bottom line follows the verdicts, in every case."""

from __future__ import annotations

import re

from chipshock.claims import summary as S
from chipshock.claims.ledger import CONTRADICTED, INCONCLUSIVE, PARTLY, SUPPORTED, UNTESTABLE


def J(word: str, n: int = 4, stability: float = 1.0, fragile: bool = False) -> S.Judged:
    return S.Judged(word, n, stability, fragile)


def test_the_tally_counts_each_verdict_once() -> None:
    text = S.tally({1: J(SUPPORTED), 2: J(SUPPORTED), 3: J(INCONCLUSIVE), 4: J(UNTESTABLE, 0)})
    assert text == ("The book judges the paper's 4 claims on public data: 2 supported, 1 inconclusive and "
                    "1 not testable.")


def test_the_causal_sentence_follows_claim_3() -> None:
    inconclusive = S.causal_sentence({3: J(INCONCLUSIVE, 6, 5 / 6)})
    assert "is inconclusive" in inconclusive and "5 of its 6" in inconclusive
    assert "fragile" not in inconclusive
    fragile = S.causal_sentence({3: J(SUPPORTED, 6, 0.5, True)})
    assert "is supported: the data back it; 3 of its 6" in fragile and "fragile" in fragile
    assert "point the other way" in S.causal_sentence({3: J(CONTRADICTED)})
    assert S.causal_sentence({}).startswith("The central causal claim (claim 3) was not judged")


def test_what_holds_names_steady_support_and_fragile_verdicts() -> None:
    text = S.holds_sentence({4: J(SUPPORTED), 5: J(PARTLY), 7: J(SUPPORTED, 4, 0.5, True),
                             3: J(INCONCLUSIVE)})
    assert "found for claims 4 and 5" in text and "the verdicts on claim 7 change" in text
    assert S.holds_sentence({3: J(INCONCLUSIVE)}).startswith("No claim is supported, even in part")
    only_fragile = S.holds_sentence({7: J(PARTLY, 4, 0.25, True)})
    assert "only for claim 7, and none of it holds" in only_fragile
    assert "no verdict changes" in S.holds_sentence({4: J(SUPPORTED)})


def test_the_bottom_line_is_three_sentences() -> None:
    text = S.bottom_line({3: J(INCONCLUSIVE), 4: J(SUPPORTED)})
    assert len(re.split(r"(?<=\.) (?=[A-Z])", text)) == 3 and text.endswith(".")


def test_support_without_alternatives_is_not_called_stable() -> None:
    text = S.holds_sentence({4: J(SUPPORTED, 0), 5: J(INCONCLUSIVE, 0)})
    assert text == "Support is found for claim 4, but no alternative was computed for it."
    mixed = S.holds_sentence({4: J(SUPPORTED, 0), 5: J(SUPPORTED, 3)})
    assert "found for claim 5 (no alternative was computed for claim 4)" in mixed
