"""The robustness chapter's sentences: the curve by comparison region, the placebos, the leave-outs
and the verdict, each right for every sign and significance case (tests/test_robustness.py)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from chipshock import wording
from chipshock.chapters.developers import analysis as dv
from chipshock.chapters.robustness.curve import SHARE_COLUMNS, split_shares
from chipshock.chapters.robustness.parameters import SHOCK_SETS
from chipshock.numbers import number, p_value, percent
from chipshock.wording import ALPHA


def direction(pct: float) -> str:
    """'a rise' / 'a fall' / 'no change' of China-linked relative to the comparison."""
    return wording.direction(pct, "a rise", "a fall", "no change")


def min_qualified(alpha: float = ALPHA) -> int:
    """Qualified placebo sets a test at `alpha` needs: the smallest q with 1 / (1 + q) < alpha."""
    return math.floor(1 / alpha)


def _set_name(key: str) -> str:
    return "the pooled set" if key == "pooled" else f"the {key} shock"


def placebo_words(table: pd.DataFrame, asked: int) -> str:
    """Per set: placebo sets drawn and qualified, why the others failed, and the smallest p-value the
    qualified ones allow (1 / (1 + qualified)), or that none qualified."""
    parts = []
    for key, r in table.iterrows():
        n = {k: int(r[k]) for k in ("candidates", "drawn", "qualified", "overlap", "band", "not_estimable")}
        drawn = (f"all {n['drawn']:,d} shifts that keep it on the panel" if n["candidates"] <= asked
                 else f"{n['drawn']:,d} of its {n['candidates']:,d} possible shifts")
        why = [f"{n[k]:,d} {w}" for k, w in (("overlap", "overlap a real shock's window"),
                                             ("band", "have eligible-repository counts outside ±25%"),
                                             ("not_estimable", "cannot be estimated")) if n[k]]
        qualified = (f"{n['qualified']:,d} qualified, so its smallest attainable p-value is "
                     f"{number(1 / (1 + n['qualified']), 3)}" if n["qualified"]
                     else "none qualified, so it cannot be tested")
        parts.append(f"for {_set_name(str(key))}, {drawn} were drawn"
                     + (f" ({'; '.join(why)})" if why else "") + f" and {qualified}")
    return "; ".join(parts)


def placebo_verdict(table: pd.DataFrame, alpha: float = ALPHA) -> str:
    """What the matched placebos can say: nothing without enough qualified sets for a test at
    `alpha`, else which sets stand out."""
    need = min_qualified(alpha)
    usable = table[table["qualified"] >= need]
    if usable.empty:
        return (f"no shock and not the pooled set has the {need} qualified placebo sets a "
                f"{alpha:.0%} test needs, so the matched placebos cannot test the shocks on this data")
    out = usable[[wording.is_significant(p, alpha) for p in usable["p"]]]
    tested = ", ".join(usable.index)
    if out.empty:
        return (f"with enough qualified placebo sets ({tested}), none stands out from its placebos "
                f"{wording.level_words(alpha)}")
    one = len(out) == 1
    return (f"of those with enough qualified placebo sets ({tested}), {', '.join(out.index)} "
            f"{'stands' if one else 'stand'} out from {'its' if one else 'their'} placebos "
            f"{wording.level_words(alpha)}")


def placebo_takeaway(table: pd.DataFrame, alpha: float = ALPHA) -> str:
    """The placebo figure in one sentence: how many sets can be tested, and what they show."""
    need = min_qualified(alpha)
    k = int((table["qualified"] >= need).sum())
    head = wording.count_of(k, len(table), "shock set", verb=("has", "have"))
    text = f"{head[:1].upper()}{head[1:]} the {need} qualified placebo dates a {alpha:.0%} test needs"
    if k == 0:
        return text + ", so the figure shows the placebo draws but tests nothing."
    return f"{text}; {placebo_verdict(table, alpha)}."


def _sig(p: float, alpha: float = ALPHA) -> bool:
    return wording.is_significant(p, alpha)


def loo_notes(table: pd.DataFrame, full: dict[str, Any], alpha: float = ALPHA) -> str:
    """A sentence for every significant leave-out, right for every sign and significance case."""
    sig = table[table["p"].apply(_sig)]
    full_words = (f"significant {direction(full['pct'])}" if _sig(full["p"]) else "not significant")
    if sig.empty:
        return (f"No leave-out is significant {wording.level_words(alpha)} (the full-sample estimate is "
                f"{full_words}).")
    notes = []
    for _, r in sig.iterrows():
        same = np.sign(r["pct"]) == np.sign(full["pct"]) and _sig(full["p"])
        relation = ("as in the full sample" if same else
                    f"where the full sample's estimate ({percent(full['pct'], signed=True)}) is {full_words}")
        n_kind = int((table["kind"] == r["kind"]).sum())
        holm = (f"and it stays significant after Holm's adjustment across the {n_kind} {r['kind']} leave-outs"
                if _sig(r["p_holm"]) else
                f"but not after Holm's adjustment across the {n_kind} {r['kind']} leave-outs "
                f"({p_value(r['p_holm'])}), so it is within what chance gives when that many are tried")
        text = (f"Without {r['left_out']} ({r['kind']}) the estimate is {percent(r['pct'], signed=True)} "
                f"({p_value(r['p'])}), {direction(r['pct'])} {relation}, {holm}.")
        if r["kind"] == "origin group" and np.isfinite(r.get("alone_pct", np.nan)):
            alone = (f"significant {direction(r['alone_pct'])}" if _sig(r["alone_p"]) else "not significant")
            text += (f" The left-out group on its own gives {percent(r['alone_pct'], signed=True)} "
                     f"({p_value(r['alone_p'])}, {alone}): the full-sample estimate averages the two.")
        notes.append(text)
    return " ".join(notes)


def loo_counts(by_repo: pd.DataFrame, full: dict[str, Any], alpha: float = ALPHA) -> dict[str, str]:
    """'none of the 82 leave-outs' for the sign flips and the significant leave-outs."""
    n = len(by_repo)
    flips = int((by_repo["pct"] * full["pct"] < 0).sum())
    significant = int(sum(_sig(p, alpha) for p in by_repo["p"]))
    return {"loo_flip_words": wording.count_of(flips, n, "leave-out"),
            "loo_significant_words": wording.count_of(significant, n, "leave-out", verb=("is", "are"))}


def loo_takeaway(by_repo: pd.DataFrame, full: dict[str, Any], alpha: float = ALPHA) -> str:
    """The leave-one-repository-out figure in one sentence."""
    counts = loo_counts(by_repo, full, alpha)
    sig = counts["loo_significant_words"]
    return (f"Leaving out any one repository, the default estimate stays between "
            f"{percent(by_repo['pct'].min(), signed=True)} and {percent(by_repo['pct'].max(), signed=True)} "
            f"(full sample {percent(full['pct'], signed=True)}); its sign flips for "
            f"{counts['loo_flip_words']}, "
            f"and {sig} significant {wording.level_words(alpha)}.")


def curve_result(p_pos: float, p_neg: float, alpha: float = ALPHA) -> str:
    """What a curve's joint test says: 'a rise', 'a fall', 'no change' or 'mixed'."""
    pos, neg = wording.is_significant(p_pos, alpha), wording.is_significant(p_neg, alpha)
    return "mixed" if pos and neg else "a rise" if pos else "a fall" if neg else "no change"


