"""The policy chapter: families, checked dates, direction words, exact tests and their power, the
Chinese-language series, the document list, and execution."""

from __future__ import annotations

import datetime as dt
import math
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import REPO, glued
from scipy import stats

from chipshock.chapters.policy import analysis as po
from chipshock.chapters.policy import chinese as zh
from chipshock.chapters.policy import parameters as pop
from chipshock.errors import DataError, ParamError
from chipshock.paths import Project
from chipshock.pipeline.execute import execute
from chipshock.pipeline.registry import get_chapter

MIRROR = REPO.parent / "shared" / "data"
SPLIT = dt.date(2022, 10, 7)
CUTS = [SPLIT, dt.date(2022, 8, 9), dt.date(2023, 10, 17)]


def docs(rows: list[tuple[str, str, bool]]) -> pd.DataFrame:
    return pd.DataFrame({
        "agora_id": range(len(rows)), "date": pd.to_datetime([r[0] for r in rows]),
        "jurisdiction": [r[1] for r in rows],
        "level": ["cn_central" if r[1] == "CN" else "us_federal" for r in rows],
        "open_source": [r[2] for r in rows], "open_source_n": [int(r[2]) * 3 for r in rows],
        "word_count": [1000] * len(rows), "has_fulltext": [True] * len(rows),
        "title": [f"Doc <{i}>" for i in range(len(rows))], "authority": ["A"] * len(rows),
        "url": ["https://example.org/x?a=1&b=2"] * len(rows),
        "open_source_fragment": ["…open source…"] * len(rows), "date_verified": [True] * len(rows),
    })


def as_units(d: pd.DataFrame) -> pd.DataFrame:
    return po.units(d.assign(family=d["agora_id"].astype(str)), ["open_source"], CUTS)


# --------------------------------------------------------------------------------------- words

@pytest.mark.parametrize(("before", "after", "p", "word"), [
    (0.2, 0.5, 0.01, "rose significantly"),
    (0.2, 0.5, 0.30, "rose, not significantly"),
    (0.5, 0.2, 0.01, "fell significantly"),
    (0.5, 0.2, 0.30, "fell, not significantly"),
    (0.4, 0.4, 1.00, "did not change"),
    (0.4, 0.4, float("nan"), "did not change"),
    (0.2, 0.5, float("nan"), "rose, not significantly"),
    (float("nan"), 0.5, float("nan"), "cannot be compared (nothing on one side)"),
    (88.3, 9.4, 0.04, "fell significantly"),  # the review's standards intensity: a fall, not a rise
])
def test_change_word_every_sign_and_significance(before: float, after: float, p: float, word: str) -> None:
    from chipshock.wording import change

    assert change(before, after, p) == word


# --------------------------------------------------------------------------------------- tests

def test_fisher_rejection_region_matches_scipy() -> None:
    r = po._fisher_rejects(6, 9, 0.05)
    for x in range(7):
        for y in range(10):
            assert r[x, y] == (stats.fisher_exact([[x, 6 - x], [y, 9 - y]]).pvalue <= 0.05), (x, y)


def test_detectable_share_has_the_power_it_claims() -> None:
    share = po.detectable_share(0.1, 40, 40)
    assert 0.1 < share < 1
    assert po.fisher_power(0.1, share, 40, 40) >= 0.8 > po.fisher_power(0.1, share - 0.02, 40, 40)
    assert po.detectable_share(0.1, 80, 80) < share  # more documents, smaller detectable rise
    assert math.isnan(po.detectable_share(1 / 3, 6, 7))  # even a rise to 100% is seen under 80%
    assert math.isnan(po.detectable_share(0.0, 0, 7))


def test_rate_permutation_p() -> None:
    after = np.array([False] * 10 + [True] * 10)
    words = np.full(20, 1000)
    assert po.rate_permutation_p(np.r_[np.zeros(10), np.full(10, 5)], words, after) < 0.01
    assert po.rate_permutation_p(np.ones(20), words, after) == 1.0
    assert math.isnan(po.rate_permutation_p(np.ones(20), words, np.zeros(20, bool)))


