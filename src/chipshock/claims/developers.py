"""Claims 3 and 8 (the developers chapter): engagement around the shocks, and the clock proxy.

The claims' declarations (with their rules in words and their declared alternatives) and the
rule functions that turn the chapter's evidence into a verdict."""

from __future__ import annotations

import math

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
from chipshock.data.paper import PAPER_ESTIMATES

CLAIMS: tuple[Claim, ...] = (
    Claim(3, "China-linked developers increased their engagement with open LLM repositories more than "
          f"U.S. developers did (the paper: {PAPER_ESTIMATES['china_linked']} against "
          f"{PAPER_ESTIMATES['us']} forks per repository-week).",
          "developers", "developers-verdict",
          "Supported when the pooled China-linked minus U.S. estimate is positive and significant at the "
          "5% level and the triple difference against a placebo region, (CN−US) − (EU−US), is too; "
          "partly supported when only the first holds (the movement is not China-specific); "
          "contradicted when the pooled estimate is negative and significant at the 5% level; otherwise "
          "not supported, with the smallest effect the design could detect; not testable when no shock "
          "is estimable."),
    Claim(8, "The hour of an event locates its developer (the paper's clock proxy).", "developers",
          "developers-clock",
          "Supported when, at the paper's own cutoff, the rule's balanced accuracy against the time-zone "
          "offset is at least 80% and at least 80% of the commits it calls China-linked are at "
          "UTC+08:00; contradicted when fewer than half of them are; otherwise partly supported; not "
          "testable with fewer than 1,000 commits with a known offset."),
)


def developers(coef: float, p: float, triple_coef: float, triple_p: float, mde_pct: float,
               estimable: int, pct: float = float("nan")) -> Verdict:
    """Claim 3: China-linked commits rose relative to U.S. ones, and not only because of the U.S. side."""
    if estimable == 0 or math.isnan(coef):
        return Verdict(UNTESTABLE, "No shock can be estimated with these parameters.",
                       "Loosen the estimability rule or choose other shocks.")
    relative = "" if math.isnan(pct) else f", {pct:+.0f}% of the pre-shock mean"
    placebo = ("no placebo region could be formed in this run" if math.isnan(triple_coef) else
               f"against Europe as a placebo region the triple difference is {triple_coef:+.3g} "
               f"({p_text(triple_p)})")
    evidence = (f"The headline China-linked minus U.S. difference-in-differences is {coef:+.3g} "
                f"({p_text(p)}{relative}); {placebo}.")
    caveat = ("Commits, not the paper's forks; region from the author's time-zone offset; the design "
              f"could detect changes of about {mde_pct:.0f}% of the pre-shock mean.")
    if coef > 0 and significant(p):
        china_specific = triple_coef > 0 and significant(triple_p)
        return Verdict(SUPPORTED if china_specific else PARTLY, evidence, caveat)
    if coef < 0 and significant(p):
        return Verdict(CONTRADICTED, evidence, caveat)
    return Verdict(NOT_SUPPORTED, evidence, caveat)



def clock(balanced_accuracy: float, precision_cn: float, n_known: int, cutoff: int) -> Verdict:
    """Claim 8: the paper's hour rule against the commits' time-zone offsets."""
    evidence = (f"At the paper's {cutoff}:00 UTC cutoff the rule's balanced accuracy is "
                f"{balanced_accuracy:.2f}, and {pct_text(precision_cn)} of the commits it calls China-linked "
                "are at UTC+08:00.")
    caveat = "Checked on commits, whose offsets are known; fork events carry no offset."
    if n_known < 1000:
        return Verdict(UNTESTABLE, evidence, "Fewer than 1,000 commits with a known offset. " + caveat)
    if precision_cn < 0.5:
        return Verdict(CONTRADICTED, evidence, caveat)
    if balanced_accuracy >= 0.8 and precision_cn >= 0.8:
        return Verdict(SUPPORTED, evidence, caveat)
    return Verdict(PARTLY, evidence, caveat)
