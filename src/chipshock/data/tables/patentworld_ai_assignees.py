"""patentworld_ai_assignees: the top 50 assignees of U.S. AI patent grants over all grant years
(PatentsView disambiguated organisation names; name variants not merged)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from chipshock.data.tables._common import col
from chipshock.data.tables.patentworld_ai_years import FOLDER, YEARS, read_records

NAME = "patentworld_ai_assignees"
RAW = (f"{FOLDER}/ai_top_assignees.json",)
DESCRIPTION = "top 50 assignees of U.S. AI patent grants, all grant years pooled"

SCHEMA = pa.DataFrameSchema(
    {
        "rank": col("int16", pa.Check.ge(1), unique=True),
        "organization": col(str, unique=True),
        "ai_patents": col("int64", pa.Check.gt(0)),
        "first_year": col("int16", pa.Check.in_range(*YEARS)),
        "last_year": col("int16", pa.Check.in_range(*YEARS)),
    },
    strict=True,
    ordered=True,
)


def build(raw: dict[str, Path], built: dict[str, pd.DataFrame], root: Path) -> pd.DataFrame:
    df = read_records(raw[RAW[0]])
    df.insert(0, "rank", range(1, len(df) + 1))  # file order: descending AI grants
    df = df.astype({"rank": "int16", "ai_patents": "int64", "first_year": "int16", "last_year": "int16"})
    return df[list(SCHEMA.columns)]


def coverage(df: pd.DataFrame) -> str:
    return f"{len(df)} organisations; grant years {df['first_year'].min()}-{df['last_year'].max()}"
