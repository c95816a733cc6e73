"""Claim 1's evidence: documents of each country dated before the first shock, and those that support
open source.

China: AGORA's Chinese families with a verified date plus the smart-technology corpus's documents
(central and Shandong) by their given date, rows flagged `date_suspect` left out, a smart-technology
document that is the Chinese original of an AGORA translation counted once (as AGORA's family). The
United States: AGORA's U.S. families (legislative records). A document supports open source when one of
its kept matches is labelled `support` (every match of these corpora is labelled).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

SMART_TECH = "smart-tech-cn-sd"
MARGIN_DAYS = 365  # the one-year margin: documents dated at least this long before the first shock


@dataclass(frozen=True)
class Counts:
    """Documents before the first shock and those that support open source, per country."""

    cn_docs: int
    cn_support: int
    us_docs: int
    us_support: int


def supporting(rules: pd.DataFrame) -> set[tuple[str, str]]:
    """(corpus, doc_id) of every document with a kept passage labelled support."""
    hit = rules[rules["kept"] & (rules["label"] == "support")]
    return set(zip(hit["corpus"], hit["doc_id"].astype(str), strict=True))


def smart_tech_before(cn: pd.DataFrame, first: dt.date, twins: set[str], margin_days: int = 0,
                      suspect_out: bool = True) -> pd.DataFrame:
    """Smart-technology documents dated (as given) before `first` minus `margin_days`, without the
    `date_suspect` rows when `suspect_out`, and without the AGORA twins."""
    d = cn[cn["corpus"] == SMART_TECH]
    if suspect_out:
        d = d[d["date_suspect"] == ""]
    cut = pd.Timestamp(first) - pd.Timedelta(days=margin_days)
    return d[(d["date_given"] < cut) & ~d["doc_id"].isin(twins)]


def agora_before(units: pd.DataFrame, first: dt.date, margin_days: int = 0) -> pd.DataFrame:
    """AGORA families with a verified date before `first` minus `margin_days`."""
    cut = pd.Timestamp(first) - pd.Timedelta(days=margin_days)
    return units[units["date_verified"] & (units["date"] < cut)]


def counts(units: pd.DataFrame, cn: pd.DataFrame, support: set[tuple[str, str]],
           twins: dict[int, str], first: dt.date, smart_tech: bool = True,
           margin_days: int = 0) -> Counts:
    """Claim 1's counts: AGORA families (and, with `smart_tech`, the smart-technology documents)
    before the first shock, with and without a supporting passage. `units` carry `supports_n`.
    `margin_days` applies to the smart-technology corpus's given dates only (AGORA's are checked)."""
    a = agora_before(units, first)
    sides = {j: a[a["jurisdiction"] == j] for j in ("CN", "US")}
    cn_docs, cn_sup = len(sides["CN"]), int((sides["CN"]["supports_n"] > 0).sum())
    if smart_tech:
        st = smart_tech_before(cn, first, set(twins.values()), margin_days)
        cn_docs += len(st)
        cn_sup += sum((SMART_TECH, str(i)) in support for i in st["doc_id"])
    us = sides["US"]
    return Counts(cn_docs, cn_sup, len(us), int((us["supports_n"] > 0).sum()))


def one_fewer(c: Counts) -> Counts:
    """One supporting document fewer on each side that has one (and one document fewer)."""
    cn = (c.cn_docs - 1, c.cn_support - 1) if c.cn_support else (c.cn_docs, 0)
    us = (c.us_docs - 1, c.us_support - 1) if c.us_support else (c.us_docs, 0)
    return Counts(*cn, *us)


def one_more(c: Counts) -> Counts:
    """One supporting document more on each side that has none (and one document more)."""
    cn = (c.cn_docs, c.cn_support) if c.cn_support else (c.cn_docs + 1, 1)
    us = (c.us_docs, c.us_support) if c.us_support else (c.us_docs + 1, 1)
    return Counts(*cn, *us)
