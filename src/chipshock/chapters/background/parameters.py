"""What chapter `background` takes: its parameters and the data files it reads."""

from __future__ import annotations

from typing import Any

from chipshock.data.catalog import EVENT_KINDS, MODEL_RELEASES, POLICY_EVENTS
from chipshock.data.paper import PAPER_SHOCKS
from chipshock.params import Param, ParamSpec


def _check_range(values: dict[str, Any]) -> str | None:
    if values["start_date"] >= values["end_date"]:
        return (
            f"parameter 'start_date' ({values['start_date']}) must be before "
            f"'end_date' ({values['end_date']})"
        )
    if not any(values["start_date"] < s <= values["end_date"] for s in values["shocks"]):
        return (
            f"none of the 'shocks' ({', '.join(map(str, values['shocks']))}) falls after 'start_date' "
            f"({values['start_date']}) and on or before 'end_date' ({values['end_date']}); "
            "widen the date range or add a shock inside it"
        )
    return None


PARAMS = ParamSpec(
    params=(
        Param("start_date", "date", "2016-01-01", "first day shown and counted",
              min="2010-01-01", max="2026-12-31"),
        Param("end_date", "date", "2025-12-31", "last day shown and counted",
              min="2010-01-01", max="2026-12-31"),
        Param("countries", "list[str]", ["US", "CN"], "whose policy events to show",
              choices=("US", "CN")),
        Param("event_kinds", "list[str]", list(EVENT_KINDS), "which kinds of policy event to show",
              choices=EVENT_KINDS),
        Param("release_origins", "list[str]", ["CN", "US", "FR"],
              "origins of the open-weight model releases to show and count", choices=("CN", "US", "FR")),
        Param("shocks", "list[date]", list(PAPER_SHOCKS),
              "export-control shock dates that split the timeline", min="2010-01-01", max="2026-12-31"),
    ),
    checks=(_check_range,),
)


INPUTS = (POLICY_EVENTS, MODEL_RELEASES)
