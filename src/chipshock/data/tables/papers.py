"""papers: Paper Copilot paper lists with author countries, U.S.-company authorship and model mentions."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from chipshock.data.catalog import PAPER_FILES as FILES
from chipshock.data.catalog import US_COMPANIES
from chipshock.data.curated import read_checked_csv
from chipshock.data.dictionaries import FAMILY_ORIGIN, MODEL_FAMILIES
from chipshock.data.tables._common import col, read_json_gz

NAME = "papers"
RAW = tuple(f"papers/paperlists/{f}.json.gz" for f in FILES)
DESCRIPTION = (
    "accepted papers of 18 smaller AI venues, 2023-2025: countries, organisations (also per author, in "
    "author order), U.S.-company authors, model mentions"
)
MENTIONS = tuple(f"mentions_{name}" for name in MODEL_FAMILIES)
ORIGIN_FLAGS = ("mentions_cn_family", "mentions_us_family", "mentions_other_family")


def _columns() -> dict[str, pa.Column]:
    cols = {
        "venue": col(str),
        "year": col("int16", pa.Check.in_range(2023, 2025)),
        "paper_id": col(str),
        "title": col(str),
        "n_authors": col("int16", pa.Check.ge(0)),
        "countries": col(str),
        "has_abstract": col(bool),
        "us_company_author": col(bool),
        "org_names": col(str),
        "org_domains": col(str),
        "author_domains": col(str),
        "author_affs": col(str),
    }
    cols |= {name: col(bool) for name in (*MENTIONS, *ORIGIN_FLAGS)}
    return cols


SCHEMA = pa.DataFrameSchema(_columns(), strict=True, ordered=True, unique=["venue", "year", "paper_id"])

COMPANY_SCHEMA = pa.DataFrameSchema(
    {
        "company": col(str),
        "kind": col(str, pa.Check.isin(["domain", "name"])),
        "value": col(str, pa.Check.str_length(min_value=2)),
        "source": col(str),
    },
    strict=True,
    unique=["kind", "value"],
)


class CompanyMatcher:
    """Does an author list include someone at a U.S. company (by e-mail domain or affiliation name)?"""

    def __init__(self, table: pd.DataFrame):
        self.domains = frozenset(table.loc[table["kind"] == "domain", "value"].str.lower())
        names = sorted(table.loc[table["kind"] == "name", "value"], key=len, reverse=True)
        self.names = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, names)) + r")(?!\w)")
        rows = zip(table["kind"], table["value"], table["company"], strict=True)
        self.domain_company = {v.lower(): c for k, v, c in rows if k == "domain"}
        self.name_company = dict(zip(table.loc[table["kind"] == "name", "value"],
                                     table.loc[table["kind"] == "name", "company"], strict=True))

    def domain_match(self, domain: str) -> bool:
        d = domain.strip().lower()
        parts = d.split(".")
        return any(".".join(parts[i:]) in self.domains for i in range(len(parts) - 1))

    def __call__(self, aff_domain: str, affiliations: str) -> bool:
        if any(self.domain_match(d) for d in aff_domain.split(";") if d.strip()):
            return True
        return self.names.search(affiliations) is not None

    def companies(self, aff_domain: str, affiliations: str) -> list[str]:
        """The companies (table's `company` column) matched by the domains or names, sorted."""
        found = set()
        for d in re.split(r"[;+]", aff_domain):
            parts = d.strip().lower().split(".")
            for i in range(len(parts) - 1):
                found.add(self.domain_company.get(".".join(parts[i:])))
        found.update(self.name_company[m.group(0)] for m in self.names.finditer(affiliations))
        return sorted(c for c in found if c)


def read_us_companies(root: Path) -> pd.DataFrame:
    return read_checked_csv(root, US_COMPANIES, COMPANY_SCHEMA)


def _countries(value: str) -> str:
    seen: list[str] = []
    for c in (value or "").split(";"):
        c = c.strip()
        if c and c not in seen:
            seen.append(c)
    return ";".join(seen)


def _unique(*values: str, lower: bool = False) -> str:
    """Distinct non-empty items (separated by ';' or '+') of the values, in order of first appearance."""
    seen: dict[str, None] = {}
    for value in values:
        for item in re.split(r"[;+]", value or ""):
            item = item.strip().lower() if lower else item.strip()
            if item:
                seen.setdefault(item)
    return ";".join(seen)


def _per_author(value: str, n: int, lower: bool = False) -> str:
    """One entry per author in author order (';' between authors, '+' between one author's several
    affiliations), padded or cut to the `n` authors; empty entries where a list has none."""
    items = [i.strip().lower() if lower else i.strip() for i in (value or "").split(";")]
    items = (items + [""] * n)[:n]
    return ";".join(items)


def _n_authors(paper: dict) -> int:
    return sum(1 for a in (paper.get("author") or "").split(";") if a.strip())


def mention_flags(text: str) -> dict[str, bool]:
    """mentions_<family> and per-origin flags for a title + abstract."""
    flags = {f"mentions_{n}": d.matches(text) for n, d in MODEL_FAMILIES.items()}
    for origin, key in (("CN", "cn"), ("US", "us"), ("other", "other")):
        flags[f"mentions_{key}_family"] = any(
            flags[f"mentions_{n}"] for n, o in FAMILY_ORIGIN.items() if o == origin
        )
    return flags


def _row(paper: dict, venue: str, year: int, companies: CompanyMatcher) -> dict:
    abstract = paper.get("abstract") or ""
    affiliations = ";".join(filter(None, (paper.get("aff") or "", paper.get("aff_unique_norm") or "")))
    return {
        "venue": venue,
        "year": year,
        "paper_id": str(paper.get("id") or ""),
        "title": (paper.get("title") or "").strip(),
        "n_authors": _n_authors(paper),
        "countries": _countries(paper.get("aff_country_unique") or ""),
        "has_abstract": bool(abstract.strip()),
        "us_company_author": companies(paper.get("aff_domain") or "", affiliations),
        "org_names": _unique(paper.get("aff") or "", paper.get("aff_unique_norm") or ""),
        "org_domains": _unique(paper.get("aff_domain") or "", lower=True),
        "author_domains": _per_author(paper.get("aff_domain") or "", _n_authors(paper), lower=True),
        "author_affs": _per_author(paper.get("aff") or "", _n_authors(paper)),
        **mention_flags(f"{paper.get('title') or ''}\n{abstract}"),
    }


def build(raw: dict[str, Path], built: dict[str, pd.DataFrame], root: Path) -> pd.DataFrame:
    companies = CompanyMatcher(read_us_companies(root))
    rows = []
    for stem, rel in zip(FILES, RAW, strict=True):
        venue, year = stem.split("/")[0], int(stem[-4:])
        rows.extend(_row(p, venue, year, companies) for p in read_json_gz(raw[rel]))
    df = pd.DataFrame(rows)
    df["year"] = df["year"].astype("int16")
    df["n_authors"] = df["n_authors"].astype("int16")
    df = df.drop_duplicates(["venue", "year", "paper_id"], keep="first")
    return df[list(SCHEMA.columns)].sort_values(["venue", "year", "paper_id"], kind="stable")


def coverage(df: pd.DataFrame) -> str:
    return f"{df['venue'].nunique()} venues; {df['year'].min()}-{df['year'].max()}"
