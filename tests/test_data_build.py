"""`chipshock data build` and `load`: checksums, schemas, bad input, no half-written output, reproduction."""

from __future__ import annotations

import filecmp
from pathlib import Path

import pandas as pd
import pytest
from data_fixtures import MIRROR, REPO, data_project

from chipshock.cli import main
from chipshock.data.atomic import file_digest
from chipshock.data.build import (
    CHECKSUMS,
    TABLES,
    build_all,
    load,
    processed_dir,
    read_checksums,
    write_parquet,
)
from chipshock.data.fetch import fetch
from chipshock.errors import DataError
from chipshock.paths import Project

needs_mirror = pytest.mark.skipif(not MIRROR.is_dir(), reason=f"data mirror {MIRROR} not present")
FETCH = "chipshock data fetch --mirror ../shared/data"


def _snapshot(folder: Path) -> dict[str, str]:
    return {p.name: file_digest(p) for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def committed() -> Project:
    return Project(REPO)


def test_committed_tables_load_and_match_their_schemas(committed):
    sums = read_checksums(committed)
    assert set(sums) == {f"{n}.parquet" for n in TABLES} | {"DATASETS.md"}
    for name in TABLES:
        df = load(committed, name)
        assert len(df) > 0, name
        assert list(df.columns) == list(TABLES[name].SCHEMA.columns), name


def test_processed_tables_have_no_raw_text_names_or_emails(committed):
    policy = load(committed, "policy_documents")
    assert "text" not in policy.columns and policy["word_count"].max() > 1000
    commits = load(committed, "commits")
    assert not {"author_domain", "committer_domain", "author_email"} & set(commits.columns)
    assert commits["author_id"].str.len().eq(16).all()
    assert commits["author_id"].nunique() == 19566
    papers = load(committed, "papers")
    assert not {"author", "aff", "abstract", "aff_domain"} & set(papers.columns)


def test_datasets_md_describes_every_table(committed):
    text = (processed_dir(committed) / "DATASETS.md").read_text(encoding="utf-8")
    sums = read_checksums(committed)
    for name in TABLES:
        rows = len(load(committed, name))
        assert f"| `{name}.parquet` | {rows:,} |" in text
        assert sums[f"{name}.parquet"][:12] in text
    assert "#" not in [line[:1] for line in text.splitlines()]  # no headings: it is included in a page


def test_missing_raw_data_names_the_file_and_the_fetch(tmp_path, monkeypatch, capsys):
    project = data_project(tmp_path)
    with pytest.raises(DataError, match=rf"raw file data/raw/commits/commits.csv.gz is missing; .*`{FETCH}`"):
        build_all(project, log=lambda m: None)
    monkeypatch.setenv("CHIPSHOCK_ROOT", str(project.root))
    assert main(["data", "build"]) == 2
    assert capsys.readouterr().err.startswith("chipshock: error: raw file data/raw/commits/commits.csv.gz")
    assert not processed_dir(project).exists() or not any(processed_dir(project).iterdir())


@needs_mirror
def test_corrupt_or_truncated_raw_file(tmp_path):
    project = data_project(tmp_path)
    fetch(project, mirror=MIRROR, log=lambda m: None)
    raw = project.data / "raw/policy/agora/documents.csv"
    raw.write_bytes(raw.read_bytes()[:-100])  # truncated
    other = project.data / "raw/policy/agora/authorities.csv"
    other.write_bytes(other.read_bytes()[:-10])
    with pytest.raises(DataError) as bad:
        build_all(project, log=lambda m: None)
    for rel in ("documents.csv", "authorities.csv"):  # every corrupt file is named, not just the first
        assert f"raw file data/raw/policy/agora/{rel} is corrupt or truncated" in str(bad.value)
    assert str(bad.value).endswith(f"`{FETCH}`")
    other.unlink()
    gz = project.data / "raw/hf/osir-lmts/data/2025-01-14/HuggingFace/raw-models-info.jsonl.gz"
    data = bytearray(gz.read_bytes())
    data[100] ^= 0xFF  # one flipped byte, same size
    gz.write_bytes(bytes(data))
    assert fetch(project, mirror=MIRROR, log=lambda m: None) == {"skipped": 80, "copied": 3, "downloaded": 0}


def test_processed_checksum_mismatch(tmp_path):
    project = data_project(tmp_path, processed=True)
    target = processed_dir(project) / "epoch_models.parquet"
    target.write_bytes(target.read_bytes() + b"x")
    msg = r"data/processed/epoch_models.parquet does not match data/processed/CHECKSUMS.*"
    with pytest.raises(DataError, match=msg + r"fetch --mirror ../shared/data` then `chipshock data build`"):
        load(project, "epoch_models")  # no raw data here: fetch, then build
    for rel in TABLES["epoch_models"].RAW:  # raw files present (content is not checked by load)
        (project.data / "raw" / rel).parent.mkdir(parents=True, exist_ok=True)
        (project.data / "raw" / rel).write_text("x")
    with pytest.raises(DataError, match=msg + r"rebuild it with `chipshock data build`"):
        load(project, "epoch_models")
    assert len(load(project, "repositories")) == 82  # the other tables still load


def test_processed_schema_mismatch(tmp_path):
    project = data_project(tmp_path, processed=True)
    folder = processed_dir(project)
    df = load(project, "epoch_models")
    df["open_weights"] = df["open_weights"].astype(str)  # wrong type
    write_parquet(df, folder / "epoch_models.parquet")
    sums = (folder / CHECKSUMS).read_text().splitlines()
    sums = [
        f"{file_digest(folder / 'epoch_models.parquet')}  epoch_models.parquet"
        if line.endswith("  epoch_models.parquet")
        else line
        for line in sums
    ]
    (folder / CHECKSUMS).write_text("\n".join(sums) + "\n")
    with pytest.raises(
        DataError,
        match=r"data/processed/epoch_models.parquet does not match the epoch_models "
        r"schema.*open_weights.*`chipshock data build`",
    ):
        load(project, "epoch_models")


def test_missing_processed_file_and_unknown_table(tmp_path):
    project = data_project(tmp_path, processed=True)
    (processed_dir(project) / "papers.parquet").unlink()
    with pytest.raises(DataError, match=r"data/processed/papers.parquet is missing"):
        load(project, "papers")
    with pytest.raises(DataError, match="no processed table 'nope'"):
        load(project, "nope")
    (processed_dir(project) / CHECKSUMS).unlink()
    with pytest.raises(DataError, match=r"data/processed/CHECKSUMS is missing"):
        load(project, "repositories")


@needs_mirror
def test_failure_mid_build_leaves_processed_intact(tmp_path, monkeypatch):
    project = data_project(tmp_path, processed=True)
    fetch(project, mirror=MIRROR, log=lambda m: None)
    before = _snapshot(processed_dir(project))

    def boom(*args, **kwargs) -> pd.DataFrame:
        raise RuntimeError("simulated failure in the middle of the build")

    monkeypatch.setattr(TABLES["repositories"], "build", boom)  # after commits.parquet was staged
    with pytest.raises(RuntimeError, match="simulated failure"):
        build_all(project, log=lambda m: None)
    assert _snapshot(processed_dir(project)) == before
    assert not [p for p in processed_dir(project).iterdir() if p.name.endswith(".part")]


@pytest.mark.slow
@needs_mirror
def test_fetch_and_build_reproduce_the_committed_data(tmp_path, monkeypatch, capsys):
    """From a fresh state, fetch from the mirror and build: data/processed/ byte for byte."""
    project = data_project(tmp_path)
    monkeypatch.setenv("CHIPSHOCK_ROOT", str(project.root))
    assert main(["data", "fetch", "--mirror", str(MIRROR)]) == 0
    assert main(["data", "fetch", "--mirror", str(MIRROR)]) == 0
    assert "83 skipped" in capsys.readouterr().out  # the second run only verifies
    assert main(["data", "build"]) == 0
    ours, theirs = processed_dir(project), processed_dir(Project(REPO))
    names = sorted(p.name for p in theirs.iterdir())
    assert names == sorted(p.name for p in ours.iterdir())
    _match, mismatch, errors = filecmp.cmpfiles(theirs, ours, names, shallow=False)
    assert (mismatch, errors) == ([], [])
