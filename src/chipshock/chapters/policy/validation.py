"""Validation of the `open_source` dictionary on hand-labelled passages (data/curated/open_source_labels.csv).

Every row is one match of the dictionary's patterns in a policy text, labelled by reading it: `support`
(the text promotes, funds, requires or credits open source), `neutral` (a definition, a stakeholder or a
licence clause: the software sense without a stance), `risk` (open source presented as a danger),
`intelligence` (open-source information in the intelligence sense) or `other_sense` (not software at
all, such as 开源节流). The dictionary measures open source in the software sense outside risk passages,
so `support` and `neutral` are its true positives. The quotation of each row (REACH characters either
side of the match) is what the sense rules need, so they are re-applied here without the full texts.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from chipshock.data import curated
from chipshock.data.curated import SENSES
from chipshock.data.dictionaries import POLICY_DICTIONARIES, Dictionary

TRUE_SENSES = frozenset({"support", "neutral"})
# The Chinese compounds the precision table reports one by one; other matches count as "开源 (other)".
CN_COMPOUNDS = ("开源社区", "开源软件", "开源开放", "开源生态", "开源平台", "开源共享",
                "开源项目", "开源技术", "开源框架", "开源大模型", "开源基金会", "开放源代码")


def read_labels(root: Path) -> pd.DataFrame:
    """The labelled passages (every match in the U.S. and Chinese documents), checked."""
    return curated.open_source_labels(root)


def support_counts(rules: pd.DataFrame) -> pd.Series:
    """AGORA id → the number of its kept passages labelled `support` (every AGORA match of the Chinese
    and U.S. documents is labelled, so this is exact for them)."""
    hits = rules[(rules["corpus"] == "agora") & rules["kept"] & (rules["label"] == "support")]
    return hits.groupby(hits["doc_id"].astype(int)).size().rename("supports_n")


def term(match: str, context: str, context_start: int) -> str:
    """The term a match counts under: English lower-cased and unhyphenated, Chinese by compound."""
    if re.search(r"[\u4e00-\u9fff]", match):
        after = context[context_start:]
        return next((c for c in CN_COMPOUNDS if after.startswith(c)), "开源 (other)")
    word = re.sub(r"[- ]+", " ", match.lower())
    return re.sub(r"(?<=source)[sd]$|(?<=weight)s$", "", word)


def apply_rules(labels: pd.DataFrame, dictionary: Dictionary | None = None) -> pd.DataFrame:
    """The labels with `term`, `excluded` (the sense rule that drops the match, '' if kept) and `kept`."""
    d = dictionary or POLICY_DICTIONARIES["open_source"]
    out = labels.copy()
    out["term"] = [term(r.match, r.context, r.context_start) for r in labels.itertuples()]
    out["excluded"] = [d.excluded_sense(r.context, r.context_start, r.context_start + len(r.match)) or ""
                       for r in labels.itertuples()]
    out["kept"] = out["excluded"] == ""
    out["true"] = out["label"].isin(TRUE_SENSES)
    out["group"] = out["language"].map({"en": "English", "zh": "Chinese"}) + ", " + out["jurisdiction"]
    return out


def _precision_rows(g: pd.DataFrame) -> pd.Series:
    kept = g[g["kept"]]
    low, high = clustered_interval(kept) if len(kept) else (float("nan"), float("nan"))
    return pd.Series({
        "labelled": len(g), "precision_raw": g["true"].mean(),
        "kept": len(kept), "precision": kept["true"].mean() if len(kept) else float("nan"),
        "ci_low": low if len(kept) else float("nan"), "ci_high": high if len(kept) else float("nan"),
        "true_dropped": int((g["true"] & ~g["kept"]).sum()),
        "support_share": kept["label"].eq("support").mean() if len(kept) else float("nan"),
    })


def precision(rules: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Precision of the dictionary before (`precision_raw`) and after its sense rules, with a 95%
    interval clustered by document (`clustered_interval`), the true matches the rules drop, and the
    share of kept matches that support open source."""
    if by is None:
        return _precision_rows(rules).to_frame("all").T
    return rules.groupby(by, sort=True).apply(_precision_rows, include_groups=False)


