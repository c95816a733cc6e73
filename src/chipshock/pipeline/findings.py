"""The Findings page and each chapter's "Verdict" section, written from the claims ledger.

Both are generated from `chipshock.claims.CLAIMS` and hold no result: the verdict word, the
evidence sentence and the caveat are glued from the chapter that tests the claim, so a rerun or a
changed result changes them. The page's script (`_static/chipshock-verdicts.js`) colours each box
by its glued word; the word itself is the label, so the verdict reads without colour too.
A chapter page carries its box between two markers; `write_verdicts` keeps it current.
"""

from __future__ import annotations

import re
from pathlib import Path

from chipshock import claims as C
from chipshock.data.atomic import write_if_changed
from chipshock.paths import Project

PAGE = "book/findings.md"
START, END = "<!-- verdict: generated from chipshock.claims; do not edit -->", "<!-- verdict: end -->"
BOX = re.compile(re.escape(START) + r".*?" + re.escape(END), re.S)


def _glue(chapter: str, key: str) -> str:
    return f"{{glue:text}}`../computation/{chapter}.ipynb::{key}:s`"


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


def claim_box(claim: C.Claim, heading: str, seen: set[str] | None = None) -> str:
    """One claim: its words, the glued verdict, evidence and caveat, the rule, and where it is tested."""
    verdict, evidence, caveat = C.glue_keys(claim.number)
    lines = [
        f"{heading} Claim {claim.number}: {claim.words}", "",
        f":::{{admonition}} Verdict: {_glue(claim.chapter, verdict)}",
        ":class: chipshock-verdict", "",
        _glue(claim.chapter, evidence), "",
        f"**Main caveat.** {_glue(claim.chapter, caveat)}", "",
        f"**How it is judged.** {claim.rule if seen is None else link_terms(claim.rule, seen)}",
    ]
    if claim.would_test:
        lines += ["", f"**What would test it.** {claim.would_test[0].upper()}{claim.would_test[1:]}."]
    return "\n".join([*lines, ":::", ""])


def page_text() -> str:
    """The Findings page: every claim, in the ledger's order, with a link to its section."""
    parts = [
        "(findings)=",
        "# Findings: the paper's claims, tested",
        "",
        "Each of the paper's claims, in our words, with the verdict of the chapter that tests it on "
        "public data, at the book's default parameters. A verdict is one of *supported*, *partly "
        "supported*, *not supported*, *contradicted* and *not testable with public data*. The rule "
        "that turns a chapter's evidence into its verdict is stated under each claim and implemented, "
        "with tests at its boundaries, in `chipshock.claims`; a rerun of a chapter with other "
        "parameters lists its changed verdicts first under \"What changed from the default run\".",
        "",
    ]
    seen: set[str] = set()
    for claim in C.CLAIMS:
        parts.append(claim_box(claim, "##", seen))
        parts.append(f"Tested in {{ref}}`the {claim.chapter} chapter <{claim.section}>`.\n")
    return "\n".join(parts)


def chapter_section(chapter: str) -> str:
    """The generated "Verdict" section of a chapter page (between the markers)."""
    mine = [c for c in C.CLAIMS if c.chapter == chapter]
    if not mine:
        return ""
    body = "\n".join(claim_box(c, "###") for c in mine)
    label = mine[0].section if all(c.section == mine[0].section for c in mine) else f"{chapter}-verdict"
    return (f"{START}\n({label})=\n## Verdict\n\nWhat this chapter's evidence says of the paper's "
            f"claim{'s' if len(mine) > 1 else ''}, by the rule of the claims ledger "
            "(all claims: {ref}`findings`).\n\n" + body + END)


def with_verdict(text: str, chapter: str) -> str:
    """A chapter page with its verdict section current (it must carry the two markers)."""
    return BOX.sub(lambda _m: chapter_section(chapter), text)


def write_verdicts(project: Project) -> list[Path]:
    """Write the Findings page and refresh every chapter page's verdict section; the files written."""
    written = [write_if_changed(project.root / PAGE, page_text())]
    for chapter in sorted({c.chapter for c in C.CLAIMS}):
        path = project.root / "book" / f"{chapter}.md"
        if path.is_file() and START in (text := path.read_text(encoding="utf-8")):
            written.append(write_if_changed(path, with_verdict(text, chapter)))
    return written
