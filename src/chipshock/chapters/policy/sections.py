"""The policy chapter's sections, each one function returning one frozen result to glue.

The notebook calls them in order; a section that needs another's data takes that section's result
(its `internal()` fields carry the frames)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd

from chipshock import charts
from chipshock.chapters.policy import analysis as po
from chipshock.chapters.policy import chinese as zh
from chipshock.chapters.policy import claim_one as c1
from chipshock.chapters.policy import its
from chipshock.chapters.policy import validation as va
from chipshock.claims import judge
from chipshock.claims import policy as rules
from chipshock.data import curated
from chipshock.data.build import load
from chipshock.data.catalog import RECALL_LABELS
from chipshock.data.dictionaries import POLICY_DICTIONARIES
from chipshock.keys import claim_keys
from chipshock.numbers import number, p_value, percent, points
from chipshock.paths import Project
from chipshock.results import Exhibit, SectionResult, flat, internal
from chipshock.tables import Col, Table, format_table
from chipshock.wording import ALPHA, agree, count_of, is_significant, tested_change

SENSE_KEYS = tuple(k for s in curated.SENSES for k in (f"dict_n_{s}", f"dict_dropped_{s}"))
GROUP_KEYS = {"English, US": "en_us", "English, CN": "en_cn", "Chinese, CN": "zh_cn"}
GROUP_FIELDS = tuple(f"dict_{m}_{k}" for k in GROUP_KEYS.values()
                     for m in ("precision", "precision_raw", "n"))
THEMES = ("ecosystem", "resilience", "standards")
THEME_TERMS = {"生态": "shengtai", "规范": "guifan", "安全可控": "anquan"}
THEME_FIELDS = (*(f"theme_precision{r}_{n}" for n in THEMES for r in ("_raw", "")),
                *(f"theme_precision{r}_{k}" for k in THEME_TERMS.values() for r in ("_raw", "")))
SUMMARY_PARTS = ("n_before", "flagged_before", "share_before", "n_after", "flagged_after", "share_after",
                 "fisher_p", "per_10k_before", "per_10k_after", "permutation_p", "share_change",
                 "intensity_change", "claim", "detectable")
FIRST_FIELDS = tuple(f"first_{j}_{c}" for j in ("cn", "us")
                     for c in ("families", "flagged", "share", "ci_low", "ci_high"))
MIIT_FIELDS = tuple(f"miit_{n}_{m}_change" for n in POLICY_DICTIONARIES for m in ("share", "intensity"))
NOT_CHOSEN = "not computed (the dictionary is not chosen in this run)"


def _keys(prefix: str) -> tuple[str, ...]:
    return tuple(f"{prefix}_{k}" for k in SUMMARY_PARTS)


# --------------------------------------------------------------------------- the dictionary

@dataclass(frozen=True)
class Validation(SectionResult):
    dict_n_labelled: int
    dict_n_en: int
    dict_n_zh: int
    dict_precision: float
    dict_precision_raw: float
    dict_precision_ci_low: float
    dict_precision_ci_high: float
    dict_support_share: float
    dict_true_dropped: int
    dict_doc_precision: float
    dict_doc_precision_ci_low: float
    dict_doc_precision_ci_high: float
    dict_doc_n: int
    dict_heldout_n: int
    dict_heldout_docs: int
    dict_heldout_precision: float
    dict_heldout_precision_raw: float
    dict_heldout_doc_precision: float
    dict_recall: float
    dict_recall_n: int
    dict_recall_misses: int
    dict_recall_unflagged: int
    dict_recall_missed: float
    dict_recall_ci_low: float
    dict_recall_ci_high: float
    dict_precision_table: Table
    dict_term_table: Table
    dict_confusion_table: Table
    dict_quotes_table: Table
    dict_recall_table: Table
    theme_n_labelled: int
    theme_n_terms: int
    dict_theme_table: Table
    senses: dict = flat(SENSE_KEYS)
    groups: dict = flat(GROUP_FIELDS)
    themes: dict = flat(THEME_FIELDS)
    rules: pd.DataFrame = internal()


def _recall_parts(project: Project) -> tuple[pd.DataFrame, pd.DataFrame]:
    pop = va.recall_population(load(project, "policy_documents"), load(project, "cn_policy_documents"))
    labels = curated.recall_labels(project.root).merge(pop, on=["corpus", "doc_id"], how="left")
    return pop, labels


CORPUS_WORDS = {"agora": "AGORA", "miit-cac-tc260": "MIIT, CAC and TC260 lists",
                "smart-tech-cn-sd": "smart-technology corpus"}


def recall_table(labels: pd.DataFrame) -> Table:
    """The sampled documents the dictionary missed, with the passage and the reason."""
    shown = labels[labels["mentions"] == "yes"][["corpus", "doc_id", "passage", "reason"]]
    shown = shown.assign(corpus=shown["corpus"].map(CORPUS_WORDS))
    return format_table(shown.reset_index(drop=True), {"corpus": Col("Corpus"), "doc_id": Col("Document"),
                                                       "passage": Col("Passage"), "reason": Col("Reason")},
                        id="dict_recall_table")


def validation(project: Project) -> Validation:
    rules = va.apply_rules(va.read_labels(project.root))
    overall, by_group = va.precision(rules).iloc[0], va.precision(rules, "group")
    low, high = va.clustered_interval(rules)
    docs = va.doc_precision(rules)
    held = va.heldout_precision(curated.heldout_labels(project.root))
    pop, labels = _recall_parts(project)
    if labels["stratum"].isna().any():
        from chipshock.errors import DataError

        raise DataError(f"{RECALL_LABELS} holds documents the processed tables do not: restore it with "
                        f"`git checkout -- {RECALL_LABELS}`")
    rec = va.recall(pop[pop["flagged"]], pop[~pop["flagged"]], labels, float(docs["precision"]))
    theme_labels = va.read_theme_labels(project.root)
    theme_table = va.theme_precision(theme_labels)
    raw, kept = va.weighted_precision(theme_table, "precision_raw"), va.weighted_precision(theme_table)
    themes: dict[str, float] = {}
    for name in THEMES:
        themes[f"theme_precision_raw_{name}"] = float(raw.get(name, float("nan")))
        themes[f"theme_precision_{name}"] = float(kept.get(name, float("nan")))
    for term, key in THEME_TERMS.items():
        row = theme_table.xs(term, level="term").iloc[0]
        themes[f"theme_precision_raw_{key}"] = float(row["precision_raw"])
        themes[f"theme_precision_{key}"] = float(row["precision"])
    senses = {}
    for s in curated.SENSES:
        senses[f"dict_n_{s}"] = int((rules["label"] == s).sum())
        senses[f"dict_dropped_{s}"] = int(((rules["label"] == s) & ~rules["kept"]).sum())
    groups = {}
    for group, key in GROUP_KEYS.items():
        groups[f"dict_precision_{key}"] = float(by_group.loc[group, "precision"])
        groups[f"dict_precision_raw_{key}"] = float(by_group.loc[group, "precision_raw"])
        groups[f"dict_n_{key}"] = int(by_group.loc[group, "labelled"])
    return Validation(
        dict_n_labelled=len(rules), dict_n_en=int((rules["language"] == "en").sum()),
        dict_n_zh=int((rules["language"] == "zh").sum()), dict_precision=float(overall["precision"]),
        dict_precision_raw=float(overall["precision_raw"]), dict_precision_ci_low=float(low),
        dict_precision_ci_high=float(high), dict_support_share=float(overall["support_share"]),
        dict_true_dropped=int(overall["true_dropped"]), dict_doc_precision=float(docs["precision"]),
        dict_doc_precision_ci_low=float(docs["ci_low"]), dict_doc_precision_ci_high=float(docs["ci_high"]),
        dict_doc_n=int(docs["documents"]), dict_heldout_n=int(held["labelled"]),
        dict_heldout_docs=int(held["documents"]), dict_heldout_precision=float(held["precision"]),
        dict_heldout_precision_raw=float(held["precision_raw"]),
        dict_heldout_doc_precision=float(held["doc_precision"]), dict_recall=float(rec["recall"]),
        dict_recall_n=int(rec["sampled"]), dict_recall_misses=int(rec["misses"]),
        dict_recall_unflagged=int((~pop["flagged"]).sum()), dict_recall_missed=float(rec["missed_estimate"]),
        dict_recall_ci_low=float(rec["ci_low"]), dict_recall_ci_high=float(rec["ci_high"]),
        dict_precision_table=po.table(by_group, "dict_precision_table"),
        dict_term_table=po.table(va.precision(rules, "term"), "dict_term_table"),
        dict_confusion_table=po.table(va.confusion(rules), "dict_confusion_table"),
        dict_quotes_table=po.table(va.quotations(rules), "dict_quotes_table"),
        dict_recall_table=recall_table(labels),
        theme_n_labelled=len(theme_labels), theme_n_terms=len(theme_table),
        dict_theme_table=po.table(theme_table, "dict_theme_table"),
        senses=senses, groups=groups, themes=themes, rules=rules)


# --------------------------------------------------------------------------- the documents

@dataclass(frozen=True)
class Documents(SectionResult):
    n_docs_all: int
    n_docs: int
    n_cn: int
    n_us: int
    n_units: int
    n_cn_units: int
    n_us_units: int
    n_cn_unverified: int
    n_dates_corrected: int
    dates_corrected: str
    n_short: int
    os_raw_matches: int
    os_kept_matches: int
    min_words: int
    split_date: str
    period_word: str
    documents_chart: Any
    documents_chart_takeaway: str
    docs: pd.DataFrame = internal()
    units: pd.DataFrame = internal()
    shares: pd.DataFrame = internal()
    families_by_group: Table = internal()


def documents_takeaway(shares: pd.DataFrame, period: str) -> str:
    """The busiest period of each jurisdiction, in families."""
    parts = []
    for juris, word in (("US", "U.S."), ("CN", "Chinese")):
        mine = shares[shares["jurisdiction"] == juris]
        if mine.empty:
            parts.append(f"no {word} family")
            continue
        top = mine.loc[mine["documents"].idxmax()]
        parts.append(f"{word} families peak in {top['period']} ({int(top['documents'])})")
    return f"Per {period}, {parts[0]} and {parts[1]}."


def documents(project: Project, p: Any, v: Validation) -> Documents:
    cuts = [p["split_date"], *p["shocks"]]
    all_docs = load(project, "policy_documents")
    docs = po.apply_dictionaries(po.select(all_docs, p), list(p["dictionaries"]), project)
    checked = po.read_dates(project.root)
    docs = po.attach_families(po.check_dates(docs, checked, cuts), po.read_families(project.root))
    docs["supports_n"] = docs["agora_id"].map(va.support_counts(v.rules)).fillna(0).astype("int64")
    u = po.units(docs, [*p["dictionaries"], "supports"], cuts)
    shares = po.shares_by_period(u, "open_source", p["period"])
    short = all_docs["level"].isin(p["jurisdictions"]) & (all_docs["word_count"] < p["min_words"])
    groups = u.groupby(["jurisdiction", "group"]).size().rename("families")
    return Documents(
        n_docs_all=len(all_docs), n_docs=len(docs), n_cn=int((docs["jurisdiction"] == "CN").sum()),
        n_us=int((docs["jurisdiction"] == "US").sum()), n_units=len(u),
        n_cn_units=int((u["jurisdiction"] == "CN").sum()), n_us_units=int((u["jurisdiction"] == "US").sum()),
        n_cn_unverified=int(((u["jurisdiction"] == "CN") & ~u["date_verified"]).sum()),
        n_dates_corrected=int((checked["date"] != checked["agora_date"]).sum()),
        dates_corrected=po.corrections_text(checked, all_docs), n_short=int(short.sum()),
        os_raw_matches=int(docs["open_source_raw_n"].sum()), os_kept_matches=int(docs["open_source_n"].sum()),
        min_words=p["min_words"], split_date=p["split_date"].isoformat(), period_word=p["period"],
        documents_chart=po.documents_chart(shares, p["shocks"]),
        documents_chart_takeaway=documents_takeaway(shares, p["period"]),
        docs=docs, units=u, shares=shares, families_by_group=format_table(groups, id="families_by_group"))


# --------------------------------------------------------------------------- how often

@dataclass(frozen=True)
class Shares(SectionResult):
    share_chart: Any
    share_chart_takeaway: str
    share_cn: float
    flagged_cn: int
    share_us: float
    flagged_us: int
    before_after_table: Table


def shares(d: Documents, p: Any) -> Shares:
    out: dict[str, Any] = {}
    for juris in ("CN", "US"):
        mine = d.units[d.units["jurisdiction"] == juris]
        out[f"share_{juris.lower()}"] = float(mine["open_source"].mean())
        out[f"flagged_{juris.lower()}"] = int(mine["open_source"].sum())
    ba = po.before_after(d.units, p["shocks"], "open_source")
    shown = ba.drop(columns=["flagged_before", "flagged_after"]).set_index(["date", "group"])
    take = (f"Over the whole period {percent(out['share_cn'], 0)} of the Chinese families and "
            f"{percent(out['share_us'], 1)} of the U.S. ones mention open source.")
    return Shares(share_chart=po.share_chart(d.shares, p["shocks"]), share_chart_takeaway=take,
                  before_after_table=po.table(shown, "before_after_table"), **out)


# --------------------------------------------------------------------------- claim 1

@dataclass(frozen=True)
class ClaimOne(SectionResult):
    first_shock: str
    us_events_before_n: int
    us_events_before_open: int
    us_events_before_supports: int
    us_events_before_mentions: int
    us_events_open_words: str
    first_table: Table
    first_cn_support: int
    first_us_support: int
    claim1_cn_docs: int
    claim1_cn_support: int
    claim1_us_docs: int
    claim1_us_support: int
    claim1_smart_tech_docs: int
    claim1_smart_tech_support: int
    claim1_alternatives_table: Table
    first: dict = flat(FIRST_FIELDS)
    judgement: dict = flat(tuple(claim_keys(1).values()))


def _verdict(c: c1.Counts) -> Any:
    return rules.policy_before(c.cn_support, c.cn_docs, c.us_support, c.us_docs)


def alternatives_table(primary: Any, under: dict[str, Any], id: str) -> Table:
    """Each declared alternative's verdict beside the primary one, with its evidence."""
    rows = [{"specification": "primary", "verdict": primary.word, "evidence": primary.evidence}]
    rows += [{"specification": name, "verdict": v.word, "evidence": v.evidence} for name, v in under.items()]
    return format_table(pd.DataFrame(rows), {"specification": Col("Specification"),
                                             "verdict": Col("Verdict"), "evidence": Col("Evidence")}, id=id)


