"""The developers chapter's sections: one function each, returning its `results` dataclass."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from chipshock import charts, claims
from chipshock.chapters.developers import analysis as dv
from chipshock.chapters.developers import referee as rf
from chipshock.chapters.developers import results as R
from chipshock.chapters.developers.parameters import ESTIMATOR_LABELS, GITHUB_DEVELOPERS
from chipshock.claims.developers import CLAIMS
from chipshock.data import curated, reads
from chipshock.data.build import load
from chipshock.data.paper import PAPER_ESTIMATES
from chipshock.econometrics.sign_flip import ASSUMPTIONS
from chipshock.measures import calendar_weeks, vocabulary
from chipshock.numbers import integer, number, p_value, percent
from chipshock.tables import format_table
from chipshock.wording import (
    ALPHA,
    count_of,
    direction,
    is_significant,
    relative_change_sentence,
    significance,
)


@dataclass(frozen=True)
class Inputs:
    """What every section reads: the parameters, settings and the data of the run."""

    p: Any
    s: dv.Settings
    project: Any
    commits: pd.DataFrame
    repos: pd.DataFrame
    releases: pd.DataFrame
    selected: pd.DataFrame
    every_copy: pd.DataFrame  # the selection with rebased and cherry-picked copies kept
    duplicate_share: float
    classified: pd.DataFrame
    panel: pd.DataFrame


def inputs(project: Any, p: Any) -> Inputs:
    """Load and prepare the run's data (commits, repositories, releases; the estimation panel)."""
    commits, repos = load(project, "commits"), load(project, "repositories")
    releases = curated.model_releases(project)
    chosen, kept, share = dv.selections(commits, repos, p)
    selected = kept if p["copies"] == "drop" else chosen
    classified = dv.classify(selected, p)
    panel = dv.source_panel(project.root, classified, repos, releases, p)
    return Inputs(p, dv.settings(p), project, commits, repos, releases, selected, chosen, share, classified,
                  panel)


def _f(x: Any) -> float:
    return float(x) if x is not None and not pd.isna(x) else float("nan")


# ---------------------------------------------------------------------------------------- data


def data_section(d: Inputs) -> R.DataResult:
    """The commits, their regions, the unknown share and the raw trends."""
    p, s = d.p, d.s
    shares = pd.Series(d.classified["region"]).value_counts(normalize=True)
    unknown = dv.unknown_share_by_shock(d.classified, s.shocks, p["window_weeks"])
    first, last = float(unknown.iloc[0]), float(unknown.iloc[-1])
    trends = dv.monthly_trends(d.classified)
    return R.DataResult(
        source_note=dv.source_note(p),
        duplicate_share=d.duplicate_share,
        copies_word="removed" if p["copies"] == "drop" else "kept (this run counts every hash)",
        n_commits_all=len(d.commits),
        n_repos_all=int(d.commits["repo"].nunique()),
        n_commits=len(d.classified),
        n_repos=int(d.classified["repo"].nunique()),
        shares={f"share_{r}": float(shares.get(r, 0.0)) for r in dv.PANEL_REGIONS},
        unknown_first_shock=str(unknown.index[0]),
        unknown_last_shock=str(unknown.index[-1]),
        unknown_share_first=first,
        unknown_share_last=last,
        unknown_trend_word=direction(last - first, "grows", "falls", "does not change"),
        unknown_located_word=direction(last - first, "shrinks", "grows", "does not change"),
        period_word=p["period"],
        outcome_word=p["outcome"].replace("_", " "),
        geo_proxy=p["geo_proxy"],
        geo_proxy_label=vocabulary.label(p["geo_proxy"]),
        unit=p["unit"],
        unit_label=vocabulary.label(p["unit"]),
        estimator_label=ESTIMATOR_LABELS[p["estimator"]],
        window_weeks=p["window_weeks"],
        treated_word=dv.REGION_WORDS[p["treated_region"]],
        control_word=dv.REGION_WORDS[p["control_region"]],
        trends=charts.region_trends(trends, p["shocks"]),
        trends_takeaway=trends_takeaway(trends, s.shocks),
    )


def trends_takeaway(trends: pd.DataFrame, shocks: list[pd.Timestamp]) -> str:
    """Monthly China-linked and U.S. commits in the months of the first and the last shock."""
    months = [pd.Timestamp(x).to_period("M").to_timestamp() for x in (shocks[0], shocks[-1])]
    wide = trends.pivot_table(index="month", columns="region", values="commits", aggfunc="sum")

    def at(region: str, month: pd.Timestamp) -> str:
        v = wide[region].get(month, np.nan) if region in wide else np.nan
        return integer(v) if np.isfinite(v) else "none"

    return (
        f"China-linked commits numbered {at('CN', months[0])} in the month of the first shock and "
        f"{at('CN', months[1])} in that of the last; U.S. commits {at('US', months[0])} and "
        f"{at('US', months[1])}."
    )


