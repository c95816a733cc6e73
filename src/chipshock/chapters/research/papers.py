"""The research chapter's papers: selection, family flags, shares, same-venue comparisons, authors, the
CSET cross-check, the patent connector on its fixture, and the charts."""

from __future__ import annotations

import math
import tempfile
from pathlib import Path
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import pandera.pandas as pa
from scipy import stats

from chipshock.chapters.research.parameters import (
    DEFAULT_COMPANIES,
    OPEN_US,
)
from chipshock.charts import ORIGIN_COLOURS, PALETTE, _scale
from chipshock.data import patents, reads
from chipshock.data.dictionaries import FAMILY_ORIGIN
from chipshock.data.domains import classify_domain
from chipshock.data.tables import papers as papers_table
from chipshock.data.tables.cset_papers import SHEET_FAMILY
from chipshock.errors import DataError, ParamError, UserError
from chipshock.paths import Project
from chipshock.tables import Col, Table, format_table

CLOSED_US = ("gpt", "claude")  # U.S. families used mostly through APIs
GROUPS = {
    "CN": "Chinese families",
    "US_open": "U.S. open families",
    "US_closed": "U.S. closed families",
    "other": "other families",
}
GROUP_COLOURS = {
    "Chinese families": ORIGIN_COLOURS["CN"],
    "U.S. open families": ORIGIN_COLOURS["US"],
    "U.S. closed families": PALETTE["sky"],
    "other families": PALETTE["green"],
}
FAMILY_LABELS = {
    "qwen": "Qwen/QwQ",
    "deepseek": "DeepSeek",
    "chatglm": "ChatGLM/GLM",
    "yi": "Yi",
    "internlm": "InternLM/InternVL",
    "baichuan": "Baichuan",
    "minicpm": "MiniCPM",
    "kimi": "Kimi",
    "llama": "Llama",
    "gemma": "Gemma",
    "phi": "Phi",
    "olmo": "OLMo",
    "gpt_oss": "gpt-oss",
    "gpt": "GPT/ChatGPT",
    "claude": "Claude",
    "mistral": "Mistral/Mixtral",
    "falcon": "Falcon",
}


# --- data -----------------------------------------------------------------------------------------


def read_company_table(project: Project, rel: str) -> pd.DataFrame:
    """The U.S. company table named by the parameter, checked against the curated table's schema."""
    path = reads.use(project.root, rel)
    if not path.is_file():
        raise ParamError(
            f"parameter 'company_table': {rel} does not exist in the project; "
            f"use {DEFAULT_COMPANIES} or a CSV with columns company, kind, value, source"
        )
    try:
        return papers_table.COMPANY_SCHEMA.validate(pd.read_csv(path, dtype=str, keep_default_na=False))
    except (pa.errors.SchemaError, pa.errors.SchemaErrors, pd.errors.ParserError) as exc:
        raise DataError(
            f"{rel} does not match the company-table schema (columns company, kind, value, "
            f"source; kind is domain or name): {str(exc).splitlines()[0][:200]}"
        ) from None


def select(papers: pd.DataFrame, companies: pd.DataFrame, p: dict[str, Any]) -> pd.DataFrame:
    """Papers of the chosen venues and years, with origin-group flags over the chosen families and the
    U.S. companies of their authors (matched with the chosen company table)."""
    out = papers[papers["venue"].isin(p["venues"]) & papers["year"].isin(p["years"])].copy()
    fams = p["families"]
    for key, members in group_members(fams).items():
        cols = [f"mentions_{f}" for f in members]
        out[key] = out[cols].any(axis=1) if cols else False
    out["any_family"] = out[[f"mentions_{f}" for f in fams]].any(axis=1)
    match = papers_table.CompanyMatcher(companies)
    out["companies"] = [
        ", ".join(match.companies(d, n)) for d, n in zip(out["org_domains"], out["org_names"], strict=True)
    ]
    out["us_company"] = out["companies"] != ""
    per_author = [
        author_companies(d, a, match) for d, a in zip(out["author_domains"], out["author_affs"], strict=True)
    ]
    out["lead_companies"] = [", ".join(sorted(set(a[0]) | set(a[-1]))) if a else "" for a in per_author]
    out["first_last_company"] = out["lead_companies"] != ""
    out["company_author_share"] = [sum(bool(c) for c in a) / len(a) if a else 0.0 for a in per_author]
    out["families_named"] = family_names(out, fams)
    return out.reset_index(drop=True)


