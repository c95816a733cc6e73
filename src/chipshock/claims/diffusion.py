"""Claim 4 (the diffusion chapter): Chinese open models in open-source communities.

The claims' declarations (with their rules in words and their declared alternatives) and the
rule functions that turn the chapter's evidence into a verdict."""

from __future__ import annotations

from chipshock.claims.ledger import (
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
    Claim(4, "Chinese open models diffused widely through open-source communities.", "diffusion",
          "diffusion-verdict",
          "Supported when Chinese publishers hold at least as large a share of the hub measure as U.S. "
          "publishers in the last crawl and their share's trend over the crawls is not significantly "
          "negative; partly supported when the share is at least 10% but below the U.S. share, or the "
          "trend is significantly negative; not supported below 10%; not testable without two crawls."),
)


def diffusion(cn_share: float, us_share: float, trend_per_year: float, trend_p: float, crawls: int,
              measure: str) -> Verdict:
    """Claim 4: Chinese publishers' share of a hub measure, and its trend over the crawls."""
    evidence = (f"In the last crawl Chinese publishers hold {pct_text(cn_share)} of {measure} against "
                f"{pct_text(us_share)} for U.S. publishers; the share's trend is "
                f"{trend_per_year:+.1%} a year "
                f"({p_text(trend_p)}).")
    caveat = "About 32 curated publishers on Hugging Face; downloads are a 30-day window per crawl."
    if crawls < 2:
        return Verdict(UNTESTABLE, evidence, "Fewer than two crawls in the date range. " + caveat)
    falling = trend_per_year < 0 and significant(trend_p)
    if cn_share >= us_share and not falling:
        return Verdict(SUPPORTED, evidence, caveat)
    if cn_share >= 0.10:
        return Verdict(PARTLY, evidence, caveat)
    return Verdict(NOT_SUPPORTED, evidence, caveat)
