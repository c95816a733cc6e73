"""Helpers shared by the table builders."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

UTC_SECONDS = pd.DatetimeTZDtype(unit="ms", tz="UTC")  # parquet has no seconds unit
DAY = "datetime64[ms]"


def iter_jsonl(path: Path) -> Iterator[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def read_json_gz(path: Path):
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return json.load(fh)


def to_day(values: pd.Series) -> pd.Series:
    """ISO dates (blank → NaT) as naive datetime64[s]."""
    return pd.to_datetime(values.replace("", None), format="%Y-%m-%d").astype(DAY)


def span(series: pd.Series) -> str:
    """'first..last' of a datetime column, as dates."""
    s = series.dropna()
    if s.empty:
        return ""
    return f"{s.min():%Y-%m-%d}..{s.max():%Y-%m-%d}"


def col(dtype, *checks, nullable: bool = False, unique: bool = False) -> pa.Column:
    return pa.Column(dtype, list(checks), nullable=nullable, unique=unique)