def confusion(rules: pd.DataFrame) -> pd.DataFrame:
    """Hand label against what the sense rules do (kept or the rule's sense)."""
    table = pd.crosstab(rules["label"], rules["excluded"].replace("", "kept"))
    return table.reindex(index=[s for s in SENSES if s in table.index])


def quotations(rules: pd.DataFrame) -> pd.DataFrame:
    """One row per passage the rules drop or a hand label rejects: what a reader can check by eye."""
    odd = rules[~rules["kept"] | ~rules["true"]]
    text = [" ".join(r.context.split()) for r in odd.itertuples()]
    return pd.DataFrame({"document": odd["corpus"] + " " + odd["doc_id"], "label": odd["label"],
                         "rule": odd["excluded"].replace("", "kept"), "reason": odd["reason"],
                         "passage": text}).reset_index(drop=True)


# --- the Chinese theme terms ----------------------------------------------------------------------------
# data/curated/theme_labels.csv: a stratified random sample (seed 20221007) of the matches of each Chinese
# pattern of the ecosystem, standards and resilience dictionaries in the two Chinese full-text corpora
# (16 for 生态 and 规范, 12 for 标准, 8 for the others, all if fewer), each labelled `theme` (the sense
# the dictionary means: industry and technology ecosystems and chains, technical standards, technological
# self-reliance and supply security) or `other_sense` (the environment, regulating behaviour, content or
# network security, system robustness), with a reason.

def read_theme_labels(root: Path) -> pd.DataFrame:
    return curated.theme_labels(root)


def theme_precision(labels: pd.DataFrame) -> pd.DataFrame:
    """Per Chinese theme term: passages labelled, the term's matches in the corpora, precision of all
    matches and of those the dictionary's sense rules keep (Wilson 95% interval)."""
    kept = [POLICY_DICTIONARIES[r.dictionary].excluded_sense(r.context, r.context_start,
                                                             r.context_start + len(r.match)) is None
            for r in labels.itertuples()]
    d = labels.assign(kept=kept, true=labels["label"] == "theme")
    rows = []
    for (name, term), g in d.groupby(["dictionary", "term"], sort=True):
        k = g[g["kept"]]
        low, high = proportion_confint(int(k["true"].sum()), max(len(k), 1), method="wilson")
        rows.append({"dictionary": name, "term": term, "term_matches": int(g["term_matches"].iloc[0]),
                     "labelled": len(g), "precision_raw": g["true"].mean(), "kept": len(k),
                     "precision": k["true"].mean() if len(k) else float("nan"),
                     "ci_low": low if len(k) else float("nan"), "ci_high": high if len(k) else float("nan")})
    return pd.DataFrame(rows).set_index(["dictionary", "term"])


def weighted_precision(table: pd.DataFrame, column: str = "precision") -> pd.Series:
    """Per dictionary: the precision of its terms weighted by their matches in the corpora (the sample is
    stratified by term, so an unweighted mean over passages would over-weight rare terms)."""
    t = table.reset_index()
    ok = t[column].notna()
    t = t[ok].assign(w=lambda x: x["term_matches"] * x[column])
    g = t.groupby("dictionary")
    return g["w"].sum() / g["term_matches"].sum()


# --- document-level precision, clustered intervals, the held-out set and recall ------------------------
# Verdicts use document flags, so precision is also reported per document: a flagged document (one kept
# match or more) is right when at least one kept match is labelled support or neutral. Passages of one
# document are not independent, so the passage-level interval is clustered by document.

RECALL_SEED = 20221007
RECALL_PER_STRATUM = 20
RECALL_STRATA = ("agora", "chinese")


def doc_precision(rules: pd.DataFrame) -> pd.Series:
    """Flagged documents (with a kept match), those right (a kept true match), their share and Wilson
    95% interval (one observation per document)."""
    kept = rules[rules["kept"]]
    per_doc = kept.groupby(["corpus", "doc_id"])["true"].any()
    k, n = int(per_doc.sum()), len(per_doc)
    low, high = proportion_confint(k, max(n, 1), method="wilson")
    return pd.Series({"documents": n, "right": k, "precision": k / n if n else float("nan"),
                      "ci_low": low if n else float("nan"), "ci_high": high if n else float("nan")})


