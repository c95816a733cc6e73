"""patentworld_ai_years: U.S. utility patent grants and AI grants per grant year (PatentWorld
aggregates of PatentsView; AI = any current CPC in G06N, G06F18, G06V, G10L15 or G06F40)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from chipshock.data.tables._common import col

NAME = "patentworld_ai_years"
FOLDER = "patents/patentworld-ai"
RAW = (f"{FOLDER}/ai_patents_per_year.json",)
DESCRIPTION = "U.S. utility patent grants and AI patent grants per grant year, 1976-2025 (2025 partial)"
YEARS = (1976, 2030)

SCHEMA = pa.DataFrameSchema(
    {
        "year": col("int16", pa.Check.in_range(*YEARS), unique=True),
        "total_patents": col("int64", pa.Check.gt(0)),
        "ai_patents": col("int64", pa.Check.ge(0)),
        "ai_pct": col("float64", pa.Check.in_range(0, 100)),
    },
    strict=True,
    ordered=True,
)


def read_records(path: Path) -> pd.DataFrame:
    """One PatentWorld JSON file (a list of flat records) as a frame, in file order."""
    with open(path, encoding="utf-8") as fh:
        return pd.DataFrame(json.load(fh))


def build(raw: dict[str, Path], built: dict[str, pd.DataFrame], root: Path) -> pd.DataFrame:
    df = read_records(raw[RAW[0]])
    df = df.astype({"year": "int16", "total_patents": "int64", "ai_patents": "int64", "ai_pct": "float64"})
    return df[list(SCHEMA.columns)].sort_values("year", kind="stable")


def coverage(df: pd.DataFrame) -> str:
    return f"grant years {df['year'].min()}-{df['year'].max()} (last partial)"
