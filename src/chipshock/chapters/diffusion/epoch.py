"""Epoch AI's model database: releases per year, country and access, and the openness comparison."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd
from scipy import stats

from chipshock.chapters.diffusion.common import (
    EmptySelection,
)
from chipshock.charts import ORIGIN_COLOURS, _scale
from chipshock.tables import Col

EPOCH_FIRST_YEAR = 2017


EPOCH_EARLY_LAST = 2022  # the early period ends with the year of the first two shocks


def epoch_sides(country: pd.Series) -> pd.DataFrame:
    """Whether a model's organisation countries include China (Hong Kong counted) and the U.S."""
    c = country.fillna("")
    return pd.DataFrame({"CN": c.str.contains(r"China|Hong Kong", regex=True),
                         "US": c.str.contains("United States", regex=False)})


def epoch_by_year(epoch: pd.DataFrame, export: str) -> pd.DataFrame:
    """Releases per year (from EPOCH_FIRST_YEAR), country side and access; joint models count for both."""
    e = epoch[(epoch["export"] == export) & epoch["publication_date"].notna()]
    e = e[e["publication_date"].dt.year >= EPOCH_FIRST_YEAR]
    sides = epoch_sides(e["country"])
    access = e["open_weights"].map({True: "open weights", False: "closed"}).fillna("access not stated")
    parts = []
    for side in ("CN", "US"):
        sub = e[sides[side]]
        parts.append(pd.DataFrame({"year": sub["publication_date"].dt.year, "origin": side,
                                   "access": access[sides[side]]}))
    long = pd.concat(parts, ignore_index=True)
    table = long.groupby(["year", "origin", "access"]).size().rename("models").reset_index()
    full = pd.MultiIndex.from_product([sorted(long["year"].unique()), ["CN", "US"],
                                       ["open weights", "closed", "access not stated"]],
                                      names=["year", "origin", "access"])
    return table.set_index(["year", "origin", "access"]).reindex(full, fill_value=0).reset_index()


def epoch_period_counts(table: pd.DataFrame, years: tuple[int, int]) -> pd.DataFrame:
    """Models per origin and access over an inclusive range of years (rows CN, US)."""
    sub = table[(table["year"] >= years[0]) & (table["year"] <= years[1])]
    out = sub.pivot_table(index="origin", columns="access", values="models", aggfunc="sum")
    return out.reindex(index=["CN", "US"], columns=["open weights", "closed", "access not stated"]).fillna(0)


def two_proportions(x1: int, n1: int, x2: int, n2: int, level: float = 0.95) -> dict[str, float]:
    """p2 - p1 with a Newcombe (Wilson score) interval and Fisher's exact two-sided p-value."""
    if min(n1, n2) == 0:
        raise EmptySelection("a proportion needs at least one model in each period; choose another "
                             "'epoch_export'")
    p1, p2 = x1 / n1, x2 / n2
    alpha = 1 - level

    def wilson(x: int, n: int) -> tuple[float, float]:
        z = stats.norm.ppf(1 - alpha / 2)
        c = (x + z * z / 2) / (n + z * z)
        h = z * np.sqrt(x * (n - x) / n + z * z / 4) / (n + z * z)
        return c - h, c + h

    (l1, u1), (l2, u2) = wilson(x1, n1), wilson(x2, n2)
    d = p2 - p1
    lo = d - np.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2)
    hi = d + np.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2)
    p = stats.fisher_exact([[x1, n1 - x1], [x2, n2 - x2]]).pvalue
    return {"p1": p1, "p2": p2, "diff": d, "ci_low": float(lo), "ci_high": float(hi), "p": float(p)}


def epoch_share_test(table: pd.DataFrame, early: tuple[int, int], late: int) -> pd.DataFrame:
    """China's share of the two countries' open-weight models, early period against a late year.

    Rows: `stated` uses only entries whose accessibility is stated; `most for China` counts every
    unstated Chinese entry as open and every unstated U.S. one as closed in the late year and the
    reverse in the early period (the largest rise the unknowns allow), `least for China` the
    opposite. A model of both countries counts for both sides.
    """
    e, a = epoch_period_counts(table, early), epoch_period_counts(table, (late, late))
    rows = {}
    for name, (e_cn, e_us, l_cn, l_us) in {
        "stated": (0, 0, 0, 0), "most for China": (0, 1, 1, 0), "least for China": (1, 0, 0, 1),
    }.items():
        x1 = e.loc["CN", "open weights"] + e_cn * e.loc["CN", "access not stated"]
        n1 = x1 + e.loc["US", "open weights"] + e_us * e.loc["US", "access not stated"]
        x2 = a.loc["CN", "open weights"] + l_cn * a.loc["CN", "access not stated"]
        n2 = x2 + a.loc["US", "open weights"] + l_us * a.loc["US", "access not stated"]
        rows[name] = {"early models": int(n1), "late models": int(n2),
                      **two_proportions(int(x1), int(n1), int(x2), int(n2))}
    return pd.DataFrame(rows).T




def epoch_last_date(epoch: pd.DataFrame, export: str) -> pd.Timestamp:
    return epoch.loc[epoch["export"] == export, "publication_date"].max()


EPOCH_TEST_COLS = {"p1": Col("China's share, early", kind="share"),
                   "p2": Col("China's share, late", kind="share"), "diff": Col("difference", kind="coef"),
                   "early models": Col(kind="count"), "late models": Col(kind="count")}


def epoch_chart(table: pd.DataFrame, width: int = 300) -> alt.FacetChart:
    t = table[table["access"] != "access not stated"]
    return alt.Chart(t).mark_bar().encode(
        x=alt.X("year:O", title=None), xOffset=alt.XOffset("origin:N"),
        y=alt.Y("models:Q", title="models in Epoch AI's database"),
        color=alt.Color("origin:N", title="Organisation country", scale=_scale(ORIGIN_COLOURS, ["CN", "US"])),
        tooltip=["year:O", "origin:N", "access:N", "models:Q"],
    ).properties(width=width, height=200).facet(column=alt.Column("access:N", title=None,
                                                                   sort=["open weights", "closed"]))
