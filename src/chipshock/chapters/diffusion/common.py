"""Shared by the diffusion chapter's hub, GitHub and Epoch code: errors, colours, time-axis marks."""

from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd

from chipshock.charts import ORIGIN_COLOURS, PALETTE, _scale
from chipshock.errors import UserError

TOPIC = "LLM"  # the one topic list that runs for the whole GitHub panel


REVISION_SHARE = 0.30   # a day on which this share of repositories lose forks/stars is a recount


ORIGIN_COLOURS_ALL = {**ORIGIN_COLOURS, "other": PALETTE["green"], "unknown": PALETTE["grey"]}


class EmptySelection(UserError):
    """The parameters leave no data for a section."""


def release_ticks(releases: pd.DataFrame, start: dt.date, end: dt.date, legend: bool = True) -> alt.Chart:
    d = releases["date"].dt.date
    rel = releases[(d >= start) & (d <= end)].assign(when=lambda x: x["date"].dt.strftime("%Y-%m-%d"))
    origins = [o for o in ORIGIN_COLOURS if o in set(rel["origin"])] or ["CN"]
    return alt.Chart(rel).mark_tick(thickness=2, size=14, opacity=0.8).encode(
        x="date:T", y=alt.value(7),
        color=alt.Color("origin:N", title="Release (curated)", scale=_scale(ORIGIN_COLOURS, origins),
                        legend=alt.Legend() if legend else None),
        tooltip=["when:N", "organization:N", "model:N"])


def shock_rules(shocks: list[dt.date]) -> alt.Chart:
    frame = pd.DataFrame({"date": pd.to_datetime(sorted(shocks))})
    frame["when"] = frame["date"].dt.strftime("%Y-%m-%d")
    return alt.Chart(frame).mark_rule(color=PALETTE["black"], strokeDash=[4, 3]).encode(
        x="date:T", tooltip=[alt.Tooltip("when:N", title="export-control shock")])