def us_open_words(supports: int, mentions: int, n: int) -> str:
    """How many U.S. events before the first shock support open source and how many only mention it."""
    if n == 0:
        return "no U.S. event before the first shock is listed"
    return (f"{count_of(supports, n, 'event', verb=('supports', 'support'))} open-source software and "
            f"{count_of(mentions, n, 'event', verb=('mentions', 'mention'))} it without supporting it")


def claim_one(project: Project, p: Any, d: Documents, v: Validation) -> ClaimOne:
    first_shock = min(p["shocks"])
    first = po.before_first_shock(d.units[d.units["date_verified"]], first_shock)
    firsts: dict[str, Any] = {}
    for juris in ("CN", "US"):
        for col in ("families", "flagged", "share", "ci_low", "ci_high"):
            value = first.loc[juris, col] if juris in first.index else float("nan")
            count = col in ("families", "flagged")
            firsts[f"first_{juris.lower()}_{col}"] = int(value) if count else float(value)
    events = curated.policy_events(project)
    us_before = events[(events["country"] == "US") & (events["date"].dt.date < first_shock)]
    supporting = po.before_first_shock(d.units[d.units["date_verified"]], first_shock, "supports")
    cn = load(project, "cn_policy_documents")
    twins = curated.agora_smart_tech_twins(po.read_dates(project.root))
    support = c1.supporting(v.rules)
    base = c1.counts(d.units, cn, support, twins, first_shock)
    agora = c1.counts(d.units, cn, support, twins, first_shock, smart_tech=False)
    primary = _verdict(base)
    under = {"AGORA only": _verdict(agora),
             "one-year margin": _verdict(c1.counts(d.units, cn, support, twins, first_shock,
                                                   margin_days=c1.MARGIN_DAYS)),
             "one document fewer": _verdict(c1.one_fewer(base)),
             "one document more": _verdict(c1.one_more(base))}
    sup, men = (int((us_before["open_source_stance"] == s).sum()) for s in ("supports", "mentions"))
    return ClaimOne(
        first_shock=first_shock.isoformat(), us_events_before_n=len(us_before),
        us_events_before_open=sup + men, us_events_before_supports=sup, us_events_before_mentions=men,
        us_events_open_words=us_open_words(sup, men, len(us_before)),
        first_table=po.table(first, "first_table"),
        first_cn_support=int(supporting.loc["CN", "flagged"]) if "CN" in supporting.index else 0,
        first_us_support=int(supporting.loc["US", "flagged"]) if "US" in supporting.index else 0,
        claim1_cn_docs=base.cn_docs, claim1_cn_support=base.cn_support, claim1_us_docs=base.us_docs,
        claim1_us_support=base.us_support, claim1_smart_tech_docs=base.cn_docs - agora.cn_docs,
        claim1_smart_tech_support=base.cn_support - agora.cn_support,
        claim1_alternatives_table=alternatives_table(primary, under, "claim1_alternatives_table"),
        first=firsts, judgement=judge(rules.CLAIMS[0], primary, under).glue_values())