def test_holm_and_words_from_adjusted_p() -> None:
    table = pd.DataFrame({"share_before": [0.1, 0.1], "share_after": [0.5, 0.5], "fisher_p": [0.03, 0.04],
                          "per_10k_before": [1.0, 1.0], "per_10k_after": [2.0, 2.0],
                          "permutation_p": [0.01, np.nan]}, index=["a", "b"])
    out = po.with_holm(table)
    assert out["fisher_holm_p"].tolist() == pytest.approx([0.06, 0.06])
    assert out["share_change"].tolist() == ["rose, not significantly"] * 2
    assert out.loc["a", "intensity_change"] == "rose significantly"
    assert math.isnan(out.loc["b", "permutation_holm_p"])


def test_compare_share_intensity_and_fisher() -> None:
    d = docs([("2021-01-01", "CN", False), ("2021-06-01", "CN", False), ("2023-01-01", "CN", True),
              ("2023-02-01", "CN", True), ("2021-01-01", "US", False), ("2023-01-01", "US", True)])
    u = as_units(d)
    ba = po.before_after(u, [SPLIT], "open_source").set_index("group")
    assert ba.loc["CN central", "share_before"] == 0 and ba.loc["CN central", "share_after"] == 1
    assert ba.loc["CN central", "fisher_p"] == pytest.approx(1 / 3)  # 2x2 [[0,2],[2,0]]
    assert ba.loc["CN central", "share_change"] == "rose, not significantly"
    th = po.themes(u, SPLIT, ["open_source"])
    assert th.loc["open_source", "per_10k_after"] == pytest.approx(30.0)
    shares = po.shares_by_period(u, "open_source", "year").set_index(["period", "jurisdiction"])
    assert shares.loc[("2023", "CN"), "share"] == 1 and shares.loc[("2023", "CN"), "ci_low"] < 1


def test_before_first_shock_exact_interval() -> None:
    d = docs([("2021-01-01", "US", False)] * 20 + [("2021-01-01", "CN", True)] * 2)
    first = po.before_first_shock(as_units(d), dt.date(2022, 8, 9))
    assert first.loc["US", "flagged"] == 0
    assert first.loc["US", "ci_high"] == pytest.approx(1 - 0.025 ** (1 / 20))


# --------------------------------------------------------------------------------------- families, dates

def test_title_key_groups_sections_and_reintroductions_not_fiscal_years() -> None:
    key = po.title_key
    assert key("CHIPS Act of 2022, Sec. 10224") == key("CHIPS Act of 2022, Section 5") == "chips act"
    assert key("Secure AI Act of 2024") == key("Secure AI Act of 2023") == "secure ai act"
    assert (key("National Defense Authorization Act for Fiscal Year 2024")
            != key("National Defense Authorization Act for Fiscal Year 2025"))


def test_units_merge_a_family() -> None:
    d = docs([("2021-07-28", "CN", False), ("2022-03-20", "CN", True), ("2022-03-20", "CN", False)])
    d["family"] = ["ethics", "ethics", "other"]
    u = po.units(d, ["open_source"], CUTS).set_index("family")
    assert u.loc["ethics", "members"] == 2 and bool(u.loc["ethics", "open_source"])
    assert u.loc["ethics", "date"] == pd.Timestamp("2021-07-28") and u.loc["ethics", "word_count"] == 2000
    d.loc[1, "date"] = pd.Timestamp("2023-01-01")  # a draft before and a final after the split
    assert not po.units(d, ["open_source"], CUTS).set_index("family").loc["ethics", "date_verified"]


