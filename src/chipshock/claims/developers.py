"""Claims 3 and 8 (the developers chapter): engagement around the shocks, and the clock proxy.

The claims' declarations (with their rules in words and their declared alternatives) and the
rule functions that turn the chapter's evidence into a verdict."""

from __future__ import annotations

import math

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
from chipshock.data.paper import PAPER_ESTIMATES
from chipshock.econometrics.equivalence import tost_p

PRETREND_RULE = ("a shock whose own joint pre-trend F test rejects at the 5% level is left out of the "
                 "clean-pretrend pool: its estimate mixes the shock with movement already under way "
                 "before it")
CLAIM3_ALTERNATIVES = (
    Alternative("pool without pre-trend failures", "the pre-trend rule: " + PRETREND_RULE),
    Alternative("OLS on log(1+y)", "proportional changes, less dominated by the largest repositories"),
    Alternative("Poisson PML", "proportional changes with zeros kept; weights repositories by their size"),
    Alternative("Europe as the comparison", "a comparison region the controls did not target either, "
                "in place of the U.S."),
    Alternative("copies kept", "rebased and cherry-picked copies counted as the paper's data would"),
    Alternative("two-way clustering", "errors correlated within a week across repositories, not only "
                "within a repository"),
)
CLAIM8_ALTERNATIVES = (
    Alternative("two-region precision", "precision among China-linked and U.S. commits only, the paper's "
                "own two-region world"),
    Alternative("UTC+00:00 counted", "commits at UTC+00:00 kept in the denominator as not China-linked"),
    Alternative("best in-sample cutoff", "the cutoff with the best balanced accuracy on these commits"),
)

CLAIMS: tuple[Claim, ...] = (
    Claim(3, "China-linked developers increased their engagement with open LLM repositories more than "
          f"U.S. developers did (the paper: {PAPER_ESTIMATES['china_linked']} against "
          f"{PAPER_ESTIMATES['us']} forks per repository-week).",
          "developers", "developers-verdict",
          "Supported when the pooled China-linked minus U.S. estimate is positive and significant at the "
          "5% level and the triple difference against a placebo region, (CN−US) − (EU−US), is too; "
          "partly supported when only the first holds (the movement is not China-specific); "
          "contradicted when the pooled estimate is negative and significant at the 5% level; when it "
          "is not significant, not supported if an equivalence test (TOST, 5%) rules out a change of "
          "10% of the China-linked pre-shock mean, otherwise inconclusive; not testable when no shock "
          "is estimable.",
          primary="the pooled stacked China-linked minus U.S. DiD, OLS in levels, holiday controls, copies "
                  "dropped, the later of two overlapping shocks left out, errors clustered by repository",
          smallest_effect="a change of 10% of the China-linked pre-shock mean (log(1.1) on proportional "
                          "scales): the paper calls the rise substantial, and a smaller one would not be",
          alternatives=CLAIM3_ALTERNATIVES,
          short="China-linked developers engaged more than U.S. ones after the shocks."),
    Claim(8, "The hour of an event locates its developer (the paper's clock proxy).", "developers",
          "developers-clock",
          "Supported when, at the paper's own cutoff, the rule's balanced accuracy against the time-zone "
          "offset is at least 80% and at least 80% of the commits it calls China-linked are at "
          "UTC+08:00; contradicted when fewer than half of them are; otherwise partly supported; not "
          "testable with fewer than 1,000 commits with a known offset. The precision's denominator is "
          "the commits with a known offset that the rule calls China-linked (UTC+00:00 left out: its "
          "commits are machines and UTC users, of no known place).",
          primary="the clock rule at the paper's 17:00 UTC cutoff against the commits' time-zone offsets",
          smallest_effect="not a significance rule: the 80% and 50% thresholds are the declared bar",
          alternatives=CLAIM8_ALTERNATIVES,
          short="The hour of an event tells where its developer is."),
)


def developers(coef: float, p: float, triple_coef: float, triple_p: float, mde_pct: float,
               estimable: int, pct: float = float("nan"), se: float = float("nan"),
               margin: float = float("nan"), clusters: int = 0) -> Verdict:
    """Claim 3: China-linked commits rose relative to U.S. ones, and not only because of the U.S. side.

    `margin` is the smallest effect of interest in the estimate's units, `se` and `clusters` give
    the equivalence test t(G - 1)."""
    if estimable == 0 or math.isnan(coef):
        return Verdict(UNTESTABLE, "No shock can be estimated with these parameters.",
                       "Loosen the estimability rule or choose other shocks.")
    relative = "" if math.isnan(pct) else f", {pct:+.0f}% of the pre-shock mean"
    placebo = ("no placebo region could be formed in this run" if math.isnan(triple_coef) else
               f"against Europe as a placebo region the triple difference is {triple_coef:+.3g} "
               f"({p_text(triple_p)})")
    equivalence = tost_p(coef, se, margin, df=clusters - 1 if clusters > 1 else None)
    tost_words = ("" if math.isnan(equivalence) else "; the equivalence test against the smallest "
                  f"effect of interest gives {p_text(equivalence)}")
    evidence = (f"The headline China-linked minus U.S. difference-in-differences is {coef:+.3g} "
                f"({p_text(p)}{relative}); {placebo}{tost_words}.")
    caveat = ("Commits, not the paper's forks; region from the author's time-zone offset; the design "
              f"could detect changes of about {mde_pct:.0f}% of the pre-shock mean.")
    if coef > 0 and significant(p):
        china_specific = triple_coef > 0 and significant(triple_p)
        return Verdict(SUPPORTED if china_specific else PARTLY, evidence, caveat)
    if coef < 0 and significant(p):
        return Verdict(CONTRADICTED, evidence, caveat)
    return Verdict(NOT_SUPPORTED if significant(equivalence) else INCONCLUSIVE, evidence, caveat)


def clock(balanced_accuracy: float, precision_cn: float, n_known: int, cutoff: int) -> Verdict:
    """Claim 8: the paper's hour rule against the commits' time-zone offsets (precision among the
    commits with a known offset that the rule calls China-linked)."""
    evidence = (f"At the {cutoff}:00 UTC cutoff the rule's balanced accuracy is "
                f"{balanced_accuracy:.2f}, and {pct_text(precision_cn)} of the commits with a known offset "
                "it calls China-linked are at UTC+08:00.")
    caveat = "Checked on commits, whose offsets are known; fork events carry no offset."
    if n_known < 1000:
        return Verdict(UNTESTABLE, evidence, "Fewer than 1,000 commits with a known offset. " + caveat)
    if precision_cn < 0.5:
        return Verdict(CONTRADICTED, evidence, caveat)
    if balanced_accuracy >= 0.8 and precision_cn >= 0.8:
        return Verdict(SUPPORTED, evidence, caveat)
    return Verdict(PARTLY, evidence, caveat)
