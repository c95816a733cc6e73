"""`chipshock data build`: data/raw/ → data/processed/ (parquet, deterministic, checksummed)."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pandas as pd
import pandera.pandas as pa
import pyarrow as pyarrow
import pyarrow.parquet as pq

from chipshock import outputs
from chipshock.data import BUILD_FIX, FETCH_FIX, reads
from chipshock.data.atomic import file_digest, temp_file
from chipshock.data.dictionaries import MODEL_FAMILIES, POLICY_DICTIONARIES
from chipshock.data.fetch import require_raw
from chipshock.data.sources import raw_dir
from chipshock.data.tables import (
    cn_gov_doc_titles,
    cn_policy_documents,
    commits,
    cset_papers,
    epoch_models,
    gharchive_daily,
    gharchive_daily_events,
    gharchive_daily_hours,
    github_ranking,
    hf_models,
    istat_patents,
    llm_repos_daily,
    papers,
    patentworld_ai_assignees,
    patentworld_ai_by_year,
    patentworld_ai_geography,
    patentworld_ai_strategies,
    patentworld_ai_years,
    policy_documents,
    repositories,
)
from chipshock.errors import DataError
from chipshock.paths import Project

TABLES: dict[str, ModuleType] = {
    m.NAME: m
    for m in (commits, repositories, policy_documents, hf_models, epoch_models, github_ranking, papers,
              cset_papers, gharchive_daily, gharchive_daily_events, gharchive_daily_hours, llm_repos_daily,
              cn_policy_documents, cn_gov_doc_titles, istat_patents, patentworld_ai_years,
              patentworld_ai_by_year, patentworld_ai_assignees, patentworld_ai_geography,
              patentworld_ai_strategies)
}
CHECKSUMS = "CHECKSUMS"
DATASETS = "DATASETS.md"


def processed_dir(project: Project) -> Path:
    return project.data / "processed"


def table_file(name: str) -> str:
    return f"{name}.parquet"


def _schema_error(exc: Exception) -> str:
    return str(exc).replace("\n", " ")[:300]


def validate(name: str, df: pd.DataFrame, where: str) -> pd.DataFrame:
    """The frame checked against the table's pandera schema; DataError names the file and the fix."""
    try:
        return TABLES[name].SCHEMA.validate(df, lazy=True)
    except (pa.errors.SchemaErrors, pa.errors.SchemaError) as exc:
        raise DataError(
            f"{where} does not match the {name} schema ({_schema_error(exc)}); rebuild it with `{BUILD_FIX}`"
        ) from None


def write_parquet(df: pd.DataFrame, path: Path) -> None:
    """Byte-deterministic parquet: no index, fixed column order, fixed writer options."""
    table = pyarrow.Table.from_pandas(df.reset_index(drop=True), preserve_index=False)
    pq.write_table(
        table,
        path,
        compression="zstd",
        compression_level=3,
        use_dictionary=True,
        write_statistics=True,
        row_group_size=1 << 20,
        data_page_version="2.0",
    )


@contextlib.contextmanager
def staged(folder: Path) -> Iterator[dict[str, Path]]:
    """Collect {final name: temp file} in `folder`; all are moved into place only if the block succeeds."""
    folder.mkdir(parents=True, exist_ok=True)
    temps: dict[str, Path] = {}
    try:
        yield temps
        for final, tmp in temps.items():
            os.chmod(tmp, 0o644)
            os.replace(tmp, folder / final)
    finally:
        for tmp in temps.values():
            tmp.unlink(missing_ok=True)


def _temp(folder: Path, final: str) -> Path:
    return temp_file(folder, final)


def _coverage(name: str, df: pd.DataFrame) -> str:
    return TABLES[name].coverage(df)


