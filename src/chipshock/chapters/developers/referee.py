"""The developers chapter's answers to the second referee round (issue 27): which side moved, the
estimand under repeated shocks, other inference, composition and the clock's base rate."""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from chipshock.chapters.developers import analysis as dv
from chipshock.econometrics import did as D
from chipshock.econometrics import regions
from chipshock.econometrics import stacked as core
from chipshock.econometrics import windows as W
from chipshock.econometrics.equivalence import tost_p
from chipshock.numbers import number, p_value, percent
from chipshock.wording import ALPHA, compare, is_significant

Estimate = tuple[float, float]  # (coefficient, p-value)

SMALLEST_EFFECT_SHARE = 0.10
"""Claim 3's smallest effect of interest: a change of 10% of the China-linked pre-shock mean."""

# ------------------------------------------------------------------------ which side moved

SIDE_TEXTS = {
    "us": "Europe-offset commits moved against U.S. ones as China-linked commits did (a significant "
    "Europe-minus-U.S. estimate of the same sign) and the triple difference is not significant: "
    "the movement is on the U.S. side",
    "both": "Europe-offset commits moved against U.S. ones as China-linked commits did, and China-linked "
    "commits moved further still (a significant triple difference): both sides moved",
    "china": "Europe-offset and U.S. commits moved alike (an equivalence test rules out a Europe-minus-U.S. "
    "gap of the smallest size that matters) while the China-linked-minus-U.S. gap is "
    "significant: the movement is on the China-linked side",
    "none": "Europe-offset and U.S. commits moved alike (the equivalence test rules out a gap that "
    "matters) and the China-linked-minus-U.S. gap is not significant: no side is shown to move",
    "unknown": "neither a significant Europe-minus-U.S. estimate nor an equivalence test settles it: the "
    "data cannot tell which side moved",
    "unavailable": "without a placebo region this run cannot say which side moved",
}


def side_of_movement(
    cn_us: Estimate, eu_us: Estimate, triple: Estimate, eu_tost_p: float, alpha: float = ALPHA
) -> str:
    """Which side moved, from (coef, p) of CN-US, EU-US, the triple difference and the TOST p of
    EU-US against the smallest effect of interest. Only a significant EU-US estimate (Europe moved
    against the U.S.) or an equivalence result (it did not) can place the movement; otherwise the
    answer is 'unknown'."""
    (b_cn, p_cn), (b_eu, p_eu), (b_tr, p_tr) = cn_us, eu_us, triple
    if any(math.isnan(x) for x in (b_cn, b_eu, b_tr)):
        return "unavailable"
    if is_significant(p_eu, alpha) and b_eu != 0 and np.sign(b_eu) == np.sign(b_cn):
        return "both" if is_significant(p_tr, alpha) and np.sign(b_tr) == np.sign(b_cn) else "us"
    if is_significant(eu_tost_p, alpha):
        return "china" if is_significant(p_cn, alpha) else "none"
    return "unknown"


# ------------------------------------------------------------------ smallest effect, equivalence


def smallest_effect(pre_mean: float, estimator: str, share: float = SMALLEST_EFFECT_SHARE) -> float:
    """The smallest effect of interest in the estimator's units: `share` of the pre-shock mean in
    levels, log(1 + share) on the log and Poisson scales."""
    if estimator == "ols_level":
        return share * pre_mean if np.isfinite(pre_mean) and pre_mean > 0 else float("nan")
    return float(np.log1p(share))


def tost(row: pd.Series | dict[str, Any], margin: float) -> float:
    """TOST p of |effect| < margin for an estimate row (coef, se, clusters: t(G - 1))."""
    return tost_p(float(row["coef"]), float(row["se"]), margin, df=int(row["clusters"]) - 1)


# ------------------------------------------------------------------------- two-way clustering


