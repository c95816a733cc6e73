"""gharchive_daily_events: GH Archive events over all of public GitHub per day and event type."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from chipshock.data.tables._common import DAY, col, span
from chipshock.data.tables.gharchive_daily import RAW, days

NAME = "gharchive_daily_events"
DESCRIPTION = "GitHub-wide GH Archive events per day and event type (ForkEvent, WatchEvent, PushEvent, …)"

SCHEMA = pa.DataFrameSchema(
    {
        "date": col(DAY),
        "event_type": col(str, pa.Check.str_matches(r"^[A-Za-z]+Event$")),
        "events": col("int64", pa.Check.ge(0)),
        "file_count": col("int8", pa.Check.in_range(0, 24)),
    },
    strict=True,
    ordered=True,
    unique=["date", "event_type"],
)


def build(raw: dict[str, Path], built: dict[str, pd.DataFrame], root: Path) -> pd.DataFrame:
    rows = [
        (rec["date"], kind, int(n), int(rec["file_count"]))
        for rec in days(raw[RAW[0]])
        for kind, n in rec["events"].items()
    ]
    df = pd.DataFrame(rows, columns=list(SCHEMA.columns))
    df["date"] = pd.to_datetime(df["date"], format="%Y-%m-%d").astype(DAY)
    df = df.astype({"events": "int64", "file_count": "int8"})
    return df.sort_values(["date", "event_type"], kind="stable")


def coverage(df: pd.DataFrame) -> str:
    return f"{span(df['date'])}; {df['event_type'].nunique()} event types"
