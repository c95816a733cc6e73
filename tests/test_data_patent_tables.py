"""istat_patents and the patentworld_ai_* tables: schemas, row counts against the mirror's MANIFEST,
no abstracts kept, the model-family flags, determinism."""

from __future__ import annotations

import pandas as pd
import pytest
from data_fixtures import MIRROR, REPO
from data_fixtures.new_sources import committed_digest, manifest_rows, rebuild

from chipshock.data.build import TABLES, load
from chipshock.data.dictionaries import MODEL_FAMILIES
from chipshock.paths import Project

needs_mirror = pytest.mark.skipif(not MIRROR.is_dir(), reason=f"data mirror {MIRROR} not present")
PW = "patents/patentworld-ai/"
NAMES = ["istat_patents", "patentworld_ai_years", "patentworld_ai_by_year", "patentworld_ai_assignees",
         "patentworld_ai_geography", "patentworld_ai_strategies"]


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return {name: load(Project(REPO), name) for name in NAMES}


def test_schemas_and_columns(tables):
    for name, df in tables.items():
        assert list(df.columns) == list(TABLES[name].SCHEMA.columns), name


@needs_mirror
def test_row_counts_match_the_manifest(tables):
    istat = manifest_rows("patents/istat-ai-patents-sample/abstracts.jsonl.gz")
    assert len(tables["istat_patents"]) == istat == 8806
    assert len(tables["patentworld_ai_years"]) == manifest_rows(PW + "ai_patents_per_year.json") == 50
    by_year = tables["patentworld_ai_by_year"]
    files = {"subfield": "ai_by_subfield.json", "assignee_category": "ai_assignee_type.json",
             "organization": "ai_org_over_time.json"}
    for dimension, file in files.items():
        assert (by_year["dimension"] == dimension).sum() == manifest_rows(PW + file), dimension
    assert len(tables["patentworld_ai_assignees"]) == manifest_rows(PW + "ai_top_assignees.json") == 50
    assert len(tables["patentworld_ai_geography"]) == manifest_rows(PW + "ai_geography.json") == 100
    assert len(tables["patentworld_ai_strategies"]) == manifest_rows(PW + "ai_strategies.json") == 190


def test_istat_patents_keep_no_abstract_and_match_the_readme(tables):
    df = tables["istat_patents"]
    assert not {"abstract", "claims", "description"} & set(df.columns)
    assert (df["country"] == "US").sum() == 8411
    counts = df["year"].value_counts()
    assert counts.loc[2000:2023].eq(365).all() and counts[2024] == 46
    assert (df["patent_id"].str.slice(0, 3) == df["country"] + "-").all()
    assert df["abstract_words"].gt(0).sum() == df["has_abstract"].sum()
    assert set(df.columns) >= {f"mentions_{n}" for n in MODEL_FAMILIES}
    # titles and abstracts of 2000-2024 keyword-found patents name no model family: a true zero
    assert not df[[f"mentions_{n}" for n in MODEL_FAMILIES]].any().any()


def test_patentworld_known_values(tables):
    years = tables["patentworld_ai_years"].set_index("year")
    assert years.loc[2023, "ai_patents"] == 29624 and years.loc[2022, "ai_patents"] == 27433
    assert years.loc[2025, "total_patents"] == 245406
    top = tables["patentworld_ai_assignees"].set_index("organization")
    assert top.loc["International Business Machines Corporation", "rank"] == 1
    assert top.loc["Huawei Technologies Co., Ltd.", "ai_patents"] == 940
    geo = tables["patentworld_ai_geography"]
    assert geo.loc[geo["country"] == "CN", "ai_patents"].sum() == 15596
    assert geo.loc[geo["country"] == "US", "state"].notna().all()
    by_year = tables["patentworld_ai_by_year"]
    assert by_year.loc[by_year["dimension"] == "organization", "category"].nunique() == 15


@needs_mirror
def test_rebuilt_from_raw_byte_identical_and_deterministic(tmp_path):
    for name, (df, digests) in rebuild(tmp_path, NAMES).items():
        assert digests[0] == digests[1] == committed_digest(name), name
        assert len(df) > 0
