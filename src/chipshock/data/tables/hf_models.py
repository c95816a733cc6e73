"""hf_models: the Hugging Face / ModelScope model × crawl panel, with the publisher's origin."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from chipshock.data.curated import read_checked_csv
from chipshock.data.tables._common import DAY, col, iter_jsonl, span
from chipshock.errors import DataError

NAME = "hf_models"
CRAWLS = (
    "2024-11-14",
    "2024-12-13",
    "2025-01-14",
    "2025-02-14",
    "2025-03-07",
    "2025-04-07",
    "2025-05-07",
    "2025-06-07",
    "2025-07-07",
    "2025-08-07",
    "2025-09-07",
)
PLATFORMS = ("HuggingFace", "ModelScope")
ORG_LINKS = "hf/osir-lmts/config/org-links.json"
RAW = (*(f"hf/osir-lmts/data/{d}/{p}/raw-models-info.jsonl.gz" for d in CRAWLS for p in PLATFORMS), ORG_LINKS)
PUBLISHER_ORIGIN = "data/curated/publisher_origin.csv"
DESCRIPTION = "model × monthly crawl panel of 32 institutions' Hugging Face and ModelScope accounts"
ORIGINS = ("CN", "US", "other")

SCHEMA = pa.DataFrameSchema(
    {
        "platform": col(str, pa.Check.isin(PLATFORMS)),
        "crawl_date": col(DAY),
        "date_crawl": col(DAY),
        "account": col(str),
        "model_id": col(str),
        "institution": col(str),
        "origin": col(str, pa.Check.isin(ORIGINS)),
        "downloads_last_month": col("Int64", nullable=True),
        "total_downloads": col("Int64", nullable=True),
        "likes": col("Int64", nullable=True),
        "descendants": col("Int64", nullable=True),
    },
    strict=True,
    ordered=True,
    unique=["platform", "crawl_date", "model_id"],
)

ORIGIN_SCHEMA = pa.DataFrameSchema(
    {
        "platform": col(str, pa.Check.isin(PLATFORMS)),
        "account": col(str),
        "institution": col(str),
        "origin": col(str, pa.Check.isin(ORIGINS)),
        "source": col(str, pa.Check.str_length(min_value=10)),
    },
    strict=True,
    unique=["platform", "account"],
)


def org_accounts(path: Path) -> set[tuple[str, str]]:
    """(platform, account) pairs listed in OSIR-LMTS's org-links.json."""
    links = json.loads(path.read_text(encoding="utf-8"))
    return {
        (platform, url.rstrip("/").rsplit("/", 1)[-1])
        for inst in links.values()
        for platform in PLATFORMS
        for url in inst.get(platform, [])
    }


def read_publisher_origin(root: Path) -> pd.DataFrame:
    return read_checked_csv(root, PUBLISHER_ORIGIN, ORIGIN_SCHEMA)


def _num(rec: dict, key: str) -> int | None:
    value = rec.get(key)
    return None if value is None or value == "" else int(value)


def _rows(path: Path, platform: str, crawl: str):
    for rec in iter_jsonl(path):
        yield {
            "platform": platform,
            "crawl_date": crawl,
            "date_crawl": str(rec.get("date_crawl") or crawl)[:10],
            "account": rec["repo"],
            "model_id": f"{rec['repo']}/{rec['model_name']}",
            "downloads_last_month": _num(rec, "downloads_last_month"),
            "total_downloads": _num(rec, "total_downloads"),
            "likes": _num(rec, "likes"),
            "descendants": _num(rec, "descendants"),
        }


def _crawl_of(rel: str) -> tuple[str, str]:
    m = re.search(r"data/(\d{4}-\d{2}-\d{2})/(\w+)/", rel)
    assert m, rel
    return m.group(2), m.group(1)


def build(raw: dict[str, Path], built: dict[str, pd.DataFrame], root: Path) -> pd.DataFrame:
    rows = []
    for rel in RAW[:-1]:
        platform, crawl = _crawl_of(rel)
        rows.extend(_rows(raw[rel], platform, crawl))
    df = pd.DataFrame(rows)
    origin = read_publisher_origin(root)
    origin["key"] = origin["account"].str.lower()  # hub account names are case-insensitive
    df["key"] = df["account"].str.lower()
    df = df.merge(origin[["platform", "key", "institution", "origin"]], on=["platform", "key"], how="left")
    unknown = sorted(set(df.loc[df["origin"].isna(), "account"]))
    if unknown:
        raise DataError(f"accounts missing from {PUBLISHER_ORIGIN}: {unknown[:10]}; add a row for each")
    df = df.drop_duplicates(["platform", "crawl_date", "model_id"], keep="first")
    for c in ("crawl_date", "date_crawl"):
        df[c] = pd.to_datetime(df[c], format="%Y-%m-%d").astype(DAY)
    for c in ("downloads_last_month", "total_downloads", "likes", "descendants"):
        df[c] = df[c].astype("Int64")
    df = df[list(SCHEMA.columns)]
    return df.sort_values(["platform", "crawl_date", "model_id"], kind="stable")


def coverage(df: pd.DataFrame) -> str:
    return f"crawls {span(df['crawl_date'])}; {df['account'].nunique()} accounts"
