"""cset_papers: CSET's hand-annotated samples of papers that use open (and closed) models, one row per
paper and sheet, with the model-family dictionary applied to title + abstract (no abstracts kept)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from chipshock.data.dictionaries import MODEL_FAMILIES
from chipshock.data.tables._common import col
from chipshock.data.tables.papers import mention_flags
from chipshock.errors import DataError

NAME = "cset_papers"
WORKBOOKS = {
    "open": "papers/cset-open-models/open_models_papers_and_annotations.xlsx",
    "closed": "papers/cset-open-models/closed_models_papers_and_annotations.xlsx",
}
RAW = tuple(WORKBOOKS.values())
DESCRIPTION = "CSET's hand-annotated samples of papers using named open and closed models (ids, sheet, flags)"
# The model family each CSET sheet was sampled for (by the sheet's name).
SHEET_FAMILY = {
    "GPT-2": "gpt",
    "Llama-2": "llama",
    "Llama-3": "llama",
    "Mistral": "mistral",
    "Qwen": "qwen",
    "Qwen-1.5": "qwen",
    "Falcon": "falcon",
    "Phi-3": "phi",
    "GPT-4": "gpt",
    "Claude-3": "claude",
    "Fine-tuning": "gpt",
}
MENTIONS = tuple(f"mentions_{name}" for name in MODEL_FAMILIES)


def _columns() -> dict[str, pa.Column]:
    cols = {
        "workbook": col(str, pa.Check.isin(list(WORKBOOKS))),
        "sheet": col(str, pa.Check.isin(list(SHEET_FAMILY))),
        "sheet_family": col(str, pa.Check.isin(list(MODEL_FAMILIES))),
        "merged_id": col(str),
        "pub_year": col("int16", pa.Check.in_range(2015, 2030)),
        "has_abstract": col(bool),
    }
    cols |= {name: col(bool) for name in (*MENTIONS, "mentions_cn_family", "mentions_us_family",
                                          "mentions_other_family")}
    return cols


SCHEMA = pa.DataFrameSchema(_columns(), strict=True, ordered=True, unique=["workbook", "sheet", "merged_id"])


def sheet_label(sheet_name: str) -> str:
    """'Qwen-1.5 Pubs' → 'Qwen-1.5'; 'Fine-tuning Pubs (GPT-3 and GPT…' → 'Fine-tuning'."""
    label = sheet_name.split(" Pubs")[0].strip()
    if label not in SHEET_FAMILY:
        raise DataError(f"CSET workbook sheet {sheet_name!r} is not one of the known sheets "
                        f"({', '.join(SHEET_FAMILY)}); update SHEET_FAMILY in {__name__}")
    return label


def build(raw: dict[str, Path], built: dict[str, pd.DataFrame], root: Path) -> pd.DataFrame:
    rows = []
    for workbook, rel in WORKBOOKS.items():
        sheets = pd.read_excel(raw[rel], sheet_name=None, dtype={"merged_id": str})
        for sheet_name, frame in sheets.items():
            label = sheet_label(sheet_name)
            for rec in frame.to_dict("records"):
                title = "" if pd.isna(rec.get("title")) else str(rec["title"])
                abstract = "" if pd.isna(rec.get("abstract")) else str(rec["abstract"])
                rows.append({
                    "workbook": workbook,
                    "sheet": label,
                    "sheet_family": SHEET_FAMILY[label],
                    "merged_id": str(rec["merged_id"]).strip(),
                    "pub_year": int(rec["pub_year"]),
                    "has_abstract": bool(abstract.strip()),
                    **mention_flags(f"{title}\n{abstract}"),
                })
    df = pd.DataFrame(rows)
    df["pub_year"] = df["pub_year"].astype("int16")
    df = df.drop_duplicates(["workbook", "sheet", "merged_id"], keep="first")
    return df[list(SCHEMA.columns)].sort_values(["workbook", "sheet", "merged_id"], kind="stable")


def coverage(df: pd.DataFrame) -> str:
    return f"{df['sheet'].nunique()} sheets; published {df['pub_year'].min()}-{df['pub_year'].max()}"
