"""Claim 4 (the diffusion chapter): Chinese open models in open-source communities.

The claim's declaration (with its rule in words and its declared alternatives) and the rule
function that turns the chapter's evidence into a verdict."""

from __future__ import annotations

import math
from collections.abc import Mapping

from chipshock.claims.ledger import (
    INCONCLUSIVE,
    NOT_SUPPORTED,
    PARTLY,
    SUPPORTED,
    UNTESTABLE,
    Alternative,
    Claim,
    Verdict,
    pct_text,
    significant,
)
from chipshock.econometrics.equivalence import tost_p
from chipshock.numbers import integer, interval, p_value, points
from chipshock.wording import ALPHA

WIDE_SHARE = 0.10
"""A tenth of the measure: below it, Chinese models are not widely used on this measure."""
SMALLEST_TREND = 0.05
"""The smallest trend of interest, 5 percentage points a year: at that pace a share below a tenth
reaches it within two years."""
MIN_POINTS = 3

CLAIMS: tuple[Claim, ...] = (
    Claim(4, "Chinese open models diffused widely through open-source communities.", "diffusion",
          "diffusion-verdict",
          "On the models of named generative LLM families of the publishers present in every crawl: "
          "supported when, in the last crawl, Chinese publishers' models reach at least as much of the "
          "measure as U.S. publishers' (at least 100% of the U.S. reach) and their share's trend is not "
          "significantly negative at the 5% level (Newey-West t test); partly supported when they reach "
          "at least a tenth of the measure but less than U.S. publishers, or the trend is significantly "
          "negative; below a tenth, not supported when an equivalence test rules out a rise of 5 "
          "percentage points a year or more, otherwise inconclusive; not testable with fewer than three "
          "crawls.",
          primary="Downloads (the run's measure) of the models of named generative LLM families, publishers "
                  "present in every crawl with all their models, Hugging Face",
          smallest_effect="A trend of 5 percentage points a year in the Chinese share: at that pace a share "
                          "below a tenth reaches a tenth within two years",
          alternatives=(
              Alternative("all models", "the hub measure as crawled, encoders, embedding, speech and vision "
                          "models included"),
              Alternative("model-balanced panel", "the former headline: a fixed set of models, so no model "
                          "released after the first crawl"),
              Alternative("full panel", "every crawled publisher, including those first crawled later"),
              Alternative("GitHub model repositories", "another community: fork flows of the model "
                          "repositories of the GitHub list by the origin of their base model, monthly"),
          ),
          short="Chinese open models diffused widely through open-source communities."),
)


def diffusion(cn_share: float, us_share: float, cn_reach: float, us_reach: float,
              trend: Mapping[str, float], measure: str, unit: str = "") -> Verdict:
    """Claim 4: Chinese publishers' reach of a measure, absolute and relative to U.S. publishers',
    in the last observation, and the trend of their share (`trend`: slope, se, p, n, ci_low,
    ci_high, per year)."""
    n = int(trend.get("n", 0))
    relative = (f"{pct_text(cn_reach / us_reach)} of the U.S. reach" if us_reach
                else "with no U.S. reach to compare")
    slope_ci = interval(100 * trend.get("ci_low", math.nan), 100 * trend.get("ci_high", math.nan), 1)
    evidence = (f"In the last observation, on {measure}, Chinese publishers' models reach "
                f"{integer(cn_reach)}{unit} ({pct_text(cn_share)} of the total, {relative}) against "
                f"{integer(us_reach)}{unit} for U.S. publishers' ({pct_text(us_share)}); the Chinese share's "
                f"trend is {points(trend.get('slope', math.nan))} a year ({slope_ci} points, "
                f"{p_value(trend.get('p', math.nan))}).").replace("\u00a0", " ")
    caveat = ("About 32 curated publishers on Hugging Face; downloads are a 30-day window per crawl, and "
              "crawls run from November 2024, so this is a level, not a change caused by a shock.")
    if n < MIN_POINTS:
        return Verdict(UNTESTABLE, evidence, f"Fewer than {MIN_POINTS} observations in the range. " + caveat)
    slope, p = float(trend["slope"]), float(trend["p"])
    falling = slope < 0 and significant(p)
    if cn_reach >= us_reach and not falling:
        return Verdict(SUPPORTED, evidence, caveat)
    if cn_share >= WIDE_SHARE:
        return Verdict(PARTLY, evidence, caveat)
    equivalence = tost_p(slope, float(trend.get("se", math.nan)), SMALLEST_TREND, df=max(n - 2, 1))
    if not math.isnan(equivalence) and equivalence < ALPHA:
        return Verdict(NOT_SUPPORTED, evidence, caveat)
    return Verdict(INCONCLUSIVE, evidence, "The trend cannot rule out a rise of 5 percentage points a year. "
                   + caveat)