def datasets_markdown(rows: list[dict]) -> str:
    """data/processed/DATASETS.md: one row per processed table."""
    lines = [
        "| file | rows | columns | coverage | sha256 (first 12) |",
        "|---|---:|---:|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| `{r['file']}` | {r['rows']:,} | {r['n_columns']} | {r['coverage']} | `{r['sha256'][:12]}` |"
        )
    versions = ", ".join(
        f"`{d.name}` v{d.version}" for d in (*POLICY_DICTIONARIES.values(), *MODEL_FAMILIES.values())
    )
    lines += ["", f"Coding dictionaries: {versions}.", "", "Columns of each file:", ""]
    for r in rows:
        lines.append(f"- `{r['file']}` ({r['description']}): " + ", ".join(f"`{c}`" for c in r["columns"]))
    return "\n".join(lines) + "\n"


def build_all(
    project: Project,
    log: Callable[[str], None] = print,
) -> dict[str, dict]:
    """Build every processed table from data/raw/; replace data/processed/ only if all succeed."""
    out_dir = processed_dir(project)
    outputs.sweep(out_dir)
    raw = require_raw(project, [rel for m in TABLES.values() for rel in m.RAW])
    built: dict[str, pd.DataFrame] = {}
    info: dict[str, dict] = {}
    with staged(out_dir) as temps:
        for name, module in TABLES.items():
            start = time.perf_counter()
            df = validate(name, module.build(raw, built, project.root), f"the freshly built {name} table")
            final = table_file(name)
            temps[final] = _temp(out_dir, final)
            write_parquet(df, temps[final])
            info[name] = {
                "file": final,
                "rows": len(df),
                "n_columns": df.shape[1],
                "columns": list(df.columns),
                "coverage": _coverage(name, df),
                "sha256": file_digest(temps[final]),
                "description": module.DESCRIPTION,
            }
            if name == "commits":
                built[name] = df
            log(f"{final}: {len(df):,} rows ({time.perf_counter() - start:.1f} s)")
        temps[DATASETS] = _temp(out_dir, DATASETS)
        temps[DATASETS].write_text(datasets_markdown(list(info.values())), encoding="utf-8")
        info[DATASETS] = {"file": DATASETS, "sha256": file_digest(temps[DATASETS])}
        entries = sorted(info.values(), key=lambda v: v["file"])
        sums = "".join(f"{v['sha256']}  {v['file']}\n" for v in entries)
        temps[CHECKSUMS] = _temp(out_dir, CHECKSUMS)  # staged last, so it is replaced last
        temps[CHECKSUMS].write_text(sums, encoding="utf-8")
    return info


def read_checksums(project: Project) -> dict[str, str]:
    path = processed_dir(project) / CHECKSUMS
    if not path.is_file():
        raise DataError(f"data/processed/{CHECKSUMS} is missing; {_fix(project)}")
    sums = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        sums[name.strip()] = digest
    return sums


def _fix(project: Project, names: list[str] | None = None) -> str:
    """The command that fixes a processed file: a build, preceded by a fetch when raw files are missing."""
    rels = [rel for name in (names or list(TABLES)) for rel in TABLES[name].RAW]
    if not all((raw_dir(project) / rel).is_file() for rel in rels):
        return f"its raw data are missing too: run `{FETCH_FIX}` then `{BUILD_FIX}`"
    return f"rebuild it with `{BUILD_FIX}`"


def load(project: Project, name: str) -> pd.DataFrame:
    """A processed table, verified against data/processed/CHECKSUMS and its schema."""
    if name not in TABLES:
        raise DataError(f"no processed table {name!r}; choose one of: {', '.join(TABLES)}")
    rel = f"data/processed/{table_file(name)}"
    path = processed_dir(project) / table_file(name)
    if not path.is_file():
        raise DataError(f"{rel} is missing; {_fix(project, [name])}")
    expected = read_checksums(project).get(table_file(name))
    digest = file_digest(path)
    if expected != digest:
        raise DataError(
            f"{rel} does not match data/processed/{CHECKSUMS} (changed or corrupt); {_fix(project, [name])}"
        )
    reads.record(rel, digest)
    try:
        df = pd.read_parquet(path)
    except (OSError, ValueError, pyarrow.ArrowException) as exc:
        raise DataError(f"{rel} cannot be read ({exc}); {_fix(project, [name])}") from None
    return validate(name, df, rel)
