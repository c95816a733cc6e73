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
from chipshock.numbers import p_value
from chipshock.paths import Project
from chipshock.results import SectionResult, flat, internal
from chipshock.tables import Col, format_table
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
    + [f"{pre}_fisher_p_text" for pre in ("cmp", "cmpus")]
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
        out[f"{pre}_fisher_p_text"] = p_value(c["fisher_p"])  # "p = 0.012", "p < 0.001"
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
    claim7_first_last_papers_cn: int
    claim7_first_last_papers_any: int
    claim7_any_papers_cn: int
    claim7_any_papers_any: int
    claim7_share_papers_cn: float
    claim7_share_papers_any: float
    claim7_company_table: Any
    claim7_venue_table: Any
    claim7_top_venue_year: str
    claim7_top_venue_year_cn: int
    claim7_n_venue_years: int


def attribution_counts(papers: pd.DataFrame) -> dict[str, tuple[float, float]]:
    """Claim 7's (papers naming a Chinese family, papers naming any family) under each attribution of
    a paper to U.S. companies: first or last author, any author, each paper weighted by its share of
    company authors."""
    fam = papers[papers["any_family"]]
    w = fam["company_author_share"]
    return {
        "first or last author": (
            int((fam["first_last_company"] & fam["CN"]).sum()),
            int(fam["first_last_company"].sum()),
        ),
        "any company author": (int((fam["us_company"] & fam["CN"]).sum()), int(fam["us_company"].sum())),
        "share of authors": (float((w * fam["CN"]).sum()), float(w.sum())),
    }


