"""patentworld_ai_geography: U.S. AI patent grants by inventor country (and U.S. state), top 100,
all grant years pooled. Location is the inventor's (PatentsView g_inventor/g_location), not the
assignee's."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from chipshock.data.tables._common import col
from chipshock.data.tables.patentworld_ai_years import FOLDER, YEARS, read_records

NAME = "patentworld_ai_geography"
RAW = (f"{FOLDER}/ai_geography.json",)
DESCRIPTION = "U.S. AI patent grants by inventor country and U.S. state, top 100, all grant years pooled"

SCHEMA = pa.DataFrameSchema(
    {
        "rank": col("int16", pa.Check.ge(1), unique=True),
        "country": col(str, pa.Check.str_length(2, 2)),
        "state": col(str, nullable=True),
        "ai_patents": col("int64", pa.Check.gt(0)),
        "first_year": col("int16", pa.Check.in_range(*YEARS)),
        "last_year": col("int16", pa.Check.in_range(*YEARS)),
    },
    strict=True,
    ordered=True,
    unique=["country", "state"],
)


def build(raw: dict[str, Path], built: dict[str, pd.DataFrame], root: Path) -> pd.DataFrame:
    df = read_records(raw[RAW[0]])
    df.insert(0, "rank", range(1, len(df) + 1))  # file order: descending AI grants
    df["state"] = df["state"].astype(object).where(df["state"].notna(), None)
    df = df.astype({"rank": "int16", "ai_patents": "int64", "first_year": "int16", "last_year": "int16"})
    return df[list(SCHEMA.columns)]


def coverage(df: pd.DataFrame) -> str:
    return f"{df['country'].nunique()} countries; {int(df['state'].notna().sum())} rows with a state"