def twoway_p(
    data: pd.DataFrame, design: D.Design, terms: list[str], estimator: str, term: str = "treat_post"
) -> float:
    """p of `term` with errors clustered by repository and by week (two-way, t(min G - 1))."""
    from scipy import stats

    est = estimator if estimator in core.OLS_ESTIMATORS else "ols_log"
    diff = core.difference(data, design, terms, est)
    if diff is None:
        return float("nan")
    fit = core.fit_differenced(diff)
    vcov, g = core.twoway_vcov(diff, fit)
    j = list(terms).index(term)
    t = fit.coef[j] / math.sqrt(vcov[j, j])
    return float(2 * stats.t.sf(abs(t), g - 1))


# -------------------------------------------------------------------- unknown offsets: bounds


def assign_unknown(panel: pd.DataFrame, to: str, outcome: str) -> pd.DataFrame:
    """The panel with every UTC+00:00 (unknown) count added to region `to`."""
    unknown = panel[panel["region"] == "unknown"].set_index(["repo", "period"])[outcome]
    target = panel["region"] == to
    keys = pd.MultiIndex.from_frame(panel.loc[target, ["repo", "period"]])
    out = panel.copy()
    added = unknown.reindex(keys).fillna(0).to_numpy()
    out.loc[target, outcome] = out.loc[target, outcome].to_numpy() + added
    return out


def unknown_bounds(
    panel: pd.DataFrame, s: dv.Settings, p: Any, shocks: list[str], estimator: str
) -> dict[str, float]:
    """The pooled treated-minus-control estimate with every unknown commit given to the treated
    region, then to the control region: the bounds of what the unknown offsets can do."""
    out = {}
    for side, region in (("treated", s.design.treated), ("control", s.design.control)):
        moved = assign_unknown(panel, region, s.design.outcome)
        data, design, hol = dv.stack_regions(
            moved, s, dv.windows_for(s, shocks), s.design.treated, s.design.control, p["min_pre_periods"]
        )
        out[side] = float(dv.fit_stack(data, design, ["treat_post", *hol], estimator).coef[0])
    return {
        "unknown_to_treated": out["treated"],
        "unknown_to_control": out["control"],
        "unknown_bounds_low": min(out.values()),
        "unknown_bounds_high": max(out.values()),
    }


# ------------------------------------------------------------------ the estimand: shock weights


def shock_weights(
    panel: pd.DataFrame, s: dv.Settings, p: Any, shocks: list[str], estimator: str
) -> pd.DataFrame:
    """Each pooled shock's weight in the pooled OLS coefficient (without holiday terms the pooled
    coefficient is exactly the weighted mean of the shocks' own ones, weights sum of squared
    demeaned `post` over the shock's repository cells), its own estimate and its contribution."""
    est = estimator if estimator in core.OLS_ESTIMATORS else "ols_log"
    rows = []
    for shock in shocks:
        data, design, _ = dv.stack_regions(
            panel,
            replace(s, holidays=False),
            dv.windows_for(s, [shock]),
            s.design.treated,
            s.design.control,
            p["min_pre_periods"],
        )
        diff = core.difference(data, design, ["treat_post"], est)
        sums = core.unit_sums(diff)
        rows.append(
            {
                "shock": shock,
                "q": float(sums.q.sum()),
                "coef": float(sums.m.sum() / sums.q.sum()),
                "repositories": int(sums.m.shape[0]),
            }
        )
    out = pd.DataFrame(rows).set_index("shock")
    out["weight"] = out["q"] / out["q"].sum()
    out["contribution"] = out["weight"] * out["coef"]
    return out.drop(columns="q")


def clean_control_windows(s: dv.Settings, rule_windows: pd.DataFrame | None = None) -> pd.DataFrame:
    """Full windows of every shock, each cut to the periods outside every other shock's window
    (so no stack contains a period exposed to another shock): lo/hi shrink to the clean part
    around the shock, and a shock with no clean period on one side is not pooled."""
    freq = s.design.freq
    windows = (
        rule_windows if rule_windows is not None else W.shock_windows(s.shocks, s.window, "overlap", freq)
    ).copy()
    at = D.period_index(windows["shock"], freq)
    for k in range(len(windows)):
        lo, hi = -s.window, s.window
        for j in range(len(windows)):
            if j == k:
                continue
            gap = int(at[j] - at[k])  # the other window covers [gap - w, gap + w) in k's time
            if gap > 0:
                hi = min(hi, gap - s.window)
            elif gap < 0:
                lo = max(lo, gap + s.window)
        windows.loc[windows.index[k], ["lo", "hi"]] = [min(lo, 0), max(hi, 0)]
        windows.loc[windows.index[k], "pooled"] = lo <= -2 and hi >= 1
    return windows


