"""Claims 5, 6 and 7 (the research chapter): research papers, patents, U.S. companies.

The claims' declarations (with their rules in words and their declared alternatives) and the
rule functions that turn the chapter's evidence into a verdict."""

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
from chipshock.econometrics.equivalence import tost_proportions
from chipshock.wording import ALPHA

SMALLEST_CHANGE = 0.05
"""Claim 5's smallest change of interest: 5 percentage points of the papers naming a family."""
COMPANY_SHARE = 0.10
"""Claim 7's bar: a tenth of the U.S.-company papers that name a model family."""
MIN_PAPERS = 30

CLAIMS: tuple[Claim, ...] = (
    Claim(5, "Chinese open models diffused through scientific research.", "research", "research-verdict",
          "Among the papers naming a model family: supported when the share naming a Chinese family rises "
          "between the compared years significantly (Fisher's exact test, 5% level) and reaches at least a "
          "tenth; partly supported when it rises significantly but stays below a tenth; contradicted when it "
          "falls significantly; when the change is not significant, not supported if an equivalence test "
          "rules out a change of 5 percentage points or more, otherwise inconclusive; not testable with "
          "fewer than 30 papers naming a family on either side.",
          primary="COLM, first against last chosen year, papers naming any model family",
          smallest_effect="A change of 5 percentage points in the share of family-naming papers that name "
                          "a Chinese family: half the bar of a tenth",
          alternatives=(
              Alternative("NAACL 2024 against COLING 2025", "the two other language-model venues, a year "
                          "apart (each has one year in the data)"),
              Alternative("the three language venues pooled", "COLM and NAACL in the first year against COLM "
                          "and COLING in the last: more papers, mixed venues"),
              Alternative("all COLM papers", "the share of every paper, not only those naming a family"),
              Alternative("one paper fewer", "one Chinese-naming paper fewer in the last year",
                          one_observation=True),
          ),
          short="Chinese open models diffused through scientific research."),
    Claim(6, "Chinese open models are largely absent from U.S. patents.", "research", "research-verdict",
          "Testable only when the patent texts name model families at all: when fewer than 20 of the "
          "U.S. patents read name any family (Chinese or not), an absence says nothing, and the claim "
          "is not testable with these data; otherwise supported when Chinese families are named in under "
          "a tenth of the patents that name a family, partly supported under a third, else contradicted.",
          "full patent descriptions (PatentsView's detailed description text, through "
          "`chipshock data patents`), where inventors name the models they build on",
          primary="U.S. patents of the ISTAT sample with an abstract, titles and abstracts",
          smallest_effect="None: the claim is about absence, and an absence in abstracts that name no "
                          "model at all cannot be told from silence",
          alternatives=(
              Alternative("every patent read", "non-U.S. patents of the sample included"),
              Alternative("filed from 2023", "the years when open LLM families existed"),
              Alternative("one patent more naming a Chinese family", "one observation more",
                          one_observation=True),
          ),
          short="Chinese open models are largely absent from U.S. patents."),
    Claim(7, "U.S. companies use Chinese open models in open-access research.", "research",
          "research-verdict",
          "Among the papers led by a U.S. company (its author first or last) that name a model family: "
          "supported when at least 5 of them name a Chinese family and that is at least a tenth; not "
          "supported when an exact binomial test rules out a share of a tenth (5% level); otherwise partly "
          "supported when at least 5 do, inconclusive when fewer do; not testable with fewer than 30 "
          "such papers.",
          primary="First or last author at a U.S. company (the table's 38 companies), papers naming any "
                  "model family",
          smallest_effect="A tenth of the company papers that name a model family: below it, use is "
                          "marginal",
          alternatives=(
              Alternative("any company author", "one company co-author anywhere in the list counts (the "
                          "former rule; academic-led papers count)"),
              Alternative("share of authors", "each paper weighted by the share of its authors at a U.S. "
                          "company"),
              Alternative("one paper fewer", "one Chinese-naming paper fewer under the primary attribution",
                          one_observation=True),
              Alternative("any company author, one paper fewer", "the former rule cleared its bar by one "
                          "paper", one_observation=True),
          ),
          short="U.S. companies use Chinese open models in open-access research."),
)


