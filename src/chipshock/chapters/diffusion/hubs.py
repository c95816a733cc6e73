"""The Hugging Face and ModelScope crawls: panels, model families, shares by publisher origin, charts."""

from __future__ import annotations

import datetime as dt
import itertools

import altair as alt
import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from chipshock.chapters.diffusion.common import (
    ORIGIN_COLOURS_ALL,
    EmptySelection,
    release_ticks,
    shock_rules,
)
from chipshock.charts import PALETTE, _scale
from chipshock.wording import CONFIDENCE

HUB_METRIC_WORDS = {"downloads": "downloads in the 30 days before the crawl",
                    "likes": "likes (a running total)",
                    "descendants": "derivative models in the model tree (a running total)"}


# Model families, derived from the model's name (the part of the id after the account). The
# first matching pattern wins; Chinese families come first so that distillations such as
# DeepSeek-R1-Distill-Llama count for their publisher's family.
FAMILIES: tuple[tuple[str, str, str], ...] = (
    ("Qwen", "CN", r"qwen|qwq"),
    ("DeepSeek", "CN", r"deepseek"),
    ("GLM", "CN", r"glm"),
    ("InternLM/InternVL", "CN", r"intern(?:lm|vl)"),
    ("Baichuan", "CN", r"baichuan"),
    ("Yi", "CN", r"^yi-"),
    ("MiniCPM", "CN", r"minicpm"),
    ("Kimi", "CN", r"kimi|moonlight"),
    ("Hunyuan", "CN", r"hunyuan"),
    ("ERNIE", "CN", r"ernie"),
    ("BGE", "CN", r"^bge"),
    ("Llama", "US", r"llama"),
    ("Gemma", "US", r"gemma"),
    ("Phi", "US", r"^phi-"),
    ("gpt-oss", "US", r"gpt-oss"),
    ("OLMo", "US", r"olmo"),
    ("Mistral", "other", r"mistral|mixtral|ministral"),
)


HEADLINE_FAMILIES = ("Qwen", "DeepSeek", "Llama", "Gemma")
LLM_FAMILIES = tuple(name for name, _origin, _pattern in FAMILIES if name != "BGE")
"""The generative LLM families (the paper's kind of open model): every named family but BGE, an
embedding family."""
NOT_GENERATIVE = r"embed|rerank"
"""Models of an LLM family that are not generative (embedding and reranking models: Qwen3-Embedding)."""


def families(model_ids: pd.Series) -> pd.DataFrame:
    """Family and family origin of each model id (from its name; 'other' when none matches)."""
    names = model_ids.str.split("/", n=1).str[-1].str.lower()
    family = pd.Series("other", index=model_ids.index, dtype=object)
    origin = pd.Series("", index=model_ids.index, dtype=object)
    for name, fam_origin, pattern in reversed(FAMILIES):
        hit = names.str.contains(pattern, regex=True)
        family[hit] = name
        origin[hit] = fam_origin
    return pd.DataFrame({"family": family, "family_origin": origin})


def crawls_in_range(hf: pd.DataFrame, platform: str, start: dt.date, end: dt.date) -> pd.DataFrame:
    """One platform's rows whose crawl lies in [start, end]."""
    d = hf["crawl_date"].dt.date
    return hf[(hf["platform"] == platform) & (d >= start) & (d <= end)]


def balance(panel: pd.DataFrame) -> pd.DataFrame:
    """Accounts (publishers) present in every crawl, with every model they hold in each crawl.

    Balancing on accounts keeps the set of publishers fixed, so a share moves only with their
    models; balancing on models too would drop every model released after the first crawl, which
    is most of what a publisher is downloaded for a year later (see `balance_models`)."""
    n = panel["crawl_date"].nunique()
    acc = panel.groupby("account")["crawl_date"].nunique()
    return panel[panel["account"].isin(acc.index[acc == n])]


def balance_models(panel: pd.DataFrame) -> pd.DataFrame:
    """The account-balanced panel restricted to the models present in every crawl (an alternative:
    it drops every model released after the first crawl)."""
    keep = balance(panel)
    n = panel["crawl_date"].nunique()
    mod = keep.groupby("model_id")["crawl_date"].nunique()
    return keep[keep["model_id"].isin(mod.index[mod == n])]


