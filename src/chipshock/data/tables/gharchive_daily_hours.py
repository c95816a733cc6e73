"""gharchive_daily_hours: GH Archive events over all of public GitHub per day and UTC hour of
`created_at` (all event types together)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from chipshock.data.tables._common import DAY, col, span
from chipshock.data.tables.gharchive_daily import RAW, days

NAME = "gharchive_daily_hours"
DESCRIPTION = "GitHub-wide GH Archive events per day and UTC hour of created_at, all event types together"

SCHEMA = pa.DataFrameSchema(
    {
        "date": col(DAY),
        "hour": col("int8", pa.Check.in_range(0, 23)),
        "events": col("int64", pa.Check.ge(0)),
        "file_count": col("int8", pa.Check.in_range(0, 24)),
    },
    strict=True,
    ordered=True,
    unique=["date", "hour"],
)


def build(raw: dict[str, Path], built: dict[str, pd.DataFrame], root: Path) -> pd.DataFrame:
    rows = [
        (rec["date"], int(hour), int(n), int(rec["file_count"]))
        for rec in days(raw[RAW[0]])
        for hour, n in rec["hours"].items()
    ]
    df = pd.DataFrame(rows, columns=list(SCHEMA.columns))
    df["date"] = pd.to_datetime(df["date"], format="%Y-%m-%d").astype(DAY)
    df = df.astype({"hour": "int8", "events": "int64", "file_count": "int8"})
    return df.sort_values(["date", "hour"], kind="stable")


def coverage(df: pd.DataFrame) -> str:
    return f"{span(df['date'])}; {df['date'].nunique()} days with hourly counts"