# --------------------------------------------------------------------------- the AGORA before/after

@dataclass(frozen=True)
class Themes(SectionResult):
    themes_table: Table
    themes_chart: Any
    themes_chart_takeaway: str
    n_themes: int
    n_themes_up_share: int
    n_themes_up_intensity: int
    n_themes_significant: int
    n_themes_significant_intensity: int
    themes_agreement: str
    cn_os: dict = flat(_keys("cn_os"))


def themes_takeaway(table: pd.DataFrame) -> str:
    """How many themes the Chinese families touch more often after the split, and how many
    significantly (Holm)."""
    up = int((table["share_after"] > table["share_before"]).sum())
    sig = int(((table["share_after"] > table["share_before"]) & (table["fisher_holm_p"] < ALPHA)).sum())
    n = len(table)
    return (f"The share of Chinese families touching a theme is higher after the split for "
            f"{count_of(up, n, 'theme')}, significantly (Holm) for {count_of(sig, n, 'theme')}.")


def themes(d: Documents, p: Any) -> Themes:
    table = po.with_holm(po.themes(d.units, p["split_date"], list(p["dictionaries"])))
    row = po.themes(d.units, p["split_date"], ["open_source"]).loc["open_source"]
    up_share = int((table["share_after"] > table["share_before"]).sum())
    up_int = int((table["per_10k_after"] > table["per_10k_before"]).sum())
    return Themes(
        themes_table=po.table(table.drop(columns=["flagged_before", "flagged_after"]), "themes_table"),
        themes_chart=po.themes_chart(table, p["split_date"]), themes_chart_takeaway=themes_takeaway(table),
        n_themes=len(table), n_themes_up_share=up_share, n_themes_up_intensity=up_int,
        n_themes_significant=int((table["fisher_holm_p"] < ALPHA).sum()),
        n_themes_significant_intensity=int((table["permutation_holm_p"] < ALPHA).sum()),
        themes_agreement=agree(up_share, up_int), cn_os=po.summary("cn_os", row))