def llm_models(panel: pd.DataFrame) -> pd.DataFrame:
    """The models of a named generative LLM family (LLM_FAMILIES, embedding and reranking models out).

    `panel` must carry the `family` column of `families`."""
    names = panel["model_id"].str.split("/", n=1).str[-1].str.lower()
    keep = panel["family"].isin(LLM_FAMILIES) & ~names.str.contains(NOT_GENERATIVE, regex=True)
    return panel[keep]


def hub_panel(hf: pd.DataFrame, platform: str, start: dt.date, end: dt.date, balanced: bool) -> pd.DataFrame:
    """The crawls of a platform in the date range, balanced or full, with model families."""
    panel = crawls_in_range(hf, platform, start, end)
    if panel["crawl_date"].nunique() < 2:
        raise EmptySelection(f"fewer than two {platform} crawls fall between {start} and {end}; "
                             "widen 'start_date'/'end_date' (crawls run monthly, 2024-11-14 to 2025-09-07)")
    if balanced:
        panel = balance(panel)
    return pd.concat([panel, families(panel["model_id"])], axis=1)


def by_origin(panel: pd.DataFrame, column: str) -> pd.DataFrame:
    """Sum of a column per crawl and publisher origin, with China's share of the crawl's total."""
    out = (panel.groupby(["crawl_date", "origin"])[column].sum().astype(float)
           .rename("value").reset_index())
    total = out.groupby("crawl_date")["value"].transform("sum")
    return out.assign(share=out["value"] / total.where(total > 0))


def china_share(table: pd.DataFrame) -> pd.Series:
    """China's share per crawl (0 when no Chinese publisher is present)."""
    wide = table.pivot(index="crawl_date", columns="origin", values="share").fillna(0.0)
    return wide["CN"] if "CN" in wide else pd.Series(0.0, index=wide.index)


TREND_LAGS = 1
"""Newey-West lags of the trend's standard error: consecutive crawls (or months) are correlated."""


def share_trend(share: pd.Series, confidence: float = CONFIDENCE) -> dict[str, float]:
    """OLS of a share on date over the whole path: slope per year (in share units: 0.074 is 7.4
    percentage points a year), its interval and p-value, read as a test of the slope.

    Consecutive crawls are correlated, so the standard error is Newey-West (HAC, TREND_LAGS lags)
    and the reference distribution t with n-2 degrees of freedom: with about a dozen points this is
    a rough test, and the chapter says so; `se` is returned for the equivalence test.
    """
    s = share.dropna()
    if len(s) < 3:
        raise EmptySelection(f"a trend needs at least three crawls, {len(s)} fall in the date range; "
                             "widen 'start_date'/'end_date'")
    years = (pd.to_datetime(pd.Series(s.index)) - pd.Timestamp(s.index.min())).dt.days.to_numpy() / 365.25
    y = s.to_numpy(float)
    fit = sm.OLS(y, sm.add_constant(years)).fit(cov_type="HAC", cov_kwds={"maxlags": TREND_LAGS},
                                                use_t=True)
    slope, se = float(fit.params[1]), float(fit.bse[1])
    df = len(s) - 2
    if not np.isfinite(se) or se == 0:
        p_value = 0.0 if slope != 0 else 1.0
        return {"slope": slope, "se": 0.0, "ci_low": slope, "ci_high": slope, "p": p_value, "n": len(s)}
    crit = stats.t.ppf(0.5 + confidence / 2, df)
    p_value = float(2 * stats.t.sf(abs(slope / se), df))
    return {"slope": slope, "se": se, "ci_low": slope - crit * se, "ci_high": slope + crit * se,
            "p": p_value, "n": len(s)}






SMALL_BESIDE, LARGER_THAN = 0.5, 2.0
"""A mirror below half of Hugging Face's size is 'small beside' it; above twice, 'larger than' it."""


def size_word(ratio: float) -> str:
    """How a mirror's size (as a ratio to Hugging Face's) reads before 'Hugging Face'."""
    if ratio < SMALL_BESIDE:
        return "small beside"
    return "comparable to" if ratio < LARGER_THAN else "larger than"


def presence_text(share: float, present: bool, account: str) -> str:
    """A share as text, or that the account is not in the panel (so no share can be measured)."""
    return f"{share:.1%}" if present else f"nothing measurable (its account {account} is not in this panel)"


