"""What chapter `developers` takes: its parameters and the data files it reads."""

from __future__ import annotations

from typing import Any

from chipshock.data.catalog import MODEL_RELEASES
from chipshock.data.paper import PAPER_SHOCKS
from chipshock.errors import UserError
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


REGION_CHOICES = ("CN", "US", "EU", "other")
COPY_RULES = ("drop", "keep")
WINDOW_RULES = ("drop_later", "truncate", "overlap")  # chipshock.econometrics.windows.RULES


def _check_regions(values: dict[str, Any]) -> str | None:
    treated, control = values["treated_region"], values["control_region"]
    if treated == control:
        return (f"treated_region and control_region are both {treated!r}: the comparison needs two "
                "different regions (e.g. -p treated_region CN -p control_region US)")
    hour_based = values["source"] == "gharchive" or values["geo_proxy"].startswith("hour")
    if hour_based and {treated, control} - {"CN", "US"}:
        return ("the clock rule (geo_proxy=hour, or source=gharchive) knows only CN and US: with it use "
                "treated_region CN and control_region US, or use a time-zone proxy (geo_proxy=tz)")
    return None


def _check_holidays(values: dict[str, Any]) -> str | None:
    if values["holiday_controls"] and values["period"] != "week":
        return ("holiday-week controls need a weekly panel: with period=month set "
                "-p holiday_controls false")
    return None


class NoEstimableShock(UserError):
    """No shock has enough repositories and commits under these parameters (declared here, in the
    light module the pipeline loads, so that a notebook raising it is recognised as a user error)."""

    def __init__(self, ident: Any) -> None:
        why = "; ".join(f"{shock}: {reason}" for shock, reason in ident["why not"].items())
        super().__init__(f"no shock can be estimated with these parameters ({why}); lower "
                         "'min_repos' or 'min_pre_periods', widen 'window_weeks' or add 'repo_groups'")


def extra_inputs(params_plain: dict[str, Any]) -> tuple[str, ...]:
    """The GH Archive table, when the chapter reads it (so that the cache sees it change)."""
    return (params_plain["gharchive_path"],) if params_plain.get("source") == "gharchive" else ()


GITHUB_DEVELOPERS = "data/curated/github_developers.csv"
INPUTS = ("data/processed/commits.parquet", "data/processed/repositories.parquet",
          "data/processed/gharchive_daily_hours.parquet", "data/processed/CHECKSUMS", MODEL_RELEASES,
          "data/curated/policy_events.csv", GITHUB_DEVELOPERS)


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
        Param("release_window_weeks", "int", 0, "drop the weeks within this many weeks of a major Chinese "
              "or U.S. open-weight release (data/curated); 0 keeps every week (the chapter shows each "
              "shock with 1)", min=0, max=8),
        Param("min_pre_periods", "int", 8, "periods of history a repository needs before a shock",
              min=0, max=104),
        Param("min_repos", "int", 5, "repositories a shock needs to be estimated", min=2, max=80),
        Param("treated_region", "str", "CN", "region compared (EU: UTC+01:00 to +03:00; other: the "
              "remaining offsets)", choices=REGION_CHOICES),
        Param("control_region", "str", "US", "region it is compared with", choices=REGION_CHOICES),
        Param("copies", "str", "drop", "drop: count a commit once per repository, author and author "
              "time (rebased and cherry-picked copies out); keep: every hash", choices=COPY_RULES),
        Param("shock_windows", "str", "drop_later", "drop_later: leave out of the pool a shock whose "
              "window meets an earlier one's; truncate: cut windows at the neighbouring shocks; "
              "overlap: full windows (the paper's)", choices=WINDOW_RULES),
        Param("holiday_controls", "bool", True, "region x public-holiday-week controls (China, U.S.; "
              "weekly panels only)"),
        Param("ri_draws", "int", 999, "sign-flip test draws (all sign vectors when fewer)", min=99,
              max=99_999),
        Param("ri_seed", "int", 0, "seed of the sign-flip draws", min=0, max=2**31 - 1),
        Param("source", "str", "commits", "commits: the git histories; gharchive: GH Archive fork events "
              "(the paper's measure; needs `chipshock data gharchive` or a BigQuery export)",
              choices=SOURCES),
        Param("gharchive_path", "str", "data/raw/gharchive/gharchive_weekly.parquet",
              "GH Archive table, read when source is gharchive "
              "(combined parquet, run folder or BigQuery export)"),
    ),
    checks=(_check_source, _check_regions, _check_holidays),
)
