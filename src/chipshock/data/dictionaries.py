"""Named, versioned coding dictionaries: regex patterns applied to policy texts and paper abstracts.

English patterns carry word boundaries; Chinese patterns do not need them. Change a pattern →
bump the dictionary's version (it is recorded in data/processed/DATASETS.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

Scope = Literal["after", "before", "clause"]
CONTEXT_CHARS = 200  # the longest quotation of a passage kept anywhere in the repository
# Sense rules look at most REACH characters either side of a match, so a stored quotation of REACH
# characters either side (under CONTEXT_CHARS in all) is enough to re-apply them without the full text.
REACH = 90
# A clause ends at sentence or list punctuation (English followed by a space, Chinese at once) or at "--".
_CLAUSE_END = re.compile(r"[.;:!?](?=\s)|\.--|[。；：！？]|\n\s*\n")


@dataclass(frozen=True)
class SenseRule:
    """A context in which a match is not the sense a dictionary measures.

    `pattern` is searched in the `scope` of a match: the text right `after` it, right `before` it
    (up to 40 characters) or the whole `clause` around it. `sense` names what the match means there.
    """

    sense: str
    scope: Scope
    pattern: str
    flags: int = re.IGNORECASE

    @cached_property
    def regex(self) -> re.Pattern[str]:
        return re.compile(self.pattern, self.flags)

    def applies(self, text: str, start: int, end: int) -> bool:
        if self.scope == "after":
            return self.regex.match(text, end, min(len(text), end + 40)) is not None
        if self.scope == "before":
            return self.regex.search(text[max(0, start - 40):start]) is not None
        lo, hi = clause_bounds(text, start, end)
        return self.regex.search(text, lo, hi) is not None


def window(text: str, start: int, end: int) -> tuple[int, int]:
    """The REACH characters either side of text[start:end], as offsets into `text`."""
    return max(0, start - REACH), min(len(text), end + REACH)


def clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Start and end of the clause around text[start:end], within its `window`."""
    lo, hi = window(text, start, end)
    ends_before = [m.end() for m in _CLAUSE_END.finditer(text, lo, start)]
    after = _CLAUSE_END.search(text, end, hi)
    return (ends_before[-1] if ends_before else lo), (after.start() if after else hi)


