"""Claims 1 and 2 (the policy chapter): open source in U.S. and Chinese policy.

The claims' declarations (rules in words, primary specification, smallest effect of interest and the
declared alternatives) and the rule functions that turn the chapter's evidence into a verdict. A change
that is not significant never counts as support: it is *inconclusive* unless an equivalence test rules
out the smallest effect of interest (then *not supported*).
"""

from __future__ import annotations

import math

from scipy import stats

from chipshock.claims.ledger import (
    CONTRADICTED,
    INCONCLUSIVE,
    NOT_SUPPORTED,
    PARTLY,
    SUPPORTED,
    UNTESTABLE,
    Alternative,
    Claim,
    Verdict,
    p_text,
    pct_text,
    significant,
)
from chipshock.numbers import number

MIN_DOCS = 10
"""Documents a country (claim 1) or a side of the split (claim 2) needs before a verdict."""
SUPPORT_SHARE = 0.05
"""Claim 1's smallest effect of interest: a country promotes open source in policy if at least one
document in twenty supports it."""
STEP = 0.05
"""Claim 2's smallest effect of interest: a rise of 5 percentage points in the share of national
documents that mention open source."""

CLAIMS: tuple[Claim, ...] = (
    Claim(1, "Before the export controls, both the U.S. and China promoted open-source AI in policy.",
          "policy", "policy-verdict",
          "Per country, among documents dated before the first shock: it promoted open source if at least "
          "one document supports it; the data rule that out if an exact one-sided binomial test rejects a "
          "supporting share of 5% or more at the 5% level. Supported when both countries promoted it; partly "
          "supported when one did; not supported when neither did and the data rule it out for at least "
          "one; inconclusive when neither did and neither is ruled out; not testable with fewer than 10 "
          "documents in a country.",
          primary="AGORA's families with a verified date plus the smart-technology corpus by its given "
                  "dates (rows flagged date-suspect out) for China; AGORA's families for the United States",
          smallest_effect="a supporting share of 5% (one document in twenty): below it open source is an "
                          "aside in a country's policy, not something it promoted",
          alternatives=(
              Alternative("AGORA only", "the archive the first edition used, translations of Chinese "
                                        "documents only"),
              Alternative("one-year margin", "smart-technology documents dated at least a year before the "
                                             "first shock, against errors in the given dates"),
              Alternative("one document fewer", "one supporting document fewer in each country that has "
                                                "one", one_observation=True),
              Alternative("one document more", "one supporting document more in each country that has "
                                               "none", one_observation=True),
          ),
          short="Before the controls, both the U.S. and China promoted open-source AI in policy."),
    Claim(2, "After the shocks, China embedded open source in national strategy (ecosystem building, "
          "standards, resilience).", "policy", "policy-verdict",
          "An interrupted time series, 2017 to 2025, of whether each Chinese national-level document "
          "mentions open source, with series fixed effects, a pre-trend and a change of slope: supported "
          "when the step at the shock is positive and significant at the 5% level; contradicted when it "
          "is negative and significant; partly supported when the step is not significant but the slope "
          "rises significantly after the shock; not supported when an equivalence test (two one-sided "
          "tests) rules out a step of 5 percentage points either way; otherwise inconclusive; not testable "
          "with fewer than 10 documents on either side of the shock.",
          primary="national documents (central smart-technology documents by given date, date-suspect "
                  "rows out; the MIIT, CAC and TC260 lists by verified date), step at 2022-10-07",
          smallest_effect="a step of 5 percentage points in the share of national documents that mention "
                          "open source, about half the share of pre-shock central smart-technology plans "
                          "that do: a smaller rise would not be an embedding in national strategy",
          alternatives=(
              Alternative("ITS at 2022-08-09", "the first shock (the CHIPS and Science Act, an "
                                               "industrial-policy law) as the break"),
              Alternative("ITS at 2023-10-17", "the update of the controls as the break"),
              Alternative("ITS at 2024-12-02", "the last revision of the controls as the break"),
              Alternative("MIIT within-series", "one department's list whose selection is the same on "
                                                "both sides: share before and after, Fisher's exact test"),
              Alternative("central documents only", "the national plans of the smart-technology corpus "
                                                    "alone, one kind of document"),
              Alternative("pooled smart-tech", "the smart-technology corpus with its Shandong "
                                               "(provincial and city) documents"),
          ),
          short="After the shocks, China embedded open source in its national strategy."),
)


