"""Chapter `research`, section by section: each function computes one section of the page and returns
its frozen result (the glue keys are its field names).

The computations are in `papers` (selection, shares, comparisons, authors, CSET, the connector's
fixture, charts) and `patent_counts` (the real patent sample, grants, assignees); the rules of
claims 5 to 7 are in `chipshock.claims.research`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from chipshock import claims as C
from chipshock.chapters.research import papers as P
from chipshock.chapters.research import patent_counts as pc
from chipshock.errors import DataError
from chipshock.paths import Project
from chipshock.results import SectionResult, flat, internal
from chipshock.tables import format_table
from chipshock.wording import compare, direction, significance

GROUP_KEYS = [f"{stat}_{key}" for key in P.GROUPS for stat in ("n", "share")]


# --------------------------------------------------------------------------- the papers


@dataclass(frozen=True, kw_only=True)
class Papers(SectionResult):
    n_papers: int
    n_venue_years: int
    n_venues: int
    n_no_abstract: int
    n_any_family: int
    n_company_rows: int
    n_companies: int
    company_table: str
    cn_vs_us_word: str
    groups: dict = flat(GROUP_KEYS)
    share_table: Any
    share_chart: Any
    share_chart_takeaway: str
    papers: pd.DataFrame = internal()


def count_word(a: int, b: int) -> str:
    """'more', 'fewer' or 'as many': how count a compares with count b."""
    return compare(a, b, "more", "fewer", "as many")


def papers_section(raw: pd.DataFrame, companies: pd.DataFrame, p: Any) -> Papers:
    """The papers of the selection, and the share of each venue-year naming each origin group."""
    papers = P.select(raw, companies, p)
    shares = P.venue_year_shares(papers)
    n_cn, n_us = int(papers["CN"].sum()), int(papers["US_open"].sum())
    return Papers(
        n_papers=len(papers),
        n_venue_years=len(shares),
        n_venues=papers["venue"].nunique(),
        n_no_abstract=int((~papers["has_abstract"]).sum()),
        n_any_family=int(papers["any_family"].sum()),
        n_company_rows=len(companies),
        n_companies=companies["company"].nunique(),
        company_table=p["company_table"],
        cn_vs_us_word=count_word(n_cn, n_us),
        groups={
            **{f"n_{k}": int(papers[k].sum()) for k in P.GROUPS},
            **{f"share_{k}": float(papers[k].mean()) for k in P.GROUPS},
        },
        share_table=P.venue_share_table(shares),
        share_chart=P.share_chart(shares),
        share_chart_takeaway=(
            f"Chinese families are named in {count_word(n_cn, n_us)} papers than U.S. open "
            f"families ({n_cn:,} against {n_us:,})."
        ),
        papers=papers,
    )


@dataclass(frozen=True, kw_only=True)
class Families(SectionResult):
    family_table: Any
    family_chart: Any
    family_chart_takeaway: str
    n_families_shown: int
    min_mentions: int
    top_cn_family: str
    top_cn_papers: int


def families_section(papers: pd.DataFrame, p: Any) -> Families:
    """Papers naming each family (those named by at least `min_mentions` papers)."""
    table = P.family_table(papers, p["families"], p["min_mentions"])
    top_cn = table[table["group"] == P.GROUPS["CN"]]
    name = top_cn.index[0] if len(top_cn) else "none"
    top_n = int(top_cn["papers"].iloc[0]) if len(top_cn) else 0
    overall = table.index[0] if len(table) else "none"
    return Families(
        family_table=P.family_frame_table(table),
        family_chart=P.family_chart(table),
        family_chart_takeaway=(
            f"{overall} is the most named family; the most named Chinese family is {name} ({top_n:,} papers)."
        ),
        n_families_shown=len(table),
        min_mentions=p["min_mentions"],
        top_cn_family=name,
        top_cn_papers=top_n,
    )


# --------------------------------------------------------------------------- the same venue across years

CMP = ("share0", "share1", "diff", "ci_low", "ci_high", "fisher_p")
CMP_KEYS = (
    [f"cmp_{n}" for n in ("year0", "year1", "k0", "n0", "k1", "n1")]
    + [f"{pre}_{n}" for n in CMP for pre in ("cmp", "cmpus")]
    + [f"{pre}_{n}_pp" for n in ("diff", "ci_low", "ci_high") for pre in ("cmp", "cmpus")]
    + [f"{pre}_{n}" for pre in ("cmp", "cmpus") for n in ("direction", "significance")]
)


@dataclass(frozen=True, kw_only=True)
class Comparison(SectionResult):
    cmp_venue: str
    comparison: dict = flat(CMP_KEYS)
    comparison_table: Any


def change_words(c: dict[str, Any]) -> dict[str, str]:
    """A comparison's direction and whether the exact test rejects no change."""
    return {"direction": direction(c["diff"]), "significance": significance(c["fisher_p"])}