def author_companies(domains: str, affiliations: str, match: papers_table.CompanyMatcher) -> list[list[str]]:
    """Per author, in author order, the U.S. companies of their e-mail domains and affiliation names.

    `domains` and `affiliations` hold one entry per author (';' between authors, '+' between one
    author's affiliations), as the processed table's `author_domains` and `author_affs` do."""
    ds, affs = domains.split(";") if domains else [], affiliations.split(";") if affiliations else []
    n = max(len(ds), len(affs))
    ds, affs = ds + [""] * (n - len(ds)), affs + [""] * (n - len(affs))
    return [match.companies(d, a.replace("+", ";")) for d, a in zip(ds, affs, strict=True)]


def group_members(families: list[str]) -> dict[str, list[str]]:
    """Chosen families by origin group: CN, US_open, US_closed, other."""
    return {
        "CN": [f for f in families if FAMILY_ORIGIN[f] == "CN"],
        "US_open": [f for f in families if f in OPEN_US],
        "US_closed": [f for f in families if f in CLOSED_US],
        "other": [f for f in families if FAMILY_ORIGIN[f] == "other"],
    }


def family_names(papers: pd.DataFrame, families: list[str]) -> pd.Series:
    """Per paper, the labels of the chosen families it mentions, comma-separated."""
    flags = papers[[f"mentions_{f}" for f in families]].to_numpy()
    labels = np.array([FAMILY_LABELS[f] for f in families])
    return pd.Series([", ".join(labels[row]) for row in flags], index=papers.index, dtype=object)


# --- shares ---------------------------------------------------------------------------------------


def venue_year_shares(papers: pd.DataFrame) -> pd.DataFrame:
    """Per venue and year: papers, share with an abstract, share mentioning each origin group."""
    g = papers.groupby(["venue", "year"])
    table = g.agg(
        papers=("paper_id", "size"),
        with_abstract=("has_abstract", "mean"),
        **{GROUPS[k]: (k, "mean") for k in GROUPS},
    )
    return table


def family_table(papers: pd.DataFrame, families: list[str], min_mentions: int) -> pd.DataFrame:
    """Papers mentioning each family (all venue-years together), with share; families below
    `min_mentions` are left out."""
    n = len(papers)
    rows = []
    for f in families:
        k = int(papers[f"mentions_{f}"].sum())
        if k >= min_mentions:
            group = (
                "CN"
                if FAMILY_ORIGIN[f] == "CN"
                else "US_open"
                if f in OPEN_US
                else "US_closed"
                if f in CLOSED_US
                else "other"
            )
            rows.append({"family": FAMILY_LABELS[f], "group": GROUPS[group], "papers": k, "share": k / n})
    table = pd.DataFrame(rows, columns=["family", "group", "papers", "share"])
    return table.sort_values("papers", ascending=False, kind="stable").set_index("family")


def newcombe_diff(k0: int, n0: int, k1: int, n1: int, z: float = 1.959964) -> tuple[float, float]:
    """95% Newcombe (hybrid Wilson score) interval for p1 - p0."""

    def wilson(k: int, n: int) -> tuple[float, float]:
        p = k / n
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
        return centre - half, centre + half

    p0, p1 = k0 / n0, k1 / n1
    l0, u0 = wilson(k0, n0)
    l1, u1 = wilson(k1, n1)
    d = p1 - p0
    return (d - math.sqrt((p1 - l1) ** 2 + (u0 - p0) ** 2), d + math.sqrt((u1 - p1) ** 2 + (p0 - l0) ** 2))


