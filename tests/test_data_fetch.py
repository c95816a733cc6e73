"""`chipshock data fetch`: mirror copies and downloads, every file verified, nothing half-written."""

from __future__ import annotations

import gzip
import hashlib
import http.server
import io
import threading
from functools import partial
from pathlib import Path

import pytest
import yaml
from data_fixtures import MIRROR, REPO, data_project

from chipshock.cli import main
from chipshock.data.fetch import fetch, fetch_files
from chipshock.data.sources import RawFile, load_sources
from chipshock.errors import DataError
from chipshock.paths import Project

PLAIN = b"id,value\n1,a\n2,b\n" * 50
JSONL = b'{"a": 1}\n{"a": 2}\n' * 200


def _gz(data: bytes) -> bytes:
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
        gz.write(data)
    return buf.getvalue()


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def server(tmp_path):
    """A local HTTP server on 127.0.0.1 serving tmp_path/www."""
    www = tmp_path / "www"
    (www / "sub").mkdir(parents=True)
    (www / "plain.csv").write_bytes(PLAIN)
    (www / "sub" / "data.jsonl").write_bytes(JSONL)
    handler = partial(_Quiet, directory=str(www))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _files(base: str) -> list[RawFile]:
    gz = _gz(JSONL)
    return [
        RawFile("t", "a/plain.csv", _sha(PLAIN), len(PLAIN), url=f"{base}/plain.csv"),
        RawFile("t", "b/data.jsonl.gz", _sha(gz), len(gz), url=f"{base}/sub/data.jsonl", gzip=True),
    ]


def _no_partials(root: Path) -> None:
    assert not [p for p in root.rglob("*") if p.name.endswith(".part")]


def test_download_verifies_and_gzips_deterministically(server, tmp_path):
    root = tmp_path / "raw"
    counts = fetch_files(_files(server), root, log=lambda m: None)
    assert counts == {"skipped": 0, "copied": 0, "downloaded": 2}
    assert (root / "a/plain.csv").read_bytes() == PLAIN
    assert (root / "b/data.jsonl.gz").read_bytes() == _gz(JSONL)
    again = fetch_files(_files(server), root, log=lambda m: None)
    assert again == {"skipped": 2, "copied": 0, "downloaded": 0}


def test_download_wrong_checksum_leaves_nothing(server, tmp_path):
    root = tmp_path / "raw"
    bad = RawFile("t", "a/plain.csv", "0" * 64, len(PLAIN), url=f"{server}/plain.csv")
    with pytest.raises(DataError, match=r"data/raw/a/plain.csv: checksum mismatch.*nothing was written"):
        fetch_files([bad], root, log=lambda m: None)
    assert not (root / "a/plain.csv").exists()
    _no_partials(root)


def test_download_404_is_a_clear_error(server, tmp_path):
    root = tmp_path / "raw"
    missing = RawFile("t", "a/gone.csv", "0" * 64, 1, url=f"{server}/gone.csv")
    with pytest.raises(DataError, match=r"data/raw/a/gone.csv: download from .*/gone.csv failed \(404"):
        fetch_files([missing], root, log=lambda m: None)
    assert not (root / "a/gone.csv").exists()
    _no_partials(root)


def test_connection_refused_is_a_clear_error(tmp_path):
    f = RawFile("t", "x.csv", "0" * 64, 1, url="http://127.0.0.1:9/x.csv")
    with pytest.raises(DataError, match=r"data/raw/x.csv: cannot reach 127.0.0.1:9 .*nothing was written"):
        fetch_files([f], tmp_path, log=lambda m: None)


def test_derived_file_without_url_asks_for_the_mirror(tmp_path):
    f = RawFile("t", "commits/commits.csv.gz", "0" * 64, 1, url=None, note="derived upstream (git log)")
    with pytest.raises(DataError, match=r"no download URL.*derived upstream \(git log\).*--mirror"):
        fetch_files([f], tmp_path, log=lambda m: None)


def test_corrupt_existing_file_is_replaced(server, tmp_path):
    root = tmp_path / "raw"
    (root / "a").mkdir(parents=True)
    (root / "a/plain.csv").write_bytes(PLAIN[:-5])  # truncated
    counts = fetch_files(_files(server)[:1], root, log=lambda m: None)
    assert counts["downloaded"] == 1
    assert (root / "a/plain.csv").read_bytes() == PLAIN


def _mini_project(tmp_path: Path, files: list[RawFile]):
    project = data_project(tmp_path / "proj")
    sources = {
        "version": 1,
        "sources": [
            {
                "id": "t",
                "description": "test",
                "licence": "none",
                "upstream": "",
                "files": [
                    {"path": f.path, "sha256": f.sha256, "bytes": f.bytes, "url": f.url, "gzip": f.gzip}
                    for f in files
                ],
            }
        ],
    }
    (project.data / "sources.yml").write_text(yaml.safe_dump(sources), encoding="utf-8")
    return project


