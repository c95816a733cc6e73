"""istat_patents: ISTAT's sample of granted AI-keyword patents (titles and abstracts from Google
Patents), one row per patent, with the model-family dictionary applied to title + abstract at build
time. Abstracts are not kept."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from chipshock.data.dictionaries import MODEL_FAMILIES
from chipshock.data.tables._common import col, iter_jsonl
from chipshock.data.tables.papers import mention_flags

NAME = "istat_patents"
RAW = ("patents/istat-ai-patents-sample/abstracts.jsonl.gz",)
DESCRIPTION = ("ISTAT sample of granted AI-keyword patents (priority/filing year, country, kind, title) "
               "with model-family mentions in title + abstract; no abstracts")
MENTIONS = tuple(f"mentions_{name}" for name in MODEL_FAMILIES)


def _columns() -> dict[str, pa.Column]:
    cols = {
        "patent_id": col(str, pa.Check.str_matches(r"^[A-Z]{2}-\w+-[A-Z]\d?$"), unique=True),
        "country": col(str, pa.Check.str_matches(r"^[A-Z]{2}$")),
        "kind": col(str),
        "year": col("int16", pa.Check.in_range(1990, 2030)),
        "sample": col(str, pa.Check.isin(["update", "original"])),
        "title": col(str),
        "has_abstract": col(bool),
        "abstract_words": col("int64", pa.Check.ge(0)),
    }
    cols |= {name: col(bool) for name in (*MENTIONS, "mentions_cn_family", "mentions_us_family",
                                          "mentions_other_family")}
    return cols


SCHEMA = pa.DataFrameSchema(_columns(), strict=True, ordered=True)


def build(raw: dict[str, Path], built: dict[str, pd.DataFrame], root: Path) -> pd.DataFrame:
    rows = []
    for rec in iter_jsonl(raw[RAW[0]]):
        title, abstract = rec.get("title") or "", rec.get("abstract") or ""
        rows.append({
            "patent_id": rec["id"],
            "country": rec["country"],
            "kind": rec["kind"],
            "year": int(rec["year"]),
            "sample": "update" if rec["source_path"].startswith("sample/update/") else "original",
            "title": title.strip(),
            "has_abstract": bool(abstract.strip()),
            "abstract_words": len(abstract.split()),
            **mention_flags(f"{title}\n{abstract}"),
        })
    df = pd.DataFrame(rows)
    df["year"] = df["year"].astype("int16")
    return df[list(SCHEMA.columns)].sort_values("patent_id", kind="stable")


def coverage(df: pd.DataFrame) -> str:
    return (f"years {df['year'].min()}-{df['year'].max()}; {int((df['country'] == 'US').sum())} U.S.; "
            f"{int(df[list(MENTIONS)].any(axis=1).sum())} name a model family")
