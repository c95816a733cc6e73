"""epoch_models: the two Epoch AI exports, kept apart by an `export` column."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from chipshock.data.tables._common import DAY, col, span

NAME = "epoch_models"
EXPORTS = {
    "2024-11": ("models/epoch/all_ml_systems_2024-11.csv", "System"),
    "2025-03": ("models/epoch/all_ai_models_2025-03.csv", "Model"),
}
RAW = tuple(path for path, _ in EXPORTS.values())
DESCRIPTION = "Epoch AI notable-model exports (2024-11 and 2025-03 views, not stackable)"

SCHEMA = pa.DataFrameSchema(
    {
        "export": col(str, pa.Check.isin(list(EXPORTS))),
        "model": col(str),
        "organization": col(str),
        "country": col(str),
        "publication_date": col(DAY, nullable=True),
        "accessibility": col(str),
        "open_weights": col("boolean", nullable=True),
    },
    strict=True,
    ordered=True,
)


def open_weights(accessibility: pd.Series) -> pd.Series:
    """True for 'Open weights (…)', False for other stated access, missing when blank."""
    flag = accessibility.str.startswith("Open weights").astype("boolean")
    return flag.mask(accessibility.eq(""))


def _one(path: Path, export: str, name_col: str) -> pd.DataFrame:
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    return pd.DataFrame(
        {
            "export": export,
            "model": df[name_col],
            "organization": df["Organization"],
            "country": df["Country (from Organization)"],
            "publication_date": pd.to_datetime(
                df["Publication date"].replace("", None), format="%Y-%m-%d"
            ).astype(DAY),
            "accessibility": df["Model accessibility"],
            "open_weights": open_weights(df["Model accessibility"]),
        }
    )


def build(raw: dict[str, Path], built: dict[str, pd.DataFrame], root: Path) -> pd.DataFrame:
    parts = [_one(raw[path], export, name) for export, (path, name) in EXPORTS.items()]
    out = pd.concat(parts, ignore_index=True)
    return out.sort_values(
        ["export", "publication_date", "model", "organization"], kind="stable", na_position="last"
    )


def coverage(df: pd.DataFrame) -> str:
    return "; ".join(f"{e}: {span(g['publication_date'])}" for e, g in df.groupby("export"))
