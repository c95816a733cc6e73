"""The Chinese-language corpora of the policy chapter: documents per corpus and period, the before/after
test within one series whose selection is constant (MIIT's 科技司 list), its placebo splits, and the
titles of State Council and provincial documents as a denominator.

Only documents whose date the data layer verified from the text or the URL (`date_verified` of
`cn_policy_documents`) enter a comparison; intensity is matches per 10,000 characters.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from chipshock.chapters.policy.analysis import compare
from chipshock.data.dictionaries import POLICY_DICTIONARIES

SERIES_LABELS = {"miit": "MIIT (科技司 list)", "cac": "CAC", "tc260": "TC260",
                 "central": "smart-tech: central", "shandong": "smart-tech: Shandong"}
TEST_SERIES = "miit"  # the one series with a constant selection on both sides of the split


def cn_units(cn: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """Chinese-language documents as comparison units: `date` is the verified date (NaT if none), a flag
    per dictionary, the characters as the size."""
    out = cn.assign(date=cn["date_verified"], verified=cn["date_verified"].notna())
    for n in names:
        out[n] = out[f"{n}_n"] > 0
    return out


def corpus_table(cn: pd.DataFrame, agora_cn: pd.DataFrame, split: dt.date) -> pd.DataFrame:
    """Documents per corpus (series) and period: with a verified date before and from the split, without
    one, and how many of each mention open source — what every Chinese number rests on."""
    rows = []
    frames = [("AGORA (English translations)", agora_cn.assign(verified=agora_cn["date_verified"]))]
    frames += [(SERIES_LABELS[s], g) for s, g in cn.groupby("series", sort=False)]
    for label, g in frames:
        after = g["date"] >= pd.Timestamp(split)
        before_v, after_v = g[g["verified"] & ~after], g[g["verified"] & after]
        rows.append({"corpus": label, "documents": len(g),
                     "before": len(before_v), "before_open_source": int(before_v["open_source"].sum()),
                     "after": len(after_v), "after_open_source": int(after_v["open_source"].sum()),
                     "unverified_date": int((~g["verified"]).sum()),
                     "unverified_open_source": int(g.loc[~g["verified"], "open_source"].sum())})
    return pd.DataFrame(rows).set_index("corpus")


def series_test(cn: pd.DataFrame, split: dt.date, names: list[str],
                series: str = TEST_SERIES) -> pd.DataFrame:
    """`compare` (share and matches per 10,000 characters) within one series, verified dates only."""
    d = cn[(cn["series"] == series) & cn["verified"]]
    after = d["date"] >= pd.Timestamp(split)
    table = pd.DataFrame({n: compare(d, after, n, size="text_chars") for n in names}).T.infer_objects()
    return table.rename_axis("dictionary")


def placebo_windows(cn: pd.DataFrame, dates: list[dt.date], split: dt.date,
                    series: str = TEST_SERIES) -> list[tuple[dt.date, pd.DataFrame]]:
    """For each placebo date, the documents of its own side of the real split (placebos before the split
    use only documents before it, and those after only documents after it)."""
    d = cn[(cn["series"] == series) & cn["verified"]]
    out = []
    for date in dates:
        side = d["date"] < pd.Timestamp(split) if date < split else d["date"] >= pd.Timestamp(split)
        out.append((date, d[side]))
    return out


def placebo_table(cn: pd.DataFrame, dates: list[dt.date], split: dt.date, names: list[str],
                  series: str = TEST_SERIES) -> pd.DataFrame:
    """`compare` at each placebo date within its side of the real split, for every dictionary."""
    rows: list[dict[str, Any]] = []
    for date, d in placebo_windows(cn, dates, split, series):
        after = d["date"] >= pd.Timestamp(date)
        rows += [{"placebo_date": date.isoformat(), "dictionary": n,
                  **compare(d, after, n, size="text_chars")} for n in names]
    return pd.DataFrame(rows).set_index(["placebo_date", "dictionary"])


def titles_summary(titles: pd.DataFrame) -> pd.DataFrame:
    """Per government: titles listed, titles that mention open source (the `open_source` dictionary) and
    titles about AI (人工智能), and the date range — a denominator for the full-text corpora."""
    d = POLICY_DICTIONARIES["open_source"]
    t = titles.assign(open_source=titles["title"].map(d.matches),
                      ai=titles["title"].str.contains("人工智能", regex=False))
    g = t.groupby("government", sort=True).agg(titles=("title", "size"), open_source=("open_source", "sum"),
                                               ai=("ai", "sum"), first=("date", "min"), last=("date", "max"))
    return g


def titles_sentence(n_open_source: int) -> str:
    """What the title lists say about open source as a subject of documents."""
    if n_open_source == 0:
        return ("No title names open source: it enters these governments' output, if at all, inside "
                "plans on other subjects, not as the subject of a document of its own.")
    return (f"{n_open_source} {'title names' if n_open_source == 1 else 'titles name'} open source as "
            "a subject of a document of its own.")
