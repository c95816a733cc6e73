"""Claims 1 and 2 (the policy chapter): open source in U.S. and Chinese policy.

The claims' declarations (with their rules in words and their declared alternatives) and the
rule functions that turn the chapter's evidence into a verdict."""

from __future__ import annotations

from chipshock.claims.ledger import (
    CONTRADICTED,
    NOT_SUPPORTED,
    PARTLY,
    SUPPORTED,
    UNTESTABLE,
    Claim,
    Verdict,
    p_text,
    pct_text,
    significant,
)

CLAIMS: tuple[Claim, ...] = (
    Claim(1, "Before the export controls, both the U.S. and China promoted open-source AI in policy.",
          "policy", "policy-verdict",
          "Supported when documents of both countries dated before the first shock support open source "
          "(at least one each, among at least 10 documents per country); partly supported when only one "
          "country's do; not supported when neither; not testable with fewer than 10 documents per country."),
    Claim(2, "After the shocks, China embedded open source in national strategy (ecosystem building, "
          "standards, resilience).", "policy", "policy-verdict",
          "Within one series whose selection did not change: supported when both the share of documents "
          "and the matches per 10,000 characters rise and the share's rise is significant at the 5% "
          "level (exact test); partly supported when both rise without significance or only one rises "
          "significantly; contradicted when the share falls significantly at the 5% level; otherwise not "
          "supported; not testable with fewer than 10 documents on either side of the split."),
)


def policy_before(cn_support: int, cn_docs: int, us_support: int, us_docs: int,
                  min_docs: int = 10) -> Verdict:
    """Claim 1: both countries' pre-control documents support open source."""
    evidence = (f"Before the first shock, {cn_support} of {cn_docs} Chinese and {us_support} of {us_docs} "
                "U.S. documents support open source.")
    caveat = ("Documents in the archives, not all policy; counted after dropping the intelligence and "
              "risk senses.")
    if cn_docs < min_docs or us_docs < min_docs:
        return Verdict(UNTESTABLE, evidence, f"Fewer than {min_docs} documents per country. " + caveat)
    both, either = cn_support > 0 and us_support > 0, cn_support > 0 or us_support > 0
    return Verdict(SUPPORTED if both else PARTLY if either else NOT_SUPPORTED, evidence, caveat)



def policy_after(share_before: float, share_after: float, intensity_before: float, intensity_after: float,
                 p: float, n_before: int, n_after: int, series: str, min_docs: int = 10) -> Verdict:
    """Claim 2: within one series, Chinese documents mention open source more after the split."""
    evidence = (f"In {series}, the share of documents mentioning open source went from "
                f"{pct_text(share_before)} to {pct_text(share_after)} ({p_text(p)}, {n_before} and {n_after} "
                "documents) and matches per "
                f"10,000 characters from {intensity_before:.2f} to {intensity_after:.2f}.")
    caveat = "One series whose selection is stable across the split; other corpora cover other years."
    if n_before < min_docs or n_after < min_docs:
        return Verdict(UNTESTABLE, evidence, f"Fewer than {min_docs} documents on a side. " + caveat)
    share_up, intensity_up = share_after > share_before, intensity_after > intensity_before
    if share_up and intensity_up and significant(p):
        word = SUPPORTED
    elif not share_up and share_after < share_before and significant(p):
        word = CONTRADICTED
    elif (share_up and intensity_up) or (share_up and significant(p)):
        word = PARTLY
    else:
        word = NOT_SUPPORTED
    return Verdict(word, evidence, caveat)
