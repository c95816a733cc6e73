"""Difference-in-differences around shocks on a unit x period x region panel.

The comparison is within a unit (a repository): the treated region (China-linked developers)
against the control region (U.S. developers), before and after a shock, with unit x period and
unit x region fixed effects. Several shocks are pooled by stacking their windows, with fixed
effects specific to each shock; errors are clustered by unit. The estimates come from the one
stacked-DiD core, `econometrics.stacked` (the within-unit identity, with the general estimators as
its fallback).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from chipshock.econometrics import stacked as core
from chipshock.econometrics.design import ESTIMATORS, Design, period_index
from chipshock.econometrics.models import Fit

__all__ = ["ESTIMATORS", "Design", "before_after", "did", "event_study", "fixed_effects", "period_index",
           "stack"]


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


fixed_effects = core.fixed_effects


def did(stacked: pd.DataFrame, design: Design, estimator: str = "ols_log") -> Fit:
    """The treated-minus-control change after the shock(s): coefficient `treat_post` (the core)."""
    return core.fit(stacked, design, ["treat_post"], estimator)


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
    fit = core.fit(data, design, names, estimator)
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
    return core.fit_general(data, design, ["post"], estimator, fe=[[design.unit, "shock"]])
