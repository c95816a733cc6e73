"""gharchive_daily, gharchive_daily_events, gharchive_daily_hours: GitHub-wide daily activity.

Three tidy tables from one raw file (the ghstats daily counts over all of GH Archive): one row per
day (hour files read, total events), per (day, event type), and per (day, UTC hour of
`created_at`). The hour split covers all event types together: the source does not cross type and
hour, so there is no (day, type, hour) table. Counts are kept as given: a type or hour the source does
not list on a day has no row (not a zero), and a day with fewer than 24 hour files is incomplete.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from chipshock.data.tables._common import DAY, col, iter_jsonl, span

NAME = "gharchive_daily"
RAW = ("gharchive-stats/daily.jsonl.gz",)
DESCRIPTION = "GitHub-wide GH Archive activity per day: hour files read, events, hours with events"

SCHEMA = pa.DataFrameSchema(
    {
        "date": col(DAY, unique=True),
        "file_count": col("int8", pa.Check.in_range(0, 24)),
        "events": col("int64", pa.Check.ge(0)),
        "n_hours": col("int8", pa.Check.in_range(0, 24)),
        "n_event_types": col("int8", pa.Check.ge(0)),
    },
    strict=True,
    ordered=True,
)


def days(path: Path) -> list[dict]:
    """The raw daily records, in file order (sorted by date)."""
    return list(iter_jsonl(path))


def build(raw: dict[str, Path], built: dict[str, pd.DataFrame], root: Path) -> pd.DataFrame:
    rows = [
        {
            "date": rec["date"],
            "file_count": int(rec["file_count"]),
            "events": sum(int(v) for v in rec["events"].values()),
            "n_hours": len(rec["hours"]),
            "n_event_types": len(rec["events"]),
        }
        for rec in days(raw[RAW[0]])
    ]
    df = pd.DataFrame(rows)
    df["date"] = pd.to_datetime(df["date"], format="%Y-%m-%d").astype(DAY)
    df = df.astype({"file_count": "int8", "events": "int64", "n_hours": "int8", "n_event_types": "int8"})
    return df[list(SCHEMA.columns)].sort_values("date", kind="stable")


def coverage(df: pd.DataFrame) -> str:
    short = int((df["file_count"] < 24).sum())
    return f"{span(df['date'])}; {len(df)} days; {short} with fewer than 24 hour files"
