"""llm_repos_daily: daily star and fork stocks of 27 LLM repositories (EvanLi/Github-Ranking lists).

Stocks at crawl time, one row per (repository, day) on the days the repository was in one of the
daily top-100 lists; day-to-day differences are net flows and are left to the analysis.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from chipshock.data.tables._common import DAY, col, span

NAME = "llm_repos_daily"
RAW = ("github-ranking-evanli/llm_repos_daily.csv.gz",)
DESCRIPTION = ("daily star, fork and open-issue stocks of 27 LLM repositories on the days they were in "
               "a top-100 list")

SCHEMA = pa.DataFrameSchema(
    {
        "repo": col(str, pa.Check.str_matches(r"^[^/\s]+/[^/\s]+$")),
        "date": col(DAY),
        "stars": col("int64", pa.Check.ge(0)),
        "forks": col("int64", pa.Check.ge(0)),
        "issues": col("int64", pa.Check.ge(0)),
        "language": col(str, nullable=True),
        "lists": col(str),
    },
    strict=True,
    ordered=True,
    unique=["repo", "date"],
)


def build(raw: dict[str, Path], built: dict[str, pd.DataFrame], root: Path) -> pd.DataFrame:
    df = pd.read_csv(raw[RAW[0]], dtype=str, keep_default_na=False, encoding="utf-8")
    out = pd.DataFrame(
        {
            "repo": df["repo"],
            "date": pd.to_datetime(df["date"], format="%Y-%m-%d").astype(DAY),
            "stars": pd.to_numeric(df["stars"]).astype("int64"),
            "forks": pd.to_numeric(df["forks"]).astype("int64"),
            "issues": pd.to_numeric(df["issues"]).astype("int64"),
            "language": df["language"].replace("", None),
            "lists": df["items"],
        }
    )
    return out.sort_values(["repo", "date"], kind="stable")


def coverage(df: pd.DataFrame) -> str:
    return f"{span(df['date'])}; {df['repo'].nunique()} repositories"