CHANCE_WORDS = {"no change": "no more significant results either way than chance gives",
                "a rise": "more significant rises than chance gives",
                "a fall": "more significant falls than chance gives",
                "mixed": "more significant results both ways than chance gives"}


def _joint(p_pos: float, p_neg: float) -> str:
    return f"joint {p_value(p_pos)} for rises, {p_value(p_neg)} for falls"


def _own(full: dict[str, Any], alpha: float) -> str:
    return direction(full["pct"]) if _sig(full["p"], alpha) else "no change"


def verdict(full: dict[str, Any], overall: dict[str, Any], comparisons: pd.DataFrame, primary: str = "US",
            alpha: float = ALPHA) -> str:
    """Three sentences a policy reader can quote: the default estimate; the whole curve and its joint
    test, and whether they agree with it; the curve against each comparison region. Each share says
    its denominator (all estimated specifications; the OLS ones for the joint test)."""
    word = dv.REGION_WORDS[primary]
    own = _own(full, alpha)
    est = (f"{percent(full['pct'], signed=True)} ({wording.CONFIDENCE:.0%} interval "
           f"{percent(full['pct_low'], signed=True)} to {percent(full['pct_high'], signed=True)}, "
           f"{p_value(full['p'])})")
    first = (f"The developers chapter's default estimate, a change of {est} in China-linked commits relative "
             f"to {word} ones, is "
             + (f"a statistically significant {own.removeprefix('a ')}" if own != "no change"
                                      else "not statistically significant"))
    if own == "no change" and np.isfinite(full.get("mde_pct", np.nan)):
        first += (f" (with 80% power the design detects only changes of {percent(full['mde_pct'], 0)} "
                  "or more)")
    result = curve_result(overall["p_pos"], overall["p_neg"], alpha)
    second = (f"Of all {overall['n']:,d} specifications of the curve, {percent(overall['share_pos'])} rise "
              f"and {percent(overall['share_neg'])} fall significantly; the joint test over its "
              f"{overall['n_ols']:,d} OLS specifications finds {CHANCE_WORDS[result]} "
              f"({_joint(overall['p_pos'], overall['p_neg'])}), so the curve "
              f"{'agrees' if result == own else 'does not agree'} with the default estimate")
    order = [primary, *[c for c in comparisons.index if c != primary]] if primary in comparisons.index \
        else list(comparisons.index)
    parts = []
    for region in order:
        r = comparisons.loc[region]
        parts.append(f"against {dv.REGION_WORDS[str(region)]} commits {percent(r[SHARE_COLUMNS[0]])} of "
                     f"{int(r['specifications']):,d} specifications rise and {percent(r[SHARE_COLUMNS[1]])} "
                     f"fall significantly, {CHANCE_WORDS[curve_result(r['p_pos'], r['p_neg'], alpha)]} "
                     f"({_joint(r['p_pos'], r['p_neg'])} over its {int(r['tested']):,d} OLS ones)")
    third = "; ".join(parts)
    return f"{first}. {second}. {third[:1].upper()}{third[1:]}."