def dates_table(rows: list[tuple[int, str, str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame([{"agora_id": i, "agora_date": a, "date": c, "evidence": e, "evidence_date": ed,
                          "note": "n"} for i, a, c, e, ed in rows])


def test_date_rule_corrects_verifies_and_refuses() -> None:
    d = docs([("2024-07-10", "CN", False), ("2022-09-20", "CN", False), ("2021-01-01", "CN", False),
              ("2019-01-01", "US", False)])
    table = dates_table([(0, "2024-07-10", "2023-07-13", "reference", "2023-07-13"),
                         (1, "2022-09-20", "2022-09-20", "url", "2022-10-20"),  # the split lies between
                         (2, "2021-01-01", "2021-01-01", "none", "")])
    out = po.check_dates(d, table, CUTS).set_index("agora_id")
    assert out.loc[0, "date"] == pd.Timestamp("2023-07-13") and out.loc[0, "date_verified"]
    assert not out.loc[1, "date_verified"] and not out.loc[2, "date_verified"]
    assert out.loc[3, "date_verified"]  # U.S. dates are not re-checked
    with pytest.raises(DataError, match=r"no checked date for the Chinese AGORA documents \[2\]"):
        po.check_dates(d, table.iloc[:2], CUTS)


def test_committed_dates_and_families_cover_the_chinese_documents() -> None:
    from chipshock.data.build import load

    project = Project(REPO)
    all_docs = load(project, "policy_documents")
    cn = set(all_docs.loc[all_docs["jurisdiction"] == "CN", "agora_id"])
    dates = po.read_dates(REPO)
    assert cn == set(dates["agora_id"])
    fam = po.read_families(REPO)
    assert set(fam["agora_id"]) <= set(all_docs["agora_id"])
    gen_ai = dates.set_index("agora_id").loc[1137]  # the Interim Measures: promulgated 2023-07-13
    assert gen_ai["date"] == "2023-07-13" and gen_ai["agora_date"] == "2024-07-10"


# --------------------------------------------------------------------------------------- Chinese corpora

def cn_frame() -> pd.DataFrame:
    rows = [("miit", "2019-05-01", 0), ("miit", "2020-06-01", 0), ("miit", "2023-01-01", 1),
            ("miit", "2024-06-01", 2), ("cac", "2025-01-01", 1), ("central", None, 3)]
    return zh.cn_units(pd.DataFrame({
        "doc_id": [f"d{i}" for i in range(len(rows))], "series": [r[0] for r in rows],
        "date_verified": pd.to_datetime([r[1] for r in rows]), "open_source_n": [r[2] for r in rows],
        "text_chars": [10000] * len(rows)}), ["open_source"])


def test_corpus_table_counts_each_period_and_unverified() -> None:
    agora = docs([("2021-01-01", "CN", True), ("2023-01-01", "CN", False)])
    agora["date_verified"] = [True, False]
    t = zh.corpus_table(cn_frame(), agora, SPLIT)
    assert t.loc["MIIT (科技司 list)", ["before", "after", "after_open_source"]].tolist() == [2, 2, 2]
    assert t.loc["smart-tech: central", "unverified_date"] == 1
    assert t.loc["AGORA (English translations)", ["before_open_source", "unverified_date"]].tolist() == [1, 1]


def test_series_test_stays_in_one_series_and_placebos_in_their_side() -> None:
    cn = cn_frame()
    t = zh.series_test(cn, SPLIT, ["open_source"]).loc["open_source"]
    assert (t["n_before"], t["n_after"], t["per_10k_after"]) == (2, 2, pytest.approx(1.5))
    pl = zh.placebo_table(cn, [dt.date(2020, 1, 1), dt.date(2024, 1, 1)], SPLIT, ["open_source"])
    first, second = pl.loc[("2020-01-01", "open_source")], pl.loc[("2024-01-01", "open_source")]
    assert [first["n_before"], first["n_after"]] == [1, 1]  # only MIIT, only before the split
    assert [second["n_before"], second["n_after"]] == [1, 1]
    assert zh.titles_sentence(0).startswith("No title") and zh.titles_sentence(2).startswith("2 titles")


# --------------------------------------------------------------------------------------- params, list

@pytest.mark.parametrize(
    ("name", "hits", "misses"),
    [
        ("open_models", ["open-weight models", "open weights", "开源大模型", "open foundation models",
                         "open-source AI"], ["open source software", "openly discussed", "open modelling"]),
        ("open_source_community",
         ["open source communities", "开源社区", "open-source platforms", "开源基金会"],
         ["open source software", "community colleges", "开源软件"]),
    ],
)
def test_extra_dictionaries(name: str, hits: list[str], misses: list[str]) -> None:
    d = pop.EXTRA_DICTIONARIES[name]
    assert all(d.matches(t) for t in hits), [t for t in hits if not d.matches(t)]
    assert not any(d.matches(t) for t in misses), [t for t in misses if d.matches(t)]


def test_params_checks() -> None:
    with pytest.raises(ParamError, match="must include 'open_source'"):
        pop.PARAMS.resolve({"dictionaries": "ecosystem"})
    with pytest.raises(ParamError, match=r"one U\.S\. and one Chinese level"):
        pop.PARAMS.resolve({"jurisdictions": "us_federal,us_state"})
    with pytest.raises(ParamError, match="placebo_dates' must differ from split_date"):
        pop.PARAMS.resolve({"placebo_dates": "2022-10-07"})


def test_period_labels() -> None:
    dates = pd.Series(pd.to_datetime(["2022-06-30", "2022-07-01"]))
    assert po.period_label(dates, "half-year").tolist() == ["2022-H1", "2022-H2"]
    assert po.period_label(dates, "year").tolist() == ["2022", "2022"]
    assert po.period_start("2022-H2") == pd.Timestamp("2022-07-01")


def test_document_list_escapes_and_links() -> None:
    out = po.open_source_list(docs([("2023-01-01", "CN", True), ("2023-01-02", "US", False)])).html
    assert "Doc &lt;0&gt;" in out and "Doc &lt;1&gt;" not in out
    assert 'href="https://example.org/x?a=1&amp;b=2"' in out


def test_full_text_dictionaries_without_the_texts_say_how_to_fetch(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"chipshock data fetch --only agora"):
        po.apply_dictionaries(docs([("2023-01-01", "CN", True)]), ["open_source", "open_models"],
                              Project(tmp_path))


def test_precomputed_dictionaries_need_no_texts(tmp_path: Path) -> None:
    d = docs([("2023-01-01", "CN", True)])
    assert po.apply_dictionaries(d, ["open_source"], Project(tmp_path)) is d


# --------------------------------------------------------------------------------------- execution

@pytest.mark.slow
@pytest.mark.parametrize("name", [None, "policy-central-yearly", "policy-later-split"])
def test_policy_executes(project: Project, name: str | None) -> None:
    from chipshock.params import read_params_file

    chapter = get_chapter("policy")
    overrides = read_params_file(project.root / "params" / f"{name}.yml") if name else {}
    values = chapter.params.resolve(overrides)
    out = project.root / chapter.executed
    execute(project, chapter, chapter.params.to_plain(values), out)
    got = glued(out)
    assert got["n_cn"] > 0 and got["n_us"] > got["n_cn"] and got["n_units"] < got["n_docs"]
    assert 0 <= got["cn_os_fisher_p"] <= 1 and got["split_date"] == values["split_date"].isoformat()
    assert got["verdict"].startswith("Before the first shock")
    assert got["dict_n_labelled"] >= 150 and 0 < got["dict_precision"] <= 1
    assert got["cn_docs_total"] == got["cn_fulltext_n"] + got["n_cn"]


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason="the themes table shows dictionary codes (open_models) where a "
                   "reader should read words; the policy chapter's labels (issue 26) fix it")
def test_full_text_dictionaries_execute_with_the_raw_texts(project: Project) -> None:
    if not (MIRROR / "policy/agora/fulltext.jsonl.gz").is_file():
        pytest.skip(f"needs the data mirror at {MIRROR} for the AGORA full texts")
    raw = project.root / "data/raw/policy/agora"
    raw.mkdir(parents=True)
    shutil.copy2(MIRROR / "policy/agora/fulltext.jsonl.gz", raw / "fulltext.jsonl.gz")
    from chipshock.params import read_params_file

    chapter = get_chapter("policy")
    values = chapter.params.resolve(read_params_file(project.root / "params/policy-open-models.yml"))
    out = project.root / chapter.executed
    execute(project, chapter, chapter.params.to_plain(values), out)
    table = glued(out)["themes_table"]
    cells = [c.strip() for c in re.findall(r"<td[^>]*>([^<]*)</td>", table)]
    assert "Open models" in cells and "open_models" not in cells  # a reader reads words, not codes


# --------------------------------------------------------------------------------------- validation

from chipshock.chapters.policy import validation as va  # noqa: E402
from chipshock.data.dictionaries import POLICY_DICTIONARIES, window  # noqa: E402

OPEN_SOURCE = POLICY_DICTIONARIES["open_source"]


@pytest.mark.parametrize(("text", "sense"), [
    ("the use of open-source analysis and analytical tools of award applications", "intelligence"),
    ("Open source materials published by the People's Republic of China offer a window", "intelligence"),
    ("with open-source animation technology allowing even inexperienced creators to forge media", "risk"),
    ("severity metrics to identified vulnerabilities with open source software", "risk"),
    ("the use of large-scale, open-source datasets, particularly the supply chain risks to repositories",
     "risk"),
    ("智慧林业倡导资源循环利用，关键在于“开源”和“节流”。", "other_sense"),
    ("重点开源项目存在安全漏洞", "risk"),
])
def test_sense_rules_drop_the_false_senses(text: str, sense: str) -> None:
    (p,) = list(OPEN_SOURCE.passages(text))
    assert p.excluded == sense and OPEN_SOURCE.count(text) == 0 and OPEN_SOURCE.raw_count(text) == 1


@pytest.mark.parametrize("text", [
    "agencies must release and maintain that code as open source software on a public repository",
    "national security. (C) Leverage open datasets, open source software, and other resources",
    "this chapter does not apply to the developer of an open source artificial intelligence system, "
    "provided that: (1) the system is not deployed as a high-risk artificial intelligence system",
    "推广开源技术，建设开源社区，构建开源生态体系。",
])
def test_sense_rules_keep_the_software_sense(text: str) -> None:
    assert all(p.excluded is None for p in OPEN_SOURCE.passages(text))
    assert OPEN_SOURCE.count(text) == OPEN_SOURCE.raw_count(text) > 0


def test_the_rules_see_only_the_quoted_window() -> None:
    """A risk word beyond REACH characters does not count, so a quotation suffices to re-apply them."""
    near = "open-source models can help make bioweapons"
    far = "open-source models " + "x" * 120 + " bioweapons"
    assert OPEN_SOURCE.count(near) == 0 and OPEN_SOURCE.count(far) == 1
    lo, hi = window(far, 0, 11)
    assert far[lo:hi].endswith("x") and "bioweapons" not in far[lo:hi]


def labelled(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    """Synthetic labelled rows (label, context, language) with the match at the start."""
    return pd.DataFrame({
        "corpus": "agora", "doc_id": [str(i) for i in range(len(rows))], "start": 0,
        "end": [len(r[1].split()[0]) for r in rows], "match": [r[1].split()[0] for r in rows],
        "language": [r[2] for r in rows], "jurisdiction": "US", "label": [r[0] for r in rows],
        "reason": "because", "context_start": 0, "context": [r[1] for r in rows]})


def test_precision_before_and_after_the_rules() -> None:
    rows = labelled([
        ("support", "open-source tools shall be funded", "en"),
        ("neutral", "open-source software means software whose code is available", "en"),
        ("intelligence", "open-source analysis of award applications", "en"),
        ("risk", "open-source models used to make bioweapons", "en"),
        ("risk", "open-source models " + "x" * 100 + " bioweapons", "en"),  # the rule misses it
    ])
    rules = va.apply_rules(rows)
    assert rules["excluded"].tolist() == ["", "", "intelligence", "risk", ""]
    got = va.precision(rules).iloc[0]
    assert got["precision_raw"] == pytest.approx(2 / 5) and got["precision"] == pytest.approx(2 / 3)
    assert got["kept"] == 3 and got["true_dropped"] == 0 and got["support_share"] == pytest.approx(1 / 3)
    assert va.confusion(rules).loc["risk"].to_dict() == {"kept": 1, "risk": 1, "intelligence": 0}
    assert set(va.quotations(rules)["label"]) == {"intelligence", "risk"}


def test_terms() -> None:
    assert va.term("Open-Source", "Open-Source AI", 0) == "open source"
    assert va.term("open-sourced", "open-sourced models", 0) == "open source"
    assert va.term("开源", "建设开源社区", 2) == "开源社区"
    assert va.term("开源", "开源化", 0) == "开源 (other)"


def test_committed_labels_are_complete_and_sound() -> None:
    labels = va.read_labels(REPO)
    assert len(labels) >= 150 and labels["reason"].str.len().min() >= 5
    assert set(labels["language"]) == {"en", "zh"} and (labels["context"].str.len() <= 200).all()
    agora = labels[labels["corpus"] == "agora"]
    assert set(agora["jurisdiction"]) == {"CN", "US"}


def test_a_label_whose_quotation_lost_its_match_is_refused(tmp_path: Path) -> None:
    (tmp_path / "data/curated").mkdir(parents=True)
    bad = va.read_labels(REPO).head(3)
    bad.loc[bad.index[0], "context_start"] = bad.loc[bad.index[0], "context_start"] + 1
    bad.to_csv(tmp_path / pop.LABELS, index=False)
    with pytest.raises(DataError, match="does not hold the match"):
        va.read_labels(tmp_path)


def test_every_match_in_the_texts_is_labelled() -> None:
    """The labels cover every match of the current patterns in the Chinese and U.S. AGORA texts and in
    the Chinese corpora: a changed dictionary must be relabelled."""
    import gzip
    import json

    from chipshock.data.build import load
    from chipshock.data.tables._common import iter_jsonl

    raw = REPO / "data/raw/policy"
    if not (raw / "agora/fulltext.jsonl.gz").is_file():
        pytest.skip("needs data/raw (chipshock data fetch --mirror ../shared/data)")
    labels = va.read_labels(REPO)
    have = set(zip(labels["corpus"], labels["doc_id"], labels["start"], strict=True))
    docs_ = load(Project(REPO), "policy_documents").set_index("agora_id")
    want = set()
    for rec in iter_jsonl(raw / "agora/fulltext.jsonl.gz"):
        if docs_.loc[int(rec["agora_id"]), "jurisdiction"] in ("CN", "US"):
            found = OPEN_SOURCE.regex.finditer(rec["text"])
            want |= {("agora", str(rec["agora_id"]), m.start()) for m in found}
    for corpus in ("miit-cac-tc260", "smart-tech-cn-sd"):
        with gzip.open(raw / corpus / "fulltext.jsonl.gz", "rt", encoding="utf-8") as f:
            for line in f:
                rec = json.loads(line)
                want |= {(corpus, rec["doc_id"], m.start()) for m in OPEN_SOURCE.regex.finditer(rec["text"])}
    assert want == have, (sorted(want - have)[:5], sorted(have - want)[:5])


def test_ecosystem_rule_drops_the_natural_sense_only() -> None:
    eco = POLICY_DICTIONARIES["ecosystem"]
    for text in ("加强生态环境保护", "建设生态文明", "保护森林生态系统", "林业生态化价值体系"):
        assert eco.count(text) == 0 and eco.raw_count(text) == 1, text
    for text in ("构建开源生态体系", "产业生态", "创新生态圈", "supply chains"):
        assert eco.count(text) == eco.raw_count(text) == 1, text


def test_theme_precision_is_weighted_by_term_frequency() -> None:
    labels = pd.DataFrame({
        "dictionary": "ecosystem", "term": ["生态", "生态", "产业链"], "term_matches": [90, 90, 10],
        "corpus": "miit-cac-tc260", "doc_id": ["a", "b", "c"], "start": 0, "end": 2,
        "match": ["生态", "生态", "产业链"], "label": ["theme", "other_sense", "theme"], "reason": "because",
        "context_start": 0, "context": ["生态体系", "生态环境", "产业链"]})
    table = va.theme_precision(labels)
    assert table.loc[("ecosystem", "生态"), "precision_raw"] == 0.5
    assert table.loc[("ecosystem", "生态"), "precision"] == 1.0  # the rule drops 生态环境
    assert va.weighted_precision(table, "precision_raw")["ecosystem"] == pytest.approx(0.55)
    committed = va.read_theme_labels(REPO)
    assert len(committed) >= 90 and set(committed["dictionary"]) == {"ecosystem", "standards", "resilience"}


def test_corrections_sentence_counts_right() -> None:
    titles = docs([("2024-07-10", "CN", False), ("2022-01-01", "CN", False)])
    one = dates_table([(0, "2024-07-10", "2023-07-13", "reference", "2023-07-13"),
                       (1, "2022-01-01", "2022-01-01", "url", "2022-01-01")])
    assert po.corrections_text(one, titles) == ("One AGORA date is corrected: Doc <0> (AGORA 2024-07-10, "
                                                "checked 2023-07-13).")
    two = one.assign(date=["2023-07-13", "2021-12-31"])
    assert po.corrections_text(two, titles).startswith("2 AGORA dates are corrected: ")
    assert po.corrections_text(one.iloc[1:], titles) == "No AGORA date needed a correction."


def test_table_labels_survive_an_empty_column() -> None:
    frame = pd.DataFrame({"share_before": [0.5], "detectable_after": [np.nan], "fisher_p": [1.0]},
                         index=pd.Index(["open_source"], name="dictionary"))
    html = po.table(frame, "t")._repr_html_()
    assert "Share after detectable" not in html and "50.0%" in html


def test_support_counts_take_kept_support_passages_of_agora_only() -> None:
    rules = pd.DataFrame({"corpus": ["agora", "agora", "agora", "miit-cac-tc260"],
                          "doc_id": ["7", "7", "9", "miit-1"], "kept": [True, True, False, True],
                          "label": ["support", "neutral", "support", "support"]})
    assert va.support_counts(rules).to_dict() == {7: 1}


# --------------------------------------------------------------------------------------- issue 28

import datetime as _dt  # noqa: E402

from chipshock.chapters.policy import claim_one as c1  # noqa: E402
from chipshock.chapters.policy import its  # noqa: E402
from chipshock.data import curated  # noqa: E402


def _cn(rows: list[tuple[str, str, str, str, int]]) -> pd.DataFrame:
    """(corpus, series, doc_id, date, open_source_n) rows; smart-tech dates given, others verified."""
    out = pd.DataFrame(rows, columns=["corpus", "series", "doc_id", "date", "open_source_n"])
    smart = out["corpus"] == "smart-tech-cn-sd"
    out["date_given"] = pd.to_datetime(out["date"])
    out["date_verified"] = pd.to_datetime(out["date"]).where(~smart)
    out["date_suspect"] = ""
    return out.drop(columns="date")


def test_claim_one_counts_agora_and_smart_tech_once_and_leaves_suspect_rows_out() -> None:
    cn = _cn([("smart-tech-cn-sd", "central", "central-001", "2019-01-01", 2),
              ("smart-tech-cn-sd", "central", "central-002", "2021-12-01", 0),
              ("smart-tech-cn-sd", "central", "central-003", "2020-01-01", 1),
              ("smart-tech-cn-sd", "central", "central-004", "2023-01-01", 1)])
    cn.loc[cn["doc_id"] == "central-003", "date_suspect"] = "doc-number-year"
    units = pd.DataFrame({"jurisdiction": ["CN", "US", "US"], "date_verified": [True, True, True],
                          "date": pd.to_datetime(["2020-05-01", "2021-01-01", "2023-01-01"]),
                          "supports_n": [0, 1, 0]})
    support = {("smart-tech-cn-sd", "central-001")}
    first = _dt.date(2022, 8, 9)
    got = c1.counts(units, cn, support, {99: "central-002"}, first)
    assert got == c1.Counts(cn_docs=2, cn_support=1, us_docs=1, us_support=1)  # central-002 is AGORA's twin
    assert c1.counts(units, cn, support, {}, first, smart_tech=False) == c1.Counts(1, 0, 1, 1)
    margin = c1.counts(units, cn, support, {}, first, margin_days=365)
    assert margin.cn_docs == 2  # central-002 (2021-12-01) is within a year of the shock
    assert (margin.us_docs, margin.us_support) == (1, 1)  # the margin leaves AGORA's checked dates alone
    assert c1.one_fewer(got) == c1.Counts(1, 0, 0, 0)
    assert c1.one_more(c1.Counts(5, 0, 4, 2)) == c1.Counts(6, 1, 4, 2)


def test_twins_come_from_the_checked_dates_table() -> None:
    twins = curated.agora_smart_tech_twins(po.read_dates(REPO))
    assert twins[1065] == "central-147" and twins[1123] == "central-086"


def test_its_finds_a_built_in_step_and_not_a_trend() -> None:
    dates = pd.date_range("2017-01-01", "2025-12-01", freq="7D")
    shock = _dt.date(2022, 10, 7)
    rows = [("miit-cac-tc260", "miit", f"m{i}", d.date().isoformat(), int(d.date() >= shock and i % 2 == 0))
            for i, d in enumerate(dates)]
    docs = its.documents(_cn(rows), ("miit",))
    fit = its.fit(docs, shock, 0.05)
    assert fit["step"] == pytest.approx(0.5, abs=0.05) and fit["step_p"] < 0.001
    flat = its.documents(_cn([(c, s, i, d, 0) for c, s, i, d, _ in rows]), ("miit",))
    none = its.fit(flat.assign(y=(flat["date"].dt.year % 2).astype(float)), shock, 0.5)
    assert abs(none["step"]) < 0.5 and none["step_tost_p"] < 0.05
    one_side = its.fit(docs[docs["date"] < pd.Timestamp(shock)], shock, 0.05)
    assert math.isnan(one_side["step"]) and one_side["n_after"] == 0


def test_its_documents_use_given_dates_for_smart_tech_and_verified_ones_elsewhere() -> None:
    cn = _cn([("smart-tech-cn-sd", "central", "a", "2018-01-01", 1),
              ("miit-cac-tc260", "miit", "b", "2019-01-01", 0),
              ("smart-tech-cn-sd", "central", "c", "2016-01-01", 1)])  # before 2017: out
    cn.loc[1, "date_verified"] = pd.NaT
    assert list(its.documents(cn)["doc_id"]) == ["a"]


def test_document_precision_and_the_clustered_interval() -> None:
    rules = pd.DataFrame({"corpus": ["a"] * 4, "doc_id": ["1", "1", "2", "3"],
                          "kept": [True, True, True, False], "true": [True, False, False, True]})
    docs = va.doc_precision(rules)
    assert (docs["documents"], docs["right"]) == (2, 1)
    low, high = va.clustered_interval(rules)
    assert 0 <= low < 1 / 3 < high <= 1
    many = pd.DataFrame({"corpus": ["a"] * 40, "doc_id": ["1"] * 20 + ["2"] * 20, "kept": True,
                         "true": [True] * 30 + [False] * 10})
    one_per_doc = many.drop_duplicates("doc_id").assign(true=[True, False])
    # 40 passages in 2 documents are as uncertain as 2 observations, not 40
    assert va.clustered_interval(many)[0] < 0.3 and va.clustered_interval(one_per_doc)[0] < 0.2


def test_recall_sample_is_seeded_and_the_committed_labels_are_that_sample() -> None:
    a, cn = pd.read_parquet(REPO / "data/processed/policy_documents.parquet"), \
        pd.read_parquet(REPO / "data/processed/cn_policy_documents.parquet")
    pop = va.recall_population(a, cn)
    sample = va.recall_sample(pop[~pop["flagged"]])
    again = va.recall_sample(pop[~pop["flagged"]])
    assert sample.equals(again) and len(sample) == 2 * va.RECALL_PER_STRATUM
    labels = curated.recall_labels(REPO)
    assert set(zip(labels["corpus"], labels["doc_id"], strict=True)) == set(
        zip(sample["corpus"], sample["doc_id"], strict=True))
    assert (labels["reason"].str.len() > 10).all()


def test_recall_estimate_weighs_misses_by_stratum() -> None:
    flagged = pd.DataFrame({"stratum": ["agora"] * 10})
    unflagged = pd.DataFrame({"stratum": ["agora"] * 100 + ["chinese"] * 100})
    labels = pd.DataFrame({"stratum": ["agora"] * 10 + ["chinese"] * 10,
                           "mentions": ["yes"] + ["no"] * 19})
    got = va.recall(flagged, unflagged, labels, 1.0)
    assert got["missed_estimate"] == pytest.approx(10.0) and got["recall"] == pytest.approx(0.5)
    assert got["ci_low"] < got["recall"] < got["ci_high"]


def test_heldout_labels_are_outside_the_us_and_china_and_every_match_is_labelled() -> None:
    held = curated.heldout_labels(REPO)
    assert set(held["jurisdiction"]) == {"other"} and set(held["corpus"]) == {"agora"}
    agora = pd.read_parquet(REPO / "data/processed/policy_documents.parquet")
    others = set(agora.loc[agora["jurisdiction"] == "other", "agora_id"].astype(str))
    assert set(held["doc_id"]) <= others


def test_v4_patterns_match_the_probes_missed_before() -> None:
    for text in ("Dual-Use Foundation Models with Widely Available Model Weights", "鼓励开放源码",
                 "推动源代码开放", "开放权重模型"):
        assert OPEN_SOURCE.count(text) == 1, text


def test_the_sections_on_the_processed_data_glue_the_issue_keys(project: Project) -> None:
    from chipshock.chapters.policy import sections as S
    from chipshock.chapters.policy.parameters import PARAMS

    p = PARAMS.resolve({})
    v = S.validation(project)
    d = S.documents(project, p, v)
    one, lg = S.claim_one(project, p, d, v), S.logit(d, p)
    ts = S.time_series(p, S.chinese(project, p, d))
    got = {**v.values(), **one.values(), **ts.values(), **S.events(project, p, d, one, ts, lg).values()}
    for key in ("claim1_cn_docs", "claim1_cn_support", "claim1_us_docs", "claim1_us_support",
                "policy_its_break_p", "dict_doc_precision", "dict_recall", "dict_recall_n"):
        assert key in got, key
    assert got["claim1_cn_docs"] > got["first_cn_families"]  # the smart-technology corpus counts
    assert got["claim1_alternatives"] == 4 and got["claim2_alternatives"] == 6
    assert 0 <= got["policy_its_break_p"] <= 1 and 0 < got["dict_recall"] <= 1
    assert "%" not in lg.logit_table.html.split("<tbody")[1]  # Table 2.9 in plain numbers
    assert "2021-03-11" in got["cn_strategy_before"]  # the 14th Five-Year Plan, from the events table