def research(share_first: float, share_last: float, p: float, n_first: int, n_last: int,
             venue: str, years: tuple[int, int] | tuple[str, str]) -> Verdict:
    """Claim 5: the share of papers naming a Chinese family, among papers naming any family."""
    evidence = (f"At {venue}, papers naming a Chinese model family went from {pct_text(share_first)} in "
                f"{years[0]} to {pct_text(share_last)} in {years[1]} of papers naming any family "
                f"({p_text(p)}; {n_first} and {n_last} papers).")
    caveat = "Titles and abstracts only; a model used but not named there is not counted."
    if n_first < MIN_PAPERS or n_last < MIN_PAPERS:
        return Verdict(UNTESTABLE, evidence, "Fewer than 30 papers naming a family on a side. " + caveat)
    if share_last > share_first and significant(p):
        return Verdict(SUPPORTED if share_last >= 0.10 else PARTLY, evidence, caveat)
    if share_last < share_first and significant(p):
        return Verdict(CONTRADICTED, evidence, caveat)
    k0, k1 = round(share_first * n_first), round(share_last * n_last)
    if tost_proportions(k0, n_first, k1, n_last, SMALLEST_CHANGE) < ALPHA:
        return Verdict(NOT_SUPPORTED, evidence, caveat)
    return Verdict(INCONCLUSIVE, evidence, "The change is not significant and a change of 5 percentage "
                   "points cannot be ruled out. " + caveat)


def patents(naming_any: int, naming_cn: int, patents_read: int, what: str = "U.S. AI patents") -> Verdict:
    """Claim 6: Chinese families in U.S. patent texts, testable only if texts name models at all."""
    evidence = (f"Of {patents_read:,} {what} read (titles and abstracts), {naming_any} name any "
                f"model family and {naming_cn} a Chinese one.")
    if naming_any < 20:
        return Verdict(UNTESTABLE, evidence,
                       "Abstracts rarely name the model an invention builds on, so an absence here is a "
                       "lower bound, not a finding; " + CLAIMS[1].would_test + " would test it.")
    share = naming_cn / naming_any
    word = SUPPORTED if share < 0.10 else PARTLY if share < 1 / 3 else CONTRADICTED
    return Verdict(word, evidence, "Titles and abstracts only: a lower bound on naming.")


def share_ruled_out(papers_cn: float, papers_any: float, bar: float = COMPANY_SHARE) -> bool:
    """Whether an exact one-sided binomial test rejects a share of `bar` or more (at ALPHA)."""
    n = round(papers_any)
    return n > 0 and float(stats.binom.cdf(math.floor(papers_cn), n, bar)) < ALPHA


def companies(papers_cn: float, papers_any: float, attribution: str = "a U.S.-company author") -> Verdict:
    """Claim 7: papers attributed to a U.S. company that name a Chinese family (counts may be weighted)."""
    share = papers_cn / papers_any if papers_any else float("nan")

    def count(x: float) -> str:
        return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.1f}"

    evidence = (f"{count(papers_cn)} of {count(papers_any)} papers with {attribution} that name a model "
                f"family name a Chinese one ({pct_text(share) if papers_any else 'no share'}).")
    caveat = "Company authorship from e-mail domains and affiliations; titles and abstracts only."
    if papers_any < MIN_PAPERS:
        return Verdict(UNTESTABLE, evidence, "Fewer than 30 such papers. " + caveat)
    if papers_cn >= 5 and share >= COMPANY_SHARE:
        return Verdict(SUPPORTED, evidence, caveat)
    if share_ruled_out(papers_cn, papers_any):
        return Verdict(NOT_SUPPORTED, evidence, caveat)
    if papers_cn >= 5:
        return Verdict(PARTLY, evidence, caveat)
    return Verdict(INCONCLUSIVE, evidence,
                   "Fewer than 5 such papers, and a share of a tenth cannot be ruled out. " + caveat)