def compare_samples(first: pd.Series, last: pd.Series) -> dict[str, Any]:
    """Share of `True` in two samples of flags: counts, change, 95% Newcombe interval, Fisher's exact p."""
    k0, n0, k1, n1 = int(first.sum()), len(first), int(last.sum()), len(last)
    if min(n0, n1) == 0:
        raise UserError("a comparison needs papers on both sides; choose other venues or years")
    lo, hi = newcombe_diff(k0, n0, k1, n1)
    res = stats.fisher_exact([[k1, n1 - k1], [k0, n0 - k0]])
    return {
        "k0": k0,
        "n0": n0,
        "k1": k1,
        "n1": n1,
        "share0": k0 / n0,
        "share1": k1 / n1,
        "diff": k1 / n1 - k0 / n0,
        "ci_low": lo,
        "ci_high": hi,
        "fisher_p": float(res.pvalue),
    }


def compare_years(papers: pd.DataFrame, venue: str, years: list[int], flag: str) -> dict[str, Any]:
    """Share of a venue's papers with `flag` in its first and last chosen year: counts, change, 95% CI
    of the change (Newcombe) and Fisher's exact test."""
    have = sorted(set(papers.loc[papers["venue"] == venue, "year"]) & set(years))
    if len(have) < 2:
        raise UserError(f"venue {venue} has papers in fewer than two of the chosen years {years}")
    y0, y1 = have[0], have[-1]
    a = papers[(papers["venue"] == venue) & (papers["year"] == y0)][flag]
    b = papers[(papers["venue"] == venue) & (papers["year"] == y1)][flag]
    return {"year0": y0, "year1": y1, **compare_samples(a, b)}