def identification_section(d: Inputs) -> R.IdentResult:
    """Which shocks can be estimated and which are pooled (raises NoEstimableShock if none)."""
    p = d.p
    ident = dv.identification(d.panel, d.s, p)
    estimable = list(ident.index[ident["estimable"]])
    not_pooled = [f"{k} ({v['why not'] or v['Window note']})" for k, v in ident[~ident["pooled"]].iterrows()]
    if not estimable:
        raise dv.NoEstimableShock(ident)
    return R.IdentResult(
        ident_table=format_table(ident.rename(columns={"why not": "Why not"}), id="ident_table"),
        n_shocks=len(ident),
        n_estimable=len(estimable),
        n_pooled=int(ident["pooled"].sum()),
        window_rule=p["shock_windows"],
        window_rule_label=vocabulary.label(p["shock_windows"]),
        not_pooled_text="; ".join(not_pooled) if not_pooled else "none",
        ident=ident,
        estimable=estimable,
    )


def events_section(d: Inputs) -> R.EventsResult:
    events = curated.policy_events(d.project)
    shock_events = events[events["paper_shock"]][["date", "actor", "title", "note"]].set_index("date")
    return R.EventsResult(shock_events=format_table(shock_events, id="shock_events"))


def holiday_section(d: Inputs) -> R.HolidayResult:
    """Holiday weeks before and after each shock, China and the U.S."""
    hol = calendar_weeks.holiday_table(d.s.shocks, d.s.window)
    count = hol.groupby(["shock", "country", "side"]).size().unstack(["country", "side"], fill_value=0)
    count = count.reindex(
        columns=[(c, side) for c in ("CN", "US") for side in ("before", "after")], fill_value=0
    )
    count.columns = [f"{c} holiday weeks {side}" for c, side in count.columns]
    golden = bool(((hol["rel"] == 0) & hol["names"].str.contains("National Day")).any())
    return R.HolidayResult(
        holiday_table=format_table(count, id="holiday_table"),
        holiday_word="with" if d.s.holidays else "without",
        shock_in_golden_week=golden,
    )


# -------------------------------------------------------------------------------------- the DiD


def did_section(d: Inputs, ident: R.IdentResult) -> R.DidResult:
    """The DiD per shock and pooled under the three estimators; the headline's inference."""
    p, s, panel = d.p, d.s, d.panel
    tables = {e: dv.did_table(panel, s, p, ident.ident, e) for e in ESTIMATOR_LABELS}
    head = tables[p["estimator"]]
    key = dv.headline_key(head)
    pool = dv.pooled_shocks(ident.ident, head)
    row = head.loc[key]
    data, design, hol = dv.stack_regions(
        panel, s, dv.windows_for(s, pool), s.design.treated, s.design.control, p["min_pre_periods"]
    )
    margin = rf.smallest_effect(float(row["pre_mean"]), p["estimator"])
    tost = rf.tost(row, margin)
    shock_rows = head.drop(index="pooled", errors="ignore")
    n_holm = int((shock_rows["p_holm"] < ALPHA).sum())
    top_repo, top_share = dv.top_repo_share(panel, s, p, pool, s.design.treated)
    coef, used = float(row["coef"]), dv.p_used(row)
    values = {
        f"pooled_{k}": float(row[k])
        for k in ("coef", "se", "ci_low", "ci_high", "p", "pct", "mde", "mde_pct", "ci_high_pct", "pre_mean")
    }
    values.update(
        pooled_clusters=int(row["clusters"]),
        pooled_abs=abs(coef),
        pooled_direction=direction(coef),
        pooled_relative=direction(coef, "more", "less", "less"),
        pooled_significance=significance(used),
    )
    compared = dv.compare_estimators(tables)
    return R.DidResult(
        did_table=dv.show(
            head,
            "did_table",
            [
                "coef",
                "se",
                "p",
                "p_bootstrap",
                "p_holm",
                "pre_mean",
                "pct",
                "mde",
                "mde_pct",
                "clusters",
                "in_pool",
            ],
            "Shock",
        ),
        did_all_estimators=format_table(compared, dv.kinds_by_suffix(compared), id="did_all_estimators"),
        pooled_label="pooled over the shocks in the pool" if key == "pooled" else f"for the shock of {key}",
        pooled_values=values,
        mde_pooled=float(row["mde"]),
        mde_pooled_pct=float(row["mde_pct"]),
        null_reading=dv.null_reading(row),
        control_pre_mean=dv.pre_mean(data, design, s.design.control),
        n_estimators_positive=int(sum((t.loc[key, "coef"] > 0) for t in tables.values())),
        n_estimators_significant=int(sum(is_significant(dv.p_used(t.loc[key])) for t in tables.values())),
        n_shocks_holm_significant=n_holm,
        holm_text=count_of(n_holm, len(shock_rows), "shock", verb=("is", "are")),
        mde_shock_min_pct=float(shock_rows["mde_pct"].min()),
        mde_shock_max_pct=float(shock_rows["mde_pct"].max()),
        top_cn_repo=top_repo,
        top_cn_share=top_share,
        twoway_pooled_p=rf.twoway_p(data, design, ["treat_post", *hol], p["estimator"]),
        tost_pooled_p=tost,
        smallest_effect=margin,
        smallest_effect_share=rf.SMALLEST_EFFECT_SHARE,
        tost_text=tost_text(tost, margin, p["estimator"]),
        tables=tables,
        head=head,
        key=key,
        pool=pool,
    )