def ruled_out(support: int, docs: int, share: float = SUPPORT_SHARE) -> bool:
    """Does an exact one-sided binomial test reject a supporting share of `share` or more?"""
    return docs > 0 and float(stats.binom.cdf(support, docs, share)) < 0.05


def policy_before(cn_support: int, cn_docs: int, us_support: int, us_docs: int,
                  min_docs: int = MIN_DOCS) -> Verdict:
    """Claim 1: both countries' documents dated before the first shock support open source."""
    evidence = (f"Before the first shock, {cn_support} of {cn_docs} Chinese and {us_support} of {us_docs} "
                "U.S. documents support open source.")
    caveat = ("AGORA's early U.S. holdings are bills, defence sections and agency rules, not national "
              "plans like the Chinese ones; the U.S. strategies of those years are not in the archive.")
    if cn_docs < min_docs or us_docs < min_docs:
        return Verdict(UNTESTABLE, evidence, f"Fewer than {min_docs} documents in a country. " + caveat)
    promoted = {"CN": cn_support > 0, "US": us_support > 0}
    out = {"CN": ruled_out(cn_support, cn_docs), "US": ruled_out(us_support, us_docs)}
    if all(promoted.values()):
        word = SUPPORTED
    elif any(promoted.values()):
        word = PARTLY
    elif any(out.values()):
        word = NOT_SUPPORTED
    else:
        word = INCONCLUSIVE
    return Verdict(word, evidence, caveat)


def policy_after(step: float, low: float, high: float, p: float, tost: float, slope_change: float,
                 slope_p: float, n_before: int, n_after: int, series: str,
                 min_docs: int = MIN_DOCS) -> Verdict:
    """Claim 2: the step at the shock in the share of national documents that mention open source."""
    evidence = (f"In {series}, the share of documents mentioning open source changed at the shock by "
                f"{number(100 * step, 1, signed=True)} percentage points (95% interval "
                f"{number(100 * low, 1)} to {number(100 * high, 1)}, {p_text(p)}; {n_before} documents "
                f"before and {n_after} after), beside its pre-trend.")
    caveat = ("Mention, not commitment; the corpora's selections differ, which the series fixed effects "
              "absorb only in level.")
    if min(n_before, n_after) < min_docs or math.isnan(step):
        return Verdict(UNTESTABLE, evidence, f"Fewer than {min_docs} documents on a side. " + caveat)
    if significant(p):
        word = SUPPORTED if step > 0 else CONTRADICTED
    elif slope_change > 0 and significant(slope_p):
        word = PARTLY
    elif significant(tost):
        word = NOT_SUPPORTED
    else:
        word = INCONCLUSIVE
    return Verdict(word, evidence, caveat)


def policy_after_shares(flagged_before: int, n_before: int, flagged_after: int, n_after: int, p: float,
                        tost: float, series: str, min_docs: int = MIN_DOCS) -> Verdict:
    """Claim 2 within one series without a trend (an alternative): the shares before and after, Fisher's
    exact p, and TOST against the smallest effect."""
    before = flagged_before / n_before if n_before else float("nan")
    after = flagged_after / n_after if n_after else float("nan")
    evidence = (f"In {series}, the share of documents mentioning open source went from {pct_text(before)} "
                f"to {pct_text(after)} ({p_text(p)}; {n_before} and {n_after} documents).")
    caveat = "One department's notices; no trend is modelled."
    if min(n_before, n_after) < min_docs:
        return Verdict(UNTESTABLE, evidence, f"Fewer than {min_docs} documents on a side. " + caveat)
    if significant(p):
        word = SUPPORTED if after > before else CONTRADICTED
    elif significant(tost):
        word = NOT_SUPPORTED
    else:
        word = INCONCLUSIVE
    return Verdict(word, evidence, caveat)
