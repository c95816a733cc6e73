"""Chapter `policy`: open source in U.S. and Chinese AI policy documents (AGORA) around the shocks.

The unit of every comparison is a document family (translations, drafts and versions of one text, see
data/curated/policy_families.csv), dated by its earliest member; Chinese dates are checked against
data/curated/policy_dates.csv and only families with a verified date enter a before/after test.
"""

from __future__ import annotations

import datetime as dt
import html
import math
import re
from pathlib import Path
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import statsmodels.formula.api as smf
from scipy import stats
from scipy.special import gammaln
from statsmodels.stats.proportion import proportion_confint

from chipshock.chapters.policy.parameters import DATES, EXTRA_DICTIONARIES, FULLTEXT
from chipshock.charts import PALETTE, _scale, _shock_rules
from chipshock.data import curated, reads
from chipshock.data.dictionaries import POLICY_DICTIONARIES
from chipshock.data.tables._common import iter_jsonl
from chipshock.errors import DataError
from chipshock.paths import Project
from chipshock.tables import Col, Table, format_table
from chipshock.wording import ALPHA, change, in_line

JURISDICTION_COLOURS = {"CN": PALETTE["vermillion"], "US": PALETTE["blue"]}
GROUPS = {"us_federal": "US federal", "us_state": "US state and local", "us_local": "US state and local",
          "cn_central": "CN central", "cn_provincial": "CN provincial"}
POWER = 0.8


# ------------------------------------------------------------------------------------------ documents

def select(docs: pd.DataFrame, p: dict[str, Any]) -> pd.DataFrame:
    """Documents of the chosen levels, with a full text of at least `min_words` words."""
    keep = docs["level"].isin(p["jurisdictions"]) & docs["has_fulltext"]
    return docs[keep & (docs["word_count"] >= p["min_words"])].copy()


def _full_texts(project: Project) -> dict[int, str]:
    path = reads.optional(project.root, FULLTEXT)
    if path is None:
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


def read_families(root: Path) -> pd.DataFrame:
    return curated.policy_families(root)


def read_dates(root: Path) -> pd.DataFrame:
    return curated.policy_dates(root)


def title_key(title: str) -> str:
    """A title without section suffixes, bill years and punctuation: sections and reintroductions of one
    act share it (fiscal years are kept, so two NDAAs do not)."""
    t = re.split(r",? sec(?:tion|s?\.)\s|, title |, division ", title.lower())[0]
    t = re.sub(r"\bof (?:19|20)\d\d\b|\((?:19|20)\d\d\)|(?<!year )\b(?:19|20)\d\d$", "", t)
    return re.sub(r"[^a-z0-9]+", " ", t).strip()


def crosses(a: pd.Timestamp, b: pd.Timestamp, cuts: list[dt.date]) -> bool:
    """True if a cut date separates a and b (a document on the cut counts as after it)."""
    return any((a.date() >= c) != (b.date() >= c) for c in cuts)


def check_dates(docs: pd.DataFrame, dates: pd.DataFrame, cuts: list[dt.date]) -> pd.DataFrame:
    """Chinese documents get their checked `date`; `date_verified` is True when independent evidence
    (a date in the URL or the text, the Chinese text in another corpus, or a curated reference) lies
    within a year of it with no cut date between. U.S. dates are AGORA's legislative records, not
    re-checked (`date_verified` True). A Chinese document missing from the table raises DataError."""
    out = docs.copy()
    cn = out["jurisdiction"] == "CN"
    missing = sorted(set(out.loc[cn, "agora_id"]) - set(dates["agora_id"]))
    if missing:
        raise DataError(f"{DATES} has no checked date for the Chinese AGORA documents {missing}: add a row "
                        "per document (its date, the evidence and where it comes from)")
    d = dates.set_index("agora_id")
    checked = pd.to_datetime(out.loc[cn, "agora_id"].map(d["date"]))
    evidence = pd.to_datetime(out.loc[cn, "agora_id"].map(d["evidence_date"]).replace("", None))
    out.loc[cn, "date"] = checked.astype(out["date"].dtype)
    ok = [pd.notna(e) and abs((e - c).days) <= 366 and not crosses(c, e, cuts)
          for c, e in zip(checked, evidence, strict=True)]
    out["date_verified"] = True
    out.loc[cn, "date_verified"] = ok
    return out


