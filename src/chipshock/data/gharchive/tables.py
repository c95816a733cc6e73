"""The weekly GH Archive table: combined from partitions or loaded from a BigQuery export, validated."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow
import pyarrow.dataset as ds

from chipshock.data import reads
from chipshock.data.atomic import atomic_path
from chipshock.data.gharchive.run import COMBINED, partition_path, read_config, read_manifest
from chipshock.data.gharchive.spec import EVENT_TYPES, Repo
from chipshock.errors import DataError

COLUMNS = ("repo", "repo_id", "week", "hour", "event_type", "events", "actors")
KEYS = ["repo", "week", "hour", "event_type"]
SCHEMA = pa.DataFrameSchema(
    {
        "repo": pa.Column(str, pa.Check.str_matches(r"^[^/\s]+/[^/\s]+$")),
        "repo_id": pa.Column("int64", pa.Check.gt(0)),
        "week": pa.Column("datetime64[ns]", pa.Check(lambda s: s.dt.day_of_week == 0,
                                                     error="week is a Monday")),
        "hour": pa.Column("int64", pa.Check.in_range(0, 23)),
        "event_type": pa.Column(str, pa.Check.isin(EVENT_TYPES)),
        "events": pa.Column("int64", pa.Check.gt(0)),
        "actors": pa.Column("int64", pa.Check.gt(0)),
    },
    checks=[pa.Check(lambda df: (df["actors"] <= df["events"]).all(), error="actors <= events"),
            pa.Check(lambda df: ~df.duplicated(["repo_id", "week", "hour", "event_type"]),
                     error="one row per repo_id x week x hour x event_type")],
    strict=True,
    ordered=True,
)


def _invalid(where: str, exc: Exception, fix: str) -> DataError:
    text = str(exc).replace("\n", " ")[:300]
    return DataError(f"{where} is not a GH Archive weekly table ({text}); {fix}")


def validate(df: pd.DataFrame, where: str, fix: str) -> pd.DataFrame:
    """The table checked against SCHEMA; DataError names the file and the fix."""
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise DataError(f"{where} lacks the column(s) {', '.join(missing)} (expected {', '.join(COLUMNS)}); "
                        f"{fix}")
    try:
        out = df.loc[:, list(COLUMNS)].copy()
        out["repo_id"] = out["repo_id"].astype("int64")
        out["hour"] = out["hour"].astype("int64")
        out["events"] = out["events"].astype("int64")
        out["actors"] = out["actors"].astype("int64")
        out["week"] = pd.to_datetime(out["week"]).dt.tz_localize(None).astype("datetime64[ns]")
        out["repo"] = out["repo"].astype(str)
        out["event_type"] = out["event_type"].astype(str)
    except (ValueError, TypeError) as exc:
        raise _invalid(where, exc, fix) from None
    try:
        out = SCHEMA.validate(out, lazy=True)
    except (pa.errors.SchemaErrors, pa.errors.SchemaError) as exc:
        raise _invalid(where, exc, fix) from None
    return out.sort_values(KEYS, kind="stable").reset_index(drop=True)


def resolve_ids(repos: tuple[Repo, ...], entries: list[dict]) -> dict[str, int]:
    """Listed name → repo id: the listed id, else that of the earliest event under the name."""
    first: dict[str, tuple[str, int]] = {}
    for e in entries:
        for name, rid, at in e.get("sightings", []):
            if name not in first or (at, rid) < first[name]:
                first[name] = (at, rid)
    out = {}
    for r in repos:
        if r.id is not None:
            out[r.key] = r.id
        elif r.key in first:
            out[r.key] = first[r.key][1]
    return out


def read_cells(out: Path) -> pd.DataFrame:
    """Every ok partition of DIR at the (repo id, name, type, week, hour, actor) grain."""
    entries = [e for e in read_manifest(out).values() if e["status"] == "ok"]
    files = [str(partition_path(out, e["hour"])) for e in entries]
    try:
        table = ds.dataset(files, format="parquet").to_table() if files else None
    except (OSError, pyarrow.ArrowException) as exc:
        raise DataError(f"{out}: a partition cannot be read ({exc}); rerun `chipshock data gharchive` "
                        "with the same arguments to rebuild it") from None
    if table is None:
        return pd.DataFrame(columns=["repo_id", "repo_name", "event_type", "week", "hour", "actor_id",
                                     "events", "last_at"])
    return table.to_pandas()


def combine(out: Path) -> pd.DataFrame:
    """DIR's partitions → repo × week × hour × event type with events and exact distinct actors."""
    if not (out / "config.json").is_file():
        raise DataError(f"{out} is not a `chipshock data gharchive` output folder (no config.json); "
                        "pass the --out folder of a run")
    repos, _ = read_config(out)
    entries = list(read_manifest(out).values())
    ids = set(resolve_ids(repos, entries).values())
    stale = [e["hour"] for e in entries if e["status"] == "ok" and not ids <= set(e["ids"])]
    if stale:
        raise DataError(f"{out}: {len(stale):,} hours (e.g. {stale[0]}) were filtered before every repo id "
                        "was known; rerun `chipshock data gharchive` with the same arguments to re-filter")
    cells = read_cells(out)
    cells = cells[cells["repo_id"].isin(ids)]
    latest = (cells.sort_values(["last_at", "repo_name"], kind="stable")
              .groupby("repo_id")["repo_name"].last())
    table = (cells.groupby(["repo_id", "week", "hour", "event_type"], observed=True)
             .agg(events=("events", "sum"), actors=("actor_id", "nunique")).reset_index())
    table["repo"] = table["repo_id"].map(latest)
    return validate(table, f"the table combined from {out}", "rerun `chipshock data gharchive`")


