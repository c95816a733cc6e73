"""policy_documents: AGORA documents with dates, jurisdiction level and dictionary codes.

No raw text is kept beyond one quotation of at most 200 characters around the first open-source
match that the dictionary's sense rules keep, which the policy chapter shows beside each document.
`open_source_n` counts the kept matches, `open_source_raw_n` every match of the patterns.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from chipshock.data.dictionaries import POLICY_DICTIONARIES, Dictionary, context
from chipshock.data.tables._common import DAY, col, iter_jsonl, span, to_day

NAME = "policy_documents"
RAW = ("policy/agora/documents.csv", "policy/agora/authorities.csv", "policy/agora/fulltext.jsonl.gz")
DESCRIPTION = "AGORA AI-governance documents: dates, authority level, word count, coding-dictionary matches"
FRAGMENT_CHARS = 200
LEVELS = ("us_federal", "us_state", "us_local", "cn_central", "cn_provincial", "other")

_US_LEVEL = {
    "Federal government": "us_federal",
    "State governments": "us_state",
    "Local governments": "us_local",
}
_CN_LEVEL = {
    "Chinese central government": "cn_central",
    "Chinese provincial and local governments": "cn_provincial",
}


def _columns() -> dict[str, pa.Column]:
    cols = {
        "agora_id": col("int64", unique=True),
        "title": col(str),
        "url": col(str),
        "authority": col(str),
        "jurisdiction": col(str, pa.Check.isin(["US", "CN", "other"])),
        "level": col(str, pa.Check.isin(LEVELS)),
        "collections": col(str),
        "status": col(str, pa.Check.isin(["Enacted", "Defunct", "Proposed"])),
        "proposed_date": col(DAY, nullable=True),
        "activity_date": col(DAY, nullable=True),
        "date": col(DAY),
        "date_source": col(str, pa.Check.isin(["proposed", "most_recent_activity"])),
        "has_fulltext": col(bool),
        "word_count": col("int64", pa.Check.ge(0)),
        "open_source_fragment": col(str, pa.Check.str_length(max_value=FRAGMENT_CHARS)),
        "open_source_raw_n": col("int64", pa.Check.ge(0)),
    }
    for name in POLICY_DICTIONARIES:
        cols[name] = col(bool)
        cols[f"{name}_n"] = col("int64", pa.Check.ge(0))
    return cols


SCHEMA = pa.DataFrameSchema(_columns(), strict=True, ordered=True)


def authority_level(name: str, jurisdiction: str, parent: str) -> str:
    """us_federal / us_state / us_local / cn_central / cn_provincial / other, from authorities.csv."""
    if jurisdiction == "United States":
        return _US_LEVEL.get(parent) or _US_LEVEL.get(name, "other")
    if jurisdiction == "China":
        return _CN_LEVEL.get(name, "other")
    return "other"


def _levels(path: Path) -> dict[str, str]:
    auth = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    auth = auth.rename(columns={"Parent authority": "parent"})
    return {r.Name: authority_level(r.Name, r.Jurisdiction, r.parent) for r in auth.itertuples(index=False)}


def fragment(text: str, pattern: re.Pattern[str], width: int = FRAGMENT_CHARS) -> str:
    """At most `width` characters of `text` around the first match of `pattern` ("" if none)."""
    match = pattern.search(text or "")
    return "" if match is None else context(text, match.start(), match.end(), width)


def kept_fragment(text: str, dictionary: Dictionary, width: int = FRAGMENT_CHARS) -> str:
    """At most `width` characters around the first match that the dictionary's sense rules keep."""
    kept = next((p for p in dictionary.passages(text) if p.excluded is None), None)
    return "" if kept is None else context(text, kept.start, kept.end, width)


def _codes(path: Path) -> pd.DataFrame:
    rows = []
    open_source = POLICY_DICTIONARIES["open_source"]
    for rec in iter_jsonl(path):
        text = rec["text"]
        row = {"agora_id": int(rec["agora_id"]), "word_count": len(text.split()),
               "open_source_fragment": kept_fragment(text, open_source),
               "open_source_raw_n": open_source.raw_count(text)}
        for name, dictionary in POLICY_DICTIONARIES.items():
            row[f"{name}_n"] = dictionary.count(text)
        rows.append(row)
    return pd.DataFrame(rows)


def build(raw: dict[str, Path], built: dict[str, pd.DataFrame], root: Path) -> pd.DataFrame:
    docs = pd.read_csv(raw[RAW[0]], dtype=str, keep_default_na=False, encoding="utf-8-sig")
    levels = _levels(raw[RAW[1]])
    out = pd.DataFrame(
        {
            "agora_id": pd.to_numeric(docs["AGORA ID"]).astype("int64"),
            "title": docs["Official name"],
            "url": docs["Link to document"],
            "authority": docs["Authority"],
            "level": docs["Authority"].map(levels).fillna("other"),
            "collections": docs["Collections"],
            "status": docs["Most recent activity"],
            "proposed_date": to_day(docs["Proposed date"]),
            "activity_date": to_day(docs["Most recent activity date"]),
        }
    )
    out.insert(4, "jurisdiction", out["level"].str.slice(0, 2).map({"us": "US", "cn": "CN"}).fillna("other"))
    out["date"] = out["proposed_date"].fillna(out["activity_date"])
    out["date_source"] = out["proposed_date"].notna().map({True: "proposed", False: "most_recent_activity"})
    codes = _codes(raw[RAW[2]])
    out = out.merge(codes, on="agora_id", how="left")
    out["has_fulltext"] = out["word_count"].notna()
    counts = ["word_count", "open_source_raw_n", *(f"{n}_n" for n in POLICY_DICTIONARIES)]
    out[counts] = out[counts].fillna(0).astype("int64")
    out["open_source_fragment"] = out["open_source_fragment"].fillna("")
    for name in POLICY_DICTIONARIES:
        out[name] = out[f"{name}_n"] > 0
    order = list(SCHEMA.columns)
    return out[order].sort_values("agora_id", kind="stable")


def coverage(df: pd.DataFrame) -> str:
    return f"{span(df['date'])}; {int((df['jurisdiction'] == 'CN').sum())} Chinese documents"