def tost_text(p: float, margin: float, estimator: str) -> str:
    """What the equivalence test of the headline says."""
    scale = f"{number(margin)} per repository-period" if estimator == "ols_level" else "log(1.1)"
    if is_significant(p):
        return (
            f"the equivalence test rules out a change as large as the smallest effect of interest "
            f"({scale}; {p_value(p)})"
        )
    return (
        f"the equivalence test cannot rule out a change as large as the smallest effect of interest "
        f"({scale}; {p_value(p)})"
    )


def estimand_section(d: Inputs, did: R.DidResult) -> R.EstimandResult:
    """Each shock's weight in the pool, a clean-control design, a balanced panel, unknown bounds."""
    p, s, panel = d.p, d.s, d.panel
    weights = rf.shock_weights(panel, s, p, did.pool, p["estimator"])
    clean = rf.clean_control(panel, s, p, p["estimator"])
    bal = rf.balanced(panel, s, p, did.pool, p["estimator"])
    bounds = rf.unknown_bounds(panel, s, p, did.pool, p["estimator"])
    heaviest = weights["weight"].idxmax()
    text = (
        f"{heaviest} weighs most ({percent(weights['weight'].max())}); and because a later shock's "
        "before-period can hold an earlier one's after-period, each shock's estimate is an incremental "
        "effect over whatever came before it"
    )
    shown = weights.rename(
        columns={
            "coef": "Own estimate (no holiday terms)",
            "repositories": "Repositories",
            "weight": "Weight in the pool",
            "contribution": "Weight × estimate",
        }
    )
    crow = clean["row"]
    clean_words = (
        f"with clean controls (each stack keeps only periods outside every other shock's window) "
        f"the pool is {rf.listed(clean['shocks'])} and its estimate is {rf.estimate_text(crow)}"
        if clean["shocks"]
        else "with clean controls no shock keeps periods on both sides"
    )
    return R.EstimandResult(
        weights_table=format_table(shown, id="weights_table"),
        weights_text=text,
        clean_control_text=clean_words,
        clean_control_coef=_f(crow["coef"]) if crow else float("nan"),
        clean_control_p=_f(crow["p"]) if crow else float("nan"),
        balanced_repos=int(bal["repositories"]),
        balanced_coef=_f(bal["row"]["coef"]) if bal["row"] else float("nan"),
        balanced_p=_f(dv.p_used(bal["row"])) if bal["row"] else float("nan"),
        **bounds,
    )


def rules_section(d: Inputs) -> R.RulesResult:
    rules = dv.window_rule_table(d.panel, d.s, d.p, d.p["estimator"])
    return R.RulesResult(
        window_rules=dv.show(
            rules,
            "window_rules",
            ["shocks pooled", "coef", "se", "p", "pct", "clusters", "observations", "this run"],
            "Window rule",
        ),
        overlap_coef=float(rules.loc["overlap", "coef"]) if "overlap" in rules.index else float("nan"),
    )


def release_section(d: Inputs, ident: R.IdentResult) -> R.ReleaseResult:
    """Each shock's estimate with and without the weeks around major open-weight releases."""
    weeks = max(1, int(d.p.get("release_window_weeks", 0) or 0))
    table = rf.release_effects(d.panel, d.releases, d.s, d.p, ident.ident, d.p["estimator"], weeks)
    kinds = {
        c: ("share" if c == "weeks removed" else "pvalue" if c.endswith(": p") else "coef")
        for c in table.columns
    }
    from chipshock.tables import Col

    specs = {c: Col(kind=k) for c, k in kinds.items()}  # type: ignore[arg-type]
    moved = int((np.sign(table["all weeks: coef"]) != np.sign(table["release weeks out: coef"])).sum())
    sig_change = int((table["all weeks: p"].lt(ALPHA) != table["release weeks out: p"].lt(ALPHA)).sum())
    text = (
        f"taking out the weeks within {weeks} of a Chinese or U.S. open-weight release changes the sign of "
        f"{count_of(moved, len(table), 'estimate')} and the significance of "
        f"{count_of(sig_change, len(table), 'estimate')}"
    )
    return R.ReleaseResult(
        release_table=format_table(table, specs, id="release_table"),
        release_weeks_shown=weeks,
        release_text=text,
    )