def claim7_tables(papers: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Papers naming a Chinese family per U.S. company (first or last author) and, per venue-year,
    the company papers naming any family and a Chinese one under the first-or-last and any attribution."""
    fam = papers[papers["any_family"]]
    lead = fam[fam["first_last_company"] & fam["CN"]]
    per_company = pd.Series([c for s in lead["lead_companies"] for c in s.split(", ")], dtype=object)
    companies = per_company.value_counts().rename("papers").rename_axis("company").to_frame()
    fam = fam.assign(label=fam["venue"].str.upper() + " " + fam["year"].astype(str))
    venue = fam.groupby("label").apply(
        lambda g: pd.Series(
            {
                "led, naming a family": int(g["first_last_company"].sum()),
                "led, naming a Chinese family": int((g["first_last_company"] & g["CN"]).sum()),
                "any author, naming a family": int(g["us_company"].sum()),
                "any author, naming a Chinese family": int((g["us_company"] & g["CN"]).sum()),
            }
        ),
        include_groups=False,
    )
    venue = venue[venue.sum(axis=1) > 0].sort_values(
        "any author, naming a Chinese family", ascending=False, kind="stable"
    )
    return companies, venue.rename_axis("venue-year")


def authors_section(papers: pd.DataFrame) -> Authors:
    """Author countries and organisations; papers with a U.S.-company author naming a Chinese family."""
    authors = P.author_table(papers)
    row = authors.loc[f"mentioning {P.GROUPS['CN']}"]
    tops = P.top_companies(papers)
    counts = attribution_counts(papers)
    by_company, by_venue = claim7_tables(papers)
    top_vy = by_venue.index[0] if len(by_venue) else "none"
    top_vy_cn = int(by_venue["any author, naming a Chinese family"].iloc[0]) if len(by_venue) else 0
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
        claim7_first_last_papers_cn=int(counts["first or last author"][0]),
        claim7_first_last_papers_any=int(counts["first or last author"][1]),
        claim7_any_papers_cn=int(counts["any company author"][0]),
        claim7_any_papers_any=int(counts["any company author"][1]),
        claim7_share_papers_cn=counts["share of authors"][0],
        claim7_share_papers_any=counts["share of authors"][1],
        claim7_company_table=format_table(
            by_company, {"papers": Col("Papers", kind="count")}, id="claim7_company_table"
        ),
        claim7_venue_table=format_table(
            by_venue,
            {c: Col(c[:1].upper() + c[1:], kind="count") for c in by_venue.columns},
            id="claim7_venue_table",
        ),
        claim7_top_venue_year=top_vy,
        claim7_top_venue_year_cn=top_vy_cn,
        claim7_n_venue_years=int((by_venue["any author, naming a Chinese family"] > 0).sum()),
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
    patent_us_abstracts_n: int
    patent_us_cn_family: int
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
    us_read = istat[(istat["country"] == "US") & istat["has_abstract"]]
    us_yearly = pc.by_year(us_read, fams)
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
                (f"patent_{c}_upper", pc.upper_bound(int(us_yearly[c].sum()), len(us_read))),
            )
        },
        patent_us_abstracts_n=len(us_read),
        patent_us_cn_family=int(us_yearly["cn_family"].sum()),
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
    claim5_table: Any
    claim7_table: Any
    claim5_without_colm: str


def one_fewer(flags: pd.Series, fewer: int) -> pd.Series:
    """The flags with `fewer` of their True values turned False (one observation fewer)."""
    out = flags.astype(bool).copy()
    out.loc[out[out].index[:fewer]] = False
    return out


def claim5_verdict(
    first: pd.DataFrame, last: pd.DataFrame, label: str, years: tuple[Any, Any], fewer: int = 0
) -> C.Verdict:
    """Claim 5's rule on two samples of papers (`fewer` Chinese-naming papers fewer in the last)."""
    if first.empty or last.empty:  # a venue-year this run does not select
        return C.research(float("nan"), float("nan"), float("nan"), len(first), len(last), label, years)
    c = P.compare_samples(first["CN"], one_fewer(last["CN"], fewer))
    return C.research(c["share0"], c["share1"], c["fisher_p"], c["n0"], c["n1"], label, years)


def claim5_judgement(papers: pd.DataFrame, p: Any) -> Any:
    """Claim 5 on the compared venue and its declared alternatives (COLING and NAACL among them)."""
    venue = p["compare_venue"]
    fam = papers[papers["any_family"]]
    have = sorted(set(papers.loc[papers["venue"] == venue, "year"]) & set(p["years"]))
    y0, y1 = have[0], have[-1]

    def vy(frame: pd.DataFrame, v: str, y: int) -> pd.DataFrame:
        return frame[(frame["venue"] == v) & (frame["year"] == y)]

    first, last = vy(fam, venue, y0), vy(fam, venue, y1)
    primary = claim5_verdict(first, last, venue.upper(), (y0, y1))
    pooled0 = pd.concat([vy(fam, venue, y0), vy(fam, "naacl", 2024)])
    pooled1 = pd.concat([vy(fam, venue, y1), vy(fam, "coling", 2025)])
    under = {
        "NAACL 2024 against COLING 2025": claim5_verdict(
            vy(fam, "naacl", 2024),
            vy(fam, "coling", 2025),
            "NAACL and COLING",
            ("2024 (NAACL)", "2025 (COLING)"),
        ),
        "the three language venues pooled": claim5_verdict(
            pooled0, pooled1, "COLM, NAACL and COLING", (y0, y1)
        ),
        "all COLM papers": claim5_verdict(
            vy(papers, venue, y0), vy(papers, venue, y1), f"{venue.upper()} (all papers)", (y0, y1)
        ),
        "one paper fewer": claim5_verdict(first, last, venue.upper(), (y0, y1), fewer=1),
    }
    return C.judge(C.claim(5), primary, under)


def claim6_judgement(istat: pd.DataFrame, p: Any) -> Any:
    """Claim 6 on the U.S. patents with an abstract and its declared alternatives."""
    fams = p["families"]

    def verdict(frame: pd.DataFrame, what: str, extra: int = 0) -> C.Verdict:
        return C.patents(
            int(pc.mentions(frame, fams).sum()) + extra,
            int(pc.mentions(frame, fams, "CN").sum()) + extra,
            len(frame),
            what,
        )

    us_read = istat[(istat["country"] == "US") & istat["has_abstract"]]
    under = {
        "every patent read": verdict(istat[istat["has_abstract"]], "AI patents (all countries)"),
        "filed from 2023": verdict(
            us_read[us_read["year"] >= RECENT_FROM], "U.S. AI patents filed from 2023"
        ),
        "one patent more naming a Chinese family": verdict(us_read, "U.S. AI patents", extra=1),
    }
    return C.judge(C.claim(6), verdict(us_read, "U.S. AI patents"), under)


def claim7_judgement(papers: pd.DataFrame) -> Any:
    """Claim 7 under the first-or-last attribution and its declared alternatives."""
    counts = attribution_counts(papers)
    cn, n = counts["first or last author"]
    any_cn, any_n = counts["any company author"]
    lead, anyone = "a U.S.-company first or last author", "a U.S.-company author"
    under = {
        "any company author": C.companies(any_cn, any_n, anyone),
        "share of authors": C.companies(
            *counts["share of authors"], "U.S.-company authors (weighted by their share of the authors)"
        ),
        "one paper fewer": C.companies(max(cn - 1, 0), n, lead),
        "any company author, one paper fewer": C.companies(max(any_cn - 1, 0), any_n, anyone),
    }
    return C.judge(C.claim(7), C.companies(cn, n, lead), under)


def verdict_section(papers: pd.DataFrame, istat: pd.DataFrame, p: Any) -> Verdicts:
    """Claims 5, 6 and 7 by their rules, under the primary specification and every declared alternative."""
    five, six, seven = claim5_judgement(papers, p), claim6_judgement(istat, p), claim7_judgement(papers)
    return Verdicts(
        claim5=five.glue_values(),
        claim6=six.glue_values(),
        claim7=seven.glue_values(),
        claim5_table=judgement_table(five),
        claim7_table=judgement_table(seven),
        claim5_without_colm=five.under["NAACL 2024 against COLING 2025"].word,
    )


def judgement_table(judgement: Any) -> Any:
    """A claim's verdict under its primary specification and each declared alternative, with evidence."""
    rows = [
        {
            "specification": "primary",
            "verdict": judgement.primary.word,
            "evidence": judgement.primary.evidence,
        }
    ]
    rows += [
        {"specification": name, "verdict": v.word, "evidence": v.evidence}
        for name, v in judgement.under.items()
    ]
    frame = pd.DataFrame(rows).set_index("specification")
    return format_table(
        frame, {"verdict": Col("Verdict"), "evidence": Col("Evidence")}, id=f"claim{judgement.number}_table"
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
