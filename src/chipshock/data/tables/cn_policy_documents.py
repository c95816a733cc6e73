"""cn_policy_documents: Chinese-language policy documents with full texts (MIIT/CAC/TC260 notices and
the central + Shandong "smart technology" policies), one row per document, with the date as given,
a date checked against the document itself, and the coding-dictionary counts.

No text is kept: only the title, character count, dates and dictionary counts derived from it.

The date rule (`verified_date`), first that applies:

1. `chengwen_field`: a labelled 成文日期 (date written) field in the text, as on the MIIT pages'
   metadata block (``成文日期：2020-07-22``).
2. `fabu_field`: a labelled 发布日期 (date published) field in the text.
3. `url`: a full date in the document's URL: ``/2024-10/11/`` (gov.cn, cac.gov.cn), ``/art/2021/9/28/``
   (provincial JCMS sites), ``/t20220919_`` (TRS sites) or a ``YYYYMMDDhhmmss`` page id (tc260.org.cn).
   Year-only paths (``/art/2020/``) and month folders (``/202404/``) do not count.
4. `signature`: the date of the signature block, i.e. the last line within the last 600 characters
   that is nothing but a date ``YYYY年M月D日`` (the 成文日期 of an official document in GB/T 9704).
5. `none`: no date found.

A date outside 1949–2030 or not a calendar date is ignored. `date_diff_days` is the verified date
minus the given date.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from chipshock.data.dictionaries import POLICY_DICTIONARIES
from chipshock.data.tables._common import DAY, col, iter_jsonl, span, to_day

NAME = "cn_policy_documents"
CORPORA = {  # corpus: (metadata, full texts)
    name: (f"policy/{name}/documents.csv", f"policy/{name}/fulltext.jsonl.gz")
    for name in ("miit-cac-tc260", "smart-tech-cn-sd")
}
RAW = tuple(rel for pair in CORPORA.values() for rel in pair)
DESCRIPTION = ("Chinese policy documents with full texts (MIIT/CAC/TC260; central and Shandong smart-tech "
               "policies): given and verified dates, text length, coding-dictionary counts; no text")
SERIES = ("miit", "cac", "tc260", "central", "shandong")
DATE_SOURCES = ("chengwen_field", "fabu_field", "url", "signature", "none")
SIGNATURE_TAIL = 600
YEARS = (1949, 2030)

_DATE = r"(\d{4})\s*[年\-./]\s*(\d{1,2})\s*[月\-./]\s*(\d{1,2})"
_FIELDS = {
    "chengwen_field": re.compile(r"成文日期\s*[：:]\s*" + _DATE),
    "fabu_field": re.compile(r"发布日期\s*[：:]\s*" + _DATE),
}
_URL_DATES = (
    re.compile(r"/(\d{4})-(\d{1,2})/(\d{1,2})/"),
    re.compile(r"/art/(\d{4})/(\d{1,2})/(\d{1,2})/"),
    re.compile(r"/t(\d{4})(\d{2})(\d{2})_"),
    re.compile(r"/(\d{4})(\d{2})(\d{2})([01]\d|2[0-3])([0-5]\d)([0-5]\d)(?=$|[/?#._])"),
)
_SIGNATURE = re.compile(r"^[ \t\u3000]*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日[ \t\u3000]*$", re.M)


def _date(match: re.Match[str] | None) -> dt.date | None:
    if match is None:
        return None
    try:
        day = dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None
    return day if YEARS[0] <= day.year <= YEARS[1] else None


def url_date(url: str | None) -> dt.date | None:
    """A full date written in the URL's path, or None."""
    for pattern in _URL_DATES:
        for match in pattern.finditer(url or ""):
            if (day := _date(match)) is not None:
                return day
    return None


def signature_date(text: str) -> dt.date | None:
    """The last date standing alone on a line near the end of the text (the signature block)."""
    found = [d for m in _SIGNATURE.finditer((text or "")[-SIGNATURE_TAIL:]) if (d := _date(m)) is not None]
    return found[-1] if found else None


def field_date(text: str, field: str) -> dt.date | None:
    """The date of a labelled field (`chengwen_field`: 成文日期, `fabu_field`: 发布日期), or None."""
    for match in _FIELDS[field].finditer(text or ""):
        if (day := _date(match)) is not None:
            return day
    return None