# ----------------------------------------------------------------------------------- placebo


def placebo_section(d: Inputs, did: R.DidResult) -> R.PlaceboResult:
    """CN-US, EU-US, CN-EU and the triple difference; which side moved."""
    p, s, panel, pool = d.p, d.s, d.panel, did.pool
    if not dv.eu_available(p):
        note = format_table(
            pd.DataFrame({"note": ["placebo regions need time-zone offsets"]}), id="placebo_table"
        )
        note2 = format_table(
            pd.DataFrame({"note": ["placebo regions need time-zone offsets"]}), id="placebo_estimators"
        )
        nan = float("nan")
        keys = R.PlaceboResult.__dataclass_fields__["numbers"].metadata["flat"]
        return R.PlaceboResult(
            placebo_available="not available in this run: the clock rule has no Europe, so the placebo "
            "region cannot be formed",
            placebo_table=note,
            placebo_estimators=note2,
            n_estimators_triple_significant=0,
            n_estimators_eu_us_positive=0,
            placebo_sentence=dv.placebo_sentence(None, None),
            scales_sentence=dv.scales_sentence(None),
            numbers=dict.fromkeys(keys, nan),
            eu_us_tost_p=nan,
            side_code="unavailable",
            side_text=rf.SIDE_TEXTS["unavailable"],
            eu_ok=False,
        )
    pairs = dv.placebo_pairs(panel, s, p, pool, p["estimator"])
    triples = {e: dv.triple_difference(panel, s, p, pool, e) for e in ESTIMATOR_LABELS}
    triple = triples[p["estimator"]]
    row = {
        **triple.as_row(),
        "pct": dv.relative(triple.coef, float(pairs.loc["CN-US", "pre_mean"]), p["estimator"]),
        "clusters": triple.n_clusters,
    }
    shown = pd.concat([pairs, pd.DataFrame([row]).set_index("estimate")])
    across = dv.placebo_across(
        panel,
        s,
        p,
        pool,
        {
            e: (pairs if e == p["estimator"] else dv.placebo_pairs(panel, s, p, pool, e), triples[e])
            for e in ESTIMATOR_LABELS
        },
    )
    cn, eu, ce = (pairs.loc[k] for k in ("CN-US", "EU-US", "CN-EU"))
    eu_tost = rf.tost(eu, rf.smallest_effect(float(eu["pre_mean"]), p["estimator"]))
    code = rf.side_of_movement(
        (float(cn["coef"]), dv.p_used(cn)),
        (float(eu["coef"]), dv.p_used(eu)),
        (triple.coef, triple.p),
        eu_tost,
    )
    numbers = {
        "cn_us_coef": float(cn["coef"]),
        "cn_us_p": float(cn["p"]),
        "placebo_eu_us_coef": float(eu["coef"]),
        "placebo_eu_us_p": float(eu["p"]),
        "placebo_eu_us_pct": float(eu["pct"]),
        "cn_eu_coef": float(ce["coef"]),
        "cn_eu_p": float(ce["p"]),
        "triple_coef": triple.coef,
        "triple_se": triple.se,
        "triple_p": triple.p,
        "triple_ci_low": triple.ci_low,
        "triple_ci_high": triple.ci_high,
    }
    return R.PlaceboResult(
        placebo_available="available",
        placebo_table=dv.show(
            shown, "placebo_table", ["coef", "se", "ci_low", "ci_high", "p", "pct", "clusters"], "Comparison"
        ),
        placebo_estimators=format_table(across, dv.kinds_by_suffix(across), id="placebo_estimators"),
        n_estimators_triple_significant=int((across.filter(like=": p").iloc[3] < ALPHA).sum()),
        n_estimators_eu_us_positive=int((across.filter(like=": change").iloc[1] > 0).sum()),
        placebo_sentence=dv.placebo_sentence(pairs, triple),
        scales_sentence=dv.scales_sentence(across),
        numbers=numbers,
        eu_us_tost_p=eu_tost,
        side_code=code,
        side_text=rf.SIDE_TEXTS[code],
        eu_ok=True,
        pairs=pairs,
        triple=triple,
        triples=triples,
    )