@dataclass(frozen=True)
class Logit(SectionResult):
    logit_table: Table
    logit_coef: float
    logit_p: float
    logit_ci_low: float
    logit_ci_high: float


def logit_table(frame: pd.DataFrame) -> Table:
    """The logit's coefficients on the log-odds scale: plain numbers, never percentages."""
    return format_table(frame, {"coef": Col("Coefficient (log-odds)", "coef"),
                                "se": Col("Robust standard error", "se"), "p": Col("p", "pvalue"),
                                "ci_low": Col("95% interval, low", "coef"),
                                "ci_high": Col("95% interval, high", "coef")}, id="logit_table")


def logit(d: Documents, p: Any) -> Logit:
    lg = po.logit(d.units[d.units["date_verified"]], p["split_date"])
    inter = lg.loc["china × post"]
    return Logit(logit_table(lg), float(inter["coef"]), float(inter["p"]), float(inter["ci_low"]),
                 float(inter["ci_high"]))


# --------------------------------------------------------------------------- the Chinese corpora

@dataclass(frozen=True)
class Chinese(SectionResult):
    cn_docs_total: int
    cn_fulltext_n: int
    cn_verified_n: int
    cn_corpus_table: Table
    miit_table: Table
    placebo_table: Table
    n_placebo: int
    n_placebo_dates: int
    n_placebo_significant: int
    n_placebo_significant_intensity: int
    cn_titles_total: int
    cn_titles_open_source: int
    titles_sentence: str
    cn_titles_ai: int
    cn_titles_governments: int
    cn_titles_last: str
    titles_table: Table
    miit_os: dict = flat(_keys("miit_os"))
    miit_changes: dict = flat(MIIT_FIELDS)
    cn: pd.DataFrame = internal()
    miit_row: pd.Series = internal()


