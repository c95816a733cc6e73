"""Chapter `research`: selection, shares, the same-venue test, U.S.-company use, the CSET check,
parameter validation, and execution with default and other parameter sets."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd
import pytest
from helpers import REPO, glued
from scipy import stats

from chipshock.chapters.research import analysis as A
from chipshock.chapters.research import papers as rs
from chipshock.chapters.research import parameters as rsp
from chipshock.data.build import load
from chipshock.errors import DataError, ParamError
from chipshock.params import read_params_file
from chipshock.paths import Project
from chipshock.pipeline.execute import execute
from chipshock.pipeline.registry import get_chapter


def _papers(rows: list[dict]) -> pd.DataFrame:
    base = {"venue": "colm", "year": 2024, "paper_id": "x", "title": "t", "n_authors": 1, "countries": "",
            "has_abstract": True, "us_company_author": False, "org_names": "", "org_domains": "",
            "author_domains": "", "author_affs": ""}
    base |= {f"mentions_{f}": False for f in rsp.FAMILIES}
    return pd.DataFrame([{**base, "paper_id": str(i), **r} for i, r in enumerate(rows)])


COMPANIES = pd.DataFrame({"company": ["Google", "Google", "Meta"], "kind": ["domain", "name", "name"],
                          "value": ["google.com", "Google", "Meta AI"], "source": ["s", "s", "s"]})


def test_select_groups_companies_and_family_names():
    papers = _papers([
        {"mentions_qwen": True, "mentions_llama": True, "org_domains": "google.com;mit.edu"},
        {"mentions_gpt": True, "org_names": "Meta AI"},
        {"mentions_mistral": True, "year": 2023},
        {"venue": "naacl", "mentions_deepseek": True},
    ])
    p = rsp.PARAMS.resolve({"years": "2024,2025", "venues": "colm"})
    out = rs.select(papers, COMPANIES, p)
    assert len(out) == 2
    assert out["CN"].tolist() == [True, False] and out["US_open"].tolist() == [True, False]
    assert out["US_closed"].tolist() == [False, True]
    assert out["companies"].tolist() == ["Google", "Meta"]
    assert out.loc[0, "families_named"] == "Qwen/QwQ, Llama"
    narrow = rs.select(papers, COMPANIES, rsp.PARAMS.resolve({"families": "deepseek,llama"}))
    assert not narrow.loc[0, "CN"]  # qwen not among the chosen families


def test_newcombe_interval_and_fisher_test():
    lo, hi = rs.newcombe_diff(3, 299, 42, 418)
    assert lo < 42 / 418 - 3 / 299 < hi
    # Newcombe (1998), method 10, example (a): 56/70 vs 48/80 → interval 0.0524 to 0.3339 for p0 - p1
    lo, hi = rs.newcombe_diff(48, 80, 56, 70)
    assert round(lo, 4) == 0.0524 and round(hi, 4) == 0.3339
    papers = _papers([{"mentions_qwen": i < 1} for i in range(10)]
                     + [{"year": 2025, "mentions_qwen": i < 6} for i in range(10)])
    p = rsp.PARAMS.resolve({})
    c = rs.compare_years(rs.select(papers, COMPANIES, p), "colm", [2023, 2024, 2025], "CN")
    assert (c["k0"], c["n0"], c["k1"], c["n1"]) == (1, 10, 6, 10)
    assert math.isclose(c["fisher_p"], stats.fisher_exact([[6, 4], [1, 9]]).pvalue)
    assert A.change_words(c) == {"direction": "rose", "significance": "not statistically significant"}


def test_us_company_use_and_list():
    papers = _papers([
        {"mentions_qwen": True, "org_domains": "google.com", "title": "B"},
        {"mentions_qwen": True, "title": "A"},
        {"mentions_llama": True, "org_names": "Meta AI"},
    ])
    sel = rs.select(papers, COMPANIES, rsp.PARAMS.resolve({}))
    use = rs.us_company_use(sel)
    assert (use["n_company"], use["n_cn"], use["n_both"], use["n_company_usopen"]) == (2, 2, 1, 1)
    assert use["share_of_cn"] == 0.5
    listed = rs.us_company_list(sel)
    assert listed.to_dict("records") == [{"venue": "colm", "year": 2024, "title": "B", "families": "Qwen/QwQ",
                                          "companies": "Google"}]
    assert rs.top_companies(sel).to_dict() == {"Google": 1}
    page = rs.company_list_table(listed.assign(title="<b>A & B</b>")).html
    assert "&lt;b&gt;A &amp; B&lt;/b&gt;" in page and "COLM" in page
    assert "No paper in this selection." in rs.company_list_table(listed.iloc[:0]).html


def test_family_table_respects_min_mentions():
    papers = _papers([{"mentions_qwen": True}] * 3 + [{"mentions_yi": True}])
    sel = rs.select(papers, COMPANIES, rsp.PARAMS.resolve({}))
    assert rs.family_table(sel, list(rsp.FAMILIES), 2).index.tolist() == ["Qwen/QwQ"]
    assert rs.family_table(sel, list(rsp.FAMILIES), 1)["papers"].to_dict() == {"Qwen/QwQ": 3, "Yi": 1}


def test_cset_check_on_the_committed_table():
    cset = load(Project(REPO), "cset_papers")
    q = rs.cset_qwen(cset)
    assert q["qwen_papers"] == 17 and q["qwen_flagged"] == 17
    assert 0 <= q["other_flagged_qwen"] <= 5
    table = rs.cset_check(cset)
    assert table.loc[("open", "Qwen"), "flagged: Qwen"] == 1.0
    assert table.loc[("open", "GPT-2"), "flagged: Qwen"] == 0.0


def test_org_flags():
    papers = _papers([{"countries": "China;United States", "org_domains": "alibaba-inc.com;mit.edu"}])
    sel = rs.select(papers, COMPANIES, rsp.PARAMS.resolve({}))
    flags = rs.org_flags(sel).iloc[0]
    assert flags["China author"] and flags["U.S. author"] and flags["Chinese-company author"]
    assert flags["university author (edu domain)"] and not flags["U.S.-company author"]


def test_patent_fixture_runs_offline():
    result = rs.patent_fixture_counts(list(rsp.FAMILIES))
    assert result.totals["documents_scanned"].sum() == 7


@pytest.mark.parametrize(("overrides", "message"), [
    ({"families": "qwen,gpt"}, "needs at least one Chinese family .* and one U.S. open family"),
    ({"families": "llama"}, "needs at least one Chinese family"),
    ({"venues": "naacl"}, "'compare_venue' \\(colm\\) must be one of the chosen 'venues'"),
    ({"years": "2025"}, "'compare_venue' \\(colm\\) needs two of the chosen 'years'.*2024, 2025"),
    ({"compare_venue": "naacl", "venues": "naacl"}, "needs two of the chosen 'years'"),
    ({"company_table": "/etc/passwd.csv"}, "must be a .csv path inside the project"),
    ({"company_table": "../x.csv"}, "must be a .csv path inside the project"),
    ({"company_table": "data/curated/us_companies.txt"}, "must be a .csv path"),
    ({"min_mentions": "0"}, "below the minimum"),
    ({"families": "qwen,qwen"}, "duplicate"),
    ({"venues": "iclr"}, "not allowed"),
    ({"years": "2022"}, "below the minimum"),
])
def test_bad_parameters_are_clear_errors(overrides, message):
    with pytest.raises(ParamError, match=message):
        rsp.PARAMS.resolve(overrides)


def test_company_table_errors(tmp_path):
    project = Project(tmp_path)
    with pytest.raises(ParamError, match=r"company_table': nope\.csv does not exist"):
        rs.read_company_table(project, "nope.csv")
    (tmp_path / "bad.csv").write_text("company,kind,value,source\nX,email,x.com,s\n")
    with pytest.raises(DataError, match=r"bad\.csv does not match the company-table schema"):
        rs.read_company_table(project, "bad.csv")
    assert len(rs.read_company_table(Project(REPO), "params/research-bigtech-companies.csv")) > 10


def test_narrative_has_no_hand_typed_decimals():
    page = (REPO / "book/research.md").read_text()
    prose = re.sub(r"\{glue:text\}`[^`]*`", "", page)
    assert not re.findall(r"\d+\.\d+", prose)


@pytest.mark.slow
@pytest.mark.parametrize("name", [None, "research-llm-venues", "research-bigtech"])
def test_research_executes_with_parameter_sets(project: Project, name: str | None) -> None:
    chapter = get_chapter("research")
    overrides = read_params_file(project.root / "params" / f"{name}.yml") if name else {}
    values = chapter.params.resolve(overrides)
    out = project.root / chapter.executed
    execute(project, chapter, chapter.params.to_plain(values), out)
    got = glued(out)
    page = (project.root / chapter.narrative).read_text()
    wanted = set(re.findall(r"::(\w+):", page)) | set(re.findall(r"```\{glue\} (\w+)", page))
    assert wanted <= set(got)
    assert got["cmp_ci_low"] <= got["cmp_diff"] <= got["cmp_ci_high"] and 0 <= got["cmp_fisher_p"] <= 1
    assert got["use_n_both"] <= min(got["use_n_company"], got["use_n_cn"])
    assert got["cset_qwen_flagged"] == got["cset_qwen_papers"] == 17
    assert got["fixture_docs"] == 7
    if name is None:
        assert got["n_papers"] == 14703 and got["n_venues"] == 18
        assert (got["cmp_year0"], got["cmp_year1"], got["cmp_n0"], got["cmp_n1"]) == (2024, 2025, 299, 418)
        assert got["cmp_direction"] == "rose" and got["cmp_significance"] == "statistically significant"
    elif name == "research-llm-venues":
        assert got["n_venues"] == 3 and got["n_papers"] == 299 + 418 + 912 + 848
    else:
        assert got["n_companies"] == 6 and got["use_n_company"] < 1620
        assert "research-bigtech-companies.csv" in got["params_table"]


# --- patents on real, offline data ------------------------------------------------------------------

def istat_frame() -> pd.DataFrame:
    from chipshock.data.dictionaries import MODEL_FAMILIES

    rows = [("US-1-B1", "US", 2022, True, "qwen"), ("US-2-B1", "US", 2023, True, ""),
            ("DE-3-B1", "DE", 2023, True, "llama"), ("US-4-B2", "US", 2023, False, "")]
    frame = pd.DataFrame({"patent_id": [r[0] for r in rows], "country": [r[1] for r in rows],
                          "year": [r[2] for r in rows], "has_abstract": [r[3] for r in rows],
                          "title": "t"})
    for fam in MODEL_FAMILIES:
        frame[f"mentions_{fam}"] = [r[4] == fam for r in rows]
    return frame


def test_patent_counts_by_year_and_origin() -> None:
    from chipshock.chapters.research import patent_counts as pc

    table = pc.by_year(istat_frame(), ["qwen", "llama", "gpt"])
    assert table.loc[2023].to_dict() == {"patents": 3, "us_patents": 2, "with_abstract": 2, "any_family": 1,
                                         "cn_family": 0, "us_family": 1}
    assert table.loc[2022, "cn_family"] == 1
    assert pc.by_year(istat_frame(), ["gpt"])["any_family"].sum() == 0  # only the chosen families count
    assert pc.upper_bound(0, 8795) == pytest.approx(1 - 0.025 ** (1 / 8795))


def test_grants_table_joins_the_sample() -> None:
    from chipshock.chapters.research import patent_counts as pc

    years = pd.DataFrame({"year": [2022, 2023], "total_patents": [100, 100], "ai_patents": [10, 20],
                          "ai_pct": [10.0, 20.0]})
    out = pc.grants(years, istat_frame(), 2022)
    assert out["sample_us"].tolist() == [1, 2] and out.loc[2023, "sample_fraction"] == pytest.approx(0.1)


def test_assignee_origins_cover_the_top_list_and_refuse_gaps() -> None:
    from chipshock.chapters.research import patent_counts as pc
    from chipshock.data.build import load

    top = load(Project(REPO), "patentworld_ai_assignees")
    table = pc.assignees(top, pc.read_origins(REPO))
    summary = pc.origin_summary(table)
    assert summary["assignees"].sum() == len(top) and summary["share"].sum() == pytest.approx(1)
    assert set(table.loc[table["origin"] == "CN", "organization"].str.split().str[0]) == {
        "TENCENT", "Huawei", "BOE", "BEIJING"}
    with pytest.raises(DataError, match="has no origin for"):
        pc.assignees(top, pc.read_origins(REPO).iloc[1:])


def test_patent_sentences() -> None:
    from chipshock.chapters.research import patent_counts as pc

    assert "not run here" in pc.connector_sentence(None)
    ok = pc.connector_sentence({"records": 3, "seen": 3, "found": 1, "agree": True})
    assert "the same patents as" in ok
    assert "different patents" in pc.connector_sentence({"records": 3, "seen": 2, "found": 1, "agree": False})
    assert pc.assignee_sentence(0).startswith("No Chinese") and pc.assignee_sentence(4).startswith("Chinese")


def test_connector_check_without_the_raw_abstracts_says_how_to_fetch(tmp_path: Path) -> None:
    from chipshock.chapters.research import patent_counts as pc

    with pytest.raises(DataError, match="chipshock data fetch --only istat_patents"):
        pc.connector_check(tmp_path, istat_frame(), ["qwen"])


# --- section results on the processed data --------------------------------------------------------

def test_paper_sections_on_the_processed_table() -> None:
    from chipshock.data.build import load

    project = Project(REPO)
    p = rsp.PARAMS.resolve({})
    sel = A.papers_section(load(project, "papers"), rs.read_company_table(project, p["company_table"]), p)
    assert set(sel.values()) == set(A.Papers.glue_keys())
    assert sel.values()["n_CN"] == int(sel.papers["CN"].sum()) and sel.n_papers == len(sel.papers)
    comp = A.comparison_section(sel.papers, p).values()
    assert comp["cmp_ci_low"] <= comp["cmp_diff"] <= comp["cmp_ci_high"]
    assert comp["cmp_diff_pp"] == pytest.approx(100 * comp["cmp_diff"])
    assert A.count_word(1, 2) == "fewer" and A.count_word(2, 2) == "as many"


# --- claim 7: attribution by author position --------------------------------------------------------

def test_author_position_attribution() -> None:
    papers = _papers([
        # first author at Google, a university in between, last at MIT: led by a company
        {"n_authors": 3, "author_domains": "google.com;mit.edu;mit.edu", "author_affs": "Google;MIT;MIT",
         "org_domains": "google.com;mit.edu", "mentions_qwen": True},
        # a company co-author in the middle only: any-author counts it, first-or-last does not
        {"n_authors": 3, "author_domains": "mit.edu;google.com;mit.edu", "author_affs": "MIT;Google;MIT",
         "org_domains": "mit.edu;google.com"},
        # last author with two affiliations, one of them Meta (by name), and no e-mail domain
        {"n_authors": 2, "author_domains": "cmu.edu;", "author_affs": "CMU;CMU+Meta AI",
         "org_names": "CMU;Meta AI"},
        # no company at all
        {"n_authors": 2, "author_domains": "mit.edu;mit.edu", "author_affs": "MIT;MIT"},
    ])
    out = rs.select(papers, COMPANIES, rsp.PARAMS.resolve({}))
    assert out["us_company"].tolist() == [True, True, True, False]
    assert out["first_last_company"].tolist() == [True, False, True, False]
    assert out["lead_companies"].tolist() == ["Google", "", "Meta", ""]
    assert out["company_author_share"].tolist() == pytest.approx([1 / 3, 1 / 3, 1 / 2, 0.0])
    counts = A.attribution_counts(out.assign(any_family=True))
    assert counts["first or last author"] == (1, 2) and counts["any company author"] == (1, 3)
    assert counts["share of authors"] == pytest.approx((1 / 3, 1 / 3 + 1 / 3 + 1 / 2))


def test_processed_papers_keep_affiliations_in_author_order() -> None:
    papers = load(Project(REPO), "papers")
    entries = papers["author_domains"].str.count(";") + 1
    assert (entries == papers["n_authors"].clip(lower=1)).all()
    assert (papers["author_affs"].str.count(";") + 1 == entries).all()


def test_one_fewer_removes_one_true_flag() -> None:
    flags = pd.Series([False, True, True])
    assert A.one_fewer(flags, 1).sum() == 1 and A.one_fewer(flags, 0).sum() == 2
