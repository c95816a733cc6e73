"""gharchive_daily, gharchive_daily_events, gharchive_daily_hours and llm_repos_daily: schemas, row
counts against the mirror's MANIFEST, known values, determinism."""

from __future__ import annotations

import pandas as pd
import pytest
from data_fixtures import MIRROR, REPO
from data_fixtures.new_sources import committed_digest, manifest_rows, rebuild

from chipshock.data.build import TABLES, load
from chipshock.paths import Project

needs_mirror = pytest.mark.skipif(not MIRROR.is_dir(), reason=f"data mirror {MIRROR} not present")
NAMES = ["gharchive_daily", "gharchive_daily_events", "gharchive_daily_hours", "llm_repos_daily"]


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return {name: load(Project(REPO), name) for name in NAMES}


def test_schemas_and_columns(tables):
    for name, df in tables.items():
        assert list(df.columns) == list(TABLES[name].SCHEMA.columns), name
    assert list(tables["gharchive_daily_hours"].columns) == ["date", "hour", "events", "file_count"]


@needs_mirror
def test_row_counts_match_the_manifest(tables):
    days, events, hours = (tables[n] for n in NAMES[:3])
    assert len(days) == manifest_rows("gharchive-stats/daily.jsonl.gz") == 4000
    repos = manifest_rows("github-ranking-evanli/llm_repos_daily.csv.gz")
    assert len(tables["llm_repos_daily"]) == repos == 13160
    assert len(hours) == int(days["n_hours"].sum()) == 95678
    assert len(events) == int(days["n_event_types"].sum()) == 57937


def test_gharchive_days_hours_and_types_agree(tables):
    days, events, hours = (tables[n] for n in NAMES[:3])
    assert days["date"].diff().dropna().eq(pd.Timedelta(days=1)).all()  # every day, none missing
    assert days["date"].min() == pd.Timestamp("2015-01-01")
    assert days["date"].max() == pd.Timestamp("2025-12-13")
    by_day = days.set_index("date")["events"]
    assert events.groupby("date")["events"].sum().eq(by_day[by_day > 0]).all()
    assert hours.groupby("date")["events"].sum().eq(by_day[by_day > 0]).all()  # hour totals = type totals
    assert int((days["file_count"] < 24).sum()) == 23
    assert days.loc[days["date"] == "2025-06-12", "file_count"].item() == 22
    fork = events[(events["date"] == "2022-10-07") & (events["event_type"] == "ForkEvent")]
    assert fork["events"].item() == 58756
    assert hours["hour"].between(0, 23).all()


def test_llm_repos_are_stocks_per_repo_and_day(tables):
    df = tables["llm_repos_daily"]
    assert df["repo"].nunique() == 27
    assert not df.duplicated(["repo", "date"]).any()
    hf = df[df["repo"] == "huggingface/transformers"]
    # from 2019-09-26 (the mirror's README says 2022-01-01; the file starts earlier)
    assert hf["date"].min() == pd.Timestamp("2019-09-26") and len(hf) == 2190
    assert hf["stars"].is_monotonic_increasing or hf["stars"].diff().dropna().lt(0).mean() < 0.05
    assert {"last_commit", "source_path", "source_blob"}.isdisjoint(df.columns)


@needs_mirror
def test_rebuilt_from_raw_byte_identical_and_deterministic(tmp_path):
    for name, (df, digests) in rebuild(tmp_path, NAMES).items():
        assert digests[0] == digests[1] == committed_digest(name), name
        assert len(df) > 0