def comparison_values(cn: dict[str, Any], us: dict[str, Any]) -> dict[str, Any]:
    """The glued values of the same-venue comparison (Chinese families `cmp_`, U.S. open `cmpus_`)."""
    out: dict[str, Any] = {f"cmp_{n}": cn[n] for n in ("year0", "year1", "k0", "n0", "k1", "n1")}
    for pre, c in (("cmp", cn), ("cmpus", us)):
        out.update({f"{pre}_{n}": c[n] for n in CMP})
        out.update({f"{pre}_{n}_pp": 100 * c[n] for n in ("diff", "ci_low", "ci_high")})
        out.update({f"{pre}_{k}": w for k, w in change_words(c).items()})
    return out


def comparison_section(papers: pd.DataFrame, p: Any) -> Comparison:
    """The compared venue in its first and last chosen year, for every origin group."""
    venue = p["compare_venue"]
    cn = P.compare_years(papers, venue, p["years"], "CN")
    us = P.compare_years(papers, venue, p["years"], "US_open")
    return Comparison(
        cmp_venue=venue.upper(),
        comparison=comparison_values(cn, us),
        comparison_table=P.comparison_frame_table(P.comparison_table(papers, venue, p["years"])),
    )


# --------------------------------------------------------------------------- authors

USE_KEYS = [
    f"use_{k}" for k in ("n_company", "n_cn", "n_both", "share_of_company", "share_of_cn", "n_company_usopen")
]


@dataclass(frozen=True, kw_only=True)
class Authors(SectionResult):
    author_table: Any
    cn_china_author: float
    cn_us_author: float
    all_china_author: float
    use: dict = flat(USE_KEYS)
    company_list: Any
    top_companies: Any
    top_company: str
    top_company_papers: int


def authors_section(papers: pd.DataFrame) -> Authors:
    """Author countries and organisations; papers with a U.S.-company author naming a Chinese family."""
    authors = P.author_table(papers)
    row = authors.loc[f"mentioning {P.GROUPS['CN']}"]
    tops = P.top_companies(papers)
    return Authors(
        author_table=P.author_frame_table(authors),
        cn_china_author=float(row["China author"]),
        cn_us_author=float(row["U.S. author"]),
        all_china_author=float(authors.loc["all papers", "China author"]),
        use={f"use_{k}": v for k, v in P.us_company_use(papers).items()},
        company_list=P.company_list_table(P.us_company_list(papers)),
        top_companies=format_table(tops.to_frame(), id="top_companies"),
        top_company=tops.index[0] if len(tops) else "none",
        top_company_papers=int(tops.iloc[0]) if len(tops) else 0,
    )


# --------------------------------------------------------------------------- CSET

CSET_KEYS = [
    f"cset_{k}"
    for k in (
        "qwen_papers",
        "qwen_flagged",
        "other_papers",
        "other_flagged_qwen",
        "rows",
        "own_flagged",
        "sheets",
    )
]


@dataclass(frozen=True, kw_only=True)
class Cset(SectionResult):
    cset_table: Any
    cset: dict = flat(CSET_KEYS)


def cset_section(cset: pd.DataFrame) -> Cset:
    """The dictionary on CSET's hand-annotated sample."""
    return Cset(
        cset_table=P.cset_frame_table(P.cset_check(cset)),
        cset={f"cset_{k}": v for k, v in P.cset_qwen(cset).items()},
    )


# --------------------------------------------------------------------------- patents


@dataclass(frozen=True, kw_only=True)
class Fixture(SectionResult):
    fixture_counts: Any
    fixture_totals: Any
    fixture_docs: int
    fixture_cn_docs: int


def fixture_section(p: Any) -> Fixture:
    """The patent connector on its fictional fixture."""
    fixture = P.patent_fixture_counts(p["families"])
    return Fixture(
        fixture_counts=format_table(
            fixture.counts.set_index(["kind", "year", "family"]), id="fixture_counts"
        ),
        fixture_totals=format_table(fixture.totals.set_index(["kind", "year"]), id="fixture_totals"),
        fixture_docs=int(fixture.totals["documents_scanned"].sum()),
        fixture_cn_docs=int(fixture.totals["documents_cn_family"].sum()),
    )


FAMILY_COUNT_KEYS = [
    f"patent_{c}{end}" for c in ("any_family", "cn_family", "us_family") for end in ("", "_upper")
]
RECENT_FROM = 2023  # the first filing year when open LLM families existed