def corrections_text(dates: pd.DataFrame, docs: pd.DataFrame) -> str:
    """The corrected dates in a sentence: 'One AGORA date is corrected: Title (AGORA …, checked …).'"""
    changed = dates[dates["date"] != dates["agora_date"]]
    titles = docs.set_index("agora_id")["title"]
    parts = [f"{titles.get(r.agora_id, r.agora_id)} (AGORA {r.agora_date}, checked {r.date})"
             for r in changed.itertuples()]
    if not parts:
        return "No AGORA date needed a correction."
    head = "One AGORA date is corrected" if len(parts) == 1 else f"{len(parts)} AGORA dates are corrected"
    return f"{head}: {'; '.join(parts)}."


def attach_families(docs: pd.DataFrame, families: pd.DataFrame) -> pd.DataFrame:
    """`family`: the curated family, else the level and the title key."""
    curated = docs["agora_id"].map(families.set_index("agora_id")["family"])
    fallback = docs["level"].map(GROUPS) + ": " + docs["title"].map(title_key)
    return docs.assign(family=curated.fillna(fallback))


def units(docs: pd.DataFrame, names: list[str], cuts: list[dt.date]) -> pd.DataFrame:
    """One row per family: earliest date, summed words and matches, a flag per dictionary if any member
    is flagged, and `date_verified` if a member's date is verified and no cut separates the members."""
    d = docs.assign(group=docs["level"].map(GROUPS))
    counts = {f"{n}_n": "sum" for n in names}
    if "open_source_raw_n" in d:
        counts["open_source_raw_n"] = "sum"
    g = d.groupby("family", sort=True)
    out = g.agg(jurisdiction=("jurisdiction", "first"), group=("group", "first"), date=("date", "min"),
                last=("date", "max"), members=("agora_id", "size"), word_count=("word_count", "sum"),
                any_verified=("date_verified", "any"), **{k: (k, v) for k, v in counts.items()})
    apart = np.array([crosses(a, b, cuts) for a, b in zip(out["date"], out["last"], strict=True)], bool)
    out["date_verified"] = out["any_verified"].to_numpy(bool) & ~apart
    for n in names:
        out[n] = out[f"{n}_n"] > 0
    return out.drop(columns=["last", "any_verified"]).reset_index()


# ------------------------------------------------------------------------------------------ tests

def _log_comb(n: int, k: np.ndarray) -> np.ndarray:
    return gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1)


def _binom_pmf(n: int, p: float) -> np.ndarray:
    k = np.arange(n + 1)
    if p <= 0 or p >= 1:
        return (k == (0 if p <= 0 else n)).astype(float)
    return np.exp(_log_comb(n, k) + k * np.log(p) + (n - k) * np.log1p(-p))


def _fisher_rejects(n_b: int, n_a: int, alpha: float) -> np.ndarray:
    """Boolean (n_b+1, n_a+1): does Fisher's two-sided exact test reject for x of n_b and y of n_a?
    (The p-value sums the tables of the same margins no more likely than the observed, with scipy's
    relative tolerance of 1e-7.)"""
    reject = np.zeros((n_b + 1, n_a + 1), dtype=bool)
    total = n_b + n_a
    for t in range(total + 1):
        xs = np.arange(max(0, t - n_a), min(n_b, t) + 1)
        pmf = np.exp(_log_comb(n_b, xs) + _log_comb(n_a, t - xs) - _log_comb(total, np.array(t)))
        order = np.sort(pmf)
        p = np.cumsum(order)[np.searchsorted(order, pmf * (1 + 1e-7), side="right") - 1]
        reject[xs, t - xs] = p <= alpha
    return reject


def fisher_power(p0: float, p1: float, n_b: int, n_a: int, alpha: float = ALPHA,
                 reject: np.ndarray | None = None) -> float:
    """Exact power of Fisher's two-sided test when the shares are p0 before and p1 after."""
    r = _fisher_rejects(n_b, n_a, alpha) if reject is None else reject
    return float(_binom_pmf(n_b, p0) @ r @ _binom_pmf(n_a, p1))


