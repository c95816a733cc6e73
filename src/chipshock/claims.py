"""The claims ledger: the paper's claims, where the book tests each, and the rule that turns the
evidence into a verdict.

Each rule is a small function of numbers the chapter computes; it returns a `Verdict` (the word,
one sentence of evidence with the numbers, the main caveat). Chapters call the rule for their
claims and glue `claim<N>_verdict`, `claim<N>_evidence` and `claim<N>_caveat`; the Findings page
and each chapter's "Verdict" box read those keys, so a rerun's verdict follows its parameters.
The rules are deliberately simple and stated in full in `Claim.rule`; their boundaries are tested.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from chipshock.data.paper import PAPER_ESTIMATES

SUPPORTED = "supported"
PARTLY = "partly supported"
NOT_SUPPORTED = "not supported"
CONTRADICTED = "contradicted"
UNTESTABLE = "not testable with public data"
VERDICTS = (SUPPORTED, PARTLY, NOT_SUPPORTED, CONTRADICTED, UNTESTABLE)
SYMBOLS = {SUPPORTED: "✔", PARTLY: "◐", NOT_SUPPORTED: "✘", CONTRADICTED: "⊗", UNTESTABLE: "∅"}
CSS_CLASS = {SUPPORTED: "supported", PARTLY: "partly", NOT_SUPPORTED: "not-supported",
             CONTRADICTED: "contradicted", UNTESTABLE: "untestable"}
ALPHA = 0.05


@dataclass(frozen=True)
class Claim:
    """One of the paper's claims (paraphrased) and where and how the book tests it."""

    number: int
    words: str
    chapter: str
    section: str  # the label of the section that tests it
    rule: str
    would_test: str = ""  # the data that would test it, when public data cannot


@dataclass(frozen=True)
class Verdict:
    word: str
    evidence: str
    caveat: str

    def __post_init__(self) -> None:
        if self.word not in VERDICTS:
            raise ValueError(f"unknown verdict {self.word!r}")


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
    Claim(4, "Chinese open models diffused widely through open-source communities.", "diffusion",
          "diffusion-verdict",
          "Supported when Chinese publishers hold at least as large a share of the hub measure as U.S. "
          "publishers in the last crawl and their share's trend over the crawls is not significantly "
          "negative; partly supported when the share is at least 10% but below the U.S. share, or the "
          "trend is significantly negative; not supported below 10%; not testable without two crawls."),
    Claim(5, "Chinese open models diffused through scientific research.", "research", "research-verdict",
          "Supported when the share of papers naming a Chinese model family rises between the compared "
          "years significantly (5% level) and reaches at least a tenth of papers naming any family; partly "
          "supported when it rises significantly but stays below that, or rises without significance "
          "from a share of at least a tenth; contradicted when it falls significantly; otherwise not "
          "supported; not testable with fewer than 30 papers naming a family in either year."),
    Claim(6, "Chinese open models are largely absent from U.S. patents.", "research", "research-verdict",
          "Testable only when the patent texts name model families at all: when fewer than 20 of the "
          "U.S. patents read name any family (Chinese or not), an absence says nothing, and the claim "
          "is not testable with these data; otherwise supported when Chinese families are named in under "
          "a tenth of the patents that name a family, partly supported under a third, else contradicted.",
          "full patent descriptions (PatentsView's detailed description text, through "
          "`chipshock data patents`), where inventors name the models they build on"),
    Claim(7, "U.S. companies use Chinese open models in open-access research.", "research",
          "research-verdict",
          "Supported when at least 5 papers with a U.S.-company author name a Chinese model family and "
          "that is at least a tenth of their papers naming any family; partly supported with 1 or more "
          "such papers; not supported with none; not testable with fewer than 30 U.S.-company papers "
          "naming a family."),
    Claim(8, "The hour of an event locates its developer (the paper's clock proxy).", "developers",
          "developers-clock",
          "Supported when, at the paper's own cutoff, the rule's balanced accuracy against the time-zone "
          "offset is at least 80% and at least 80% of the commits it calls China-linked are at "
          "UTC+08:00; contradicted when fewer than half of them are; otherwise partly supported; not "
          "testable with fewer than 1,000 commits with a known offset."),
)


