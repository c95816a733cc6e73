"""The PatentsView connector: zipped-TSV streaming, counting, bulk download and the PatentSearch API,
all against fixtures and local servers on 127.0.0.1 (no internet)."""

from __future__ import annotations

import csv
import functools
import http.server
import json
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from data_fixtures import REPO

from chipshock.cli import main
from chipshock.data import patents as P
from chipshock.data.dictionaries import MODEL_FAMILIES
from chipshock.errors import DataError, UserError

FIXTURES = REPO / "tests/data_fixtures/patents"
ALL = list(MODEL_FAMILIES)


def _zip(src: Path, dest: Path) -> Path:
    with zipfile.ZipFile(dest, "w") as z:
        z.write(src, src.name)
    return dest


@pytest.fixture(scope="module")
def fixture_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("patentsview")
    P.write_fixture(folder)
    return folder


@pytest.fixture
def server(fixture_dir) -> Iterator[tuple[str, list[str]]]:
    """The fixture folder served over HTTP on 127.0.0.1, logging the paths requested."""
    requested: list[str] = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            requested.append(self.path)

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                            functools.partial(Handler, directory=str(fixture_dir)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", requested
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_documented_file_names():
    assert P.text_path("granted", "brf_sum", 2023) == "brief-summary-text/g_brf_sum_text_2023.tsv.zip"
    assert P.text_path("granted", "claims", 2024) == "claims/g_claims_2024.tsv.zip"
    assert P.text_path("pregrant", "brf_sum", 2024) == "pregrant_publications/pg_brf_sum_text_2024.tsv.zip"
    assert P.text_path("pregrant", "claims", 2023) == "pregrant_publications/pg_claims_2023.tsv.zip"
    assert P.KINDS["granted"].assignee_path == "download/g_assignee_disambiguated.tsv.zip"
    assert P.BULK_BASE == "https://s3.amazonaws.com/data.patentsview.org"


def test_tsv_zip_is_streamed_with_quoted_tabs_and_quotes(tmp_path):
    path = _zip(FIXTURES / "brf_sum_extra.tsv", tmp_path / "g_brf_sum_text_2099.tsv.zip")
    rows = P.iter_tsv_zip(path)
    assert not isinstance(rows, list)  # a generator: rows are read one at a time
    first = next(rows)
    text = 'A summary with a "quoted" Yi-34B model\tand a tab.'
    assert first == {"patent_id": "99200001", "summary_text": text}
    assert [r["patent_id"] for r in rows] == ["99200002"]
    hits, seen = P.scan_texts(P.iter_tsv_zip(path), "patent_id", "summary_text", ALL)
    assert hits == {"99200001": {"yi"}} and seen == {"99200001", "99200002"}


def test_fixture_has_newlines_inside_quoted_fields(fixture_dir):
    rows = list(P.iter_tsv_zip(fixture_dir / P.text_path("granted", "brf_sum", 2023)))
    assert len(rows) == 3 and "\n" in rows[1]["summary_text"] and "\t" in rows[1]["summary_text"]


def test_bad_zip_is_a_clear_error(tmp_path):
    bad = tmp_path / "g_claims_2023.tsv.zip"
    bad.write_bytes(b"not a zip")
    with pytest.raises(DataError, match=r"not a readable zip file.*chipshock data patents"):
        list(P.iter_tsv_zip(bad))


def test_assignee_types_take_the_first_assignee_and_part_interest_codes():
    rows = [{"patent_id": "1", "assignee_sequence": "1", "assignee_type": "2"},
            {"patent_id": "1", "assignee_sequence": "0", "assignee_type": "3"},
            {"patent_id": "2", "assignee_sequence": "0", "assignee_type": "12"},
            {"patent_id": "3", "assignee_sequence": "0", "assignee_type": ""},
            {"patent_id": "4", "assignee_sequence": "0", "assignee_type": "2"}]
    assert P.assignee_types(rows, "patent_id", {"1", "2", "3"}) == {
        "1": "foreign company", "2": "U.S. company", "3": "unassigned"}


def test_counts_on_the_fixture(fixture_dir):
    result = P.count_bulk("granted", [2023, 2024], ["brf_sum", "claims"], ALL, fixture_dir,
                          base_url="http://127.0.0.1:9/never", log=lambda _m: None)
    totals = result.totals.set_index("year")
    assert totals["documents_scanned"].to_dict() == {2023: 3, 2024: 4}
    assert totals["documents_any_family"].to_dict() == {2023: 2, 2024: 3}
    assert totals["documents_cn_family"].to_dict() == {2023: 0, 2024: 2}
    c = result.counts
    qwen = c[c["family"] == "qwen"].set_index("assignee_type")["documents"].to_dict()
    # 99000004 (summary; first assignee foreign) and 99000005 (claim only; part-interest U.S. company)
    assert qwen == {"foreign company": 1, "U.S. company": 1}
    llama = c[c["family"] == "llama"]
    assert llama["documents"].sum() == 1  # summary and claim of one patent count once
    assert not (c["family"] == "chatglm").any()  # "GLMs" in a crop-rotation patent is not ChatGLM
    assert list(c.columns) == P.COUNT_COLUMNS


def test_sections_and_families_can_be_narrowed(fixture_dir):
    result = P.count_bulk("granted", [2024], ["brf_sum"], ["qwen"], fixture_dir,
                          base_url="http://127.0.0.1:9/never", log=lambda _m: None)
    assert result.counts["documents"].sum() == 1  # the claim-only Qwen patent is not seen
    with pytest.raises(UserError, match="unknown model families"):
        P.count_bulk("granted", [2024], ["brf_sum"], ["qwenn"], fixture_dir)
    with pytest.raises(UserError, match="unknown text section"):
        P.count_bulk("granted", [2024], ["abstract"], ["qwen"], fixture_dir)
    with pytest.raises(UserError, match="years must be between"):
        P.count_bulk("granted", [1990], ["brf_sum"], ["qwen"], fixture_dir)


def test_download_path_against_a_local_server(server, tmp_path):
    url, requested = server
    cache = tmp_path / "cache"
    result = P.count_bulk("granted", [2023, 2024], ["brf_sum", "claims"], ALL, cache, base_url=url,
                          log=lambda _m: None)
    assert (cache / "claims/g_claims_2024.tsv.zip").is_file()
    assert not list(cache.rglob("*.part"))
    wanted = [f"/{P.text_path('granted', s, y)}" for y in (2023, 2024) for s in ("brf_sum", "claims")]
    assert sorted(requested) == sorted([*wanted, "/download/g_assignee_disambiguated.tsv.zip"])
    assert result.totals["documents_any_family"].sum() == 5
    n = len(requested)
    P.count_bulk("granted", [2023], ["brf_sum"], ALL, cache, base_url=url, log=lambda _m: None)
    assert len(requested) == n  # cached files are reused, not downloaded again


def test_missing_year_on_the_server_is_a_clear_error(server, tmp_path):
    url, _ = server
    with pytest.raises(DataError, match=r"g_brf_sum_text_2030.tsv.zip failed: HTTP 404"):
        P.count_bulk("granted", [2030], ["brf_sum"], ALL, tmp_path, base_url=url, log=lambda _m: None)
    assert not list(tmp_path.rglob("*.zip")) and not list(tmp_path.rglob("*.part"))


def test_cli_writes_the_two_tables(server, tmp_path, monkeypatch, capsys):
    url, _ = server
    monkeypatch.setenv("CHIPSHOCK_ROOT", str(REPO))
    out = tmp_path / "counts.csv"
    args = ["data", "patents", "--years", "2023", "2024", "--base-url", url, "--cache-dir",
            str(tmp_path / "cache"), "--out", str(out), "--families", "qwen,llama,deepseek"]
    assert main(args) == 0
    assert capsys.readouterr().out.split() == [str(out), str(tmp_path / "counts_totals.csv")]
    rows = list(csv.DictReader(out.open()))
    assert {r["family"] for r in rows} == {"qwen", "llama", "deepseek"}
    assert main(["data", "patents", "--years", "2024", "--families", "nope", "--cache-dir",
                 str(tmp_path / "cache"), "--base-url", url, "--out", str(out)]) == 2


class _FakeAPI(http.server.BaseHTTPRequestHandler):
    pages: ClassVar[list[dict]] = [json.loads((FIXTURES / n).read_text())
                                   for n in ("api_page1.json", "api_page2.json")]
    seen: ClassVar[list[dict]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).seen.append({"path": self.path, "key": self.headers.get("X-Api-Key"), "body": body})
        if self.headers.get("X-Api-Key") != "test-key":
            self.send_response(403)
            self.end_headers()
            return
        page = self.pages[1] if body["o"].get("after") else self.pages[0]
        data = json.dumps(page).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def fake_api() -> Iterator[str]:
    _FakeAPI.seen = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _FakeAPI)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/api/v1"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_api_path_pages_and_rechecks_with_the_dictionary(fake_api):
    result = P.count_api("granted", [2024], ["qwen"], "test-key", base_url=fake_api, log=lambda _m: None,
                         page_size=2)
    assert [s["path"] for s in _FakeAPI.seen] == ["/api/v1/patent/", "/api/v1/patent/"]
    assert all(s["key"] == "test-key" for s in _FakeAPI.seen)
    first, second = (s["body"] for s in _FakeAPI.seen)
    assert "after" not in first["o"] and second["o"]["after"] == "99100002"
    assert first["q"]["_and"][0] == {"_gte": {"patent_date": "2024-01-01"}}
    assert "assignees.assignee_type" in first["f"]
    totals = result.totals.iloc[0]
    assert totals["documents_scanned"] == 3 and totals["documents_any_family"] == 2  # "queen" is not Qwen
    by_type = result.counts.set_index("assignee_type")["documents"].to_dict()
    assert by_type == {"U.S. company": 1, "unassigned": 1}


