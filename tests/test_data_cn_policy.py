"""cn_policy_documents and cn_gov_doc_titles: the date rule, schemas, row counts against the mirror's
MANIFEST, no text kept, the verified-date counts, determinism."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from data_fixtures import MIRROR, REPO
from data_fixtures.new_sources import committed_digest, manifest_rows, rebuild

from chipshock.data.build import TABLES, load
from chipshock.data.tables.cn_policy_documents import field_date, signature_date, url_date, verified_date
from chipshock.paths import Project

needs_mirror = pytest.mark.skipif(not MIRROR.is_dir(), reason=f"data mirror {MIRROR} not present")
NAMES = ["cn_policy_documents", "cn_gov_doc_titles"]
D = dt.date

MIIT_BLOCK = (
    "工业和信息化部办公厅关于印发……的通知\n发文机关：\n工业和信息化部办公厅\n"
    "发文字号：\n工信厅科函﹝2020﹞181号\n成文日期：\n2020-07-22\n发布日期：\n2020-08-11\n"
    "发布机构：\n科技司\n……\n工业和信息化部办公厅\n2020\n年\n7\n月\n22\n日\n"
)
MIIT_URL = "https://www.miit.gov.cn/jgsj/kjs/wjfb/art/2020/art_3600dad6d9f2.html"


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return {name: load(Project(REPO), name) for name in NAMES}


# --- the date rule ------------------------------------------------------------------------------------


def test_labelled_fields_come_first():
    assert verified_date(MIIT_BLOCK, MIIT_URL) == (D(2020, 7, 22), "chengwen_field")
    assert field_date(MIIT_BLOCK, "fabu_field") == D(2020, 8, 11)
    assert verified_date("发布日期：2021年3月5日\n正文", "https://www.cac.gov.cn/2024-10/11/c_1.htm") == (
        D(2021, 3, 5), "fabu_field")
    assert field_date("成文日期: 2019 年 12 月 1 日", "chengwen_field") == D(2019, 12, 1)


@pytest.mark.parametrize(
    ("url", "day"),
    [
        ("https://www.cac.gov.cn/2024-10/11/c_1730337907916423.htm", D(2024, 10, 11)),
        ("http://www.gov.cn/zhengce/zhengceku/2020-11/27/content_5565316.htm", D(2020, 11, 27)),
        ("http://zfxxgk.nea.gov.cn/2023-03/28/c_1310707122.htm", D(2023, 3, 28)),
        ("http://fgw.shandong.gov.cn/art/2024/10/28/art_306787_70614.html?xxgkhide=1", D(2024, 10, 28)),
        ("http://www.shandong.gov.cn/art/2022/1/6/art_267492_10724.html", D(2022, 1, 6)),
        ("http://gxj.qingdao.gov.cn/tzgg/202209/t20220919_6390353.shtml", D(2022, 9, 19)),
        ("https://www.tc260.org.cn/portal/suggestion-detail/20241202105809", D(2024, 12, 2)),
        # no full date: year-only paths, month folders, sequence ids, hex ids, no URL
        ("https://www.miit.gov.cn/jgsj/kjs/wjfb/art/2020/art_3600dad6d9f24fa6b5c05f0974ff081d.html", None),
        ("http://www.mofcom.gov.cn/article/gztz/202404/20240403506347.shtml", None),
        ("https://www.tc260.org.cn/portal/suggestion-detail/9f99c99d99", None),
        ("http://gxj.qingdao.gov.cn/n28356049/n32561444/220303154549043714.html", None),
        ("https://www.cac.gov.cn/2024-02/30/c_1.htm", None),  # not a calendar date
        ("", None),
        (None, None),
    ],
)
def test_url_dates(url, day):
    assert url_date(url) == day


def test_signature_date_is_a_date_alone_on_a_line_near_the_end():
    text = "正文……请于2017年8月31日前报我部备案。\n工业和信息化部办公厅\n2017年8月15日\u3000\n[已删除]\n"
    assert signature_date(text) == D(2017, 8, 15)
    assert signature_date("……将意见于2026年02月10日前反馈给秘书处。") is None  # inside a sentence
    assert signature_date("某部\n2016年6月12日\n" + "正文" * 400) is None  # far from the end
    assert signature_date("某部\n1900年1月1日") is None  # implausible year
    assert signature_date("一\n2019年1月2日\n二\n2019年3月4日\n") == D(2019, 3, 4)  # the last one


def test_rule_order_field_then_url_then_signature():
    signed = "正文\n某部\n2023年5月6日"
    url = "http://www.shandong.gov.cn/art/2023/5/9/art_1_2.html"
    assert verified_date(signed, url) == (D(2023, 5, 9), "url")
    assert verified_date(signed, "PKU Law Database") == (D(2023, 5, 6), "signature")
    assert verified_date("成文日期：2023-05-01\n" + signed, "http://x.gov.cn/art/2023/5/9/a.html") == (
        D(2023, 5, 1), "chengwen_field")
    assert verified_date("正文", "PKU Law Database") == (None, "none")


# --- the tables ---------------------------------------------------------------------------------------


def test_schemas_and_no_text(tables):
    for name, df in tables.items():
        assert list(df.columns) == list(TABLES[name].SCHEMA.columns), name
    docs = tables["cn_policy_documents"]
    assert not {"text", "full_text", "content"} & set(docs.columns)
    assert docs["text_chars"].max() > 10_000


@needs_mirror
def test_row_counts_match_the_manifest(tables):
    docs = tables["cn_policy_documents"]
    for corpus, rows in (("miit-cac-tc260", 382), ("smart-tech-cn-sd", 221)):
        assert (docs["corpus"] == corpus).sum() == manifest_rows(f"policy/{corpus}/documents.csv") == rows
    assert len(tables["cn_gov_doc_titles"]) == manifest_rows("policy/gov-doc-lists/documents.csv.gz") == 34578


def test_verified_dates_and_corrections(tables):
    docs = tables["cn_policy_documents"].set_index("doc_id")
    verified = docs["date_verified"].notna()
    differ = verified & docs["date_diff_days"].ne(0)
    assert (int(verified.sum()), int(differ.sum())) == (434, 43)
    by = docs.groupby(["series", "date_source"]).size().to_dict()
    assert by == {("cac", "url"): 100, ("miit", "chengwen_field"): 232, ("tc260", "url"): 42,
                  ("tc260", "signature"): 8, ("central", "url"): 9, ("central", "signature"): 21,
                  ("central", "none"): 136, ("shandong", "url"): 20, ("shandong", "signature"): 2,
                  ("shandong", "none"): 33}
    assert (docs["date_source"] == "none").eq(~verified).all()
    miit = docs[docs["series"] == "miit"]
    assert miit["date_diff_days"].eq(0).all()  # the given MIIT date is the page's 成文日期
    assert miit["date_published"].notna().all() and (miit["date_published"] >= miit["date_given"]).all()
    # corrections by more than a month: all in the smart-tech corpus
    big = docs.index[docs["date_diff_days"].abs().gt(31).fillna(False)].tolist()
    assert sorted(big) == ["central-003", "central-062", "central-148", "central-166", "shandong-020",
                           "shandong-030"]
    assert docs.loc["central-166", "date_verified"] == pd.Timestamp("2024-10-28")  # dated 2013 upstream
    assert docs.loc["central-003", "date_verified"].year == 2013  # dated 2024 upstream
    assert docs.loc["central-062", "date_diff_days"] == -365
    assert (docs["date_suspect"] != "").sum() == 21


def test_gov_doc_titles(tables):
    df = tables["cn_gov_doc_titles"]
    assert df.groupby("government").size().to_dict() == {
        "State Council": 5781, "Guangdong Provincial Government": 4678, "Hainan Provincial Government": 2303,
        "Henan Provincial Government": 5974, "Shanghai Municipal Government": 9100,
        "Sichuan Provincial Government": 3271, "Yunnan Provincial Government": 3471}
    assert df["pub_date"].max() == pd.Timestamp("2023-10-12")
    assert df["date"].isna().sum() == 52 and df["issue_date"].isna().sum() == 9730
    assert int(df["url_repeat"].sum()) == 2431
    assert df.loc[df["url_repeat"], "government"].eq("Henan Provincial Government").all()
    assert df["doc_number"].notna().groupby(df["government"]).sum()["Hainan Provincial Government"] == 0


@needs_mirror
def test_rebuilt_from_raw_byte_identical_and_deterministic(tmp_path):
    for name, (df, digests) in rebuild(tmp_path, NAMES).items():
        assert digests[0] == digests[1] == committed_digest(name), name
        assert len(df) > 0