def by_family(panel: pd.DataFrame, column: str, names: tuple[str, ...] = HEADLINE_FAMILIES) -> pd.DataFrame:
    """Sum of a column per crawl and family (the named families only, zeros kept)."""
    sub = panel[panel["family"].isin(names)]
    table = sub.groupby(["crawl_date", "family"])[column].sum().astype(float).unstack("family")
    table = table.reindex(index=sorted(panel["crawl_date"].unique()), columns=list(names)).fillna(0.0)
    return table.stack().rename("value").reset_index()


def family_totals(panel: pd.DataFrame, column: str, crawl: pd.Timestamp) -> pd.DataFrame:
    """Every family's total and share of one crawl, largest first."""
    sub = panel[panel["crawl_date"] == crawl]
    out = sub.groupby(["family", "family_origin"])[column].sum().astype(float).rename("total")
    out = out.reset_index().sort_values("total", ascending=False, kind="stable")
    return out.assign(share=out["total"] / out["total"].sum()).set_index("family")


def coverage(hf: pd.DataFrame, platform: str, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Accounts and models per crawl, full and balanced."""
    full = crawls_in_range(hf, platform, start, end)
    bal = balance(full)
    f = full.groupby("crawl_date").agg(accounts=("account", "nunique"), models=("model_id", "size"))
    b = bal.groupby("crawl_date").agg(balanced_accounts=("account", "nunique"),
                                      balanced_models=("model_id", "size"))
    return f.join(b).fillna(0).astype(int)


def late_accounts(full: pd.DataFrame, column: str, n: int = 4) -> str:
    """The accounts absent from the first crawl with the largest measure in the last, as text."""
    first, last = full["crawl_date"].min(), full["crawl_date"].max()
    late = set(full["account"]) - set(full.loc[full["crawl_date"] == first, "account"])
    sub = full[(full["crawl_date"] == last) & full["account"].isin(late)]
    top = sub.groupby(["account", "origin"])[column].sum().sort_values(ascending=False).head(n)
    if top.empty:
        return "none"
    return ", ".join(f"{account} ({origin})" for account, origin in top.index)


def first_crawl_of(panel: pd.DataFrame, account: str) -> str:
    """The first crawl in which an account appears ('never' if it does not)."""
    dates = panel.loc[panel["account"] == account, "crawl_date"]
    return dates.min().strftime("%Y-%m-%d") if len(dates) else "never"


def modelscope_flows(panel: pd.DataFrame) -> pd.DataFrame:
    """ModelScope downloads between consecutive crawls, per 30 days, per model present in both.

    ModelScope reports cumulative downloads, so the difference between two crawls is the downloads
    in between. The count sometimes falls and later comes back (a recount); differences are taken
    on each model's running maximum, so that such a dip neither subtracts nor, on its return, adds
    downloads (`dip` marks the pairs where the raw count fell). A model absent from either crawl of
    a pair gives no difference: a new model's first crawl is not counted as a flow.
    """
    crawls = sorted(panel["crawl_date"].unique())
    prev_of = {b: a for a, b in itertools.pairwise(crawls)}
    s = panel.sort_values(["model_id", "crawl_date"], kind="stable")
    s = s.assign(running=s.groupby("model_id")["total_downloads"].cummax().astype(float),
                 raw=s["total_downloads"].astype(float))
    prev = s.groupby("model_id")[["crawl_date", "running", "raw"]].shift()
    ok = prev["crawl_date"].notna() & (prev["crawl_date"] == s["crawl_date"].map(prev_of))
    out = s.loc[ok, ["crawl_date", "model_id", "account", "family", "family_origin"]]
    days = (s.loc[ok, "crawl_date"] - prev.loc[ok, "crawl_date"]).dt.days
    delta = s.loc[ok, "running"] - prev.loc[ok, "running"]
    return out.assign(delta=delta, days=days, per_30_days=delta / days * 30,
                      dip=s.loc[ok, "raw"] < prev.loc[ok, "raw"])


def modelscope_by_family(flows: pd.DataFrame, named: tuple[str, ...] = ("Qwen", "DeepSeek")) -> pd.DataFrame:
    """ModelScope downloads per 30 days per crawl: the named families, other families, the rest."""
    group = flows["family"].where(flows["family"].isin(named),
                                  np.where(flows["family"] == "other", "no family", "other families"))
    out = flows.groupby(["crawl_date", group.rename("family")])["per_30_days"].sum().rename("value")
    return out.reset_index()


def hub_chart(tables: dict[str, pd.DataFrame], origins: list[str], y_title: str,
              releases: pd.DataFrame, shocks: list[dt.date], width: int = 250) -> alt.HConcatChart:
    """The measure per crawl and origin, one panel per panel kind (balanced, full), one legend."""
    charts = []
    lo = min(t["crawl_date"].min() for t in tables.values()).date()
    hi = max(t["crawl_date"].max() for t in tables.values()).date()
    inside = [s for s in shocks if lo <= s <= hi]
    present = set().union(*(set(t["origin"]) for t in tables.values())) & set(origins)
    colour = alt.Color("origin:N", title="Publisher origin",
                       scale=_scale(ORIGIN_COLOURS_ALL, [o for o in ORIGIN_COLOURS_ALL if o in present]))
    for title, table in tables.items():
        t = table[table["origin"].isin(origins)]
        lines = alt.Chart(t).mark_line(point=True).encode(
            x=alt.X("crawl_date:T", title=None),
            y=alt.Y("value:Q", title=y_title, axis=alt.Axis(format="~s")),
            color=colour,
            tooltip=[alt.Tooltip("crawl_date:T", format="%Y-%m-%d"), "origin:N",
                     alt.Tooltip("value:Q", format=",.0f"), alt.Tooltip("share:Q", format=".1%")])
        layers = [lines, release_ticks(releases, lo, hi, legend=False)]
        if inside:
            layers.append(shock_rules(inside))
        charts.append(alt.layer(*layers).resolve_scale(color="independent")
                      .properties(width=width, height=220, title=title))
    return alt.hconcat(*charts)


def check_lines(table: pd.DataFrame, line: list[str], x: str) -> None:
    """Every line (one per combination of the `line` columns) has strictly increasing x values."""
    bad = [key for key, g in table.groupby(line)
           if not g[x].is_monotonic_increasing or g[x].duplicated().any()]
    if bad:
        raise ValueError(f"lines {bad} have repeated or unordered {x} values: one line mixes several series")


def drawn_families(table: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The family series to draw: a family that is zero in every crawl of a panel has no account
    there (not a measured zero), so it is dropped; the dropped ones as 'Family (panel)'."""
    total = table.groupby(["panel", "family"])["value"].transform(lambda v: float(v.abs().sum()))
    absent = table.loc[total == 0, ["family", "panel"]].drop_duplicates()
    return table[total > 0], [f"{f} ({p})" for f, p in absent.itertuples(index=False)]


def family_chart(table: pd.DataFrame, y_title: str, width: int = 270) -> alt.FacetChart:
    """One line per family and panel: the panels side by side, so that no line joins two panels."""
    check_lines(table, ["panel", "family"], "crawl_date")
    fam_colours = {"Qwen": PALETTE["vermillion"], "DeepSeek": PALETTE["orange"],
                   "Llama": PALETTE["blue"], "Gemma": PALETTE["sky"]}
    keys = [f for f in fam_colours if f in set(table["family"])]
    return alt.Chart(table).mark_line(point=True).encode(
        x=alt.X("crawl_date:T", title=None), y=alt.Y("value:Q", title=y_title, axis=alt.Axis(format="~s")),
        color=alt.Color("family:N", title="Family", scale=_scale(fam_colours, keys)),
        tooltip=[alt.Tooltip("crawl_date:T", format="%Y-%m-%d"), "family:N", "panel:N",
                 alt.Tooltip("value:Q", format=",.0f")]).properties(width=width, height=220).facet(
        column=alt.Column("panel:N", title=None, sort=["balanced panel", "full panel"]))


def modelscope_chart(table: pd.DataFrame, width: int = 560) -> alt.Chart:
    return alt.Chart(table).mark_bar().encode(
        x=alt.X("crawl_date:T", title="crawl (downloads since the previous crawl)"),
        y=alt.Y("value:Q", title="ModelScope downloads per 30 days"),
        color=alt.Color("family:N", title="Family"),
        tooltip=[alt.Tooltip("crawl_date:T", format="%Y-%m-%d"), "family:N",
                 alt.Tooltip("value:Q", format=",.0f")]).properties(width=width, height=220)
