"""Chapter `policy`: open source in U.S. and Chinese AI policy documents (AGORA) around the shocks."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import statsmodels.formula.api as smf
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from chipshock.chapters.policy.parameters import EXTRA_DICTIONARIES, FULLTEXT
from chipshock.charts import PALETTE, _scale, _shock_rules
from chipshock.data.dictionaries import POLICY_DICTIONARIES
from chipshock.data.tables._common import iter_jsonl
from chipshock.errors import DataError
from chipshock.paths import Project

JURISDICTION_COLOURS = {"CN": PALETTE["vermillion"], "US": PALETTE["blue"]}

# Dictionaries that are not precomputed in data/processed: applying them needs the full texts.


def select(docs: pd.DataFrame, p: dict[str, Any]) -> pd.DataFrame:
    """Documents of the chosen levels, with a full text of at least `min_words` words."""
    keep = docs["level"].isin(p["jurisdictions"]) & docs["has_fulltext"]
    return docs[keep & (docs["word_count"] >= p["min_words"])].copy()


def _full_texts(project: Project) -> dict[int, str]:
    path = project.root / FULLTEXT
    if not path.is_file():
        raise DataError(
            f"the dictionaries {', '.join(EXTRA_DICTIONARIES)} are applied to the full texts, and "
            f"{FULLTEXT} is missing: fetch it with "
            "`chipshock data fetch --only agora --mirror ../shared/data` (or without --mirror to "
            "download), or choose only precomputed dictionaries "
            f"({', '.join(POLICY_DICTIONARIES)})")
    return {int(rec["agora_id"]): rec["text"] for rec in iter_jsonl(path)}


def apply_dictionaries(docs: pd.DataFrame, names: list[str], project: Project) -> pd.DataFrame:
    """Flag (`name`) and match count (`name_n`) columns for every chosen dictionary."""
    extra = [n for n in names if n in EXTRA_DICTIONARIES]
    if not extra:
        return docs
    texts = _full_texts(project)
    out = docs.copy()
    for name in extra:
        counts = out["agora_id"].map(lambda i, d=EXTRA_DICTIONARIES[name]: d.count(texts.get(i, "")))
        out[f"{name}_n"] = counts.astype("int64")
        out[name] = out[f"{name}_n"] > 0
    return out


def period_label(dates: pd.Series, period: str) -> pd.Series:
    """'2022' or '2022-H2'."""
    years = dates.dt.year.astype(str)
    return years if period == "year" else years + "-H" + np.where(dates.dt.month <= 6, "1", "2")


def period_start(label: str) -> pd.Timestamp:
    year, _, half = label.partition("-H")
    return pd.Timestamp(int(year), 7 if half == "2" else 1, 1)


def shares_by_period(docs: pd.DataFrame, dictionary: str, period: str) -> pd.DataFrame:
    """Documents and the share flagged by a dictionary, per period and jurisdiction, Wilson 95% CI."""
    d = docs.assign(period=period_label(docs["date"], period))
    g = d.groupby(["period", "jurisdiction"])[dictionary].agg(["size", "sum"]).reset_index()
    g = g.rename(columns={"size": "documents", "sum": "flagged"})
    low, high = proportion_confint(g["flagged"], g["documents"], method="wilson")
    g["share"], g["ci_low"], g["ci_high"] = g["flagged"] / g["documents"], low, high
    g["start"] = g["period"].map(period_start)
    return g


def before_after(docs: pd.DataFrame, dates: list[dt.date], dictionary: str) -> pd.DataFrame:
    """Share flagged before and from each date, per jurisdiction, with Fisher's exact p-value."""
    rows = []
    for date in dates:
        after = docs["date"].dt.date >= date
        for juris in ("CN", "US"):
            mine = docs["jurisdiction"] == juris
            b, a = docs[mine & ~after][dictionary], docs[mine & after][dictionary]
            table = [[int(b.sum()), int((~b).sum())], [int(a.sum()), int((~a).sum())]]
            p = stats.fisher_exact(table).pvalue if len(b) and len(a) else np.nan
            rows.append({"date": date.isoformat(), "jurisdiction": juris, "n_before": len(b),
                         "share_before": b.mean() if len(b) else np.nan, "n_after": len(a),
                         "share_after": a.mean() if len(a) else np.nan, "fisher_p": p})
    return pd.DataFrame(rows)


def logit(docs: pd.DataFrame, split: dt.date, dictionary: str = "open_source") -> pd.DataFrame:
    """Logit of the flag on China x after-split, heteroskedasticity-robust (HC1) errors."""
    d = pd.DataFrame({"y": docs[dictionary].astype(int), "china": (docs["jurisdiction"] == "CN").astype(int),
                      "post": (docs["date"].dt.date >= split).astype(int)})
    fit = smf.logit("y ~ china * post", d).fit(disp=False, cov_type="HC1")
    ci = fit.conf_int()
    return pd.DataFrame({"coef": fit.params, "se": fit.bse, "p": fit.pvalues, "ci_low": ci[0],
                         "ci_high": ci[1]}).rename(index={"china:post": "china × post"})


def themes(docs: pd.DataFrame, split: dt.date, names: list[str], jurisdiction: str = "CN") -> pd.DataFrame:
    """For one jurisdiction: share flagged and matches per 10,000 words, before vs after the split."""
    d = docs[docs["jurisdiction"] == jurisdiction]
    after = d["date"].dt.date >= split
    rows = []
    for name in names:
        b, a = d[~after], d[after]
        table = [[int(b[name].sum()), int((~b[name]).sum())], [int(a[name].sum()), int((~a[name]).sum())]]
        rows.append({
            "dictionary": name, "share_before": b[name].mean(), "share_after": a[name].mean(),
            "per_10k_words_before": 1e4 * b[f"{name}_n"].sum() / max(int(b["word_count"].sum()), 1),
            "per_10k_words_after": 1e4 * a[f"{name}_n"].sum() / max(int(a["word_count"].sum()), 1),
            "fisher_p": stats.fisher_exact(table).pvalue if len(b) and len(a) else np.nan,
        })
    return pd.DataFrame(rows).set_index("dictionary")