def own_section(d: Inputs, did: R.DidResult, placebo: R.PlaceboResult) -> R.OwnResult:
    """Each region's own change beside the paper's per-group numbers."""
    p, s = d.p, d.s
    t, c = s.design.treated, s.design.control
    own = (t, c) + (("EU",) if placebo.eu_ok and "EU" not in (t, c) else ())
    ba = dv.own_changes(d.panel, s, p, did.pool, own)
    outcome = p["outcome"].replace("_", " ")
    return R.OwnResult(
        before_after_table=dv.show(
            ba, "before_after_table", ["coef", "se", "p", "pre_mean", "pct", "clusters"], "Region"
        ),
        ba_cn=float(ba.loc[t, "coef"]),
        ba_us=float(ba.loc[c, "coef"]),
        ba_cn_pct=float(ba.loc[t, "pct"]),
        ba_us_pct=float(ba.loc[c, "pct"]),
        ba_cn_base=float(ba.loc[t, "pre_mean"]),
        ba_us_base=float(ba.loc[c, "pre_mean"]),
        ba_eu_pct=float(ba.loc["EU", "pct"]) if "EU" in ba.index else float("nan"),
        ba_eu_text=(
            f" (Europe-offset: {percent(float(ba.loc['EU', 'pct']))})"
            if "EU" in ba.index
            else " (this run has no Europe-offset group)"
        ),
        ba_compare_text=relative_change_sentence(
            f"{dv.REGION_WORDS[t]} {outcome}",
            float(ba.loc[t, "pct"]),
            f"{dv.REGION_WORDS[c]} ones",
            float(ba.loc[c, "pct"]),
        ),
        paper_cn=PAPER_ESTIMATES["china_linked"],
        paper_us=PAPER_ESTIMATES["us"],
        paper_agreement=dv.paper_agreement(
            float(ba.loc[t, "pct"]),
            float(ba.loc[c, "pct"]),
            PAPER_ESTIMATES["china_linked"],
            PAPER_ESTIMATES["us"],
        ),
        ba_level_word="larger" if abs(ba.loc[t, "coef"]) > abs(ba.loc[c, "coef"]) else "smaller",
    )


# ------------------------------------------------------------------------------- event studies


def _es_takeaway(es: pd.DataFrame, what: str) -> str:
    """How many after-shock bins are significant, of how many, across the shocks shown."""
    post = es[es["rel"] >= 0]
    sig = int((post["p"] < ALPHA).sum()) if "p" in post else 0
    pre = es[es["rel"] < -1]
    sig_pre = int((pre["p"] < ALPHA).sum()) if "p" in pre else 0
    return (
        f"{what}: {count_of(sig, len(post), 'after-shock bin')} significant at the 5% level, and "
        f"{count_of(sig_pre, len(pre), 'before-shock bin')} (where pre-trends would show)."
    )


def event_section(
    d: Inputs, ident: R.IdentResult, did: R.DidResult, placebo: R.PlaceboResult
) -> R.EventStudyResult:
    """Event studies per shock and pooled, pre-trends, the conservative honest bounds, the pool
    without pre-trend failures, and EU-US and triple-difference event studies per shock."""
    p, s, panel = d.p, d.s, d.panel
    es, summary, bounds = dv.event_studies(panel, s, p, ident.estimable, p["estimator"], did.pool)
    label = f"{'4-week' if s.design.freq == 'W' else 'monthly'} bins relative to the shock"
    t, c = dv.REGION_WORDS[s.design.treated], dv.REGION_WORDS[s.design.control]
    head_es = "pooled" if "pooled" in summary.index else summary.index[0]
    breakdown = float(summary.loc[head_es, "breakdown_mbar"])
    failed = rf.pretrend_failures(summary)
    clean_pool = [x for x in did.pool if x not in failed]
    clean_row, triple_clean = None, None
    if clean_pool:
        data, design, hol = dv.stack_regions(
            panel, s, dv.windows_for(s, clean_pool), s.design.treated, s.design.control, p["min_pre_periods"]
        )
        clean_row = dv.estimate_row(data, design, ["treat_post", *hol], p["estimator"], "clean pretrend")
        if placebo.eu_ok:
            triple_clean = dv.triple_difference(panel, s, p, clean_pool, p["estimator"])
    nan = float("nan")
    if placebo.eu_ok:
        s_eu = replace(s, design=replace(s.design, treated="EU", control="US"))
        es_eu, _, _ = dv.event_studies(panel, s_eu, p, ident.estimable, p["estimator"], [])
        es_tr = rf.triple_event_study(panel, s, p, ident.estimable, p["estimator"])
        eu_chart = charts.event_study(es_eu, label, y_title="Europe-offset minus U.S.")
        tr_chart = charts.event_study(es_tr, label, y_title="(CN−US) − (EU−US)")
        eu_take, tr_take = (
            _es_takeaway(es_eu, "Europe-offset minus U.S."),
            _es_takeaway(es_tr, "The triple difference"),
        )
    else:
        empty = format_table(
            pd.DataFrame({"note": ["placebo regions need time-zone offsets"]}), id="eu_event_study"
        )
        eu_chart, tr_chart = (
            empty,
            format_table(
                pd.DataFrame({"note": ["placebo regions need time-zone offsets"]}), id="triple_event_study"
            ),
        )
        eu_take = tr_take = "Without a placebo region there is no Europe-offset event study in this run."
    return R.EventStudyResult(
        bin_word="4-week" if s.design.freq == "W" else "monthly",
        event_study=charts.event_study(es, label, y_title=f"{t} minus {c}"),
        event_study_takeaway=_es_takeaway(es, f"{t} minus {c}"),
        pretrend_table=format_table(
            summary.rename(
                columns={
                    "pretrend_F": "Pre-trend F",
                    "pretrend_p": "Pre-trend p-value",
                    "post_average": "Average after-shock effect",
                    "post_average_se": "Its std. error",
                    "breakdown_mbar": "Breakdown M̄ (conservative)",
                    "clusters": "Repositories (clusters)",
                }
            ),
            id="pretrend_table",
        ),
        honest_table=format_table(dv.honest_wide(bounds), id="honest_table"),
        n_pretrend_rejected=len(failed),
        pretrend_text=dv.pretrend_text(summary),
        honest_breakdown_m=breakdown,
        honest_post_average=float(summary.loc[head_es, "post_average"]),
        honest_words=dv.honest_words(breakdown),
        honest_label="the pooled event study" if head_es == "pooled" else f"the event study of {head_es}",
        honest_adds_text=honest_adds(breakdown),
        pooled_clean_pretrend_coef=_f(clean_row["coef"]) if clean_row else nan,
        pooled_clean_pretrend_p=_f(dv.p_used(clean_row)) if clean_row else nan,
        triple_clean_pretrend_coef=triple_clean.coef if triple_clean else nan,
        triple_clean_pretrend_p=triple_clean.p if triple_clean else nan,
        clean_pretrend_left_out=rf.listed(failed, "no shock"),
        clean_pretrend_shocks=rf.listed(clean_pool),
        eu_event_study=eu_chart,
        eu_event_study_takeaway=eu_take,
        triple_event_study=tr_chart,
        triple_event_study_takeaway=tr_take,
        summary=summary,
        clean_row=clean_row,
    )


