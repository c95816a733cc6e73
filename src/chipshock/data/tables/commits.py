"""commits: one row per (repo, commit), with the author's e-mail domain reduced to a class."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import pyarrow as pyarrow
import pyarrow.csv as pcsv

from chipshock.data.domains import DOMAIN_CLASSES, classify_domain
from chipshock.data.tables._common import UTC_SECONDS, col, span
from chipshock.errors import DataError

NAME = "commits"
RAW = ("commits/commits.csv.gz",)
ID_HEX = 16
DESCRIPTION = (
    "one row per (repo, commit) of 82 open-LLM repositories; author e-mail domain reduced to a class"
)

SCHEMA = pa.DataFrameSchema(
    {
        "repo": col(str, pa.Check.str_matches(r"^[\w.-]+/[\w.-]+$")),
        "group": col(str, pa.Check.isin(["A", "B", "C"])),
        "sha": col(str, pa.Check.str_matches(r"^[0-9a-f]{40}$")),
        "reach": col(str, pa.Check.isin(["default", "branch", "pr"])),
        "author_time_utc": col(UTC_SECONDS),
        "author_tz_min": col("int16", pa.Check.in_range(-720, 840)),
        "committer_tz_min": col("int16", pa.Check.in_range(-720, 840)),
        "author_id": col(str, pa.Check.str_matches(rf"^[0-9a-f]{{{ID_HEX}}}$")),
        "author_domain_class": col(str, pa.Check.isin(DOMAIN_CLASSES)),
        "is_bot": col(bool),
        "is_merge": col(bool),
        "committer_webflow": col(bool),
        "is_default": col(bool),
        "pr_number": col("Int32", nullable=True),
        "pr_head": col("Int32", nullable=True),
        "subject_kind": col(str, pa.Check.isin(["pr_suffix", "merge_pr"]), nullable=True),
    },
    strict=True,
    ordered=True,
    unique=["repo", "sha"],
)

_STR_COLS = (
    "repo",
    "group",
    "sha",
    "reach",
    "author_domain",
    "author_id",
    "subject_kind",
    "pr_number",
    "pr_head",
    "author_time_utc",
)
_INT_COLS = ("author_tz_min", "committer_tz_min", "is_bot", "is_merge", "committer_webflow")


def read_raw(path: Path) -> pd.DataFrame:
    types = {c: pyarrow.string() for c in _STR_COLS} | {c: pyarrow.int16() for c in _INT_COLS}
    table = pcsv.read_csv(
        path,
        convert_options=pcsv.ConvertOptions(
            column_types=types, include_columns=[*_STR_COLS, *_INT_COLS], strings_can_be_null=False
        ),
    )
    return table.to_pandas()


def _short_ids(ids: pd.Series) -> pd.Series:
    short = ids.str.slice(0, ID_HEX)
    if short.nunique() != ids.nunique():
        raise DataError(f"author ids are not unique in their first {ID_HEX} hex digits; raise ID_HEX")
    return short


def _optional_int(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values.replace("", None)).astype("Int32")


def build(raw: dict[str, Path], built: dict[str, pd.DataFrame], root: Path) -> pd.DataFrame:
    df = read_raw(raw[RAW[0]])
    classes = {d: classify_domain(d) for d in df["author_domain"].unique()}
    out = pd.DataFrame(
        {
            "repo": df["repo"],
            "group": df["group"],
            "sha": df["sha"],
            "reach": df["reach"],
            "author_time_utc": pd.to_datetime(
                df["author_time_utc"], format="%Y-%m-%dT%H:%M:%SZ", utc=True
            ).astype(UTC_SECONDS),
            "author_tz_min": df["author_tz_min"].astype("int16"),
            "committer_tz_min": df["committer_tz_min"].astype("int16"),
            "author_id": _short_ids(df["author_id"]),
            "author_domain_class": df["author_domain"].map(classes),
            "is_bot": df["is_bot"].astype(bool),
            "is_merge": df["is_merge"].astype(bool),
            "committer_webflow": df["committer_webflow"].astype(bool),
            "is_default": df["reach"].eq("default"),
            "pr_number": _optional_int(df["pr_number"]),
            "pr_head": _optional_int(df["pr_head"]),
            "subject_kind": df["subject_kind"].replace("", None),
        }
    )
    return out.sort_values(["repo", "author_time_utc", "sha"], kind="stable")


def coverage(df: pd.DataFrame) -> str:
    return f"{df['repo'].nunique()} repos; author time {span(df['author_time_utc'])}"
