"""Difference-in-differences around shocks on a unit x period x region panel.

The comparison is within a unit (a repository): the treated region (China-linked developers)
against the control region (U.S. developers), before and after a shock, with unit x period and
unit x region fixed effects. Several shocks are pooled by stacking their windows, with fixed
effects specific to each shock; errors are clustered by unit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from chipshock.econometrics.models import Fit, fit_ols, fit_ppml

ESTIMATORS = ("ols_log", "ppml", "ols_level")


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
        return ((p - pd.Timestamp("1970-01-05")).dt.days // 7).to_numpy()
    if freq == "M":
        return (p.dt.year * 12 + p.dt.month - 1).to_numpy()
    raise ValueError(f"unknown period frequency {freq!r}")


def stack(panel: pd.DataFrame, shocks: Sequence[pd.Timestamp], window: int, design: Design) -> pd.DataFrame:
    """One copy of the panel per shock, restricted to `window` periods either side, with `rel`."""
    d = design
    base = panel[panel[d.region].isin([d.treated, d.control])]
    idx = period_index(base[d.period], d.freq)
    parts = []
    for shock in shocks:
        rel = idx - period_index(pd.Series([pd.Timestamp(shock)]), d.freq)[0]
        inside = (rel >= -window) & (rel < window)
        part = base[inside].assign(shock=pd.Timestamp(shock).strftime("%Y-%m-%d"), rel=rel[inside])
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    out["post"] = (out["rel"] >= 0).astype(float)
    out["treated"] = (out[d.region] == d.treated).astype(float)
    out["treat_post"] = out["treated"] * out["post"]
    return out


def _fit(data: pd.DataFrame, estimator: str, y: str, x: list[str], fe: list[list[str]], unit: str) -> Fit:
    if estimator == "ppml":
        return fit_ppml(data, y, x, fe, unit)
    if estimator == "ols_log":
        data = data.assign(_y=np.log1p(data[y]))
        return fit_ols(data, "_y", x, fe, unit)
    if estimator == "ols_level":
        return fit_ols(data, y, x, fe, unit)
    raise ValueError(f"unknown estimator {estimator!r}; use one of {ESTIMATORS}")


def fixed_effects(design: Design) -> list[list[str]]:
    """unit x period x shock and unit x region x shock."""
    d = design
    return [[d.unit, d.period, "shock"], [d.unit, d.region, "shock"]]


def did(stacked: pd.DataFrame, design: Design, estimator: str = "ols_log") -> Fit:
    """The treated-minus-control change after the shock(s): coefficient `treat_post`."""
    return _fit(stacked, estimator, design.outcome, ["treat_post"], fixed_effects(design), design.unit)


def event_study(stacked: pd.DataFrame, design: Design, estimator: str = "ols_log",
                reference: int = -1) -> tuple[Fit, pd.DataFrame]:
    """Treated-minus-control difference in each relative period, against `reference`.

    Returns the fit and a table by relative period (the reference row has coefficient 0) with
    a joint F test of the pre-shock coefficients in its attrs["pretrend"].
    """
    rels = sorted(set(stacked["rel"]) - {reference})
    names = [f"rel_{r}" for r in rels]
    cols = {n: (stacked["treated"] * (stacked["rel"] == r)).astype(float)
            for n, r in zip(names, rels, strict=True)}
    data = pd.concat([stacked, pd.DataFrame(cols, index=stacked.index)], axis=1)
    fit = _fit(data, estimator, design.outcome, names, fixed_effects(design), design.unit)
    table = fit.table().assign(rel=rels).set_index("rel")
    ref = pd.DataFrame({c: [0.0] for c in table.columns}, index=pd.Index([reference], name="rel"))
    table = pd.concat([table, ref]).sort_index()
    table.index.name = "rel"
    pre = [n for n, r in zip(names, rels, strict=True) if r < reference]
    table.attrs["pretrend"] = fit.wald(pre) if pre else None
    return fit, table


def before_after(stacked: pd.DataFrame, design: Design, region: str, estimator: str = "ols_level") -> Fit:
    """One region's own change after the shock(s), within unit x shock: coefficient `post`.

    This is the paper's per-group number (extra events per unit-period after a shock); it has
    no control group, so it also picks up common trends.
    """
    data = stacked[stacked[design.region] == region]
    return _fit(data, estimator, design.outcome, ["post"], [[design.unit, "shock"]], design.unit)