def comparison_table(papers: pd.DataFrame, venue: str, years: list[int]) -> pd.DataFrame:
    """The same-venue comparison for every origin group."""
    rows = {}
    for key, label in GROUPS.items():
        c = compare_years(papers, venue, years, key)
        rows[label] = {
            f"share {c['year0']}": c["share0"],
            f"share {c['year1']}": c["share1"],
            "change (points)": 100 * c["diff"],
            "95% CI low (points)": 100 * c["ci_low"],
            "95% CI high (points)": 100 * c["ci_high"],
            "Fisher p": c["fisher_p"],
            f"papers {c['year0']}": c["n0"],
            f"papers {c['year1']}": c["n1"],
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def venue_share_table(shares: pd.DataFrame) -> Table:
    """Papers per venue-year, the share with an abstract and the share naming each group (percent)."""
    cols: dict[str, Col | str] = {
        "papers": Col("Papers", kind="count"),
        "with_abstract": Col("With an abstract (%)", kind="share"),
    }
    cols |= {g: Col(f"Naming {g} (%)", kind="share") for g in GROUPS.values()}
    return format_table(shares, cols, id="share_table")


def family_frame_table(table: pd.DataFrame) -> Table:
    """Papers naming each family, as the book's table (share of all papers, percent)."""
    return format_table(
        table,
        {
            "papers": Col("Papers", kind="count"),
            "share": Col("Share of all papers (%)", kind="share", digits=2),
        },
        id="family_table",
    )


def comparison_frame_table(table: pd.DataFrame) -> Table:
    """The same-venue comparison for every group: shares in percent, changes in percentage points."""
    cols = {
        c: Col(f"Share {c.split()[-1]} (%)", kind="share")
        if c.startswith("share ")
        else Col(c[:1].upper() + c[1:], kind="coef")
        if "points" in c
        else Col("Fisher p", kind="pvalue")
        if c == "Fisher p"
        else Col(c[:1].upper() + c[1:], kind="count")
        for c in table.columns
    }
    return format_table(table, cols, id="comparison_table")


# --- authors --------------------------------------------------------------------------------------


def org_flags(papers: pd.DataFrame) -> pd.DataFrame:
    """Per paper: an author in China, in the U.S., at a U.S. company, at a Chinese company (by e-mail
    domain), at a university (edu domain)."""
    classes = [{classify_domain(d) for d in s.split(";") if d} for s in papers["org_domains"]]
    countries = [set(s.split(";")) for s in papers["countries"]]
    return pd.DataFrame(
        {
            "China author": [("China" in c) for c in countries],
            "U.S. author": [("United States" in c) for c in countries],
            "U.S.-company author": papers["us_company"].to_numpy(),
            "Chinese-company author": [("cn_company" in c) for c in classes],
            "university author (edu domain)": [bool(c & {"us_edu", "cn_edu"}) for c in classes],
        },
        index=papers.index,
    )


def author_table(papers: pd.DataFrame) -> pd.DataFrame:
    """Share of papers with each kind of author, among papers mentioning each origin group and all."""
    flags = org_flags(papers)
    rows = {"all papers": flags.mean()}
    for key, label in GROUPS.items():
        rows[f"mentioning {label}"] = flags[papers[key].to_numpy()].mean()
    out = pd.DataFrame(rows).T
    out["papers"] = [len(papers)] + [int(papers[k].sum()) for k in GROUPS]
    return out


def author_frame_table(table: pd.DataFrame) -> Table:
    """Shares of papers with each kind of author (percent), as the book's table."""
    cols = {
        c: Col("Papers", kind="count")
        if c == "papers"
        else Col(f"{c[:1].upper() + c[1:]} (% of papers)", kind="share")
        for c in table.columns
    }
    return format_table(table, cols, id="author_table")


def us_company_use(papers: pd.DataFrame) -> dict[str, Any]:
    """Papers with a U.S.-company author that mention a Chinese family: counts and shares."""
    co = papers["us_company"]
    cn = papers["CN"]
    both = int((co & cn).sum())
    return {
        "n_company": int(co.sum()),
        "n_cn": int(cn.sum()),
        "n_both": both,
        "share_of_company": both / int(co.sum()) if co.sum() else float("nan"),
        "share_of_cn": both / int(cn.sum()) if cn.sum() else float("nan"),
        "n_company_usopen": int((co & papers["US_open"]).sum()),
    }


def us_company_list(papers: pd.DataFrame) -> pd.DataFrame:
    """The browsable list: papers with a U.S.-company author that mention a Chinese family."""
    rows = papers[papers["us_company"] & papers["CN"]]
    out = rows[["venue", "year", "title", "families_named", "companies"]].rename(
        columns={"families_named": "families"}
    )
    return out.sort_values(["venue", "year", "title"], kind="stable").reset_index(drop=True)


def company_list_table(listed: pd.DataFrame) -> Table:
    """The browsable list as the book's table (full titles, venues in capitals)."""
    if listed.empty:
        empty = pd.DataFrame({"papers": ["No paper in this selection."]})
        return format_table(empty, {"papers": Col("Papers")}, id="company_list")
    shown = listed.assign(venue=listed["venue"].str.upper())
    return format_table(
        shown,
        {
            "venue": Col("Venue"),
            "year": Col("Year", "int"),
            "title": Col("Title"),
            "families": Col("Chinese families named"),
            "companies": Col("U.S. companies among the authors"),
        },
        id="company_list",
    )


def top_companies(papers: pd.DataFrame) -> pd.Series:
    """Papers mentioning a Chinese family, per U.S. company among their authors."""
    rows = papers.loc[papers["us_company"] & papers["CN"], "companies"]
    counts = pd.Series([c for s in rows for c in s.split(", ")], dtype=object).value_counts()
    return counts.rename("papers").rename_axis("company")


# --- CSET cross-check ---------------------------------------------------------------------------------------


def cset_check(cset: pd.DataFrame) -> pd.DataFrame:
    """Per CSET sheet: papers, shares flagged with the sheet's own family, Qwen, any Chinese family."""
    own = cset.apply(lambda r: bool(r[f"mentions_{r['sheet_family']}"]), axis=1)
    table = (
        cset.assign(own=own)
        .groupby(["workbook", "sheet"], sort=False)
        .agg(
            papers=("merged_id", "size"),
            family=("sheet_family", "first"),
            own_family=("own", "mean"),
            qwen=("mentions_qwen", "mean"),
            any_chinese=("mentions_cn_family", "mean"),
        )
    )
    table["family"] = table["family"].map(FAMILY_LABELS)
    return table.rename(
        columns={
            "family": "sheet's family",
            "own_family": "flagged: sheet's family",
            "qwen": "flagged: Qwen",
            "any_chinese": "flagged: any Chinese family",
        }
    )


def cset_frame_table(table: pd.DataFrame) -> Table:
    """The CSET cross-check, as the book's table (flag shares in percent)."""
    cols = {
        c: Col(f"{c[:1].upper() + c[1:]} (%)", kind="share")
        if c.startswith("flagged")
        else Col("Papers", kind="count")
        if c == "papers"
        else Col(c[:1].upper() + c[1:])
        for c in table.columns
    }
    return format_table(table, cols, id="cset_table")


def cset_qwen(cset: pd.DataFrame) -> dict[str, Any]:
    """How many of CSET's Qwen papers the dictionary flags as Qwen, and how many of the others."""
    is_qwen = cset["sheet"].isin([s for s, f in SHEET_FAMILY.items() if f == "qwen"])
    qwen_ids = set(cset.loc[is_qwen, "merged_id"])
    others = cset[~is_qwen & ~cset["merged_id"].isin(qwen_ids)].drop_duplicates("merged_id")
    qwen = cset[is_qwen].drop_duplicates("merged_id")
    own = cset.apply(lambda r: bool(r[f"mentions_{r['sheet_family']}"]), axis=1)
    return {
        "qwen_papers": len(qwen),
        "qwen_flagged": int(qwen["mentions_qwen"].sum()),
        "other_papers": len(others),
        "other_flagged_qwen": int(others["mentions_qwen"].sum()),
        "rows": len(cset),
        "own_flagged": int(own.sum()),
        "sheets": int(cset["sheet"].nunique()),
    }


# --- patents (fixture only) -----------------------------------------------------------------------


def patent_fixture_counts(families: list[str]) -> patents.PatentCounts:
    """The patent connector run offline on its fictional PatentsView-format fixture (no network)."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        patents.write_fixture(folder)
        return patents.count_bulk(
            "granted",
            list(patents.FIXTURE_YEARS),
            ["brf_sum", "claims"],
            families,
            folder,
            base_url="http://127.0.0.1:9/offline",
            log=lambda _m: None,
        )


# --- charts ---------------------------------------------------------------------------------------


def share_chart(shares: pd.DataFrame, width: int = 560) -> alt.Chart:
    """Share of papers mentioning each origin group, per venue-year (venue-years with any mention)."""
    groups = list(GROUPS.values())
    long = shares[groups].reset_index().melt(["venue", "year"], var_name="group", value_name="share")
    keep = long.groupby(["venue", "year"])["share"].transform("sum") > 0
    long = long[keep].assign(label=lambda d: d["venue"].str.upper() + " " + d["year"].astype(str))
    order = sorted(long["label"].unique())
    return (
        alt.Chart(long, width=width)
        .mark_bar()
        .encode(
            y=alt.Y("label:N", sort=order, title=None),
            yOffset=alt.YOffset("group:N", sort=groups),
            x=alt.X("share:Q", title="share of papers mentioning the group", axis=alt.Axis(format="%")),
            color=alt.Color("group:N", title="Model families", scale=_scale(GROUP_COLOURS, groups)),
            tooltip=["label:N", "group:N", alt.Tooltip("share:Q", format=".1%")],
        )
    )


def family_chart(table: pd.DataFrame, width: int = 520) -> alt.Chart:
    """Papers mentioning each family (those with at least `min_mentions`)."""
    data = table.reset_index()
    groups = [g for g in GROUPS.values() if g in set(data["group"])]
    return (
        alt.Chart(data, width=width)
        .mark_bar()
        .encode(
            y=alt.Y("family:N", sort="-x", title=None),
            x=alt.X("papers:Q", title="papers mentioning the family (title or abstract)"),
            color=alt.Color("group:N", title="Model families", scale=_scale(GROUP_COLOURS, groups)),
            tooltip=["family:N", "group:N", "papers:Q", alt.Tooltip("share:Q", format=".2%")],
        )
    )