def chinese(project: Project, p: Any, d: Documents) -> Chinese:
    names = [n for n in p["dictionaries"] if n in POLICY_DICTIONARIES]
    cn = zh.cn_units(load(project, "cn_policy_documents"), names)
    titles = load(project, "cn_gov_doc_titles")
    corpora = zh.corpus_table(cn, d.units[d.units["jurisdiction"] == "CN"], p["split_date"])
    miit = po.with_holm(zh.series_test(cn, p["split_date"], names))
    miit_os = zh.series_test(cn, p["split_date"], ["open_source"]).loc["open_source"]
    changes = {k: NOT_CHOSEN for k in MIIT_FIELDS}
    for n in names:
        changes[f"miit_{n}_share_change"] = miit.loc[n, "share_change"]
        changes[f"miit_{n}_intensity_change"] = miit.loc[n, "intensity_change"]
    pl = zh.placebo_table(cn, list(p["placebo_dates"]), p["split_date"], names)
    ts = zh.titles_summary(titles)
    return Chinese(
        cn_docs_total=int(len(cn) + (d.docs["jurisdiction"] == "CN").sum()), cn_fulltext_n=len(cn),
        cn_verified_n=int(cn["verified"].sum()), cn_corpus_table=po.table(corpora, "cn_corpus_table"),
        miit_table=po.table(miit.drop(columns=["flagged_before", "flagged_after"]), "miit_table",
                            per="characters"),
        placebo_table=po.table(pl.drop(columns=["share_before", "share_after", "detectable_after"]),
                               "placebo_table", per="characters"),
        n_placebo=len(pl), n_placebo_dates=len(p["placebo_dates"]),
        n_placebo_significant=int((pl["fisher_p"] < ALPHA).sum()),
        n_placebo_significant_intensity=int((pl["permutation_p"] < ALPHA).sum()),
        cn_titles_total=int(ts["titles"].sum()), cn_titles_open_source=int(ts["open_source"].sum()),
        titles_sentence=zh.titles_sentence(int(ts["open_source"].sum())), cn_titles_ai=int(ts["ai"].sum()),
        cn_titles_governments=len(ts), cn_titles_last=ts["last"].max().date().isoformat(),
        titles_table=po.table(ts, "titles_table"), miit_os=po.summary("miit_os", miit_os),
        miit_changes=changes, cn=cn, miit_row=miit_os)


