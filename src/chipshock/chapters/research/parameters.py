"""What chapter `research` takes: its parameters and the data files it reads."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from chipshock.data.catalog import PAPER_FILES, US_COMPANIES
from chipshock.data.dictionaries import FAMILY_ORIGIN, MODEL_FAMILIES
from chipshock.params import Param, ParamSpec

FAMILIES = tuple(MODEL_FAMILIES)
VENUE_YEARS = tuple((f.split("/")[0], int(f[-4:])) for f in PAPER_FILES)


VENUES = tuple(sorted({v for v, _ in VENUE_YEARS}))
YEARS = (2023, 2024, 2025)


OPEN_US = ("llama", "gemma", "phi", "olmo", "gpt_oss")  # U.S. families with open weights
DEFAULT_COMPANIES = US_COMPANIES


ISTAT_RAW = "data/raw/patents/istat-ai-patents-sample/abstracts.jsonl.gz"  # for the connector check
ASSIGNEE_ORIGINS = "data/curated/patent_assignee_origin.csv"  # headquarters of the top AI assignees

INPUTS = ("data/processed/papers.parquet", "data/processed/cset_papers.parquet", "data/processed/CHECKSUMS",
          DEFAULT_COMPANIES, "data/processed/istat_patents.parquet",
          "data/processed/patentworld_ai_years.parquet", "data/processed/patentworld_ai_assignees.parquet",
          ASSIGNEE_ORIGINS)


def _venue_years(venue: str, years: list[int]) -> list[int]:
    return sorted(y for v, y in VENUE_YEARS if v == venue and y in years)


def _check(values: dict[str, Any]) -> str | None:
    fams = values["families"]
    if not any(FAMILY_ORIGIN[f] == "CN" for f in fams) or not any(f in OPEN_US for f in fams):
        return ("parameter 'families' needs at least one Chinese family (qwen, deepseek, chatglm, yi, "
                "internlm, baichuan, minicpm, kimi) and one U.S. open family (llama, gemma, phi, olmo, "
                "gpt_oss) to compare them")
    venue = values["compare_venue"]
    if venue not in values["venues"]:
        return f"parameter 'compare_venue' ({venue}) must be one of the chosen 'venues'; add it to them"
    have = _venue_years(venue, values["years"])
    if len(have) < 2:
        shipped = ", ".join(str(y) for v, y in VENUE_YEARS if v == venue)
        return (f"parameter 'compare_venue' ({venue}) needs two of the chosen 'years' to compare; "
                f"it has papers for {shipped}. Choose other years or another venue")
    if not any(y in values["years"] for v, y in VENUE_YEARS if v in values["venues"]):
        return "no chosen venue has papers in the chosen 'years'; see `chipshock params research`"
    path = PurePosixPath(values["company_table"])
    if path.is_absolute() or ".." in path.parts or path.suffix != ".csv":
        return (f"parameter 'company_table' ({values['company_table']}) must be a .csv path inside the "
                f"project, relative to its root, e.g. {DEFAULT_COMPANIES}")
    return None


PARAMS = ParamSpec(
    params=(
        Param("families", "list[str]", list(FAMILIES), "model families looked for in titles and abstracts",
              choices=FAMILIES),
        Param("venues", "list[str]", list(VENUES), "venues (Paper Copilot lists) included", choices=VENUES),
        Param("years", "list[int]", list(YEARS), "conference years included", min=2023, max=2025),
        Param("company_table", "str", DEFAULT_COMPANIES,
              "CSV of U.S. companies' e-mail domains and affiliation names (company, kind, value, source)"),
        Param("min_mentions", "int", 3, "papers a family needs (in the selection) to get its own row and bar",
              min=1, max=500),
        Param("compare_venue", "str", "colm", "venue compared across its first and last chosen year",
              choices=VENUES),
        Param("grants_from", "int", 2015, "first grant year of the U.S. AI patent grants table",
              min=1976, max=2025),
    ),
    checks=(_check,),
)