def test_api_key_errors(fake_api):
    with pytest.raises(UserError, match=r"rejected the key.*--api-key-env"):
        P.count_api("granted", [2024], ["qwen"], "wrong", base_url=fake_api, log=lambda _m: None)
    with pytest.raises(UserError, match="no PatentSearch API key"):
        P.count_api("granted", [2024], ["qwen"], "", base_url=fake_api)


def test_api_query_for_pregrant_uses_publication_fields():
    q = P.api_query("pregrant", "deepseek", 2025)
    assert q["_and"][1] == {"_lte": {"publication_date": "2025-12-31"}}
    assert {"_text_any": {"publication_abstract": "deepseek"}} in q["_and"][2]["_or"]
    assert set(P.API_TERMS) == set(MODEL_FAMILIES)


def test_detail_description_section_is_known_for_both_kinds():
    granted = P.text_path("granted", "detail_desc", 2023)
    pregrant = P.text_path("pregrant", "detail_desc", 2023)
    assert granted == "detail-description-text/g_detail_desc_text_2023.tsv.zip"
    assert pregrant == "pregrant_publications/pg_detail_desc_text_2023.tsv.zip"
    assert P.SECTIONS["detail_desc"][1] == "description_text"


ISTAT = REPO.parent / "shared" / "data" / "patents/istat-ai-patents-sample/abstracts.jsonl.gz"


