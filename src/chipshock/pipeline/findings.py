"""The Findings page and each chapter's "Verdict" boxes, generated at build time from the ledger.

Nothing here is committed: `chipshock build` writes `book/findings.md` and `book/verdicts/<id>.md`
(both git-ignored) before the HTML build, and each chapter page includes its boxes with
`{include} verdicts/<id>.md`. The boxes glue every value from the chapter that tests the claim
(verdict, evidence, caveat, stability, flips), so a rerun changes them. The Findings page opens
with a summary table and a three-sentence bottom line that are read from the executed chapters'
glued values (`chipshock.claims.summary`); its script (`_static/chipshock-verdicts.js`) colours
each box by its glued word, and the word itself is the label, so a verdict reads without colour.
"""

from __future__ import annotations

from pathlib import Path

from chipshock import claims as C
from chipshock.claims.summary import Judged, bottom_line
from chipshock.data.atomic import write_if_changed
from chipshock.keys import claim_keys
from chipshock.paths import Project
from chipshock.pipeline.changes import glued_values

PAGE = "book/findings.md"
INCLUDES = "book/verdicts"


def _glue(chapter: str, key: str, spec: str = "s") -> str:
    return f"{{glue:text}}`../computation/{chapter}.ipynb::{key}:{spec}`"


# Phrases of the claims' rules linked to their glossary entry at their first use on the page.
GLOSSARY_LINKS = {"placebo region": "Placebo test", "triple difference": "Triple difference",
                  "balanced accuracy": "Balanced accuracy"}


def link_terms(text: str, seen: set[str]) -> str:
    """`text` with the first use on the page (not yet in `seen`) of each GLOSSARY_LINKS phrase as
    a glossary link."""
    for phrase, entry in GLOSSARY_LINKS.items():
        if phrase in seen or phrase not in text:
            continue
        text = text.replace(phrase, f"{{term}}`{phrase} <{entry}>`", 1)
        seen.add(phrase)
    return text


def _alternatives_list(claim: C.Claim) -> list[str]:
    if not claim.alternatives:
        return []
    lines = ["**Declared alternatives** (the verdict is computed under each):", ""]
    lines += [f"- *{a.name}*: {a.reason}" for a in claim.alternatives]
    return [*lines, ""]


def claim_box(claim: C.Claim, seen: set[str] | None = None) -> str:
    """One claim as a box: glued verdict, stability and flips, evidence and caveat, the rule, the
    primary specification, the smallest effect of interest and the declared alternatives."""
    k = claim_keys(claim.number)
    g = lambda key, spec="s": _glue(claim.chapter, k[key], spec)  # noqa: E731
    lines = [
        f":::{{admonition}} Claim {claim.number}: {g('verdict')}",
        ":class: chipshock-verdict", "",
        f"*{claim.words}*", "",
        g("evidence"), "",
        f"**Stability.** {g('holds')}.", "",
        f"**Main caveat.** {g('caveat')}", "",
        f"**How it is judged.** {claim.rule if seen is None else link_terms(claim.rule, seen)}", "",
    ]
    if claim.primary:
        lines += [f"**Primary specification.** {claim.primary}", ""]
    if claim.smallest_effect:
        lines += [f"**Smallest effect of interest.** {claim.smallest_effect}", ""]
    lines += _alternatives_list(claim)
    if claim.would_test:
        lines += [f"**What would test it.** {claim.would_test[0].upper()}{claim.would_test[1:]}.", ""]
    return "\n".join([*lines, ":::", ""])


def judged(project: Project) -> dict[int, Judged]:
    """Every claim's verdict, alternatives, stability and fragility from its executed chapter."""
    out, cache = {}, {}
    for claim in C.CLAIMS:
        if claim.chapter not in cache:
            path = project.root / "computation" / f"{claim.chapter}.ipynb"
            cache[claim.chapter] = glued_values(path) if path.is_file() else {}
        values, k = cache[claim.chapter], claim_keys(claim.number)
        missing = [key for key in (k["verdict"], k["alternatives"], k["stability"], k["fragile"])
                   if key not in values]
        if missing:
            raise KeyError(f"computation/{claim.chapter}.ipynb does not glue {missing}: the chapter must "
                           f"judge claim {claim.number} (see chipshock.claims)")
        out[claim.number] = Judged(str(values[k["verdict"]][1]), int(values[k["alternatives"]][1]),
                                   float(values[k["stability"]][1]), values[k["fragile"]][1] == "fragile")
    return out


