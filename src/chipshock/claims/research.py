"""Claims 5, 6 and 7 (the research chapter): research papers, patents, U.S. companies.

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
)


def research(share_first: float, share_last: float, p: float, n_first: int, n_last: int,
             venue: str, years: tuple[int, int]) -> Verdict:
    """Claim 5: the share of papers naming a Chinese family, among papers naming any family."""
    evidence = (f"At {venue}, papers naming a Chinese model family went from {pct_text(share_first)} in "
                f"{years[0]} to {pct_text(share_last)} in {years[1]} of papers naming any family "
                f"({p_text(p)}).")
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
                       "lower bound, not a finding; " + CLAIMS[1].would_test + " would test it.")
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