def write_combined(out: Path) -> Path:
    """DIR/gharchive_weekly.parquet: the combined table (no actor ids)."""
    df = combine(out)
    dest = out / COMBINED
    with atomic_path(dest) as tmp:
        df.to_parquet(tmp, index=False)
    return dest


def load_bigquery_export(path: Path) -> pd.DataFrame:
    """A CSV or parquet export of sql/gharchive_bigquery.sql's result, validated."""
    path = Path(path)
    fix = "export the result of sql/gharchive_bigquery.sql (CSV with a header, or parquet)"
    try:
        df = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path, compression="infer")
    except FileNotFoundError:
        raise DataError(f"{path} does not exist; {fix}") from None
    except (OSError, ValueError, UnicodeDecodeError, pyarrow.ArrowException) as exc:
        raise DataError(f"{path} cannot be read as a table ({str(exc)[:200]}); {fix}") from None
    return validate(df, str(path), fix)


def load_gharchive(path: Path | str) -> pd.DataFrame:
    """The weekly GH Archive table from a run's --out folder, its combined parquet, or a BigQuery export.

    Columns: repo (owner/name, the latest name seen), repo_id, week (datetime64, Monday, UTC),
    hour (0–23, UTC), event_type, events (count), actors (exact distinct actor ids in the cell).
    """
    path = Path(path)
    if path.is_dir():
        table = combine(path)
        reads.use_tree(reads.project_root(), path)
        return table
    table = load_bigquery_export(path)
    reads.use(reads.project_root(), path)
    return table


def _span_grid(spans: pd.DataFrame) -> pd.DataFrame:
    parts = [pd.DataFrame({"repo": row.repo, "period": pd.date_range(row.first, row.last, freq="W-MON")})
             for row in spans.itertuples()]
    return pd.concat(parts, ignore_index=True).merge(pd.DataFrame({"region": ["CN", "US"]}), how="cross")


def to_region_panel(df: pd.DataFrame, event_type: str = "ForkEvent", cutoff: int = 17) -> pd.DataFrame:
    """Repo × week × region panel of one event type, in chipshock.measures.panels.build_panel's shape.

    region is "CN" for events before `cutoff`:00 UTC and "US" from then on (the paper's split).
    Columns repo, period (Monday), region, events, actors; every week of each repo's observed span
    is kept for both regions, zeros included. `actors` sums the exact distinct actors of the hours
    (an actor active in two hours of one region-week counts twice).
    """
    if not 0 < cutoff < 24:
        raise DataError(f"cutoff {cutoff} must be an hour between 1 and 23")
    d = df[df["event_type"] == event_type]
    if d.empty:
        raise DataError(f"the GH Archive table has no {event_type} rows; choose one of "
                        f"{', '.join(sorted(df['event_type'].unique())) or '(none: it is empty)'}")
    d = d.assign(period=d["week"], region=np.where(d["hour"] < cutoff, "CN", "US"))
    keys = ["repo", "period", "region"]
    counts = d.groupby(keys)[["events", "actors"]].sum().reset_index()
    spans = d.groupby("repo")["period"].agg(first="min", last="max").reset_index()
    panel = _span_grid(spans).merge(counts, on=keys, how="left")
    for col in ("events", "actors"):
        panel[col] = panel[col].fillna(0).astype(int)
    return panel.sort_values(keys, kind="stable").reset_index(drop=True)
