"""Glue values into the book: plain Python types only, so pages can format them.

Every displayed table and chart is glued with its data (`<key>__data`, a CSV string), which the
`{exhibit}` directive (`chipshock.pipeline.exhibits`) links from the caption as "Data (CSV)".
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Mapping
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
from myst_nb import glue as _glue

from chipshock.charts import with_description
from chipshock.keys import DATA_SUFFIX
from chipshock.params import ParamSpec
from chipshock.tables import Col, Table, format_table, tidy


def plain(value: Any) -> Any:
    """numpy and pandas scalars as Python int, float, str or bool."""
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    if isinstance(value, (pd.Timestamp, dt.date)):
        return value.strftime("%Y-%m-%d")
    return value


def chart_data(chart: alt.TopLevelMixin) -> pd.DataFrame | None:
    """The largest inline dataset of a chart (the data it plots), or None."""
    spec = chart.to_dict(validate=False)
    frames = [pd.DataFrame(rows) for rows in (spec.get("datasets") or {}).values() if rows]
    if not frames and isinstance(spec.get("data", {}).get("values"), list):
        frames = [pd.DataFrame(spec["data"]["values"])]
    frames = [f for f in frames if len(f.columns)]
    return max(frames, key=len) if frames else None


def exhibit_data(value: Any, data: pd.DataFrame | None = None) -> pd.DataFrame | None:
    """The frame behind a displayed exhibit: `data` if given, else what the table or chart shows."""
    if data is not None:
        return tidy(data)
    if isinstance(value, Table):
        return value.frame
    if isinstance(value, (pd.DataFrame, pd.Series)):
        return tidy(value)
    if isinstance(value, alt.TopLevelMixin):
        return chart_data(value)
    return None


def glue(name: str, value: Any, display: bool = False, data: pd.DataFrame | None = None) -> None:
    """Glue a value under `name` (scalars as plain Python types; charts with a text alternative).

    A displayed table or chart also glues its data as CSV (`data` overrides what is inferred).
    Returns nothing, so a glue() at the end of a cell leaves no stray output.
    """
    value = plain(value)
    if isinstance(value, alt.TopLevelMixin):
        value = with_description(value)
    _glue(name, value, display=display)
    frame = exhibit_data(value, data) if display or data is not None else None
    if frame is not None:
        _glue(name + DATA_SUFFIX, frame.to_csv(index=False), display=False)


def _show(v: Any) -> str:
    """A parameter value as a reader reads it: lists comma-separated, booleans as yes/no."""
    if isinstance(v, list):
        return ", ".join(map(_show, v))
    if isinstance(v, bool):
        return "yes" if v else "no"
    return str(v)


def params_frame(spec: ParamSpec, values_plain: Mapping[str, Any]) -> pd.DataFrame:
    """The parameters of this run beside their defaults and their whole help text."""
    defaults = spec.to_plain(spec.defaults())
    rows = [
        {"parameter": p.name, "value": _show(values_plain[p.name]),
         "default": "yes" if values_plain[p.name] == defaults[p.name] else f"no ({_show(defaults[p.name])})",
         "meaning": p.help}
        for p in spec.params
    ]
    return pd.DataFrame(rows, columns=["parameter", "value", "default", "meaning"])


def params_table(spec: ParamSpec, values_plain: Mapping[str, Any]) -> Table:
    """The parameters table a page shows: names in code font (a reader sets them by name), values
    and help text wrapped, never cut."""
    frame = params_frame(spec, values_plain)
    columns = {"parameter": Col("Parameter"), "value": Col("Value of this run"),
               "default": Col("Default?"), "meaning": Col("Meaning")}
    table = format_table(frame, columns, id="params_table")
    code = table.gt.fmt(lambda x: f"<code>{html.escape(str(x))}</code>", columns="parameter")
    return Table(table.frame, table.cols, code, table.id)
