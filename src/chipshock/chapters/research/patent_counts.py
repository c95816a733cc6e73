"""The research chapter's patents section on real, offline data: model-family names in the ISTAT sample's
titles and abstracts by year, U.S. AI grants per year as the denominator (PatentWorld, from PatentsView),
the origin of the top AI assignees, and the PatentsView connector's reader and matcher run on the real
records.

An abstract rarely names the model an invention builds on, so a count here is a lower bound on how often
patents rely on a model family, not an estimate of it.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd
import pandera.pandas as pa
from statsmodels.stats.proportion import proportion_confint

from chipshock.chapters.research.parameters import ASSIGNEE_ORIGINS, ISTAT_RAW
from chipshock.data import patents, reads
from chipshock.data.curated import read_checked_csv
from chipshock.data.dictionaries import FAMILY_ORIGIN
from chipshock.errors import DataError
from chipshock.tables import Col, Table, format_table

ORIGINS_SCHEMA = pa.DataFrameSchema(
    {"organization": pa.Column(str, unique=True),
     "origin": pa.Column(str, pa.Check.str_matches(r"^[A-Z]{2}$")),
     "reason": pa.Column(str, pa.Check.str_length(min_value=5))}, strict=True)


def mentions(istat: pd.DataFrame, families: list[str], origin: str | None = None) -> pd.Series:
    """Per patent: does its title or abstract name one of `families` (of `origin`, if given)?"""
    chosen = [f for f in families if origin is None or FAMILY_ORIGIN[f] == origin]
    if not chosen:
        return pd.Series(False, index=istat.index)
    return istat[[f"mentions_{f}" for f in chosen]].any(axis=1)


def by_year(istat: pd.DataFrame, families: list[str]) -> pd.DataFrame:
    """Per priority/filing year: patents, U.S. patents, with an abstract, naming any chosen family, a
    Chinese family and a U.S. family."""
    d = istat.assign(us=istat["country"] == "US", any_family=mentions(istat, families),
                     cn_family=mentions(istat, families, "CN"), us_family=mentions(istat, families, "US"))
    return d.groupby("year").agg(patents=("patent_id", "size"), us_patents=("us", "sum"),
                                 with_abstract=("has_abstract", "sum"), any_family=("any_family", "sum"),
                                 cn_family=("cn_family", "sum"), us_family=("us_family", "sum"))


def upper_bound(k: int, n: int) -> float:
    """Exact (Clopper-Pearson) upper end of the 95% interval of a share k/n."""
    return float(proportion_confint(k, n, method="beta")[1]) if n else float("nan")


def grants(years: pd.DataFrame, istat: pd.DataFrame, first: int) -> pd.DataFrame:
    """U.S. AI patent grants per grant year from `first` on, their share of all grants, and the ISTAT
    sample's U.S. patents of the same (priority/filing) year beside them, with the sampling fraction."""
    g = years[years["year"] >= first].set_index("year")[["total_patents", "ai_patents", "ai_pct"]]
    sample = istat[istat["country"] == "US"].groupby("year").size().rename("sample_us")
    out = g.join(sample, how="left").fillna({"sample_us": 0}).astype({"sample_us": "int64"})
    out["sample_fraction"] = out["sample_us"] / out["ai_patents"]
    return out


def grants_table(table: pd.DataFrame) -> Table:
    """U.S. AI grants per grant year beside the sample's U.S. patents of the same filing year, as the
    book's table. No ratio of the two: the sample is a keyword sample fixed per filing year and the
    grants are CPC-defined per grant year, so their ratio is not a sampling fraction."""
    shown = table.drop(columns=["sample_fraction"])
    return format_table(shown, {"total_patents": Col("U.S. utility grants", kind="count"),
                                "ai_patents": Col("AI grants (CPC)", kind="count"),
                                "ai_pct": Col("AI share of grants (%)", kind="pct"),
                                "sample_us": Col("ISTAT sample: U.S. patents of that filing year",
                                                 kind="count")},
                        id="grants_table")