# --------------------------------------------------------------------------- claim 2: the time series

@dataclass(frozen=True)
class TimeSeries(SectionResult):
    its_chart: Any
    its_chart_takeaway: str
    its_table: Table
    its_n: int
    its_n_before: int
    its_n_after: int
    its_step: float
    its_step_ci_low: float
    its_step_ci_high: float
    policy_its_break_p: float
    its_tost_p: float
    its_pre_slope: float
    its_pre_slope_text: str
    its_slope_change: float
    its_slope_change_text: str
    its_slope_change_p: float
    its_step_words: str
    its_significant_shocks: str
    its_smallest_effect: str
    its_reading: str
    claim2_alternatives_table: Table
    judgement: dict = flat(tuple(claim_keys(2).values()))


def step_words(row: pd.Series | dict[str, Any]) -> str:
    """The step at the shock in words: '+5.2 percentage points (95% interval −3.2 to 13.6, p = 0.224)'
    after 'rose significantly', 'fell significantly' or 'did not change significantly'."""
    word = tested_change(row["step"], row["step_p"], up="rose significantly", down="fell significantly")
    return (f"{word}: {points(row['step'])} (95% interval {number(100 * row['step_ci_low'], 1)} to "
            f"{number(100 * row['step_ci_high'], 1)}, {p_value(row['step_p'])})")


