"""What chapter `policy` takes: its parameters and the data files it reads."""

from __future__ import annotations

from typing import Any

from chipshock.data.catalog import (
    HELDOUT_LABELS,
    OPEN_SOURCE_LABELS,
    POLICY_DATES,
    POLICY_EVENTS,
    POLICY_FAMILIES,
    RECALL_LABELS,
    THEME_LABELS,
)
from chipshock.data.dictionaries import POLICY_DICTIONARIES, Dictionary
from chipshock.data.paper import PAPER_SHOCKS
from chipshock.params import Param, ParamSpec

FULLTEXT = "data/raw/policy/agora/fulltext.jsonl.gz"
LEVELS = ("us_federal", "us_state", "us_local", "cn_central", "cn_provincial")
LABELS, FAMILIES, DATES = OPEN_SOURCE_LABELS, POLICY_FAMILIES, POLICY_DATES


EXTRA_DICTIONARIES: dict[str, Dictionary] = {
    d.name: d for d in (
        Dictionary(
            "open_models", "1",
            english=(r"\bopen[- ]weights?\b",
                     r"\bopen[- ](?:source )?(?:AI |foundation |large language |large )?models?\b",
                     r"\bopen[- ]source (?:AI|LLMs?)\b"),
            chinese=(r"开源模型", r"开源大模型", r"开放权重"),
            note="open models and weights only, not open-source software in general",
        ),
        Dictionary(
            "open_source_community", "1",
            english=(r"\bopen[- ]source communit(?:y|ies)\b",
                     r"\bopen[- ]source (?:platforms?|foundations?|ecosystems?)\b"),
            chinese=(r"开源社区", r"开源平台", r"开源生态", r"开源基金会"),
            note="open-source communities, platforms, foundations and ecosystems",
        ),
    )
}


ALL_DICTIONARIES = (*POLICY_DICTIONARIES, *EXTRA_DICTIONARIES)
INPUTS = ("data/processed/policy_documents.parquet", "data/processed/cn_policy_documents.parquet",
          "data/processed/cn_gov_doc_titles.parquet", "data/processed/CHECKSUMS", POLICY_EVENTS, LABELS,
          THEME_LABELS, FAMILIES, DATES, RECALL_LABELS, HELDOUT_LABELS)


def _check(values: dict[str, Any]) -> str | None:
    if "open_source" not in values["dictionaries"]:
        return ("parameter 'dictionaries' must include 'open_source', the dictionary the chapter is "
                f"about; got {', '.join(values['dictionaries'])}")
    same_side = [d for d in values["placebo_dates"] if d == values["split_date"]]
    if same_side:
        return (f"parameter 'placebo_dates' must differ from split_date ({values['split_date']}); a placebo "
                "is a date where no shock happened")
    if not any(level.startswith("cn") for level in values["jurisdictions"]) or not any(
            level.startswith("us") for level in values["jurisdictions"]):
        return "parameter 'jurisdictions' needs at least one U.S. and one Chinese level to compare"
    return None


PARAMS = ParamSpec(params=(
    Param("dictionaries", "list[str]", list(POLICY_DICTIONARIES),
          "coding dictionaries to apply (those not precomputed need the full texts)",
          choices=ALL_DICTIONARIES),
    Param("split_date", "date", "2022-10-07", "the before/after split for the Chinese documents",
          min="2017-06-01", max="2025-03-01"),
    Param("jurisdictions", "list[str]", list(LEVELS), "authority levels included", choices=LEVELS),
    Param("period", "str", "half-year", "time unit of the series", choices=("year", "half-year")),
    Param("min_words", "int", 200, "documents with fewer words are left out", min=0, max=20000),
    Param("shocks", "list[date]", list(PAPER_SHOCKS), "shock dates marked and compared",
          min="2017-01-01", max="2025-06-30"),
    Param("placebo_dates", "list[date]", ["2020-01-01", "2024-01-01"],
          "placebo splits of the MIIT series, each tested within its side of split_date",
          min="2018-06-01", max="2025-06-30"),
), checks=(_check,))