@pytest.mark.skipif(not ISTAT.is_file(), reason="needs the data mirror's ISTAT patent abstracts")
def test_connector_reads_and_matches_the_real_istat_records(tmp_path):
    """The connector's TSV reader and family matcher on 8,806 real titles and abstracts written in
    PatentsView's format: every record comes back whole, and the matcher agrees with the processed table."""
    import gzip

    import pandas as pd

    from chipshock.chapters.research import patent_counts as pc

    with gzip.open(ISTAT, "rt", encoding="utf-8") as f:
        records = [json.loads(line) for line in f]
    path = tmp_path / "g_brf_sum_text_istat.tsv.zip"
    pc._write_brf_sum(records, path)
    back = {r["patent_id"]: r["summary_text"] for r in P.iter_tsv_zip(path)}
    assert len(back) == len(records) == 8806
    assert all(back[r["id"]] == f"{r.get('title') or ''}\n{r.get('abstract') or ''}" for r in records)
    families = list(MODEL_FAMILIES)
    found, seen = P.scan_texts(P.iter_tsv_zip(path), "patent_id", "summary_text", families)
    processed = pd.read_parquet(REPO / "data/processed/istat_patents.parquet")
    flagged = set(processed.loc[processed[[f"mentions_{f}" for f in families]].any(axis=1), "patent_id"])
    assert set(found) == flagged and seen == set(processed["patent_id"])
    # the matcher does fire on real text once a family is named in it
    planted = [{**records[0], "abstract": records[0]["abstract"] + " We fine-tune Qwen2.5-7B."}]
    pc._write_brf_sum(planted, path)
    assert P.scan_texts(P.iter_tsv_zip(path), "patent_id", "summary_text", families)[0] == {
        records[0]["id"]: {"qwen"}}
