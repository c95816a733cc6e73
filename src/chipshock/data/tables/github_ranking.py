"""github_ranking: the daily top-100 repositories per AI topic list."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import pyarrow as pyarrow
import pyarrow.csv as pcsv

from chipshock.data.tables._common import DAY, col, span

NAME = "github_ranking"
RAW = ("github-ranking/daily.csv.gz",)
DESCRIPTION = "daily top-100 GitHub repositories by stars for each AI topic list"

SCHEMA = pa.DataFrameSchema(
    {
        "date": col(DAY),
        "item": col(str),
        "repo": col(str, pa.Check.str_contains("/")),
        "rank": col("int16", pa.Check.in_range(1, 100)),
        "stars": col("int64", pa.Check.ge(0)),
        "forks": col("int64", pa.Check.ge(0)),
        "issues": col("int64", pa.Check.ge(0)),
        "language": col(str, nullable=True),
    },
    strict=True,
    ordered=True,
    unique=["date", "item", "repo"],
)


def build(raw: dict[str, Path], built: dict[str, pd.DataFrame], root: Path) -> pd.DataFrame:
    s = pyarrow.string()
    types = {
        "date": s,
        "item": s,
        "repo_name": s,
        "username": s,
        "language": s,
        "rank": pyarrow.int16(),
        "stars": pyarrow.int64(),
        "forks": pyarrow.int64(),
        "issues": pyarrow.int64(),
    }
    table = pcsv.read_csv(
        raw[RAW[0]],
        convert_options=pcsv.ConvertOptions(
            column_types=types, include_columns=list(types), strings_can_be_null=False
        ),
    )
    df = table.to_pandas()
    out = pd.DataFrame(
        {
            "date": pd.to_datetime(df["date"], format="%Y-%m-%d").astype(DAY),
            "item": df["item"],
            "repo": df["username"] + "/" + df["repo_name"],
            "rank": df["rank"].astype("int16"),
            "stars": df["stars"],
            "forks": df["forks"],
            "issues": df["issues"],
            "language": df["language"].replace("", None),
        }
    )
    return out.sort_values(["date", "item", "rank", "repo"], kind="stable")


def coverage(df: pd.DataFrame) -> str:
    return f"{span(df['date'])}; {df['date'].nunique()} days; {df['item'].nunique()} topic lists"
