"""What a stacked difference-in-differences compares: column names, regions, the period grid."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

ESTIMATORS = ("ols_log", "ppml", "ols_level")
EPOCH_MONDAY = pd.Timestamp("1970-01-05")
"""Week 0 of `period_index` (a Monday, so that weeks start on Mondays as the panels' do)."""


@dataclass(frozen=True)
class Design:
    """Column names and the comparison of a panel."""

    unit: str = "repo"
    period: str = "period"
    region: str = "region"
    outcome: str = "commits"
    treated: str = "CN"
    control: str = "US"
    freq: str = "W"  # "W" (weeks starting Monday) or "M" (calendar months)


def period_index(periods: pd.Series, freq: str) -> np.ndarray:
    """Integer index of each period (weeks or months since the epoch)."""
    p = pd.to_datetime(periods)
    if freq == "W":
        return ((p - EPOCH_MONDAY).dt.days // 7).to_numpy()
    if freq == "M":
        return (p.dt.year * 12 + p.dt.month - 1).to_numpy()
    raise ValueError(f"unknown period frequency {freq!r}")


def period_start(index: int, freq: str) -> pd.Timestamp:
    """Start date of a period index (the inverse of `period_index`)."""
    if freq == "W":
        return EPOCH_MONDAY + pd.Timedelta(weeks=index)
    if freq == "M":
        return pd.Timestamp(year=index // 12, month=index % 12 + 1, day=1)
    raise ValueError(f"unknown period frequency {freq!r}")
