"""Named, versioned coding dictionaries: regex patterns applied to policy texts and paper abstracts.

English patterns carry word boundaries; Chinese patterns do not need them. Change a pattern →
bump the dictionary's version (it is recorded in data/processed/DATASETS.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property


@dataclass(frozen=True)
class Dictionary:
    """A named list of patterns; a text matches if any pattern does."""

    name: str
    version: str
    english: tuple[str, ...]
    chinese: tuple[str, ...] = ()
    flags: int = re.IGNORECASE
    note: str = field(default="", compare=False)

    @cached_property
    def regex(self) -> re.Pattern[str]:
        return re.compile("|".join(f"(?:{p})" for p in (*self.english, *self.chinese)), self.flags)

    def count(self, text: str) -> int:
        """Number of non-overlapping matches in `text`."""
        return sum(1 for _ in self.regex.finditer(text or ""))

    def matches(self, text: str) -> bool:
        return self.regex.search(text or "") is not None


# --- Policy documents: what a document says about open source, ecosystems, standards, chips -----------

POLICY_DICTIONARIES: dict[str, Dictionary] = {
    d.name: d
    for d in (
        Dictionary(
            "open_source",
            "2",
            english=(
                r"\bopen[- ]source[sd]?\b",
                r"\bopen[- ]weights?\b",
                r"\bopen(?:ly)?[- ](?:available )?(?:AI )?models?\b",
                r"\bopen[- ]access models?\b",
                r"\bfreely available (?:model|software|code)s?\b",
            ),
            # 开源节流 ("broaden income, cut spending") is an idiom, not open source (v2)
            chinese=(r"开源(?!节流)", r"开放源代码", r"开放权重", r"开源模型"),
        ),
        Dictionary(
            "ecosystem",
            "1",
            english=(
                r"\becosystems?\b",
                r"\bdeveloper communit(?:y|ies)\b",
                r"\bindustrial chains?\b",
                r"\bsupply chains?\b",
            ),
            chinese=(r"生态", r"产业链", r"供应链"),
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
