"""What chapter `robustness` takes: its parameters and the data files it reads."""

from __future__ import annotations

from chipshock.chapters.developers.parameters import ESTIMATOR_LABELS
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
INPUTS = DEVELOPERS_INPUTS


PARAMS = ParamSpec(params=(
    Param("geo_proxies", "list[str]", ["tz", "tz_email", "hour"], "geography proxies in the curve",
          choices=GEO_PROXIES),
    Param("units", "list[str]", list(UNITS), "counting units in the curve", choices=UNITS),
    Param("outcomes", "list[str]", list(OUTCOMES), "outcomes in the curve", choices=OUTCOMES),
    Param("periods", "list[str]", list(PERIODS), "panel periods in the curve", choices=PERIODS),
    Param("windows", "list[int]", [13, 26], "windows (weeks either side) in the curve", min=4, max=104),
    Param("estimators", "list[str]", list(ESTIMATOR_LABELS), "estimators in the curve",
          choices=tuple(ESTIMATOR_LABELS)),
    Param("repo_group_sets", "list[str]", ["ABC", "AB"],
          "repository groups in the curve (A China-origin, B U.S.-origin, C shared)", choices=GROUP_SETS),
    Param("shock_sets", "list[str]", ["all", "2022", "2023-2024"],
          "shock sets in the curve: all four, the 2022 pair, the 2023-2024 pair, the three BIS rules",
          choices=tuple(SHOCK_SETS)),
    Param("n_placebo", "int", 200, "placebo shock dates drawn for the permutation distribution",
          min=10, max=2000),
    Param("seed", "int", 20260601, "random seed of the placebo draw", min=0, max=2**31 - 1),
    Param("workers", "int", 2, "processes used for the curve", min=1, max=8),
))