def detectable_share(p0: float, n_b: int, n_a: int, alpha: float = ALPHA, power: float = POWER) -> float:
    """The smallest share after (above p0) that Fisher's test detects with `power`, exactly (NaN if
    even a share of 1 is not detected so often, or a side is empty)."""
    if n_b == 0 or n_a == 0:
        return float("nan")
    r = _fisher_rejects(n_b, n_a, alpha)
    if fisher_power(p0, 1.0, n_b, n_a, alpha, r) < power:
        return float("nan")
    lo, hi = p0, 1.0
    for _ in range(20):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if fisher_power(p0, mid, n_b, n_a, alpha, r) < power else (lo, mid)
    return hi


def rate_permutation_p(matches: np.ndarray, words: np.ndarray, after: np.ndarray, n_perm: int = 2000,
                       seed: int = 20221007) -> float:
    """Two-sided permutation p-value for the difference in matches per word, after minus before,
    permuting the after label over units (documents cluster their matches, so a Poisson test would not do)."""
    after = np.asarray(after, dtype=bool)
    if after.all() or not after.any() or words.sum() == 0:
        return float("nan")
    m, w = np.asarray(matches, float), np.asarray(words, float)

    def diff(a: np.ndarray) -> np.ndarray:
        ma, wa = a @ m, a @ w
        return ma / wa - (m.sum() - ma) / (w.sum() - wa)

    rng = np.random.default_rng(seed)
    perms = np.array([rng.permutation(after) for _ in range(n_perm)], dtype=float)
    observed = diff(after[None, :].astype(float))[0]
    extreme = np.abs(diff(perms)) >= abs(observed) - 1e-12
    return float((1 + extreme.sum()) / (n_perm + 1))


def _side(u: pd.DataFrame, name: str, size: str) -> dict[str, float]:
    return {"n": len(u), "flagged": int(u[name].sum()),
            "share": float(u[name].mean()) if len(u) else float("nan"),
            "per_10k": 1e4 * float(u[f"{name}_n"].sum()) / u[size].sum() if u[size].sum() else float("nan")}


def compare(u: pd.DataFrame, after: pd.Series, name: str, size: str = "word_count") -> dict[str, Any]:
    """Share flagged and matches per 10,000 `size` before vs after, Fisher's exact p, a permutation p
    for the intensity, the share after detectable with 80% power, and the direction words."""
    b, a = _side(u[~after], name, size), _side(u[after], name, size)
    table = [[b["flagged"], b["n"] - b["flagged"]], [a["flagged"], a["n"] - a["flagged"]]]
    fisher = stats.fisher_exact(table).pvalue if b["n"] and a["n"] else float("nan")
    perm = rate_permutation_p(u[f"{name}_n"].to_numpy(), u[size].to_numpy(), after.to_numpy())
    share_word = change(b["share"], a["share"], fisher)
    return {"n_before": b["n"], "flagged_before": b["flagged"], "share_before": b["share"],
            "n_after": a["n"], "flagged_after": a["flagged"], "share_after": a["share"],
            "fisher_p": float(fisher),
            "detectable_after": detectable_share(b["share"], b["n"], a["n"]) if b["n"] else float("nan"),
            "per_10k_before": b["per_10k"], "per_10k_after": a["per_10k"], "permutation_p": perm,
            "share_change": share_word,
            "intensity_change": change(b["per_10k"], a["per_10k"], perm)}


def holm(p: pd.Series) -> pd.Series:
    """Holm-adjusted p-values (NaN stays NaN and is not counted among the tests)."""
    from statsmodels.stats.multitest import multipletests

    out = pd.Series(np.nan, index=p.index, dtype=float)
    ok = p.notna()
    if ok.any():
        out[ok] = multipletests(p[ok].astype(float), method="holm")[1]
    return out


