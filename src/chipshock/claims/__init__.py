"""The claims ledger: the paper's claims, where the book tests each, the rule that turns the
evidence into a verdict, and the defensible alternatives each verdict is also computed under.

The vocabulary and the machinery are in `chipshock.claims.ledger`; each chapter's claims, with
their rules, in the module of that chapter's name. Chapters call their rules under the primary
specification and every declared alternative, `judge` the verdicts, and glue
`Judgement.glue_values()` (`claim<N>_verdict`, `_evidence`, `_caveat`, `_alternatives`,
`_stability`, `_flips`, `_fragile`); the Findings page and each chapter's "Verdict" box read those
keys, so a rerun's verdict follows its parameters.
"""

from __future__ import annotations

from chipshock.claims import developers as _developers
from chipshock.claims import diffusion as _diffusion
from chipshock.claims import policy as _policy
from chipshock.claims import research as _research
from chipshock.claims.developers import clock, developers
from chipshock.claims.diffusion import diffusion
from chipshock.claims.ledger import (
    ALPHA,
    CONTRADICTED,
    CSS_CLASS,
    FRAGILE_BELOW,
    INCONCLUSIVE,
    NOT_SUPPORTED,
    PARTLY,
    SUPPORTED,
    SYMBOLS,
    UNTESTABLE,
    VERDICTS,
    Alternative,
    Claim,
    Judgement,
    Verdict,
    judge,
    significant,
)
from chipshock.claims.policy import policy_after, policy_after_shares, policy_before
from chipshock.claims.research import companies, patents, research
from chipshock.keys import claim_keys

CLAIMS: tuple[Claim, ...] = tuple(sorted(
    (*_policy.CLAIMS, *_developers.CLAIMS, *_diffusion.CLAIMS, *_research.CLAIMS), key=lambda c: c.number))


def claim(number: int) -> Claim:
    return next(c for c in CLAIMS if c.number == number)


def glue_keys(number: int) -> tuple[str, str, str]:
    """The verdict, evidence and caveat keys of claim `number` (all its keys: `claim_keys`)."""
    keys = claim_keys(number)
    return keys["verdict"], keys["evidence"], keys["caveat"]


__all__ = ["ALPHA", "CLAIMS", "CONTRADICTED", "CSS_CLASS", "FRAGILE_BELOW", "INCONCLUSIVE", "NOT_SUPPORTED",
           "PARTLY", "SUPPORTED", "SYMBOLS", "UNTESTABLE", "VERDICTS", "Alternative", "Claim", "Judgement",
           "Verdict", "claim", "claim_keys", "clock", "companies", "developers", "diffusion", "glue_keys",
           "judge", "patents", "policy_after", "policy_after_shares", "policy_before", "research",
           "significant"]