def clustered_interval(rules: pd.DataFrame) -> tuple[float, float]:
    """95% interval of the kept passages' precision, clustered by document: a Wilson interval around
    the passage-level precision with the number of documents as the sample size (passages of one
    document are not independent; a document counts once, however many passages it holds)."""
    kept = rules[rules["kept"]] if "kept" in rules else rules
    docs = kept.groupby(["corpus", "doc_id"]).ngroups
    if docs == 0:
        return float("nan"), float("nan")
    share = float(kept["true"].mean())
    low, high = proportion_confint(share * docs, docs, method="wilson")
    return float(low), float(high)


def heldout_precision(heldout: pd.DataFrame) -> pd.Series:
    """The dictionary on AGORA's documents outside the U.S. and China, labelled after the rules were
    written: passages, kept, precision of the kept ones (Wilson) and documents flagged and right."""
    rules = apply_rules(heldout)
    row = _precision_rows(rules)
    docs = doc_precision(rules)
    return pd.concat([row, docs.rename({"precision": "doc_precision", "ci_low": "doc_ci_low",
                                        "ci_high": "doc_ci_high"})])


def recall_sample(unflagged: pd.DataFrame, per_stratum: int = RECALL_PER_STRATUM,
                  seed: int = RECALL_SEED) -> pd.DataFrame:
    """The seeded random sample of unflagged documents whose reading measures recall: `per_stratum`
    from each stratum (AGORA's U.S. and Chinese documents; the Chinese full texts), drawn from the
    documents sorted by corpus and id, so the same data give the same sample."""
    rng = np.random.default_rng(seed)
    parts = []
    for stratum in RECALL_STRATA:
        pool = unflagged[unflagged["stratum"] == stratum].sort_values(["corpus", "doc_id"])
        take = rng.choice(len(pool), size=min(per_stratum, len(pool)), replace=False)
        parts.append(pool.iloc[np.sort(take)])
    return pd.concat(parts, ignore_index=True)


def recall(flagged: pd.DataFrame, unflagged: pd.DataFrame, labels: pd.DataFrame,
           doc_prec: float) -> pd.Series:
    """Document-level recall: documents the dictionary rightly flags (flagged × document precision)
    over those plus the estimated misses (per stratum: unflagged documents × the share of the sampled
    ones that do speak of open source), with the sample's size and misses, and a 95% range from the
    exact (Clopper-Pearson) bounds of each stratum's share of misses."""
    found = len(flagged) * doc_prec

    def recall_at(bound: int) -> tuple[float, float]:
        missed = 0.0
        for stratum in RECALL_STRATA:
            lab = labels[labels["stratum"] == stratum]
            if len(lab):
                k = int((lab["mentions"] == "yes").sum())
                share = k / len(lab) if bound < 0 else proportion_confint(k, len(lab), method="beta")[bound]
                missed += (unflagged["stratum"] == stratum).sum() * share
        return (found / (found + missed) if found + missed else float("nan")), missed

    point, missed = recall_at(-1)
    return pd.Series({"sampled": len(labels), "misses": int((labels["mentions"] == "yes").sum()),
                      "recall": point, "missed_estimate": missed, "ci_low": recall_at(1)[0],
                      "ci_high": recall_at(0)[0]})


RECALL_MIN_WORDS = 200  # the default selection of AGORA documents, fixed so the sample does not move


def recall_population(agora: pd.DataFrame, cn: pd.DataFrame) -> pd.DataFrame:
    """Every document the recall is about, with its stratum and whether the dictionary flags it: AGORA's
    U.S. and Chinese documents with a full text of at least RECALL_MIN_WORDS words, and the Chinese
    full texts (both processed tables, `open_source_n` the kept matches)."""
    a = agora[agora["jurisdiction"].isin(["US", "CN"]) & agora["has_fulltext"]
              & (agora["word_count"] >= RECALL_MIN_WORDS)]
    frames = [pd.DataFrame({"corpus": "agora", "doc_id": a["agora_id"].astype(str), "stratum": "agora",
                            "flagged": a["open_source_n"] > 0}),
              pd.DataFrame({"corpus": cn["corpus"], "doc_id": cn["doc_id"], "stratum": "chinese",
                            "flagged": cn["open_source_n"] > 0})]
    return pd.concat(frames, ignore_index=True)
