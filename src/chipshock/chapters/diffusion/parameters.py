"""What chapter `diffusion` takes: its parameters and the data files it reads."""

from __future__ import annotations

import datetime as dt
from typing import Any

from chipshock.data.catalog import MODEL_RELEASES, REPO_KIND, REPO_OWNER_ORIGIN
from chipshock.params import Param, ParamSpec

INPUTS = ("data/processed/hf_models.parquet", "data/processed/github_ranking.parquet",
          "data/processed/llm_repos_daily.parquet",
          "data/processed/epoch_models.parquet", "data/processed/CHECKSUMS", MODEL_RELEASES,
          REPO_OWNER_ORIGIN, REPO_KIND, "data/curated/model_repo_base.csv")


OWNER_ORIGINS = ("CN", "US", "other", "unknown")
HUB_METRICS = {"downloads": "downloads_last_month", "likes": "likes", "descendants": "descendants"}


REPO_METRICS = ("forks", "stars")
ESTIMATORS = {"ols_level": "OLS, levels", "ols_asinh": "OLS, asinh(y)"}
REPO_KINDS = ("model", "infrastructure", "application", "resource")
REPO_PANELS = {"listed": "every repository listed in the window, flows while listed",
               "both_sides": "repositories listed at least 4 weeks on each side of the shock",
               "balanced": "repositories listed in every week of the window"}


GITHUB_FIRST, GITHUB_LAST = "2023-05-18", "2026-08-22"


HUB_SECOND, HUB_PENULTIMATE = dt.date(2024, 12, 13), dt.date(2025, 8, 7)


def _check(values: dict[str, Any]) -> str | None:
    start, end = values["start_date"], values["end_date"]
    if start >= end:
        return f"parameter 'start_date' ({start}) must be before 'end_date' ({end})"
    outside = [s.isoformat() for s in values["shocks"] if not start < s < end]
    if outside:
        return (f"shock(s) {', '.join(outside)} fall outside the date range {start} to {end}; "
                "widen 'start_date'/'end_date' or drop the shock")
    if start > HUB_PENULTIMATE or end < HUB_SECOND:
        return (f"the date range {start} to {end} holds fewer than two Hugging Face crawls "
                f"(monthly, 2024-11-14 to 2025-09-07); it must start on or before {HUB_PENULTIMATE} "
                f"and end on or after {HUB_SECOND}")
    if not {"CN", "US"} <= set(values["origins"]):
        return "parameter 'origins' must include CN and US (the comparison of the chapter); add them"
    return None


PARAMS = ParamSpec(
    params=(
        Param("origins", "list[str]", ["CN", "US", "other"],
              "publisher / owner origins shown in charts and tables", choices=OWNER_ORIGINS, min_items=2),
        Param("metric", "str", "downloads", "hub measure: downloads (30-day window), likes or "
              "descendants (model-tree size)", choices=tuple(HUB_METRICS)),
        Param("repo_metric", "str", "forks", "GitHub measure whose daily flow is analysed",
              choices=REPO_METRICS),
        Param("balanced", "bool", True, "hubs: headline on the balanced panel (publishers present "
              "in every crawl, with all their models) instead of the full one"),
        Param("repo_panel", "str", "listed", "GitHub: which repositories enter a shock window: listed "
              "(every one listed in it; flows while listed), both_sides (4+ weeks on each side) or "
              "balanced (every week)", choices=tuple(REPO_PANELS)),
        Param("repo_kinds", "list[str]", ["model", "infrastructure"], "GitHub: repository kinds "
              "analysed (model, infrastructure, application, resource: lists and courses)",
              choices=REPO_KINDS),
        Param("start_date", "date", GITHUB_FIRST, "first day shown and used (hub crawls and GitHub)",
              min=GITHUB_FIRST, max=GITHUB_LAST),
        Param("end_date", "date", GITHUB_LAST, "last day shown and used (hub crawls and GitHub)",
              min=GITHUB_FIRST, max=GITHUB_LAST),
        Param("shocks", "list[date]", ["2023-10-17", "2024-12-02"],
              "export-control shock dates (inside the GitHub panel)", min=GITHUB_FIRST, max=GITHUB_LAST),
        Param("window_weeks", "int", 20, "weeks before and after each shock in its window", min=4, max=52),
        Param("top_n", "int", 100, "GitHub: keep repositories ranked this high or better in the "
              "LLM topic list", min=10, max=100),
        Param("estimator", "str", "ols_level", "GitHub difference-in-differences estimator",
              choices=tuple(ESTIMATORS)),
        Param("epoch_export", "str", "2025-03", "Epoch AI export (different views, never stacked)",
              choices=("2025-03", "2024-11")),
    ),
    checks=(_check,),
)