def clean_control(panel: pd.DataFrame, s: dv.Settings, p: Any, estimator: str) -> dict[str, Any]:
    """The pooled estimate when each stack keeps only periods outside every other shock's window."""
    windows = clean_control_windows(s)
    kept = windows[windows["pooled"]]
    names = [f"{x:%Y-%m-%d}" for x in kept["shock"]]
    if kept.empty:
        return {"shocks": [], "row": None}
    data, design, hol = dv.stack_regions(
        panel, s, kept, s.design.treated, s.design.control, p["min_pre_periods"]
    )
    return {
        "shocks": names,
        "row": dv.estimate_row(data, design, ["treat_post", *hol], estimator, "clean controls"),
    }


def balanced(
    panel: pd.DataFrame, s: dv.Settings, p: Any, shocks: list[str], estimator: str
) -> dict[str, Any]:
    """The pooled estimate on the repositories eligible in every pooled window (fixed composition)."""
    sets = [set(W.eligible_units(panel, pd.Timestamp(x), s.design, p["min_pre_periods"])) for x in shocks]
    every = set.intersection(*sets) if sets else set()
    sub = panel[panel["repo"].isin(every)]
    if len(every) < 2:
        return {"repositories": len(every), "row": None}
    data, design, hol = dv.stack_regions(
        sub, s, dv.windows_for(s, shocks), s.design.treated, s.design.control, p["min_pre_periods"]
    )
    return {
        "repositories": len(every),
        "row": dv.estimate_row(data, design, ["treat_post", *hol], estimator, "balanced"),
    }


# ------------------------------------------------------------------- the clean-pretrend pool


def pretrend_failures(summary: pd.DataFrame, alpha: float = ALPHA) -> list[str]:
    """Shocks whose own joint pre-trend test rejects at `alpha` (the pooled row aside)."""
    shocks = summary.drop(index="pooled", errors="ignore")
    return [str(k) for k, v in shocks["pretrend_p"].items() if is_significant(v, alpha)]


def listed(items: list[str], none: str = "none") -> str:
    """'a', 'a and b', 'a, b and c'."""
    if not items:
        return none
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# ------------------------------------------------------------------------ triple event study


def triple_event_study(
    panel: pd.DataFrame, s: dv.Settings, p: Any, shocks: list[str], estimator: str
) -> pd.DataFrame:
    """(CN - US) - (EU - US) by binned relative period against bin -1, per shock: one regression on
    the three regions with CN x bin and EU x bin terms, contrast CN - EU per bin."""
    parts = []
    for shock in shocks:
        data, design, hol = dv.stack_regions(
            panel, s, dv.windows_for(s, [shock]), "CN", "US", p["min_pre_periods"], extra=("EU",)
        )
        data = data.assign(rel=np.floor_divide(data["rel"], s.event_bin))
        rels = sorted(set(data["rel"]) - {-1})
        cols, names = {}, []
        for r in rels:
            for g in ("CN", "EU"):
                cols[f"rel_{r}_{g}"] = ((data[design.region] == g) & (data["rel"] == r)).astype(float)
                names.append(f"rel_{r}_{g}")
        data = pd.concat([data, pd.DataFrame(cols, index=data.index)], axis=1)
        fit = regions.fit_terms(data, design, [*names, *hol], estimator)
        rows = [
            {**regions.linear_contrast(fit, {f"rel_{r}_CN": 1.0, f"rel_{r}_EU": -1.0}).as_row(), "rel": r}
            for r in rels
        ]
        table = pd.DataFrame(rows)[["rel", "coef", "se", "ci_low", "ci_high", "p"]]
        ref = pd.DataFrame([{"rel": -1, "coef": 0.0, "se": 0.0, "ci_low": 0.0, "ci_high": 0.0, "p": np.nan}])
        parts.append(pd.concat([table, ref]).sort_values("rel").assign(shock=shock))
    return pd.concat(parts, ignore_index=True)


