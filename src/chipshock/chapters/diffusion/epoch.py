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
from chipshock.wording import CONFIDENCE

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




SCENARIOS = {"stated": (None, None, None, None), "most for China": (False, True, True, False),
             "least for China": (True, False, False, True)}
"""How the entries of unstated access count, as (CN early, US early, CN late, US late) open (True),
closed (False) or left out (None): `most for China` makes China's rise in openness as large and the
U.S. one as small as the unknowns allow, `least for China` the reverse."""


def open_rate(counts: pd.Series, unstated_open: bool | None) -> tuple[int, int]:
    """Open-weight models and models of known (or assumed) access in one country and period:
    entries of unstated access are left out (None), counted open (True) or closed (False)."""
    open_n, known = int(counts["open weights"]), int(counts["open weights"] + counts["closed"])
    extra = 0 if unstated_open is None else int(counts["access not stated"])
    return open_n + (extra if unstated_open else 0), known + extra


def open_did(cn0: tuple[int, int], us0: tuple[int, int], cn1: tuple[int, int], us1: tuple[int, int],
             confidence: float = CONFIDENCE) -> dict[str, float]:
    """Difference in differences of the share open: (CN late − CN early) − (US late − US early), each
    a share of the country's own models, with a Wald interval and two-sided p-value (four independent
    binomial shares)."""
    if min(n for _k, n in (cn0, us0, cn1, us1)) == 0:
        raise EmptySelection("a country has no model of known access in a period; choose another "
                             "'epoch_export'")
    rates = [k / n for k, n in (cn0, us0, cn1, us1)]
    did = (rates[2] - rates[0]) - (rates[3] - rates[1])
    se = float(np.sqrt(sum(r * (1 - r) / n for r, (_k, n) in zip(rates, (cn0, us0, cn1, us1), strict=True))))
    z = stats.norm.ppf(0.5 + confidence / 2)
    p = float(2 * stats.norm.sf(abs(did) / se)) if se > 0 else (0.0 if did else 1.0)
    return {"cn_early": rates[0], "cn_late": rates[2], "us_early": rates[1], "us_late": rates[3],
            "did": did, "ci_low": did - z * se, "ci_high": did + z * se, "p": p,
            "cn_early_n": cn0[1], "cn_late_n": cn1[1], "us_early_n": us0[1], "us_late_n": us1[1]}


def epoch_open_did(table: pd.DataFrame, early: tuple[int, int], late: int) -> pd.DataFrame:
    """Within-country openness (share of a country's models released with open weights), early
    period against a late year, compared by a difference in differences, per SCENARIOS row.

    Each country's rate is computed on its own entries, so a change in China's share of all entries
    does not move it (the two-proportion test on the countries' joint open entries did)."""
    e, a = epoch_period_counts(table, early), epoch_period_counts(table, (late, late))
    rows = {}
    for name, (cn_e, us_e, cn_l, us_l) in SCENARIOS.items():
        rows[name] = open_did(open_rate(e.loc["CN"], cn_e), open_rate(e.loc["US"], us_e),
                              open_rate(a.loc["CN"], cn_l), open_rate(a.loc["US"], us_l))
    return pd.DataFrame(rows).T


EPOCH_TEST_COLS = {"cn_early": Col("China, early (% open)", kind="share"),
                   "cn_late": Col("China, late (% open)", kind="share"),
                   "us_early": Col("U.S., early (% open)", kind="share"),
                   "us_late": Col("U.S., late (% open)", kind="share"),
                   "did_pp": Col("difference in differences (percentage points)", kind="coef"),
                   "ci_low_pp": Col("95% interval, low (points)", kind="coef"),
                   "ci_high_pp": Col("95% interval, high (points)", kind="coef"),
                   "p": Col("p-value", kind="pvalue"),
                   "cn_early_n": Col("Chinese models, early", kind="count"),
                   "cn_late_n": Col("Chinese models, late", kind="count"),
                   "us_early_n": Col("U.S. models, early", kind="count"),
                   "us_late_n": Col("U.S. models, late", kind="count")}


def did_frame(test: pd.DataFrame) -> pd.DataFrame:
    """The openness comparison as the table shows it: rates as shares, differences in points."""
    out = test.astype(float).assign(did_pp=100 * test["did"].astype(float),
                                    ci_low_pp=100 * test["ci_low"].astype(float),
                                    ci_high_pp=100 * test["ci_high"].astype(float))
    return out[list(EPOCH_TEST_COLS)]


def epoch_last_date(epoch: pd.DataFrame, export: str) -> pd.Timestamp:
    return epoch.loc[epoch["export"] == export, "publication_date"].max()


def epoch_chart(table: pd.DataFrame, width: int = 300) -> alt.FacetChart:
    t = table[table["access"] != "access not stated"]
    return alt.Chart(t).mark_bar().encode(
        x=alt.X("year:O", title=None), xOffset=alt.XOffset("origin:N"),
        y=alt.Y("models:Q", title="models in Epoch AI's database"),
        color=alt.Color("origin:N", title="Organisation country", scale=_scale(ORIGIN_COLOURS, ["CN", "US"])),
        tooltip=["year:O", "origin:N", "access:N", "models:Q"],
    ).properties(width=width, height=200).facet(column=alt.Column("access:N", title=None,
                                                                   sort=["open weights", "closed"]))