@dataclass(frozen=True, kw_only=True)
class Patents(SectionResult):
    patent_abstracts_n: int
    patent_n: int
    patent_us_n: int
    patent_first_year: int
    patent_last_year: int
    family_counts: dict = flat(FAMILY_COUNT_KEYS)
    patent_recent_from: int
    patent_recent_n: int
    patent_recent_any_family: int
    patent_recent_upper: float
    patent_llm_titles: int
    patent_years_table: Any
    grants_table: Any
    grants_2023: int
    grants_2024: int
    grants_2024_share: float
    assignees_n: int
    assignees_cn_n: int
    assignees_cn_share: float
    assignees_cn_names: str
    assignees_sentence: str
    assignees_table: Any
    connector_sentence: str
    istat: pd.DataFrame = internal()


def patents_section(
    project: Project, istat: pd.DataFrame, ai_years: pd.DataFrame, top: pd.DataFrame, p: Any
) -> Patents:
    """Model-family names in the real patent sample, U.S. AI grants, the origin of the top assignees."""
    fams = p["families"]
    yearly = pc.by_year(istat, fams)
    n_abstracts = int(istat["has_abstract"].sum())
    recent = istat[istat["year"] >= RECENT_FROM]
    recent_any = int(pc.mentions(recent, fams).sum())
    years = ai_years.set_index("year")
    table = pc.assignees(top, pc.read_origins(project.root))
    origins = pc.origin_summary(table)
    n_cn = int(origins["assignees"].get("CN", 0))
    try:
        check = pc.connector_check(project.root, istat, fams)
    except DataError:
        check = None
    return Patents(
        patent_abstracts_n=n_abstracts,
        patent_n=len(istat),
        patent_us_n=int((istat["country"] == "US").sum()),
        patent_first_year=int(istat["year"].min()),
        patent_last_year=int(istat["year"].max()),
        family_counts={
            k: v
            for c in ("any_family", "cn_family", "us_family")
            for k, v in (
                (f"patent_{c}", int(yearly[c].sum())),
                (f"patent_{c}_upper", pc.upper_bound(int(yearly[c].sum()), n_abstracts)),
            )
        },
        patent_recent_from=RECENT_FROM,
        patent_recent_n=len(recent),
        patent_recent_any_family=recent_any,
        patent_recent_upper=pc.upper_bound(recent_any, len(recent)),
        patent_llm_titles=int(istat["title"].str.contains(r"language model", case=False).sum()),
        patent_years_table=format_table(yearly, id="patent_years_table"),
        grants_table=pc.grants_table(pc.grants(ai_years, istat, p["grants_from"])),
        grants_2023=int(years.loc[2023, "ai_patents"]),
        grants_2024=int(years.loc[2024, "ai_patents"]),
        grants_2024_share=float(years.loc[2024, "ai_pct"]) / 100,
        assignees_n=len(table),
        assignees_cn_n=n_cn,
        assignees_cn_share=float(origins["share"].get("CN", 0.0)),
        assignees_cn_names=", ".join(table.loc[table["origin"] == "CN", "organization"]),
        assignees_sentence=pc.assignee_sentence(n_cn),
        assignees_table=pc.origins_table(origins),
        connector_sentence=pc.connector_sentence(check),
        istat=istat,
    )


# --------------------------------------------------------------------------- verdicts


@dataclass(frozen=True, kw_only=True)
class Verdicts(SectionResult):
    claim5: dict = flat(C.claim_keys(5).values())
    claim6: dict = flat(C.claim_keys(6).values())
    claim7: dict = flat(C.claim_keys(7).values())


def verdict_section(papers: pd.DataFrame, istat: pd.DataFrame, p: Any) -> Verdicts:
    """Claims 5, 6 and 7 by their rules."""
    venue = p["compare_venue"]
    among = P.compare_years(papers[papers["any_family"]], venue, p["years"], "CN")  # the ledger's base
    five = C.research(
        among["share0"],
        among["share1"],
        among["fisher_p"],
        among["n0"],
        among["n1"],
        venue.upper(),
        (among["year0"], among["year1"]),
    )
    us_read = istat[(istat["country"] == "US") & istat["has_abstract"]]
    six = C.patents(
        int(pc.mentions(us_read, p["families"]).sum()),
        int(pc.mentions(us_read, p["families"], "CN").sum()),
        len(us_read),
    )
    use = P.us_company_use(papers)
    seven = C.companies(use["n_both"], int((papers["us_company"] & papers["any_family"]).sum()))
    return Verdicts(
        claim5=C.judge(C.claim(5), five, {}).glue_values(),
        claim6=C.judge(C.claim(6), six, {}).glue_values(),
        claim7=C.judge(C.claim(7), seven, {}).glue_values(),
    )


__all__ = [
    "Authors",
    "Comparison",
    "Cset",
    "Families",
    "Fixture",
    "Papers",
    "Patents",
    "Verdicts",
    "authors_section",
    "comparison_section",
    "cset_section",
    "families_section",
    "fixture_section",
    "papers_section",
    "patents_section",
    "verdict_section",
]
