"""The Findings page and the chapters' verdict sections come from the claims ledger."""

from __future__ import annotations

from pathlib import Path

from chipshock import claims as C
from chipshock.pipeline import findings

REPO = Path(__file__).resolve().parents[1]


def test_the_page_has_every_claim_with_glued_verdict_evidence_and_caveat() -> None:
    text = findings.page_text()
    for claim in C.CLAIMS:
        for key in C.glue_keys(claim.number):
            assert f"../computation/{claim.chapter}.ipynb::{key}:s" in text
        assert f"<{claim.section}>" in text
    assert text.count(":class: chipshock-verdict") == len(C.CLAIMS)


def test_no_verdict_word_is_typed_into_the_page() -> None:
    """Verdict words appear only in the explanation of the five words and in the rules, never as a
    box's verdict: every box title is a glue role."""
    for line in findings.page_text().splitlines():
        if line.startswith(":::{admonition} Verdict:"):
            assert line.endswith("_verdict:s`")


def test_committed_pages_carry_current_verdict_sections() -> None:
    for chapter in sorted({c.chapter for c in C.CLAIMS}):
        text = (REPO / "book" / f"{chapter}.md").read_text(encoding="utf-8")
        assert findings.START in text and findings.END in text, f"book/{chapter}.md lacks the markers"
        assert findings.with_verdict(text, chapter) == text, f"run `chipshock build` to refresh {chapter}"
    assert (REPO / findings.PAGE).read_text(encoding="utf-8") == findings.page_text()


def test_a_chapter_section_lists_only_its_claims() -> None:
    text = findings.chapter_section("developers")
    assert "Claim 3:" in text and "Claim 8:" in text and "Claim 1:" not in text
    assert findings.chapter_section("background") == ""