def test_mirror_copy_and_errors(server, tmp_path, monkeypatch):
    files = _files(server)
    project = _mini_project(tmp_path, files)
    mirror = tmp_path / "mirror"
    (mirror / "a").mkdir(parents=True)
    (mirror / "a/plain.csv").write_bytes(PLAIN)
    with pytest.raises(DataError, match=r"data/raw/b/data.jsonl.gz: not found in the mirror"):
        fetch(project, mirror=mirror, log=lambda m: None)
    (mirror / "b").mkdir()
    (mirror / "b/data.jsonl.gz").write_bytes(_gz(JSONL)[:-10])  # truncated in the mirror
    with pytest.raises(DataError, match=r"data/raw/b/data.jsonl.gz: checksum mismatch"):
        fetch(project, mirror=mirror, log=lambda m: None)
    assert not (project.data / "raw/b/data.jsonl.gz").exists()
    _no_partials(project.data / "raw")
    (mirror / "b/data.jsonl.gz").write_bytes(_gz(JSONL))
    assert fetch(project, mirror=mirror, log=lambda m: None) == {"skipped": 1, "copied": 1, "downloaded": 0}
    with pytest.raises(DataError, match="no source 'nope'"):
        fetch(project, mirror=mirror, only="nope")


def test_cli_fetch_errors_exit_2(server, tmp_path, monkeypatch, capsys):
    project = _mini_project(tmp_path, [RawFile("t", "a/gone.csv", "0" * 64, 1, url=f"{server}/gone.csv")])
    monkeypatch.setenv("CHIPSHOCK_ROOT", str(project.root))
    assert main(["data", "fetch", "--only", "t"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("chipshock: error: data/raw/a/gone.csv: download from")
    assert main(["data", "fetch", "--mirror", str(tmp_path / "nowhere")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_sources_yml_lists_every_source_and_pins_urls():
    sources = {s.id: s for s in load_sources(Project(REPO))}
    assert set(sources) == {
        "commits", "agora", "osir_lmts", "epoch", "github_ranking", "paperlists", "cset", "gharchive_stats",
        "github_ranking_evanli", "miit_cac_tc260", "smart_tech_cn_sd", "gov_doc_lists", "istat_patents",
        "patentworld",
    }
    for s in sources.values():
        assert s.licence and s.description
        for f in s.files:
            assert len(f.sha256) == 64 and f.bytes > 0
            if f.url:
                assert f.url.startswith("https://raw.githubusercontent.com/")
                assert any(len(part) == 40 for part in f.url.split("/")), f.url  # pinned to a commit
            else:
                assert f.note
    no_url = {f.path for s in sources.values() for f in s.files if not f.url}
    assert no_url == {
        "commits/commits.csv.gz",
        "commits/repos.csv",
        "policy/agora/fulltext.jsonl.gz",
        "github-ranking/daily.csv.gz",
        "gharchive-stats/daily.jsonl.gz",
        "github-ranking-evanli/llm_repos_daily.csv.gz",
        "policy/miit-cac-tc260/documents.csv",
        "policy/miit-cac-tc260/fulltext.jsonl.gz",
        "policy/smart-tech-cn-sd/documents.csv",
        "policy/smart-tech-cn-sd/fulltext.jsonl.gz",
        "policy/gov-doc-lists/documents.csv.gz",
        "patents/istat-ai-patents-sample/abstracts.jsonl.gz",
    }


@pytest.mark.skipif(not (MIRROR / "MANIFEST.csv").is_file(), reason=f"data mirror {MIRROR} not present")
def test_sources_yml_matches_the_mirror_manifest():
    import csv

    manifest = {r["path"]: r for r in csv.DictReader((MIRROR / "MANIFEST.csv").open(encoding="utf-8"))}
    files = {f.path: f for s in load_sources(Project(REPO)) for f in s.files}
    assert set(files) == set(manifest)
    for path, f in files.items():
        assert (f.sha256, f.bytes) == (manifest[path]["sha256"], int(manifest[path]["bytes"]))
        if f.url:
            assert f.gzip == (path.endswith(".gz") and not manifest[path]["source_path"].endswith(".gz"))


@pytest.mark.skipif(not MIRROR.is_dir(), reason=f"data mirror {MIRROR} not present")
def test_fetch_one_source_from_the_real_mirror(tmp_path):
    project = data_project(tmp_path)
    counts = fetch(project, mirror=MIRROR, only="epoch", log=lambda m: None)
    assert counts == {"skipped": 0, "copied": 2, "downloaded": 0}
    assert sorted(p.name for p in (project.data / "raw/models/epoch").iterdir()) == [
        "all_ai_models_2025-03.csv",
        "all_ml_systems_2024-11.csv",
    ]
