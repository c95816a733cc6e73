"""What chapter `developers` takes: its parameters and the data files it reads."""

from __future__ import annotations

from typing import Any

from chipshock.data.catalog import MODEL_RELEASES
from chipshock.data.paper import PAPER_SHOCKS
from chipshock.measures.vocabulary import GEO_PROXIES, OUTCOMES, PERIODS, UNITS
from chipshock.params import Param, ParamSpec

ESTIMATOR_LABELS = {"ols_level": "OLS, levels", "ols_log": "OLS, log(1+y)", "ppml": "Poisson PML"}
SOURCES = ("commits", "gharchive")


GHARCHIVE_OUTCOMES = {"commits": "events", "active_authors": "actors"}


def _check_source(values: dict[str, Any]) -> str | None:
    if values["source"] != "gharchive":
        return None
    if values["outcome"] not in GHARCHIVE_OUTCOMES:
        return ("with source=gharchive the outcome is fork events ('commits') or distinct actors "
                f"('active_authors'); GH Archive has no first contributions, so not {values['outcome']!r}")
    if values["period"] != "week":
        return "with source=gharchive the panel is weekly: use period=week"
    if not values["geo_proxy"].startswith("hour"):
        return ("GH Archive events carry no time zone: with source=gharchive use geo_proxy=hour, the "
                "paper's clock rule (the cut-off is 'hour_cutoff_utc'), or start from "
                "`-f params/developers-gharchive.yml`")
    return None


def extra_inputs(params_plain: dict[str, Any]) -> tuple[str, ...]:
    """The GH Archive table, when the chapter reads it (so that the cache sees it change)."""
    return (params_plain["gharchive_path"],) if params_plain.get("source") == "gharchive" else ()


INPUTS = ("data/processed/commits.parquet", "data/processed/repositories.parquet",
          "data/processed/CHECKSUMS", MODEL_RELEASES)


PARAMS = ParamSpec(
    params=(
        Param("shocks", "list[date]", list(PAPER_SHOCKS), "export-control shock dates",
              min="2018-01-01", max="2026-06-30"),
        Param("window_weeks", "int", 26, "weeks before and after each shock in its window", min=4, max=104),
        Param("period", "str", "week", "panel period", choices=PERIODS),
        Param("outcome", "str", "commits", "what is counted per repository, period and region",
              choices=OUTCOMES),
        Param("unit", "str", "work", "work: commits on every ref (pull requests included); "
              "merged: default-branch commits", choices=UNITS),
        Param("geo_proxy", "str", "tz", "how a commit's region is inferred", choices=GEO_PROXIES),
        Param("hour_cutoff_utc", "int", 17, "the clock rule: before this UTC hour is China-linked",
              min=1, max=23),
        Param("repo_groups", "list[str]", ["A", "B", "C"],
              "repository origin groups: A China-origin, B U.S.-origin, C shared", choices=("A", "B", "C")),
        Param("estimator", "str", "ols_level", "headline estimator", choices=tuple(ESTIMATOR_LABELS)),
        Param("exclude_release_weeks", "bool", False,
              "drop periods that contain a major open-weight release (data/curated)"),
        Param("min_pre_periods", "int", 8, "periods of history a repository needs before a shock",
              min=0, max=104),
        Param("min_repos", "int", 5, "repositories a shock needs to be estimated", min=2, max=80),
        Param("source", "str", "commits", "commits: the git histories; gharchive: GH Archive fork events "
              "(the paper's measure; needs `chipshock data gharchive` or a BigQuery export)",
              choices=SOURCES),
        Param("gharchive_path", "str", "data/raw/gharchive/gharchive_weekly.parquet",
              "GH Archive table, read when source is gharchive "
              "(combined parquet, run folder or BigQuery export)"),
    ),
    checks=(_check_source,),
)