def control_words(by_control: pd.DataFrame) -> str:
    """The shares significant either way against each comparison region, in words."""
    parts = [f"against {dv.REGION_WORDS[str(v)]} commits, {percent(r[SHARE_COLUMNS[0]])} of the "
             "specifications "
             f"are positive and significant and {percent(r[SHARE_COLUMNS[1]])} negative and significant "
             f"(joint {p_value(r['p_pos'])} and {p_value(r['p_neg'])})" for v, r in by_control.iterrows()]
    return "; ".join(parts)[:1].upper() + "; ".join(parts)[1:] + "."


def drivers_words(which: pd.DataFrame, decisive: tuple[str, ...], family: pd.Series) -> str:
    """Where the significant results sit: by comparison region, by whether the shock set contains the
    decisive shocks, by estimator family (shares either way, estimated specifications)."""
    def pair(s: dict[str, float]) -> str:
        return f"{percent(s['pos_in'])} rise and {percent(s['neg_in'])} fall"

    def other(s: dict[str, float]) -> str:
        return f"{percent(s['pos_out'])} and {percent(s['neg_out'])}"

    parts = []
    regions = sorted(which["control"].unique())
    if len(regions) == 2:
        a, b = regions
        s = split_shares(which, which["control"] == a)
        parts.append(f"against {dv.REGION_WORDS[a]} commits {pair(s)} significantly, against "
                     f"{dv.REGION_WORDS[b]} ones {other(s)}")
    if decisive:
        names = " and ".join(decisive)
        s = split_shares(which, which["shock_set"].map(lambda k: decisive[0] in SHOCK_SETS[k]))
        parts.append(f"with shock sets that contain {names} {pair(s)}, with the others {other(s)}")
    if family.nunique() == 2:
        s = split_shares(which, family == "OLS")
        parts.append(f"with OLS {pair(s)}, with Poisson {other(s)}")
    if not parts:
        return "This grid varies none of the comparison region, the shock set and the estimator family."
    text = "; ".join(parts)
    return f"{text[:1].upper()}{text[1:]}."


def curve_takeaway(stats: dict[str, Any], joint: dict[str, float], what: str, alpha: float = ALPHA) -> str:
    """A curve figure in one sentence: its shares either way and what the joint test makes of them."""
    result = curve_result(joint["p_share_pos"], joint["p_share_neg"], alpha)
    return (f"{what[:1].upper()}{what[1:]}, {percent(stats['share_pos_sig'])} of {stats['n_estimated']:,d} "
            f"specifications rise and {percent(stats['share_neg_sig'])} fall significantly (median t "
            f"{number(stats['median_t'], 2)}); the joint test finds {CHANCE_WORDS[result]}.")


def proxy_words(with_clock: bool) -> str:
    """Which proxies the headline specifications use."""
    return ("the time-zone proxies and, because `clock_in_headline` is set, the paper's clock proxy"
            if with_clock else "a time-zone proxy, every one of them")


def compare_word(a: float, b: float) -> str:
    """How share `a` compares with share `b`: 'above', 'below' or 'equal to'."""
    return wording.compare(a, b, "above", "below", "equal to")
