"""Glue values into the book: plain Python types only, so pages can format them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
from myst_nb import glue as _glue

from chipshock.charts import with_description
from chipshock.params import ParamSpec


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


def glue(name: str, value: Any, display: bool = False) -> Any:
    """Glue a value under `name` (scalars as plain Python types; charts with a text alternative)."""
    value = plain(value)
    if isinstance(value, alt.TopLevelMixin):
        value = with_description(value)
    _glue(name, value, display=display)
    return value


def params_table(spec: ParamSpec, values_plain: Mapping[str, Any]) -> pd.DataFrame:
    """The parameters of this run beside their defaults, for the page to show."""
    defaults = spec.to_plain(spec.defaults())

    def show(v: Any) -> str:
        return ", ".join(map(str, v)) if isinstance(v, list) else str(v)

    rows = [
        {"parameter": p.name, "value": show(values_plain[p.name]),
         "default": "yes" if values_plain[p.name] == defaults[p.name] else f"no ({show(defaults[p.name])})",
         "meaning": p.help}
        for p in spec.params
    ]
    return pd.DataFrame(rows).set_index("parameter")