def honest_adds(breakdown: float) -> str:
    """Whether the conservative (Bonferroni) relative-magnitudes bounds add anything in this run."""
    if breakdown == 0:
        return (
            "Here they add nothing: the ordinary interval already covers zero, so every breakdown value "
            "is zero and no bound on the violation can make the estimate less significant than it is"
        )
    return (
        "Here they add a bound: the estimate stays significant until the after-shock violation reaches "
        f"{number(breakdown, 2)} times the largest before-shock one"
    )


# -------------------------------------------------------------------------------- the sign flips


def sign_flip_section(d: Inputs, did: R.DidResult) -> R.SignFlipResult:
    """The sign-flip test and placebo shock dates clear of every real shock's window."""
    swaps, dates, est = dv.sign_flips_and_dates(d.panel, d.s, d.p, did.pool, d.p["estimator"])
    table = dates.draws
    overlapping = 0
    if table is not None and dates.qualified:
        at = np.sort(dv.randomization_dates.shock_index(d.s.shocks, d.s.design))
        pooled_at = np.sort(
            dv.randomization_dates.shock_index([pd.Timestamp(x) for x in did.pool], d.s.design)
        )
        for shift in table.loc[table["qualified"], "shift"]:
            overlapping += int((np.abs(pooled_at[:, None] + shift - at[None, :]) < 2 * d.s.window).any())
    exact = (
        f"all {integer(swaps.draws)} sign vectors are enumerated, so the p-value has no Monte Carlo error"
        if swaps.exact
        else f"with {integer(swaps.draws)} random sign vectors its Monte Carlo standard error is "
        f"{number(swaps.mc_se)}"
    )
    return R.SignFlipResult(
        ri_table=format_table(dv.ri_table(swaps, dates), id="ri_table"),
        ri_pooled_p=float(swaps.p_value),
        ri_pooled_mc_se=float(swaps.mc_se),
        ri_exact_text=exact,
        ri_draws=int(swaps.draws),
        ri_estimator=ESTIMATOR_LABELS[est],
        ri_dates_drawn=int(dates.drawn),
        ri_dates_qualified=int(dates.qualified),
        ri_dates_overlap=int(dates.failures.get("overlaps a real shock window", 0)),
        ri_dates_band=int(dates.failures.get("eligible units outside the band", 0)),
        ri_dates_text=dv.placebo_dates_text(dates),
        placebo_sets_qualified=int(dates.qualified),
        placebo_sets_overlapping_real=overlapping,
        sign_flip_assumptions=ASSUMPTIONS,
    )


def hetero_section(d: Inputs, did: R.DidResult) -> R.HeteroResult:
    hetero = dv.by_repo_group(d.panel, d.repos, d.s, d.p, did.pool, d.p["estimator"])
    return R.HeteroResult(
        hetero_table=dv.show(
            hetero,
            "hetero_table",
            ["coef", "se", "p", "p_bootstrap", "p_holm", "pct", "clusters"],
            "Repositories",
        ),
        hetero_min_clusters=int(hetero["clusters"].min()),
        n_hetero_holm_significant=int((hetero.get("p_holm", pd.Series(dtype=float)) < ALPHA).sum()),
    )