def reading(step: float, p: float, tost: float) -> str:
    """What the step at the split means for the claim, right for every sign and test outcome."""
    if is_significant(p):
        return ("it finds a significant rise at the split, which the claim predicts" if step > 0 else
                "it finds a significant fall at the split, against the claim")
    if is_significant(tost):
        return ("it finds no step at the split and rules out one as large as the claim's smallest effect "
                "of interest: the evidence is against an embedding after the shocks")
    return ("it finds no step at the split that can be told from noise, yet cannot rule out one as large "
            "as the claim's smallest effect of interest: the evidence neither shows an embedding after "
            "the shocks nor refutes it")


POINT_COLUMNS = ("pre_slope", "step", "step_ci_low", "step_ci_high", "slope_change")


def its_table(table: pd.DataFrame) -> Table:
    """The time series at each shock; trends, steps and slopes in percentage points of the share."""
    shown = table[["n_before", "flagged_before", "n_after", "flagged_after", "pre_slope", "step",
                   "step_ci_low", "step_ci_high", "step_p", "step_tost_p", "slope_change", "slope_change_p"]]
    shown = shown.assign(**{c: 100 * shown[c] for c in POINT_COLUMNS})
    pts = "percentage points"
    return format_table(shown, {
        "n_before": Col("Documents before", "int"), "flagged_before": Col("Mention before", "int"),
        "n_after": Col("Documents after", "int"), "flagged_after": Col("Mention after", "int"),
        "pre_slope": Col("Pre-trend per year", "coef", pts), "step": Col("Step at the shock", "coef", pts),
        "step_ci_low": Col("Step, 95% low", "coef", pts), "step_ci_high": Col("Step, 95% high", "coef", pts),
        "step_p": Col("Step p", "pvalue"), "step_tost_p": Col("Equivalence p (±5 points)", "pvalue"),
        "slope_change": Col("Change of slope per year", "coef", pts),
        "slope_change_p": Col("Slope p", "pvalue")}, id="its_table")


def _its_verdict(row: pd.Series | dict[str, Any], series: str) -> Any:
    return rules.policy_after(row["step"], row["step_ci_low"], row["step_ci_high"], row["step_p"],
                              row["step_tost_p"], row["slope_change"], row["slope_change_p"],
                              int(row["n_before"]), int(row["n_after"]), series)


def _shares_verdict(c: Chinese) -> Any:
    from chipshock.econometrics.equivalence import tost_proportions

    r = c.miit_row
    tost = tost_proportions(int(r["flagged_before"]), int(r["n_before"]), int(r["flagged_after"]),
                            int(r["n_after"]), rules.STEP)
    return rules.policy_after_shares(int(r["flagged_before"]), int(r["n_before"]), int(r["flagged_after"]),
                                     int(r["n_after"]), float(r["fisher_p"]), tost, "the MIIT list")