def verified_date(text: str, url: str | None) -> tuple[dt.date | None, str]:
    """(date, source) by the rule in the module docstring; (None, 'none') when nothing is found."""
    for field in _FIELDS:
        if (day := field_date(text, field)) is not None:
            return day, field
    if (day := url_date(url)) is not None:
        return day, "url"
    if (day := signature_date(text)) is not None:
        return day, "signature"
    return None, "none"


def _columns() -> dict[str, pa.Column]:
    cols = {
        "doc_id": col(str, unique=True),
        "corpus": col(str, pa.Check.isin(list(CORPORA))),
        "series": col(str, pa.Check.isin(list(SERIES))),
        "issuer": col(str),
        "title": col(str),
        "title_lang": col(str, pa.Check.isin(["zh", "en"])),
        "url": col(str, pa.Check.str_startswith("http"), nullable=True),
        "date_given": col(DAY),
        "date_verified": col(DAY, nullable=True),
        "date_source": col(str, pa.Check.isin(list(DATE_SOURCES))),
        "date_diff_days": col("Int64", nullable=True),
        "date_published": col(DAY, nullable=True),
        "date_suspect": col(str),
        "text_chars": col("int64", pa.Check.ge(0)),
    }
    for name in POLICY_DICTIONARIES:
        cols[f"{name}_n"] = col("int64", pa.Check.ge(0))
    return cols


SCHEMA = pa.DataFrameSchema(_columns(), strict=True, ordered=True)


def _texts(path: Path) -> dict[str, str]:
    return {rec["doc_id"]: rec["text"] for rec in iter_jsonl(path)}


def _metadata(corpus: str, path: Path) -> pd.DataFrame:
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    if corpus == "miit-cac-tc260":
        return pd.DataFrame({
            "doc_id": df["doc_id"], "issuer": df["issuing_department"], "title": df["title"],
            "title_lang": "zh", "url": df["url"], "date_given": df["publication_date"], "date_suspect": "",
        })
    return pd.DataFrame({
        "doc_id": df["doc_id"], "issuer": df["release_department_en"], "title": df["title_en"],
        "title_lang": "en", "url": df["policy_source"], "date_given": df["release_date"],
        "date_suspect": df["date_suspect"],
    })


def _row(text: str, url: str, given: str) -> dict:
    day, source = verified_date(text, url)
    published = field_date(text, "fabu_field")
    row = {
        "date_verified": day.isoformat() if day else "",
        "date_source": source,
        "date_diff_days": (day - dt.date.fromisoformat(given)).days if day else None,
        "date_published": published.isoformat() if published else "",
        "text_chars": len(text),
    }
    for name, dictionary in POLICY_DICTIONARIES.items():
        row[f"{name}_n"] = dictionary.count(text)
    return row


def build(raw: dict[str, Path], built: dict[str, pd.DataFrame], root: Path) -> pd.DataFrame:
    frames = []
    for corpus, (meta_rel, text_rel) in CORPORA.items():
        meta = _metadata(corpus, raw[meta_rel])
        texts = _texts(raw[text_rel])
        keys = zip(meta["doc_id"], meta["url"], meta["date_given"], strict=True)
        derived = pd.DataFrame([_row(texts[doc], url, given) for doc, url, given in keys])
        frame = pd.concat([meta.reset_index(drop=True), derived], axis=1)
        frame.insert(1, "corpus", corpus)
        frame.insert(2, "series", frame["doc_id"].str.split("-").str[0])
        frames.append(frame)
    df = pd.concat(frames, ignore_index=True)
    df["url"] = df["url"].where(df["url"].str.startswith("http"), None)
    for name in ("date_given", "date_verified", "date_published"):
        df[name] = to_day(df[name])
    df["date_diff_days"] = df["date_diff_days"].astype("Int64")
    return df[list(SCHEMA.columns)].sort_values(["corpus", "doc_id"], kind="stable")


def coverage(df: pd.DataFrame) -> str:
    verified = df["date_verified"].notna()
    differ = verified & df["date_diff_days"].ne(0)
    return (f"{span(df['date_given'])} (as given); {int(verified.sum())} verified dates, "
            f"{int(differ.sum())} differ from the given date")
