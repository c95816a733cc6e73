"""cn_gov_doc_titles: dated titles of the documents listed on the State Council's and six provincial
governments' official document pages, to 2023-10 (metadata only; all policy areas).

Every source row is kept (so the count matches the source); `url_repeat` marks the second and later
rows of a URL, which in this source are exact repeats of an earlier row (all in the Henan list).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from chipshock.data.tables._common import DAY, col, span, to_day

NAME = "cn_gov_doc_titles"
RAW = ("policy/gov-doc-lists/documents.csv.gz",)
DESCRIPTION = "titles, dates and document numbers listed by the State Council and six provincial governments"
GOVERNMENTS = {
    "State Council": "state-council",
    "Guangdong Provincial Government": "guangdong",
    "Hainan Provincial Government": "hainan",
    "Henan Provincial Government": "henan",
    "Shanghai Municipal Government": "shanghai",
    "Sichuan Provincial Government": "sichuan",
    "Yunnan Provincial Government": "yunnan",
}

SCHEMA = pa.DataFrameSchema(
    {
        "doc_id": col(str, unique=True),
        "government": col(str, pa.Check.isin(list(GOVERNMENTS))),
        "issue_date": col(DAY, nullable=True),
        "pub_date": col(DAY, nullable=True),
        "date": col(DAY, nullable=True),
        "date_source": col(str, pa.Check.isin(["pub_date", "issue_date", "none"])),
        "title": col(str, pa.Check.str_length(min_value=1)),
        "doc_number": col(str, nullable=True),
        "url": col(str, pa.Check.str_startswith("http")),
        "url_repeat": col(bool),
    },
    strict=True,
    ordered=True,
)


def build(raw: dict[str, Path], built: dict[str, pd.DataFrame], root: Path) -> pd.DataFrame:
    df = pd.read_csv(raw[RAW[0]], dtype=str, keep_default_na=False, encoding="utf-8")
    code = df["government"].map(GOVERNMENTS)
    number = df.groupby("government", sort=False).cumcount() + 1
    out = pd.DataFrame(
        {
            "doc_id": code + "-" + number.map("{:05d}".format),
            "government": df["government"],
            "issue_date": to_day(df["issue_date"]),
            "pub_date": to_day(df["pub_date"]),
            "title": df["title"],
            "doc_number": df["doc_number"].replace("", None),
            "url": df["url"],
            "url_repeat": df["url"].duplicated(keep="first"),
        }
    )
    out["date"] = out["pub_date"].fillna(out["issue_date"])
    out["date_source"] = "none"
    out.loc[out["issue_date"].notna(), "date_source"] = "issue_date"
    out.loc[out["pub_date"].notna(), "date_source"] = "pub_date"
    return out[list(SCHEMA.columns)]


def coverage(df: pd.DataFrame) -> str:
    return (f"published {span(df['pub_date'])}; {df['government'].nunique()} governments; "
            f"{int(df['url_repeat'].sum())} repeated rows")