# ------------------------------------------------------------------------------------ the clock


def clock_section(d: Inputs) -> R.ClockResult:
    """The clock rule against the time-zone offsets: recalls, precision, base rate and lift."""
    p = d.p
    tz = d.classified if p["geo_proxy"] == "tz" else dv.classify(d.selected, {**p, "geo_proxy": "tz"})
    tz = tz[["author_time_utc", "region"]]  # the commits' other columns only slow every selection
    hours = tz["author_time_utc"].dt.hour.to_numpy()
    truth = np.asarray(tz["region"])
    guess = dv.geography.by_hour(tz["author_time_utc"], p["hour_cutoff_utc"])
    conf = dv.geography.confusion(truth, guess).rename_axis("Time zone")
    conf.columns = [f"Clock rule: {c}" for c in conf.columns]
    acc = dv.geography.hour_rule_accuracy(hours, truth).set_index("cutoff")
    at = dv.clock_scores(tz, p["hour_cutoff_utc"])
    paper = dv.clock_scores(tz, dv.PAPER_CUTOFF)
    best = int(acc["balanced"].idxmax())
    base = rf.clock_base_rates(tz, dv.PAPER_CUTOFF)
    called = dv.geography.by_hour(tz["author_time_utc"], dv.PAPER_CUTOFF) == "CN"
    with_utc = float(np.mean(truth[called] == "CN")) if called.any() else float("nan")
    profile = dv.hour_profile(tz)
    peak = profile.loc[profile.groupby("region")["share"].idxmax()].set_index("region")["hour"]
    take = (
        "China-linked commits peak at "
        + (f"{int(peak['CN'])}:00" if "CN" in peak else "no hour")
        + " UTC and U.S. ones at "
        + (f"{int(peak['US'])}:00" if "US" in peak else "no hour")
        + f" UTC; the rule calls {percent(1 - at['us_recall'])} of U.S. commits "
        "China-linked."
    )
    return R.ClockResult(
        confusion=format_table(conf, id="confusion"),
        clock_accuracy=at["accuracy"],
        clock_cn_recall=at["cn_recall"],
        clock_us_recall=at["us_recall"],
        clock_us_as_cn=1 - at["us_recall"],
        clock_precision_cn=paper["precision_cn"],
        clock_balanced_paper=paper["balanced"],
        clock_called_cn_share=paper["called_cn_share"],
        clock_fp_eu_share=paper["fp_eu_share"],
        clock_fp_us_share=paper["fp_us_share"],
        paper_cutoff=dv.PAPER_CUTOFF,
        best_cutoff=best,
        best_balanced=float(acc.loc[best, "balanced"]),
        hour_cutoff=p["hour_cutoff_utc"],
        squash_share=dv.squash_share(d.commits, d.repos, p),
        other_as_cn=float(np.mean(guess[np.isin(truth, ["other", "EU"])] == "CN")),
        hour_profile=charts.hour_profile(profile, p["hour_cutoff_utc"]),
        hour_profile_takeaway=take,
        **base,
        scores=paper,
        known=int(np.isin(truth, ["CN", "US", "EU", "other"]).sum()),
        precision_with_utc=with_utc,
        best_scores=dv.clock_scores(tz, best),
    )


def clock_base_section(d: Inputs) -> R.ClockBaseResult:
    """The share of all public GitHub events the rule calls China-linked, against three benchmarks."""
    hours = load(d.project, "gharchive_daily_hours")
    share, days = dv.clock_global_share(hours, d.s.shocks, d.p["window_weeks"])
    devs = curated_developers(d.project.root)
    cn = dv.developer_share(devs, ("CN",))
    utc8 = dv.developer_share(devs, tuple(devs.loc[devs["utc_offset"] == "+08:00", "economy"]))
    return R.ClockBaseResult(
        clock_global_share=share,
        clock_global_days=days,
        cited_cn_dev_share=cn,
        cited_utc8_dev_share=utc8,
        cited_us_dev_share=dv.developer_share(devs, ("US",)),
        cited_period=str(devs["period"].iloc[0]),
        clock_global_word="most" if share > 0.5 else "a share",
        clock_global_multiple=share / cn,
        clock_base_verdict=dv.clock_base_verdict(share, cn),
        clock_uniform_share=dv.PAPER_CUTOFF / 24,
        clock_benchmarks_text=rf.clock_benchmarks_sentence(share, dv.PAPER_CUTOFF, utc8),
    )


def curated_developers(root: Path) -> pd.DataFrame:
    """The curated GitHub developers-by-economy table (validated by `dv.developer_share`)."""
    return pd.read_csv(reads.use(root, GITHUB_DEVELOPERS))


