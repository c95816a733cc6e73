"""patentworld_ai_by_year: U.S. AI patent grants per grant year by subfield, by assignee category and
for 15 fixed top organisations, in one long table (`dimension`, `category`, `patents`)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from chipshock.data.tables._common import col
from chipshock.data.tables.patentworld_ai_years import FOLDER, YEARS, read_records

NAME = "patentworld_ai_by_year"
FILES = {  # dimension: (file, category column, count column)
    "subfield": (f"{FOLDER}/ai_by_subfield.json", "subfield", "count"),
    "assignee_category": (f"{FOLDER}/ai_assignee_type.json", "assignee_category", "count"),
    "organization": (f"{FOLDER}/ai_org_over_time.json", "organization", "count"),
}
RAW = tuple(f for f, _, _ in FILES.values())
DESCRIPTION = "U.S. AI patent grants per grant year by subfield, assignee category and 15 top organisations"

SCHEMA = pa.DataFrameSchema(
    {
        "dimension": col(str, pa.Check.isin(list(FILES))),
        "year": col("int16", pa.Check.in_range(*YEARS)),
        "category": col(str),
        "patents": col("int64", pa.Check.ge(0)),
    },
    strict=True,
    ordered=True,
    unique=["dimension", "year", "category"],
)


def build(raw: dict[str, Path], built: dict[str, pd.DataFrame], root: Path) -> pd.DataFrame:
    frames = []
    for dimension, (rel, category, count) in FILES.items():
        df = read_records(raw[rel])
        frames.append(pd.DataFrame({
            "dimension": dimension,
            "year": df["year"].astype("int16"),
            "category": df[category].astype(str),
            "patents": df[count].astype("int64"),
        }))
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(["dimension", "year", "category"], kind="stable")


def coverage(df: pd.DataFrame) -> str:
    return "; ".join(f"{d} {g['year'].min()}-{g['year'].max()} ({g['category'].nunique()})"
                     for d, g in df.groupby("dimension", sort=True))
