"""GH Archive: the paper's own measure, fork (and other) events per repository-week and UTC hour.

Local pipeline (a few months on one machine)::

    chipshock data gharchive --start 2023-09-01 --end 2023-12-31 --repos data/gharchive_repos.yml \\
        [--events ForkEvent,WatchEvent] [--out data/raw/gharchive] [--workers 2]

streams every hourly file ``https://data.gharchive.org/YYYY-MM-DD-H.json.gz`` (gzip → lines, never
whole in memory), keeps the events of the listed repositories and writes one parquet partition per
hour, ``DIR/events/date=YYYY-MM-DD/YYYY-MM-DD-H.parquet``, at the (repo id, name, event type, week,
hour, actor id) grain, so distinct actors stay exact when partitions are combined. Actor ids are
public GitHub ids but stay in DIR (default data/raw/gharchive, git-ignored); the combined table
``DIR/gharchive_weekly.parquet`` has counts only. ``DIR/manifest.jsonl`` lists the done hours (a
rerun skips them), ``DIR/failed_hours.csv`` the hours that are missing upstream (404), corrupt
(truncated gzip, mostly invalid lines) or failed after retries.

Renamed repositories are followed by numeric id: a listed name's id is the listed ``id:`` or that
of the earliest event under the name; every hour is filtered with every id known (hours processed
before an id was learned are re-filtered, so renames in either direction are exact). The repo's
``repo`` is the latest name seen.

Full period (2021–2025): sql/gharchive_bigquery.sql runs the same aggregation on BigQuery's public
``githubarchive`` dataset; ``load_gharchive`` reads its CSV/parquet export into the same shape.

For the developers chapter::

    from chipshock.data.gharchive import load_gharchive, to_region_panel
    weekly = load_gharchive("data/raw/gharchive")  # or the BigQuery export, or gharchive_weekly.parquet
    panel = to_region_panel(weekly, event_type="ForkEvent", cutoff=17)
    # columns repo, period, region ("CN" before 17:00 UTC, else "US"), events, actors; zero cells kept:
    # chipshock.econometrics.did.stack(panel, shocks, window, Design(outcome="events")) runs unchanged.
"""

from __future__ import annotations

from chipshock.data.gharchive.spec import DEFAULT_EVENTS, EVENT_TYPES, Repo, read_repo_list
from chipshock.data.gharchive.sql import render_sql, select_aliases

__all__ = [
    "COLUMNS",
    "DEFAULT_EVENTS",
    "EVENT_TYPES",
    "Repo",
    "combine",
    "load_bigquery_export",
    "load_gharchive",
    "read_repo_list",
    "render_sql",
    "select_aliases",
    "to_region_panel",
]


def __getattr__(name: str):  # pandas-based helpers load lazily (workers do not need pandas)
    if name in ("COLUMNS", "combine", "load_bigquery_export", "load_gharchive", "to_region_panel",
                "write_combined"):
        from chipshock.data.gharchive import tables

        return getattr(tables, name)
    raise AttributeError(name)