def with_holm(table: pd.DataFrame) -> pd.DataFrame:
    """A table of `compare` rows (one per dictionary) with Holm-adjusted p-values over its rows, and the
    direction words recomputed from them: several themes are tested at once."""
    out = table.copy()
    out["fisher_holm_p"] = holm(out["fisher_p"])
    out["permutation_holm_p"] = holm(out["permutation_p"])
    out["share_change"] = [change(r.share_before, r.share_after, r.fisher_holm_p)
                           for r in out.itertuples()]
    out["intensity_change"] = [change(r.per_10k_before, r.per_10k_after, r.permutation_holm_p)
                               for r in out.itertuples()]
    return out


def detectable_text(row: pd.Series | dict[str, Any]) -> str:
    """In words: the share after that the exact test would detect with 80% power, given the share before."""
    if row["n_before"] == 0 or row["n_after"] == 0:
        return "nothing: one side has no documents"
    share = row["detectable_after"]
    if share is None or math.isnan(float(share)):
        return "not even a rise to every document: the test has under 80% power against any rise"
    return f"a rise from {float(row['share_before']):.0%} to {float(share):.0%} or more"


def summary(prefix: str, row: pd.Series | dict[str, Any]) -> dict[str, Any]:
    """The glue values of one `compare` row under `prefix_`: counts, shares, intensities, p-values, words."""
    keys = ("n_before", "flagged_before", "share_before", "n_after", "flagged_after", "share_after",
            "fisher_p", "per_10k_before", "per_10k_after", "permutation_p", "share_change",
            "intensity_change")
    out: dict[str, Any] = {}
    for k in keys:
        v = row[k]
        count = k.startswith(("n_", "flagged"))
        out[f"{prefix}_{k}"] = v if isinstance(v, str) else (int(v) if count else float(v))
    out[f"{prefix}_claim"] = in_line(str(row["share_change"]))
    out[f"{prefix}_detectable"] = detectable_text(row)
    return out


def before_after(u: pd.DataFrame, dates: list[dt.date], name: str, by: str = "group") -> pd.DataFrame:
    """`compare` before and from each date, per group (U.S. federal and state apart), verified dates only."""
    ok = u[u["date_verified"]]
    rows = []
    for date in dates:
        for key, g in ok.groupby(by, sort=True):
            rows.append({"date": date.isoformat(), by: key,
                         **compare(g, g["date"].dt.date >= date, name)})
    return pd.DataFrame(rows)


def themes(u: pd.DataFrame, split: dt.date, names: list[str], jurisdiction: str = "CN") -> pd.DataFrame:
    """For one jurisdiction's families with verified dates: `compare` for every dictionary."""
    d = u[(u["jurisdiction"] == jurisdiction) & u["date_verified"]]
    after = d["date"].dt.date >= split
    return pd.DataFrame({n: compare(d, after, n) for n in names}).T.infer_objects().rename_axis("dictionary")


def before_first_shock(u: pd.DataFrame, first: dt.date, name: str = "open_source") -> pd.DataFrame:
    """Claim 1 (both countries promoted open source before the controls): per jurisdiction, the families
    before the first shock that mention it, with an exact (Clopper-Pearson) 95% interval."""
    rows = []
    for juris, g in u[u["date"].dt.date < first].groupby("jurisdiction", sort=True):
        k, n = int(g[name].sum()), len(g)
        low, high = proportion_confint(k, n, method="beta") if n else (float("nan"),) * 2
        rows.append({"jurisdiction": juris, "families": n, "flagged": k, "share": k / n if n else np.nan,
                     "ci_low": float(low), "ci_high": float(high)})
    return pd.DataFrame(rows).set_index("jurisdiction")


def logit(u: pd.DataFrame, split: dt.date, dictionary: str = "open_source") -> pd.DataFrame:
    """Logit of the flag on China x after-split, heteroskedasticity-robust (HC1) errors."""
    d = pd.DataFrame({"y": u[dictionary].astype(int), "china": (u["jurisdiction"] == "CN").astype(int),
                      "post": (u["date"].dt.date >= split).astype(int)})
    fit = smf.logit("y ~ china * post", d).fit(disp=False, cov_type="HC1")
    ci = fit.conf_int()
    return pd.DataFrame({"coef": fit.params, "se": fit.bse, "p": fit.pvalues, "ci_low": ci[0],
                         "ci_high": ci[1]}).rename(index={"china:post": "china × post"})


