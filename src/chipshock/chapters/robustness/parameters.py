"""What chapter `robustness` takes: its parameters and the data files it reads."""

from __future__ import annotations

from chipshock.chapters.developers.parameters import COPY_RULES, ESTIMATOR_LABELS, WINDOW_RULES
from chipshock.chapters.developers.parameters import INPUTS as DEVELOPERS_INPUTS
from chipshock.data.paper import PAPER_SHOCKS
from chipshock.measures.vocabulary import GEO_PROXIES, OUTCOMES, PERIODS, UNITS
from chipshock.params import Param, ParamSpec

SHOCK_SETS = {
    "all": list(PAPER_SHOCKS),
    "2022": list(PAPER_SHOCKS[:2]),
    "2023-2024": list(PAPER_SHOCKS[2:]),
    "bis": list(PAPER_SHOCKS[1:]),
}

GROUP_SETS = ("ABC", "AB", "AC", "BC", "A", "B", "C")
TZ_PROXIES = tuple(g for g in GEO_PROXIES if not g.startswith("hour"))
CLOCK_PROXY = "hour"
CONTROLS = ("US", "EU")
HOLIDAY_RULES = ("on", "off")
INPUTS = DEVELOPERS_INPUTS


PARAMS = ParamSpec(params=(
    Param("geo_proxies", "list[str]", ["tz", "tz_email"],
          "time-zone proxies in the headline curve (the paper's clock proxy has its own curve)",
          choices=TZ_PROXIES),
    Param("units", "list[str]", list(UNITS), "counting units in the curve", choices=UNITS),
    Param("copy_rules", "list[str]", list(COPY_RULES), "rebased and cherry-picked copies: drop or keep",
          choices=COPY_RULES),
    Param("outcomes", "list[str]", list(OUTCOMES), "outcomes in the curve", choices=OUTCOMES),
    Param("periods", "list[str]", list(PERIODS), "panel periods in the curve", choices=PERIODS),
    Param("windows", "list[int]", [26], "windows (weeks either side) in the curve", min=4, max=104),
    Param("estimators", "list[str]", list(ESTIMATOR_LABELS), "estimators in the curve",
          choices=tuple(ESTIMATOR_LABELS)),
    Param("repo_group_sets", "list[str]", ["ABC", "AB"],
          "repository groups in the curve (A China-origin, B U.S.-origin, C shared)", choices=GROUP_SETS),
    Param("shock_sets", "list[str]", ["all", "2022", "2023-2024"],
          "shock sets in the curve: all four, the 2022 pair, the 2023-2024 pair, the three BIS rules",
          choices=tuple(SHOCK_SETS)),
    Param("window_rules", "list[str]", ["drop_later", "overlap"],
          "overlapping windows: drop the later shock from the pool, truncate, or overlap (the paper's)",
          choices=WINDOW_RULES),
    Param("controls", "list[str]", list(CONTROLS),
          "comparison regions of the China-linked commits (EU: UTC+01:00 to +03:00; time-zone proxies only)",
          choices=CONTROLS),
    Param("holiday_rules", "list[str]", list(HOLIDAY_RULES),
          "China and U.S. public-holiday-week controls (weekly panels; monthly ones have none)",
          choices=HOLIDAY_RULES),
    Param("min_pre_weeks", "int", 8, "weeks of history a repository needs before a shock, whatever the "
          "period (a monthly panel needs the months that cover them)", min=0, max=104),
    Param("clock_in_headline", "bool", False, "count the clock curve in the headline shares"),
    Param("joint_draws", "int", 500, "region-label swaps for the joint test of the curve", min=99,
          max=9999),
    Param("n_placebo", "int", 200, "placebo shock sets drawn for each matched placebo distribution",
          min=10, max=2000),
    Param("seed", "int", 20260601, "random seed of the swaps and the placebo draws", min=0, max=2**31 - 1),
    Param("workers", "int", 2, "processes used for the curve", min=1, max=8),
))
