"""The hand-curated fact tables in data/curated/, loaded and checked."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from chipshock.data import reads
from chipshock.data.catalog import EVENT_KINDS, MODEL_RELEASES, POLICY_EVENTS, STANCES
from chipshock.errors import DataError
from chipshock.paths import Project

_URL = pa.Check.str_matches(r"^https?://\S+$")

EVENTS_SCHEMA = pa.DataFrameSchema(
    {
        "date": pa.Column("datetime64[ns]"),
        "country": pa.Column(str, pa.Check.isin(["US", "CN"])),
        "actor": pa.Column(str),
        "title": pa.Column(str),
        "kind": pa.Column(str, pa.Check.isin(EVENT_KINDS)),
        "open_source_stance": pa.Column(str, pa.Check.isin(STANCES)),
        "paper_shock": pa.Column(bool),
        "source_url": pa.Column(str, _URL),
        "note": pa.Column(str, nullable=True),
    },
    strict=True,
)

RELEASES_SCHEMA = pa.DataFrameSchema(
    {
        "date": pa.Column("datetime64[ns]"),
        "origin": pa.Column(str, pa.Check.isin(["US", "CN", "FR"])),
        "organization": pa.Column(str),
        "model": pa.Column(str),
        "open_weights": pa.Column(bool),
        "license": pa.Column(str),
        "source_url": pa.Column(str, _URL),
    },
    strict=True,
)


def read_checked_csv(root: Path, rel: str, schema: pa.DataFrameSchema) -> pd.DataFrame:
    """A committed curated CSV (all columns text) validated by `schema`; DataError naming the fix."""
    path = reads.use(root, rel)
    if not path.is_file():
        raise DataError(f"{rel} is missing; it is committed with the project: restore it with "
                        f"`git checkout -- {rel}`")
    try:
        return schema.validate(pd.read_csv(path, dtype=str, keep_default_na=False), lazy=True)
    except (pa.errors.SchemaErrors, pa.errors.SchemaError) as exc:
        raise DataError(f"{rel} does not match its schema ({str(exc).splitlines()[0][:200]}); "
                        f"fix the row it names or restore it with `git checkout -- {rel}`") from None


def _read(project: Project, rel: str, schema: pa.DataFrameSchema) -> pd.DataFrame:
    path: Path = reads.use(project.root, rel)
    if not path.is_file():
        raise DataError(
            f"{rel} is missing; it is committed with the project: restore it with `git checkout -- {rel}`"
        )
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        frame["date"] = pd.to_datetime(frame["date"], format="%Y-%m-%d").astype("datetime64[ns]")
        for col in ("paper_shock", "open_weights"):
            if col in frame:
                frame[col] = frame[col].map({"true": True, "false": False})
        if "note" in frame:
            frame["note"] = frame["note"].replace("", None)
        return schema.validate(frame, lazy=True)
    except (pa.errors.SchemaErrors, pa.errors.SchemaError, ValueError, KeyError) as exc:
        summary = str(exc).splitlines()[0][:300]
        raise DataError(
            f"{rel} does not match its schema ({summary}); "
            f"restore it with `git checkout -- {rel}` or fix the row it names"
        ) from None


def policy_events(project: Project) -> pd.DataFrame:
    """U.S. and Chinese policy events with their open-source stance, sorted by date."""
    return _read(project, POLICY_EVENTS, EVENTS_SCHEMA).sort_values("date", kind="stable")


def model_releases(project: Project) -> pd.DataFrame:
    """Major open-weight model releases by origin, sorted by date."""
    return _read(project, MODEL_RELEASES, RELEASES_SCHEMA).sort_values("date", kind="stable")