def claim(number: int) -> Claim:
    return next(c for c in CLAIMS if c.number == number)


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def _p(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def significant(p: float) -> bool:
    return not math.isnan(p) and p < ALPHA


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
    evidence = (f"In {series}, the share of documents mentioning open source went from {_pct(share_before)} "
                f"to {_pct(share_after)} ({_p(p)}, {n_before} and {n_after} documents) and matches per "
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


def developers(coef: float, p: float, triple_coef: float, triple_p: float, mde_pct: float,
               estimable: int, pct: float = float("nan")) -> Verdict:
    """Claim 3: China-linked commits rose relative to U.S. ones, and not only because of the U.S. side."""
    if estimable == 0 or math.isnan(coef):
        return Verdict(UNTESTABLE, "No shock can be estimated with these parameters.",
                       "Loosen the estimability rule or choose other shocks.")
    relative = "" if math.isnan(pct) else f", {pct:+.0f}% of the pre-shock mean"
    placebo = ("no placebo region could be formed in this run" if math.isnan(triple_coef) else
               f"against Europe as a placebo region the triple difference is {triple_coef:+.3g} "
               f"({_p(triple_p)})")
    evidence = (f"The headline China-linked minus U.S. difference-in-differences is {coef:+.3g} "
                f"({_p(p)}{relative}); {placebo}.")
    caveat = ("Commits, not the paper's forks; region from the author's time-zone offset; the design "
              f"could detect changes of about {mde_pct:.0f}% of the pre-shock mean.")
    if coef > 0 and significant(p):
        china_specific = triple_coef > 0 and significant(triple_p)
        return Verdict(SUPPORTED if china_specific else PARTLY, evidence, caveat)
    if coef < 0 and significant(p):
        return Verdict(CONTRADICTED, evidence, caveat)
    return Verdict(NOT_SUPPORTED, evidence, caveat)


def diffusion(cn_share: float, us_share: float, trend_per_year: float, trend_p: float, crawls: int,
              measure: str) -> Verdict:
    """Claim 4: Chinese publishers' share of a hub measure, and its trend over the crawls."""
    evidence = (f"In the last crawl Chinese publishers hold {_pct(cn_share)} of {measure} against "
                f"{_pct(us_share)} for U.S. publishers; the share's trend is {trend_per_year:+.1%} a year "
                f"({_p(trend_p)}).")
    caveat = "About 32 curated publishers on Hugging Face; downloads are a 30-day window per crawl."
    if crawls < 2:
        return Verdict(UNTESTABLE, evidence, "Fewer than two crawls in the date range. " + caveat)
    falling = trend_per_year < 0 and significant(trend_p)
    if cn_share >= us_share and not falling:
        return Verdict(SUPPORTED, evidence, caveat)
    if cn_share >= 0.10:
        return Verdict(PARTLY, evidence, caveat)
    return Verdict(NOT_SUPPORTED, evidence, caveat)


def research(share_first: float, share_last: float, p: float, n_first: int, n_last: int,
             venue: str, years: tuple[int, int]) -> Verdict:
    """Claim 5: the share of papers naming a Chinese family, among papers naming any family."""
    evidence = (f"At {venue}, papers naming a Chinese model family went from {_pct(share_first)} in "
                f"{years[0]} to {_pct(share_last)} in {years[1]} of papers naming any family ({_p(p)}).")
    caveat = "Titles and abstracts only; a model used but not named there is not counted."
    if n_first < 30 or n_last < 30:
        return Verdict(UNTESTABLE, evidence, "Fewer than 30 papers naming a family in a year. " + caveat)
    rose, big = share_last > share_first, share_last >= 0.10
    if rose and significant(p):
        return Verdict(SUPPORTED if big else PARTLY, evidence, caveat)
    if share_last < share_first and significant(p):
        return Verdict(CONTRADICTED, evidence, caveat)
    return Verdict(PARTLY if rose and big else NOT_SUPPORTED, evidence, caveat)


def patents(naming_any: int, naming_cn: int, patents_read: int) -> Verdict:
    """Claim 6: Chinese families in U.S. patent texts, testable only if texts name models at all."""
    evidence = (f"Of {patents_read:,} U.S. AI patents read (titles and abstracts), {naming_any} name any "
                f"model family and {naming_cn} a Chinese one.")
    if naming_any < 20:
        return Verdict(UNTESTABLE, evidence,
                       "Abstracts rarely name the model an invention builds on, so an absence here is a "
                       "lower bound, not a finding; " + claim(6).would_test + " would test it.")
    share = naming_cn / naming_any
    word = SUPPORTED if share < 0.10 else PARTLY if share < 1 / 3 else CONTRADICTED
    return Verdict(word, evidence, "Titles and abstracts only: a lower bound on naming.")


def companies(papers_cn: int, papers_any: int) -> Verdict:
    """Claim 7: papers with a U.S.-company author that name a Chinese family."""
    share = papers_cn / papers_any if papers_any else float("nan")
    evidence = (f"{papers_cn} of {papers_any} papers with a U.S.-company author that name a model family "
                "name a Chinese one.")
    caveat = "Company authorship from e-mail domains and affiliations; titles and abstracts only."
    if papers_any < 30:
        return Verdict(UNTESTABLE, evidence, "Fewer than 30 such papers. " + caveat)
    if papers_cn >= 5 and share >= 0.10:
        return Verdict(SUPPORTED, evidence, caveat)
    return Verdict(PARTLY if papers_cn >= 1 else NOT_SUPPORTED, evidence, caveat)


def clock(balanced_accuracy: float, precision_cn: float, n_known: int, cutoff: int) -> Verdict:
    """Claim 8: the paper's hour rule against the commits' time-zone offsets."""
    evidence = (f"At the paper's {cutoff}:00 UTC cutoff the rule's balanced accuracy is "
                f"{balanced_accuracy:.2f}, and {_pct(precision_cn)} of the commits it calls China-linked "
                "are at UTC+08:00.")
    caveat = "Checked on commits, whose offsets are known; fork events carry no offset."
    if n_known < 1000:
        return Verdict(UNTESTABLE, evidence, "Fewer than 1,000 commits with a known offset. " + caveat)
    if precision_cn < 0.5:
        return Verdict(CONTRADICTED, evidence, caveat)
    if balanced_accuracy >= 0.8 and precision_cn >= 0.8:
        return Verdict(SUPPORTED, evidence, caveat)
    return Verdict(PARTLY, evidence, caveat)


def glue_keys(number: int) -> tuple[str, str, str]:
    return f"claim{number}_verdict", f"claim{number}_evidence", f"claim{number}_caveat"
