"""patentworld_ai_strategies: the AI subfield mix of 20 top assignees of U.S. AI patent grants,
all grant years pooled."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from chipshock.data.tables._common import col
from chipshock.data.tables.patentworld_ai_years import FOLDER, read_records

NAME = "patentworld_ai_strategies"
RAW = (f"{FOLDER}/ai_strategies.json",)
DESCRIPTION = "U.S. AI patent grants of 20 top assignees by AI subfield, all grant years pooled"

SCHEMA = pa.DataFrameSchema(
    {
        "organization": col(str),
        "subfield": col(str),
        "patents": col("int64", pa.Check.ge(0)),
    },
    strict=True,
    ordered=True,
    unique=["organization", "subfield"],
)


def build(raw: dict[str, Path], built: dict[str, pd.DataFrame], root: Path) -> pd.DataFrame:
    df = read_records(raw[RAW[0]]).rename(columns={"patent_count": "patents"})
    df = df.astype({"patents": "int64"})
    return df[list(SCHEMA.columns)].sort_values(["organization", "subfield"], kind="stable")


def coverage(df: pd.DataFrame) -> str:
    return f"{df['organization'].nunique()} organisations; {df['subfield'].nunique()} subfields"
