"""Claim 2's test: an interrupted time series, 2017–2025, on Chinese national-level documents of one
kind, with a pre-trend, at each shock.

The documents: the central (national) documents of the smart-technology corpus by their given date
(`date_suspect` rows out) and the MIIT, CAC and TC260 lists by their verified date. For a shock s, a
linear probability model of the flag (the document mentions open source) on a series fixed effect, a
linear trend in years, a step at s and a change of slope after s, with heteroskedasticity-robust (HC1)
errors: the step is the break the claim predicts (a rise), the trend the pre-existing drift. A series
with documents on one side only (CAC, TC260) is absorbed by its fixed effect on the step but informs the
slope.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import statsmodels.formula.api as smf

from chipshock.charts import PALETTE, _shock_rules
from chipshock.econometrics.equivalence import tost_p
from chipshock.wording import CONFIDENCE

START, END = pd.Timestamp("2017-01-01"), pd.Timestamp("2025-12-31")
NATIONAL = ("central", "miit", "cac", "tc260")
SERIES_SETS: dict[str, tuple[str, ...]] = {
    "national": NATIONAL,
    "central": ("central",),
    "miit": ("miit",),
    "smart_tech": ("central", "shandong"),
}
SERIES_WORDS = {"national": "central smart-technology documents and the MIIT, CAC and TC260 lists",
                "central": "central smart-technology documents only",
                "miit": "the MIIT list only",
                "smart_tech": "the smart-technology corpus, central and Shandong"}


def documents(cn: pd.DataFrame, series: tuple[str, ...] = NATIONAL) -> pd.DataFrame:
    """The time series' documents: `date` the given date for the smart-technology corpus (suspect rows
    out) and the verified date for the MIIT/CAC/TC260 lists, 2017–2025, with the open-source flag."""
    smart = cn["corpus"] == "smart-tech-cn-sd"
    date = cn["date_given"].where(smart, cn["date_verified"])
    ok = (~smart | (cn["date_suspect"] == "")) & cn["series"].isin(series) & date.notna()
    d = cn[ok].assign(date=date[ok])
    d = d[(d["date"] >= START) & (d["date"] <= END)]
    return d.assign(y=(d["open_source_n"] > 0).astype(float))[["series", "doc_id", "date", "y"]]


def fit(docs: pd.DataFrame, shock: dt.date, margin: float) -> dict[str, Any]:
    """The time series at `shock`: step (coefficient, 95% interval, p, TOST p against `margin`), change
    of slope per year and its p, the pre-shock slope, and documents either side."""
    s = pd.Timestamp(shock)
    d = docs.assign(t=(docs["date"] - s).dt.days / 365.25, post=(docs["date"] >= s).astype(float))
    d = d.assign(t_post=d["t"] * d["post"])
    n_before, n_after = int((d["post"] == 0).sum()), int((d["post"] == 1).sum())
    base = {"shock": shock.isoformat(), "n_before": n_before, "n_after": n_after,
            "flagged_before": int(d.loc[d["post"] == 0, "y"].sum()),
            "flagged_after": int(d.loc[d["post"] == 1, "y"].sum())}
    if min(n_before, n_after) < 2:
        nan = float("nan")
        return {**base, "step": nan, "step_ci_low": nan, "step_ci_high": nan, "step_p": nan,
                "step_tost_p": nan, "slope_change": nan, "slope_change_p": nan, "pre_slope": nan}
    formula = "y ~ t + post + t_post" + (" + C(series)" if d["series"].nunique() > 1 else "")
    res = smf.ols(formula, d).fit(cov_type="HC1")
    low, high = res.conf_int(alpha=1 - CONFIDENCE).loc["post"]
    return {**base, "step": float(res.params["post"]), "step_ci_low": float(low),
            "step_ci_high": float(high), "step_p": float(res.pvalues["post"]),
            "step_tost_p": tost_p(float(res.params["post"]), float(res.bse["post"]), margin),
            "slope_change": float(res.params["t_post"]), "slope_change_p": float(res.pvalues["t_post"]),
            "pre_slope": float(res.params["t"])}


def by_shock(docs: pd.DataFrame, shocks: list[dt.date], margin: float) -> pd.DataFrame:
    """`fit` at each shock, one row per shock."""
    return pd.DataFrame([fit(docs, s, margin) for s in shocks]).set_index("shock")


def yearly(docs: pd.DataFrame) -> pd.DataFrame:
    """Documents and the share mentioning open source per year and series group (for the chart)."""
    group = np.where(docs["series"] == "central", "central smart-technology", "MIIT, CAC, TC260")
    g = docs.assign(group=group, year=docs["date"].dt.year).groupby(["year", "group"])
    out = g.agg(documents=("y", "size"), flagged=("y", "sum")).reset_index()
    out["share"] = out["flagged"] / out["documents"]
    out["start"] = pd.to_datetime(out["year"].astype(str) + "-07-01")
    return out


def chart(table: pd.DataFrame, shocks: list[dt.date], width: int = 620) -> alt.LayerChart:
    """Share of national documents mentioning open source per year (dot size: documents)."""
    scale = alt.Scale(domain=["central smart-technology", "MIIT, CAC, TC260"],
                      range=[PALETTE["vermillion"], PALETTE["blue"]])
    points = alt.Chart(table).mark_line(point=True).encode(
        x=alt.X("start:T", title=None, axis=alt.Axis(format="%Y")),
        y=alt.Y("share:Q", title="share mentioning open source", axis=alt.Axis(format="%")),
        color=alt.Color("group:N", title="Documents", scale=scale),
        tooltip=["year:O", "group:N", "documents:Q", "flagged:Q", alt.Tooltip("share:Q", format=".0%")])
    return alt.layer(points, _shock_rules(shocks)).properties(width=width, height=220)