def summary_rows(project: Project) -> list[dict[str, str]]:
    """One row per claim: the claim in a few words, its verdict with its symbol, stability, why."""
    got, rows = judged(project), []
    cache: dict[str, dict] = {}
    for claim in C.CLAIMS:
        if claim.chapter not in cache:
            cache[claim.chapter] = glued_values(project.root / "computation" / f"{claim.chapter}.ipynb")
        j, why = got[claim.number], cache[claim.chapter].get(claim_keys(claim.number)["why"], ("", ""))[1]
        kept = f"{round(j.stability * j.alternatives)} of {j.alternatives}"
        stability = "no alternative declared" if j.alternatives == 0 else kept + (" (fragile)" * j.fragile)
        rows.append({"claim": f"{claim.number}. {claim.short or claim.words}",
                     "verdict": f"{C.SYMBOLS[j.word]} {j.word}", "stability": stability, "why": str(why)})
    return rows


def summary_table_html(project: Project) -> str:
    import pandas as pd

    from chipshock.tables import Col, format_table

    frame = pd.DataFrame(summary_rows(project), columns=["claim", "verdict", "stability", "why"])
    table = format_table(frame, {"claim": Col("Claim"), "verdict": Col("Verdict"),
                                 "stability": Col("Same verdict under its alternatives"),
                                 "why": Col("Why, in one sentence")}, id="findings_summary")
    return table.html


def page_text(project: Project) -> str:
    """The Findings page: summary table, bottom line, then every claim with its box."""
    parts = [
        "(findings)=",
        "# Findings: the paper's claims, tested",
        "",
        bottom_line(judged(project)),
        "",
        "```{raw} html",
        summary_table_html(project),
        "```",
        "",
        "## How to read a verdict",
        "",
        "A verdict is one of *supported*, *partly supported*, *inconclusive* (the change is not "
        "{term}`statistically significant <Statistical significance>` and the data cannot rule out an "
        "effect of the size that matters), *not supported* (the data rule out such an effect, by an "
        "{term}`equivalence test <Equivalence test (TOST)>`), *contradicted* and *not testable with "
        "public data*. A change that is not significant never counts as support. Each claim "
        "declares, before any number is seen, its primary specification, its smallest effect of "
        "interest and a short list of defensible alternatives; the chapter computes the verdict under "
        "each. *Stability* is the share of those alternatives that give the primary verdict; a verdict "
        "below two thirds, or one that changes when a single observation is added or removed, is "
        "*fragile*. The rules are implemented, with tests at their boundaries, in `chipshock.claims`; "
        "a rerun lists changed verdicts and stabilities first under \"What changed from the default "
        "run\". Values with a dotted underline are computed by the chapter's notebook for this build, "
        "never typed.",
        "",
    ]
    seen: set[str] = set()
    for claim in C.CLAIMS:
        parts.append(f"## Claim {claim.number}: {claim.short or claim.words}\n")
        parts.append(claim_box(claim, seen))
        parts.append(f"Tested in {{ref}}`the {claim.chapter} chapter <{claim.section}>`.\n")
    return "\n".join(parts)


def chapter_include(chapter: str) -> str:
    """What a chapter page's `{include} verdicts/<id>.md` holds: its claims' boxes."""
    mine = [c for c in C.CLAIMS if c.chapter == chapter]
    return ("What this chapter's evidence says of the paper's "
            f"claim{'s' if len(mine) > 1 else ''}, by the rule of the claims ledger "
            "(all claims: {ref}`findings`).\n\n" + "\n".join(claim_box(c) for c in mine))


def chapters_with_claims() -> list[str]:
    return sorted({c.chapter for c in C.CLAIMS})


def write_chapter_includes(root: Path, chapters: list[str] | None = None) -> list[Path]:
    """Write `book/verdicts/<id>.md` for these chapters (all with claims by default)."""
    written = []
    for chapter in chapters if chapters is not None else chapters_with_claims():
        if chapter in chapters_with_claims():
            path = root / INCLUDES / f"{chapter}.md"
            path.parent.mkdir(parents=True, exist_ok=True)
            written.append(write_if_changed(path, chapter_include(chapter)))
    return written


def write_verdicts(project: Project) -> list[Path]:
    """Write the Findings page and every chapter's verdict include; the files written."""
    written = write_chapter_includes(project.root)
    written.append(write_if_changed(project.root / PAGE, page_text(project)))
    return written