# ------------------------------------------------------------------------------------------ periods

def period_label(dates: pd.Series, period: str) -> pd.Series:
    """'2022' or '2022-H2'."""
    years = dates.dt.year.astype(str)
    return years if period == "year" else years + "-H" + np.where(dates.dt.month <= 6, "1", "2")


def period_start(label: str) -> pd.Timestamp:
    year, _, half = label.partition("-H")
    return pd.Timestamp(int(year), 7 if half == "2" else 1, 1)


def shares_by_period(u: pd.DataFrame, dictionary: str, period: str) -> pd.DataFrame:
    """Families and the share flagged by a dictionary, per period and jurisdiction, Wilson 95% CI, and
    the matches per 10,000 words."""
    d = u.assign(period=period_label(u["date"], period))
    g = d.groupby(["period", "jurisdiction"]).agg(
        documents=(dictionary, "size"), flagged=(dictionary, "sum"),
        matches=(f"{dictionary}_n", "sum"), words=("word_count", "sum")).reset_index()
    low, high = proportion_confint(g["flagged"], g["documents"], method="wilson")
    g["share"], g["ci_low"], g["ci_high"] = g["flagged"] / g["documents"], low, high
    g["per_10k"] = 1e4 * g["matches"] / g["words"]
    g["start"] = g["period"].map(period_start)
    return g


# ------------------------------------------------------------------------------------------ tables

COLUMN_LABELS = {
    "n_before": "Families before", "n_after": "Families after",
    "flagged_before": "Flagged before", "flagged_after": "Flagged after",
    "detectable_after": "Share after detectable (80% power)",
    "per_10k_before": "Per 10,000 words, before", "per_10k_after": "Per 10,000 words, after",
    "fisher_holm_p": "Fisher's p, Holm", "permutation_p": "Permutation p",
    "permutation_holm_p": "Permutation p, Holm", "share_change": "Share", "intensity_change": "Intensity",
    "labelled": "Passages", "precision_raw": "Precision, all matches", "kept": "Kept by the rules",
    "precision": "Precision, kept", "true_dropped": "True matches dropped",
    "support_share": "Kept that support",
    "before": "Before the split", "before_open_source": "Before: open source",
    "after": "From the split", "after_open_source": "From: open source",
    "unverified_date": "Date not verified", "unverified_open_source": "Not verified: open source",
    "open_source": "Mention open source", "ai": "About AI (人工智能)",
    "term_matches": "Matches in the corpora",
}
CHARACTER_LABELS = {"per_10k_before": "Per 10,000 characters, before",
                    "per_10k_after": "Per 10,000 characters, after",
                    "n_before": "Documents before", "n_after": "Documents after"}


SHARE_COLUMNS = ("detectable_after", "precision_raw", "precision", "ci_low", "ci_high", "support_share",
                 "sample_fraction")


def table(frame: pd.DataFrame, id: str, per: str = "words") -> Any:
    """The book's table for a chapter frame: the chapter's column labels (per 10,000 `per`), shares and
    precisions as percentages, the house formatter."""
    from chipshock.tables import Col, format_table, tidy

    labels = {**COLUMN_LABELS, **(CHARACTER_LABELS if per == "characters" else {})}
    names = set(tidy(frame).columns)  # the formatter leaves out columns that are entirely empty
    spec: dict[str, Any] = {k: v for k, v in labels.items() if k in names}
    for k in SHARE_COLUMNS:
        if k in names:
            spec[k] = Col(label=spec.get(k), kind="share")
    return format_table(frame, spec, id=id)

def open_source_frame(docs: pd.DataFrame) -> pd.DataFrame:
    """The documents that mention open source (kept matches), newest first, with link and quotation."""
    rows = docs[docs["open_source"]].sort_values("date", ascending=False)
    return pd.DataFrame({"date": rows["date"].to_numpy(), "jurisdiction": rows["jurisdiction"].to_numpy(),
                         "authority": rows["authority"].to_numpy(), "document": rows["title"].to_numpy(),
                         "url": rows["url"].to_numpy(),
                         "where it says it": rows["open_source_fragment"].to_numpy()})