def proxy_section(d: Inputs, did: R.DidResult) -> R.ProxyResult:
    reuse = {d.p["geo_proxy"]: d.panel} if d.p["source"] == "commits" else {}
    clock = dv.proxy_comparison(d.selected, d.releases, d.s, d.p, did.pool, reuse)
    return R.ProxyResult(
        proxy_table=dv.show(clock, "proxy_table", ["coef", "se", "p", "pct", "clusters"], "Proxy"),
        clock_coef_tz=float(clock.loc["tz", "coef"]),
        clock_coef_hour=float(clock.loc["hour", "coef"]),
        clock_pct_tz=float(clock.loc["tz", "pct"]),
        clock_pct_hour=float(clock.loc["hour", "pct"]),
    )


# ------------------------------------------------------------------------------------ verdicts


def _claim3(row: Any, triple: Any, n: int, estimator: str) -> claims.Verdict:
    if row is None:
        return claims.developers(float("nan"), float("nan"), float("nan"), float("nan"), 0.0, 0)
    margin = rf.smallest_effect(float(row["pre_mean"]), estimator)
    tc, tp = (triple.coef, triple.p) if triple is not None else (float("nan"), float("nan"))
    return claims.developers(
        float(row["coef"]),
        float(dv.p_used(row)),
        tc,
        tp,
        100 * _f(row.get("mde_pct")),
        n,
        pct=100 * _f(row.get("pct")),
        se=float(row["se"]),
        margin=margin,
        clusters=int(row["clusters"]),
    )


def copies_kept_row(d: Inputs, pool: list[str]) -> tuple[Any, Any]:
    """The headline and the triple difference with rebased and cherry-picked copies kept."""
    q = {**d.p, "copies": "keep"}
    if d.p["source"] != "commits":
        return None, None
    every = d.every_copy
    panel = d.panel if d.p["copies"] == "keep" else dv.make_panel(dv.classify(every, q), d.releases, q)
    data, design, hol = dv.stack_regions(
        panel, d.s, dv.windows_for(d.s, pool), d.s.design.treated, d.s.design.control, q["min_pre_periods"]
    )
    row = dv.estimate_row(data, design, ["treat_post", *hol], q["estimator"], "copies kept")
    triple = dv.triple_difference(panel, d.s, q, pool, q["estimator"]) if dv.eu_available(q) else None
    return row, triple


def verdict_section(
    d: Inputs,
    ident: R.IdentResult,
    did: R.DidResult,
    placebo: R.PlaceboResult,
    events: R.EventStudyResult,
    clock: R.ClockResult,
) -> R.VerdictResult:
    """Claims 3 and 8 under the primary specification and every declared alternative."""
    est, n = d.p["estimator"], len(ident.estimable)
    row = did.head.loc[did.key]
    triples = placebo.triples or {}
    primary = _claim3(row, placebo.triple, n, est)
    twoway = {**row.to_dict(), "p_bootstrap": float("nan"), "p": did.twoway_pooled_p}
    cn_eu = placebo.pairs.loc["CN-EU"] if placebo.eu_ok else None
    kept, kept_triple = copies_kept_row(d, did.pool)
    clean_triple = (
        None
        if math.isnan(events.triple_clean_pretrend_coef)
        else _Triple(events.triple_clean_pretrend_coef, events.triple_clean_pretrend_p)
    )
    under = {
        "pool without pre-trend failures": _claim3(events.clean_row, clean_triple, n, est),
        "OLS on log(1+y)": _claim3(did.tables["ols_log"].loc[did.key], triples.get("ols_log"), n, "ols_log"),
        "Poisson PML": _claim3(did.tables["ppml"].loc[did.key], triples.get("ppml"), n, "ppml"),
        "Europe as the comparison": _claim3(cn_eu, placebo.triple, n, est),
        "copies kept": _claim3(kept, kept_triple, n, est),
        "two-way clustering": _claim3(twoway, placebo.triple, n, est),
    }
    three = claims.judge(CLAIMS[0], primary, under)
    sc = clock.scores
    best = clock.best_scores
    eight = claims.judge(
        CLAIMS[1],
        claims.clock(sc["balanced"], sc["precision_cn"], clock.known, dv.PAPER_CUTOFF),
        {
            "two-region precision": claims.clock(
                sc["balanced"], clock.clock_precision_two_region, clock.known, dv.PAPER_CUTOFF
            ),
            "UTC+00:00 counted": claims.clock(
                sc["balanced"], clock.precision_with_utc, clock.known, dv.PAPER_CUTOFF
            ),
            "best in-sample cutoff": claims.clock(
                best["balanced"], best["precision_cn"], clock.known, clock.best_cutoff
            ),
        },
    )
    return R.VerdictResult(verdicts={**three.glue_values(), **eight.glue_values()})


@dataclass(frozen=True)
class _Triple:
    coef: float
    p: float