def origins_table(origins: pd.DataFrame) -> Table:
    """The top AI assignees by the country of their headquarters, as the book's table."""
    return format_table(origins, id="assignees_table")


def read_origins(root: Path) -> pd.DataFrame:
    return read_checked_csv(root, ASSIGNEE_ORIGINS, ORIGINS_SCHEMA)


def assignees(top: pd.DataFrame, origins: pd.DataFrame) -> pd.DataFrame:
    """The top AI assignees with the country of their headquarters; DataError naming any without one."""
    out = top.merge(origins, on="organization", how="left")
    missing = out.loc[out["origin"].isna(), "organization"].tolist()
    if missing:
        raise DataError(f"{ASSIGNEE_ORIGINS} has no origin for {missing[:5]}: add a row per organisation "
                        "(organization, origin as a two-letter country code, reason)")
    return out.set_index("rank")


def origin_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Top assignees and their AI grants per origin, with the share of the top list's grants."""
    g = table.groupby("origin").agg(assignees=("organization", "size"), ai_patents=("ai_patents", "sum"))
    g["share"] = g["ai_patents"] / g["ai_patents"].sum()
    return g.sort_values("ai_patents", ascending=False)


def _write_brf_sum(records: list[dict[str, Any]], path: Path) -> None:
    """The records as a PatentsView brief-summary table: a zipped TSV with patent_id and summary_text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", quotechar='"', lineterminator="\n")
    writer.writerow(["patent_id", "summary_text"])
    for rec in records:
        writer.writerow([rec["id"], f"{rec.get('title') or ''}\n{rec.get('abstract') or ''}"])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("g_brf_sum_text_istat.tsv", buffer.getvalue())


def connector_check(root: Path, istat: pd.DataFrame, families: list[str]) -> dict[str, Any]:
    """Run the PatentsView connector's TSV reader and model-name matcher on the real ISTAT records (written
    in PatentsView's format) and compare with the processed table. Needs the raw abstracts."""
    path = reads.optional(root, ISTAT_RAW)
    if path is None:
        raise DataError(f"{ISTAT_RAW} is missing: fetch it with "
                        "`chipshock data fetch --only istat_patents --mirror ../shared/data`")
    with gzip.open(path, "rt", encoding="utf-8") as f:
        records = [json.loads(line) for line in f]
    with tempfile.TemporaryDirectory() as tmp:
        zipped = Path(tmp) / "g_brf_sum_text_istat.tsv.zip"
        _write_brf_sum(records, zipped)
        found, seen = patents.scan_texts(patents.iter_tsv_zip(zipped), "patent_id", "summary_text", families)
    expected = set(istat.loc[mentions(istat, families), "patent_id"])
    return {"records": len(records), "seen": len(seen), "found": len(found),
            "agree": set(found) == expected and seen == set(istat["patent_id"])}


def connector_sentence(check: dict[str, Any] | None) -> str:
    """The connector check in words (None: the raw abstracts were not fetched)."""
    if check is None:
        return ("The raw abstracts are not in data/raw, so the connector check was not run here "
                "(`chipshock data fetch --mirror ../shared/data` adds them).")
    same = "the same patents as" if check["agree"] else "different patents from"
    return (f"Run on the {check['records']:,} real records written in PatentsView's format, the connector's "
            f"reader returned {check['seen']:,} documents and its matcher found {check['found']:,} that name "
            f"a family: {same} the processed table.")


def assignee_sentence(n_cn: int) -> str:
    """What the origin of the top assignees means for reading a count of Chinese models in patents."""
    if n_cn == 0:
        return ("No Chinese company is among them, so an absence of Chinese models from U.S. patents "
                "could reflect who patents in the United States as much as which models they use.")
    return ("Chinese companies are among the largest AI patentees in the United States, so an absence "
            "of Chinese models from U.S. patents, if the descriptions show it, would not be an absence "
            "of Chinese applicants.")