def context(text: str, start: int, end: int, width: int = CONTEXT_CHARS) -> str:
    """At most `width` characters of `text` around text[start:end], whitespace collapsed."""
    room = max(0, (width - 2 - (end - start)) // 2)
    lo, hi = max(0, start - room), min(len(text), end + room)
    snippet = " ".join(text[lo:hi].split())
    return (("…" if lo > 0 else "") + snippet + ("…" if hi < len(text) else ""))[:width]


@dataclass(frozen=True)
class Passage:
    """One match of a dictionary: where it is, what it matched, and the sense rule that drops it, if any."""

    start: int
    end: int
    match: str
    excluded: str | None


@dataclass(frozen=True)
class Dictionary:
    """A named list of patterns; a text matches if any pattern does, outside the contexts in `exclude`."""

    name: str
    version: str
    english: tuple[str, ...]
    chinese: tuple[str, ...] = ()
    flags: int = re.IGNORECASE
    note: str = field(default="", compare=False)
    exclude: tuple[SenseRule, ...] = field(default=(), compare=False)

    @cached_property
    def regex(self) -> re.Pattern[str]:
        return re.compile("|".join(f"(?:{p})" for p in (*self.english, *self.chinese)), self.flags)

    def excluded_sense(self, text: str, start: int, end: int) -> str | None:
        """The sense of the first rule of `exclude` that applies to text[start:end], else None."""
        return next((r.sense for r in self.exclude if r.applies(text, start, end)), None)

    def passages(self, text: str) -> Iterator[Passage]:
        """Every match with the sense rule that excludes it (None: it counts)."""
        for m in self.regex.finditer(text or ""):
            yield Passage(m.start(), m.end(), m.group(0), self.excluded_sense(text, m.start(), m.end()))

    def count(self, text: str) -> int:
        """Number of non-overlapping matches in `text` that no sense rule excludes."""
        return sum(1 for p in self.passages(text) if p.excluded is None)

    def raw_count(self, text: str) -> int:
        """Number of non-overlapping matches in `text`, sense rules ignored."""
        return sum(1 for _ in self.regex.finditer(text or ""))

    def matches(self, text: str) -> bool:
        return self.count(text) > 0


# --- Senses of "open source" that are not open-source software or AI in a policy's own voice -------------
# Written after reading the hand-labelled passages of data/curated/open_source_labels.csv (see the
# policy chapter's validation section): the intelligence sense ("open-source analysis", "open source
# materials"), passages that present open source as a risk, and the idiom 开源节流 split by quotation marks.

OPEN_SOURCE_RULES: tuple[SenseRule, ...] = (
    SenseRule("intelligence", "after",
              r"\W{0,3}(?:analys[ie]s|analytic|intelligence|information|materials?|reporting|collection)\b"),
    SenseRule("intelligence", "before", r"\bOSINT\b|\bintelligence (?:community|agencies)\b"),
    SenseRule("risk", "clause",
              r"vulnerabilit|\bmisuse|bioweapon|pathogen|chemical weapon|\bforge\b|deep-?fake|cheapfake|"
              r"\bmalicious|supply chain risks?|\b(?:low|higher|lower|extreme)[- ]risks?\b|"
              r"漏洞|风险|攻击|恶意|滥用|伪造"),
    SenseRule("other_sense", "after", r"[”\"」』]?\s*[和与、]?\s*[“\"「『]?节流"),
)

# 生态 in the natural sense (生态环境, 生态文明, 森林生态系统 …), found in the hand-labelled theme sample
# (data/curated/theme_labels.csv): not a technology or industry ecosystem.
ECOSYSTEM_RULES: tuple[SenseRule, ...] = (
    SenseRule("environment", "after", r"(?<=生态)(?:环境|文明|保护|环保|修复)", flags=0),
    SenseRule("environment", "before", r"(?:自然|森林|湿地|草原|农田|林业|流域)$", flags=0),
)


# --- Policy documents: what a document says about open source, ecosystems, standards, chips -----------

POLICY_DICTIONARIES: dict[str, Dictionary] = {
    d.name: d
    for d in (
        Dictionary(
            "open_source",
            "4",
            english=(
                r"\bopen[- ]source[sd]?\b",
                r"\bopen[- ]weights?\b",
                r"\bopen(?:ly)?[- ](?:available )?(?:AI )?models?\b",
                r"\bopen[- ]access models?\b",
                r"\bfreely available (?:model|software|code)s?\b",
                # v4: EO 14110 section 4.6 speaks of "widely available model weights", found by the
                # recall probes of the policy chapter
                r"\b(?:widely|publicly) available (?:model )?weights\b",
            ),
            # 开源节流 ("broaden income, cut spending") is an idiom, not open source (v2);
            # v4: 开放源码 and 源代码开放 (open source code), missing before
            chinese=(r"开源(?!节流)", r"开放源代码", r"开放源码", r"源代码开放", r"开放权重"),
            # v3: sense rules drop the intelligence and risk senses and the split idiom
            exclude=OPEN_SOURCE_RULES,
        ),
        Dictionary(
            "ecosystem",
            "2",
            english=(
                r"\becosystems?\b",
                r"\bdeveloper communit(?:y|ies)\b",
                r"\bindustrial chains?\b",
                r"\bsupply chains?\b",
            ),
            chinese=(r"生态", r"产业链", r"供应链"),
            exclude=ECOSYSTEM_RULES,  # v2: 生态 in the natural sense
        ),
        Dictionary(
            "standards",
            "1",
            english=(r"\bstandards?\b", r"\bstandardi[sz](?:ation|ed|e)\b", r"\bbenchmarks?\b"),
            chinese=(r"标准", r"规范"),
        ),
        Dictionary(
            "resilience",
            "1",
            english=(
                r"\bresilien(?:ce|t|cy)\b",
                r"\bself[- ]relian(?:ce|t)\b",
                r"\bself[- ]sufficien(?:cy|t)\b",
                r"\bindigenous innovation\b",
                r"\bdomestic(?:ally)? (?:produc\w+|substitut\w+)\b",
            ),
            chinese=(r"自主可控", r"自立自强", r"韧性", r"国产替代", r"安全可控"),
        ),
        Dictionary(
            "compute_chips",
            "1",
            english=(
                r"\bsemiconductors?\b",
                r"\b(?:micro)?chips?\b",
                r"\bGPUs?\b",
                r"\bcomput(?:e|ing) (?:power|capacity|resources?|infrastructure)\b",
                r"\bintegrated circuits?\b",
                r"\bexport controls?\b",
                r"\bdata cent(?:er|re)s?\b",
            ),
            chinese=(r"芯片", r"半导体", r"集成电路", r"算力", r"出口管制"),
        ),
    )
}


# --- Papers: mentions of model families in title + abstract ----------------------------------------------

CS = 0  # case-sensitive
FAMILY_ORIGIN: dict[str, str] = {}
MODEL_FAMILIES: dict[str, Dictionary] = {}


def _family(name: str, origin: str, *patterns: str, flags: int = re.IGNORECASE, version: str = "1") -> None:
    MODEL_FAMILIES[name] = Dictionary(name, version, english=patterns, flags=flags)
    FAMILY_ORIGIN[name] = origin


_family("qwen", "CN", r"\bqw(?:en|q)")
_family("deepseek", "CN", r"\bdeep-?seek")
_family("chatglm", "CN", r"\bChatGLM", r"\bGLM-?(?:\d|4V|Z1)", flags=CS)
_family("yi", "CN", r"\bYi-(?:\d|Large|Lightning|VL|Coder)", flags=CS)
_family("internlm", "CN", r"\binternlm", r"\bintern-?vl")
_family("baichuan", "CN", r"\bbaichuan")
_family("minicpm", "CN", r"\bminicpm")
_family("kimi", "CN", r"\bkimi\b")
_family("llama", "US", r"\b(?:code|tiny|open)?llama(?!s\b)")
_family("gemma", "US", r"\b(?:code|pali|rg|shield)?gemma(?:-?\d|\b)")
_family("phi", "US", r"\b[Pp]hi-[1-4](?:\.5)?\b", flags=CS)
_family("olmo", "US", r"\bolmoe?\b", r"\bolmo-?\d")
_family("gpt_oss", "US", r"\bgpt-oss\b")
_family(
    "gpt",
    "US",
    r"\b(?:Chat)?GPT-?(?:[1-5](?:\.\d)?|4o)(?![\w-]*oss)(?!\w)",
    r"\bChatGPT\b",
    r"\bInstructGPT\b",
)
_family("claude", "US", r"\bClaude\b(?!\s+(?:E\.\s+)?Shannon)", flags=CS)
_family("mistral", "other", r"\b(?:mistral|mixtral)\b")
_family(
    "falcon",
    "other",
    r"\bFalcon[- ]?(?:\d+(?:\.\d+)?[Bb]\b|LLM|Mamba|H1\b)",
    r"\bFalcon (?:famil(?:y|ies)|models?|LLMs?)\b",
    # "Falcon" in a list of LLM families ("LLaMA-2, Vicuna, Falcon"), revised (v2) after CSET's misses
    r"\b(?:LLaMA|LLaMa|Llama|OPT|MPT|Vicuna|Mistral|Bloomz?|BLOOMZ?|Pythia|GPT-J)[\w.-]*"
    r"(?:,\s*(?:and\s+)?[\w.-]+){0,4},?\s*(?:and\s+|or\s+)?Falcon\b",
    flags=CS,
    version="2",
)