# ----------------------------------------------------------------------------- release windows


def release_weeks(
    releases: pd.DataFrame, weeks: int, origins: tuple[str, ...] = ("CN", "US")
) -> set[pd.Timestamp]:
    """Week Mondays within `weeks` weeks of a major open-weight release of `origins` (0: its week)."""
    from chipshock.measures.panels import week_start

    chosen = releases[releases["origin"].isin(origins)]
    starts = week_start(pd.to_datetime(chosen["date"]).reset_index(drop=True))
    return {w + pd.Timedelta(weeks=k) for w in starts for k in range(-weeks, weeks + 1)}


def release_effects(
    panel: pd.DataFrame,
    releases: pd.DataFrame,
    s: dv.Settings,
    p: Any,
    ident: pd.DataFrame,
    estimator: str,
    weeks: int,
) -> pd.DataFrame:
    """Per estimable shock (and the pool): the estimate with every week, and without the weeks
    within `weeks` of a major Chinese or U.S. open-weight release; the share of window weeks removed."""
    drop = release_weeks(releases, weeks)
    rows = []
    pool = list(ident.index[ident["pooled"]])
    sets = [(x, [x]) for x in ident.index[ident["estimable"]]] + ([("pooled", pool)] if len(pool) > 1 else [])
    for label, members in sets:
        row: dict[str, Any] = {"estimate": label}
        for tag, frame in (("all weeks", panel), ("release weeks out", panel[~panel["period"].isin(drop)])):
            data, design, hol = dv.stack_regions(
                frame, s, dv.windows_for(s, members), s.design.treated, s.design.control, p["min_pre_periods"]
            )
            fit = dv.fit_stack(data, design, ["treat_post", *hol], estimator).table().loc["treat_post"]
            row[f"{tag}: coef"], row[f"{tag}: p"] = float(fit["coef"]), float(fit["p"])
            if tag == "all weeks":
                weeks_in = data.drop_duplicates(["shock", "period"])
                row["weeks removed"] = float(weeks_in["period"].isin(drop).mean())
        rows.append(row)
    return pd.DataFrame(rows).set_index("estimate")


# ----------------------------------------------------------------------------------- the clock


def clock_base_rates(classified_tz: pd.DataFrame, cutoff: int) -> dict[str, float]:
    """The UTC+08:00 share among commits with a known offset (the base rate the precision must beat),
    the lift (precision over base rate), and the precision among China-linked and U.S. commits only."""
    known = classified_tz[classified_tz["region"] != "unknown"]
    truth = known["region"].to_numpy()
    called = dv.geography.by_hour(known["author_time_utc"], cutoff) == "CN"
    base = float(np.mean(truth == "CN")) if len(truth) else float("nan")
    precision = float(np.mean(truth[called] == "CN")) if called.any() else float("nan")
    two = np.isin(truth, ["CN", "US"])
    precision_two = float(np.mean(truth[called & two] == "CN")) if (called & two).any() else float("nan")
    return {
        "clock_base_rate_cn": base,
        "clock_lift": precision / base if base else float("nan"),
        "clock_precision_two_region": precision_two,
    }


def clock_benchmarks_sentence(global_share: float, cutoff: int, utc8_share: float) -> str:
    """The GitHub-wide share called China-linked beside the uniform-hour share and the UTC+08:00 share."""
    uniform = cutoff / 24
    word = compare(global_share, uniform, "more than", "less than", "as many as")
    return (
        f"if events were spread evenly over the day, the rule would call {percent(uniform)} of them "
        f"China-linked ({cutoff} of 24 hours); it calls {percent(global_share)}, {word} an even spread "
        f"and {number(global_share / utc8_share, 1)} times the UTC+08:00 economies' "
        f"{percent(utc8_share)} of developer accounts"
    )


def estimate_text(row: pd.Series | dict[str, Any] | None) -> str:
    """'1.244 (p = 0.250)' or 'not estimable'."""
    if row is None:
        return "not estimable"
    return f"{number(float(row['coef']))} ({p_value(float(dv.p_used(row))).replace(chr(160), ' ')})"