def open_source_list(docs: pd.DataFrame) -> str:
    """HTML table of the documents that mention open source, newest first, linked to the source."""
    rows = docs[docs["open_source"]].sort_values("date", ascending=False)
    cells = []
    for r in rows.itertuples():
        title = html.escape(r.title)
        link = f'<a href="{html.escape(r.url)}">{title}</a>' if r.url.startswith("http") else title
        cells.append(f"<tr><td>{r.date:%Y-%m-%d}</td><td>{html.escape(r.jurisdiction)}</td>"
                     f"<td>{html.escape(r.authority)}</td><td>{link}</td>"
                     f"<td><q>{html.escape(r.open_source_fragment)}</q></td></tr>")
    head = "".join(f"<th>{h}</th>" for h in ("date", "jurisdiction", "authority", "document",
                                              "where it says it"))
    head = f"<tr>{head}</tr>"
    return (f'<div class="chipshock-scroll"><table class="dataframe chipshock-doclist"><thead>{head}</thead>'
            f"<tbody>{''.join(cells)}</tbody></table></div>")


def documents_chart(counts: pd.DataFrame, shocks: list[dt.date], width: int = 620) -> alt.LayerChart:
    """Documents per period by jurisdiction (stacked bars) with the shocks marked."""
    bars = alt.Chart(counts).mark_bar().encode(
        x=alt.X("start:T", title=None), y=alt.Y("documents:Q", title="documents"),
        color=alt.Color("jurisdiction:N", title="Jurisdiction",
                        scale=_scale(JURISDICTION_COLOURS, ["CN", "US"])),
        tooltip=["period:N", "jurisdiction:N", "documents:Q"])
    return alt.layer(bars, _shock_rules(shocks)).properties(width=width, height=200)


def share_chart(shares: pd.DataFrame, shocks: list[dt.date], width: int = 620) -> alt.LayerChart:
    """Share of documents flagged per period and jurisdiction with 95% intervals."""
    scale = _scale(JURISDICTION_COLOURS, ["CN", "US"])
    base = alt.Chart(shares).encode(
        x=alt.X("start:T", title=None),
        color=alt.Color("jurisdiction:N", title="Jurisdiction", scale=scale))
    points = base.mark_line(point=True).encode(
        y=alt.Y("share:Q", title="share mentioning open source", axis=alt.Axis(format="%")),
        tooltip=["period:N", "jurisdiction:N", "documents:Q", "flagged:Q",
                 alt.Tooltip("share:Q", format=".0%")])
    bands = base.mark_rule(opacity=0.5).encode(y="ci_low:Q", y2="ci_high:Q")
    return alt.layer(bands, points, _shock_rules(shocks)).properties(width=width, height=240)


def themes_chart(table: pd.DataFrame, split: dt.date, width: int = 420) -> alt.Chart:
    """Share of Chinese documents flagged by each dictionary, before vs after the split."""
    long = table.reset_index().melt(id_vars="dictionary", value_vars=["share_before", "share_after"],
                                    var_name="when", value_name="share")
    long["when"] = long["when"].map({"share_before": f"before {split}", "share_after": f"from {split}"})
    order = [f"before {split}", f"from {split}"]
    return alt.Chart(long).mark_bar().encode(
        y=alt.Y("dictionary:N", title=None), yOffset=alt.YOffset("when:N", sort=order),
        x=alt.X("share:Q", title="share of Chinese documents", axis=alt.Axis(format="%")),
        color=alt.Color("when:N", title=None, sort=order,
                        scale=alt.Scale(domain=order, range=[PALETTE["grey"], PALETTE["vermillion"]])),
        tooltip=["dictionary:N", "when:N", alt.Tooltip("share:Q", format=".0%")],
    ).properties(width=width)


def verdict(docs: pd.DataFrame, split: dt.date, fisher_p: float) -> str:
    """The result-dependent sentences of the chapter's conclusion."""
    after = docs["date"].dt.date >= split
    share = {(j, a): docs[(docs["jurisdiction"] == j) & (after == a)]["open_source"].mean()
             for j in ("CN", "US") for a in (False, True)}
    more = [share[("CN", a)] > share[("US", a)] for a in (False, True)]
    if all(more):
        first = ("It supports the first half of the paper's claim for China: Chinese documents in the "
                 "archive mention open source more often than U.S. ones both before the split "
                 f"({share[('CN', False)]:.0%} against {share[('US', False)]:.0%}) and after it "
                 f"({share[('CN', True)]:.0%} against {share[('US', True)]:.0%}).")
    else:
        first = ("Chinese documents in the archive do not mention open source more often than U.S. ones "
                 f"in every period (before the split {share[('CN', False)]:.0%} against "
                 f"{share[('US', False)]:.0%}, after it {share[('CN', True)]:.0%} against "
                 f"{share[('US', True)]:.0%}).")
    if fisher_p >= 0.05:
        second = ("The archive cannot show the second half, a post-shock increase in China, with any "
                  f"confidence: the change in the Chinese share has Fisher's exact p = {fisher_p:.2f}.")
    else:
        second = (f"The Chinese share changed after the split (Fisher's exact p = {fisher_p:.3f}), in "
                  "line with the second half of the claim if it rose.")
    return f"{first} {second}"