def time_series(p: Any, c: Chinese) -> TimeSeries:
    cn = c.cn  # the processed table, with a flag per dictionary
    shocks = sorted({p["split_date"], *p["shocks"]})
    docs = its.documents(cn)
    table = its.by_shock(docs, shocks, rules.STEP)
    row = table.loc[p["split_date"].isoformat()]
    words = its.SERIES_WORDS["national"]
    primary = _its_verdict(row, words)
    under: dict[str, Any] = {}
    for shock in (dt.date(2022, 8, 9), dt.date(2023, 10, 17), dt.date(2024, 12, 2)):
        under[f"ITS at {shock.isoformat()}"] = _its_verdict(its.fit(docs, shock, rules.STEP), words)
    under["MIIT within-series"] = _shares_verdict(c)
    for name, key in (("central documents only", "central"), ("pooled smart-tech", "smart_tech")):
        sub = its.documents(cn, its.SERIES_SETS[key])
        under[name] = _its_verdict(its.fit(sub, p["split_date"], rules.STEP), its.SERIES_WORDS[key])
    sig = [s for s, r in table.iterrows() if is_significant(r["step_p"])]
    return TimeSeries(
        its_chart=Exhibit(its.chart(its.yearly(docs), list(p["shocks"])), its.yearly(docs)),
        its_chart_takeaway=(f"At {p['split_date'].isoformat()} the share of national documents that "
                            f"mention open source {step_words(row)}, beside its pre-trend."),
        its_table=its_table(table), its_n=len(docs), its_n_before=int(row["n_before"]),
        its_n_after=int(row["n_after"]), its_step=float(row["step"]),
        its_step_ci_low=float(row["step_ci_low"]), its_step_ci_high=float(row["step_ci_high"]),
        policy_its_break_p=float(row["step_p"]), its_tost_p=float(row["step_tost_p"]),
        its_pre_slope=float(row["pre_slope"]), its_pre_slope_text=points(float(row["pre_slope"])),
        its_slope_change=float(row["slope_change"]), its_slope_change_text=points(float(row["slope_change"])),
        its_slope_change_p=float(row["slope_change_p"]), its_step_words=step_words(row),
        its_significant_shocks=(f"{count_of(len(sig), len(table), 'date', verb=('shows', 'show'))} a "
                                "significant step"),
        its_smallest_effect=points(rules.STEP, 0, signed=False),
        its_reading=reading(float(row["step"]), float(row["step_p"]), float(row["step_tost_p"])),
        claim2_alternatives_table=alternatives_table(primary, under, "claim2_alternatives_table"),
        judgement=judge(rules.CLAIMS[1], primary, under).glue_values())


# --------------------------------------------------------------------------- events, documents, verdict

@dataclass(frozen=True)
class Events(SectionResult):
    events_chart: Any
    events_chart_takeaway: str
    cn_strategy_before: str
    doc_list: Exhibit
    verdict: str


def strategy_before(events: pd.DataFrame, first: dt.date) -> str:
    """The Chinese events before the first shock that support open source, with their dates, from the
    curated events table: 'the 14th Five-Year Plan Outline (2021-2025) (2021-03-11), …'."""
    rows = events[(events["country"] == "CN") & (events["date"].dt.date < first)
                  & (events["open_source_stance"] == "supports")]
    if rows.empty:
        return "no Chinese event before the first shock supports open source in the curated table"
    items = [f"{r.title} ({r.actor}, {r.date.date().isoformat()})" for r in rows.itertuples()]
    return "; ".join(items)


def events_takeaway(events: pd.DataFrame, first: dt.date) -> str:
    before = events[events["date"].dt.date < first]
    n = {c: int(((before["country"] == c) & (before["open_source_stance"] == "supports")).sum())
         for c in ("CN", "US")}
    return (f"Before the first shock the curated list has {n['CN']} Chinese and {n['US']} U.S. events "
            "that support open source.")


def conclusion(one: ClaimOne, ts: TimeSeries, lg: Logit) -> str:
    """The result-dependent sentences of the chapter's conclusion."""
    return (f"Before the first shock, {one.claim1_cn_support} of {one.claim1_cn_docs} Chinese documents "
            f"(AGORA and the smart-technology corpus) and {one.claim1_us_support} of {one.claim1_us_docs} "
            f"U.S. families support open source: for the paper's first claim the verdict is "
            f"{one.judgement['claim1_verdict']}. At the split, the share of Chinese national documents "
            f"that mention open source {ts.its_step_words}: for the second claim, "
            f"{ts.judgement['claim2_verdict']} (the logit of China against the U.S. in AGORA has "
            f"{p_value(lg.logit_p)}).")


def events(project: Project, p: Any, d: Documents, one: ClaimOne, ts: TimeSeries, lg: Logit) -> Events:
    ev = curated.policy_events(project)
    releases = curated.model_releases(project).iloc[0:0]
    return Events(
        events_chart=charts.timeline(ev, releases, list(p["shocks"])),
        events_chart_takeaway=events_takeaway(ev, min(p["shocks"])),
        cn_strategy_before=strategy_before(ev, min(p["shocks"])),
        doc_list=Exhibit(po.open_source_list(d.docs), po.open_source_frame(d.docs)),
        verdict=conclusion(one, ts, lg))