def open_source_list(docs: pd.DataFrame) -> Table:
    """The documents that mention open source as the book's table, each title linked to its source."""
    frame = open_source_frame(docs)
    links = dict(zip(frame["document"], frame["url"], strict=False))
    table = format_table(frame.drop(columns="url"), {
        "date": Col("Date", "date"), "jurisdiction": Col("Jurisdiction"), "authority": Col("Authority"),
        "document": Col("Document"), "where it says it": Col("Where it says it")}, id="doc_list")

    def linked(title: object) -> str:
        url = str(links.get(title, ""))
        text = html.escape(str(title))
        return f'<a href="{html.escape(url)}">{text}</a>' if url.startswith("http") else text

    return Table(table.frame, table.cols, table.gt.fmt(linked, columns="document"), table.id)


# ------------------------------------------------------------------------------------------ charts

def documents_chart(counts: pd.DataFrame, shocks: list[dt.date], width: int = 620) -> alt.LayerChart:
    """Document families per period by jurisdiction (stacked bars) with the shocks marked."""
    bars = alt.Chart(counts).mark_bar().encode(
        x=alt.X("start:T", title=None), y=alt.Y("documents:Q", title="document families"),
        color=alt.Color("jurisdiction:N", title="Jurisdiction",
                        scale=_scale(JURISDICTION_COLOURS, ["CN", "US"])),
        tooltip=["period:N", "jurisdiction:N", "documents:Q"])
    return alt.layer(bars, _shock_rules(shocks)).properties(width=width, height=200)


def share_chart(shares: pd.DataFrame, shocks: list[dt.date], width: int = 620) -> alt.VConcatChart:
    """Share of families flagged (with 95% intervals) and matches per 10,000 words, per period."""
    scale = _scale(JURISDICTION_COLOURS, ["CN", "US"])
    base = alt.Chart(shares).encode(
        x=alt.X("start:T", title=None),
        color=alt.Color("jurisdiction:N", title="Jurisdiction", scale=scale))
    points = base.mark_line(point=True).encode(
        y=alt.Y("share:Q", title="share mentioning open source", axis=alt.Axis(format="%")),
        tooltip=["period:N", "jurisdiction:N", "documents:Q", "flagged:Q",
                 alt.Tooltip("share:Q", format=".0%")])
    bands = base.mark_rule(opacity=0.5).encode(y="ci_low:Q", y2="ci_high:Q")
    intensity = base.mark_line(point=True).encode(
        y=alt.Y("per_10k:Q", title="matches per 10,000 words"),
        tooltip=["period:N", "jurisdiction:N", alt.Tooltip("per_10k:Q", format=".1f")])
    top = alt.layer(bands, points, _shock_rules(shocks)).properties(width=width, height=200)
    bottom = alt.layer(intensity, _shock_rules(shocks)).properties(width=width, height=140)
    return alt.vconcat(top, bottom)


def themes_chart(table: pd.DataFrame, split: dt.date, width: int = 220) -> alt.HConcatChart:
    """Share of Chinese families flagged by each dictionary and matches per 10,000 words, before vs
    after the split."""
    order = [f"before {split}", f"from {split}"]
    scale = alt.Scale(domain=order, range=[PALETTE["grey"], PALETTE["vermillion"]])

    def panel(before: str, after: str, title: str, fmt: str) -> alt.Chart:
        long = table.reset_index().melt(id_vars="dictionary", value_vars=[before, after],
                                        var_name="when", value_name="value")
        long["when"] = long["when"].map({before: order[0], after: order[1]})
        long["value"] = long["value"].astype(float)
        return alt.Chart(long).mark_bar().encode(
            y=alt.Y("dictionary:N", title=None), yOffset=alt.YOffset("when:N", sort=order),
            x=alt.X("value:Q", title=title, axis=alt.Axis(format=fmt)),
            color=alt.Color("when:N", title=None, sort=order, scale=scale),
            tooltip=["dictionary:N", "when:N", alt.Tooltip("value:Q", format=fmt)],
        ).properties(width=width)

    return alt.hconcat(panel("share_before", "share_after", "share of Chinese families", "%"),
                       panel("per_10k_before", "per_10k_after", "matches per 10,000 words", ".1f"))
