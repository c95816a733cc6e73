"""Chapter `robustness`: the developers chapter's China-linked minus comparison-region estimate
under every combination of its choices (a specification curve with a joint test), at matched
placebo dates, and leaving out repositories, origin groups and shocks."""

from __future__ import annotations

import itertools
import math
import multiprocessing
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
from scipy import stats

from chipshock.chapters.developers import analysis as dv
from chipshock.chapters.developers.parameters import PARAMS as DEVELOPERS_PARAMS
from chipshock.chapters.robustness import estimate as E
from chipshock.chapters.robustness.parameters import CLOCK_PROXY, SHOCK_SETS
from chipshock.charts import PALETTE, share_heatmap
from chipshock.econometrics import multiple
from chipshock.econometrics import randomization as R
from chipshock.errors import UserError
from chipshock.measures.vocabulary import CHOICE_LABELS, label
from chipshock.tables import Col, Table, format_table

# Choices in the order the curve's indicator panel and the explorer list them.
DIMENSIONS = ("geo_proxy", "unit", "copies", "outcome", "period", "window_weeks", "estimator",
              "repo_groups", "shock_set", "shock_windows", "control", "holidays")
WEEKS_PER_MONTH = 52 / 12
LEVEL = dv.LEVEL


# ------------------------------------------------------------------------------------------ grid


@lru_cache(maxsize=64)
def window_periods(weeks: int, period: str) -> int:
    """The developers chapter's window in periods for a window of `weeks` weeks either side."""
    q = {**DEVELOPERS_PARAMS.defaults(), "window_weeks": weeks, "period": period, "holiday_controls": False}
    return dv.settings(q).window


def min_pre_periods(weeks: int, period: str) -> int:
    """Periods of history that cover `weeks` weeks: weeks for a weekly panel, months rounded up."""
    return weeks if period == "week" else math.ceil(weeks / WEEKS_PER_MONTH)


def grid(p: dict[str, Any], clock: bool = False) -> pd.DataFrame:
    """Every combination of the chosen values, one row per specification; holiday controls only
    on weekly panels; the clock curve has the clock proxy and the U.S. comparison only."""
    proxies = [CLOCK_PROXY] if clock else p["geo_proxies"]
    controls = ["US"] if clock else p["controls"]
    values = {"geo_proxy": proxies, "unit": p["units"], "copies": p["copy_rules"], "outcome": p["outcomes"],
              "period": p["periods"], "window_weeks": p["windows"], "estimator": p["estimators"],
              "repo_groups": p["repo_group_sets"], "shock_set": p["shock_sets"],
              "shock_windows": p["window_rules"], "control": controls, "holidays": p["holiday_rules"]}
    specs = pd.DataFrame(list(itertools.product(*values.values())), columns=list(values))
    specs = specs[(specs["period"] == "week") | (specs["holidays"] == "off")]
    if specs.empty:
        raise UserError("the grid is empty: a monthly-only grid needs 'off' in holiday_rules "
                        "(-p holiday_rules off)")
    return specs.assign(curve="clock" if clock else "headline").reset_index(drop=True)


def developers_params(spec: dict[str, Any], min_pre_weeks: int) -> dict[str, Any]:
    """The developers chapter's parameters for one specification."""
    return {**DEVELOPERS_PARAMS.defaults(), "geo_proxy": spec["geo_proxy"], "unit": spec["unit"],
            "copies": spec["copies"], "outcome": spec["outcome"], "period": spec["period"],
            "window_weeks": int(spec["window_weeks"]), "estimator": spec["estimator"],
            "repo_groups": list(spec["repo_groups"]), "control_region": spec["control"],
            "shocks": [pd.Timestamp(s).date() for s in SHOCK_SETS[spec["shock_set"]]],
            "shock_windows": spec["shock_windows"], "holiday_controls": spec["holidays"] == "on",
            "min_pre_periods": min_pre_periods(min_pre_weeks, spec["period"])}


def default_spec(min_pre_weeks: int = 8) -> dict[str, Any]:
    """The developers chapter's default run as a specification of the curve."""
    d = DEVELOPERS_PARAMS.defaults()
    groups = "".join(sorted(d["repo_groups"]))
    shock_set = next(k for k, v in SHOCK_SETS.items() if [str(x) for x in v] == [str(x) for x in d["shocks"]])
    return {"geo_proxy": d["geo_proxy"], "unit": d["unit"], "copies": d["copies"], "outcome": d["outcome"],
            "period": d["period"], "window_weeks": d["window_weeks"], "estimator": d["estimator"],
            "repo_groups": groups, "shock_set": shock_set, "shock_windows": d["shock_windows"],
            "control": d["control_region"], "holidays": "on" if d["holiday_controls"] else "off"}


# ------------------------------------------------------------------------------ shared panels


_DATA: dict[str, Any] = {}


def _panel_wide(selected: pd.DataFrame, proxy: str, period: str, releases: pd.DataFrame) -> E.Wide:
    q = {**DEVELOPERS_PARAMS.defaults(), "geo_proxy": proxy, "period": period}
    panel = dv.make_panel(dv.classify(selected, q), releases, q)
    return E.wide_panel(panel, "W" if period == "week" else "M")


def _selected(commits: pd.DataFrame, repos: pd.DataFrame, unit: str, copies: str) -> pd.DataFrame:
    """The developers chapter's commit selection for every repository (groups are cut from the
    panel later: the time-zone and clock proxies classify each commit on its own)."""
    q = {**DEVELOPERS_PARAMS.defaults(), "unit": unit, "copies": copies, "repo_groups": ["A", "B", "C"]}
    return dv.selected_commits(commits, repos, q)[0]


@dataclass(frozen=True)
class JointSetup:
    """Repository-level sign draws shared by every specification (a region-label swap per repository)."""

    repos: np.ndarray     # every repository, sorted
    signs: np.ndarray     # repos x draws of +-1


def joint_setup(repos: pd.DataFrame, draws: int, seed: int) -> JointSetup:
    names = np.array(sorted(repos["repo"].unique()))
    signs = np.random.default_rng(seed).choice([-1.0, 1.0], size=(len(names), draws))
    return JointSetup(names, signs)


def _spec_rows(wide: E.Wide, specs: pd.DataFrame, min_pre_weeks: int, joint: JointSetup | None
               ) -> tuple[list[dict[str, Any]], dict[int, np.ndarray]]:
    """Estimate the specifications that share one wide panel (proxy, unit, copies, period, groups)."""
    rows, draws = [], {}
    freq = wide.freq
    for key, group in specs.groupby(["window_weeks", "shock_set", "shock_windows", "control", "outcome"],
                                    sort=True):
        window_weeks, shock_set, rule, control, outcome = key
        period = group["period"].iloc[0]
        window = window_periods(int(window_weeks), period)
        min_pre = min_pre_periods(min_pre_weeks, period)
        windows = E.shock_windows([pd.Timestamp(s) for s in SHOCK_SETS[shock_set]], window, rule, freq)
        ident = E.identification(wide, windows, "CN", control, outcome, min_pre,
                                 DEVELOPERS_PARAMS.defaults()["min_repos"])
        used = E.headline_windows(windows, ident)
        st = E.stack(wide, used, min_pre) if len(used) else None
        n_shocks = len(used)
        for spec in group.to_dict("records"):
            design = E.Design(outcome, spec["estimator"], "CN", control, spec["holidays"] == "on")
            prep = E.prepare(wide, st, design) if st is not None else None
            res = E.estimate_prepared(prep, design) if prep is not None else dict(E.NAN_RESULT)
            rows.append({**spec, **res, "shocks": n_shocks})
            ols = spec["estimator"] != "ppml"
            if joint is not None and prep is not None and ols and np.isfinite(res["t"]):
                draws[spec["spec_id"]] = _swap_draws(wide, prep, design, joint, res)
    return rows, draws


def _swap_draws(wide: E.Wide, prep: E.Prepared, design: E.Design, joint: JointSetup, res: dict[str, Any]
                ) -> np.ndarray:
    """Per draw: significant positive (+1), negative (-1) or neither, and the relative estimate."""
    codes, m, q, n_rows = E.unit_terms(prep)
    idx = np.searchsorted(joint.repos, wide.repos[codes])
    coef, t = E.swap_draws(np.arange(len(codes)), m, q, n_rows, joint.signs[idx])
    crit = float(stats.t.ppf(1 - LEVEL / 2, len(codes) - 1))
    sig = np.where(t >= crit, 1, np.where(t <= -crit, -1, 0)).astype(np.int8)
    pct = coef / res["baseline"] if design.estimator == "ols_level" else np.expm1(coef)
    return np.vstack([sig, pct]).astype(np.float32)


def _run_chunk(args: tuple) -> tuple[list[dict[str, Any]], dict[int, np.ndarray]]:
    (unit, copies), specs, min_pre_weeks, joint = args
    repos, releases = _DATA["repos"], _DATA["releases"]
    selected = _selected(_DATA["commits"], repos, unit, copies)
    rows, draws = [], {}
    for (proxy, period), part in specs.groupby(["geo_proxy", "period"], sort=True):
        wide = _panel_wide(selected, proxy, period, releases)
        for groups, sub in part.groupby("repo_groups", sort=True):
            members = set(repos.loc[repos["group"].isin(list(groups)), "repo"])
            r, d = _spec_rows(E.subset(wide, members), sub, min_pre_weeks, joint)
            rows += r
            draws.update(d)
    return rows, draws


@dataclass(frozen=True)
class Curve:
    """Every specification's estimate and, for the OLS ones, their region-swap draws."""

    table: pd.DataFrame
    draws: dict[int, np.ndarray]   # spec_id -> 2 x draws (significance sign, relative estimate)


def specification_curve(commits: pd.DataFrame, repos: pd.DataFrame, releases: pd.DataFrame,
                        p: dict[str, Any]) -> Curve:
    """Estimate every specification of the headline grid and of the clock grid; the table is
    sorted by curve, then t statistic (ties by the choices), with a rank within each curve."""
    specs = pd.concat([grid(p), grid(p, clock=True)], ignore_index=True)
    specs["spec_id"] = np.arange(len(specs))
    _DATA.update(commits=commits, repos=repos, releases=releases)
    joint = joint_setup(repos, p["joint_draws"], p["seed"])
    jobs = [(key, part, p["min_pre_weeks"], joint)
            for key, part in specs.groupby(["unit", "copies"], sort=True)]
    if p["workers"] > 1 and len(jobs) > 1:
        with multiprocessing.get_context("fork").Pool(min(p["workers"], len(jobs))) as pool:
            results = pool.map(_run_chunk, jobs, chunksize=1)
    else:
        results = [_run_chunk(job) for job in jobs]
    table = pd.DataFrame([row for rows, _ in results for row in rows])
    draws = {k: v for _, d in results for k, v in d.items()}
    return Curve(_finish(table), draws)


def _finish(curve: pd.DataFrame) -> pd.DataFrame:
    significant = curve["p"] < LEVEL
    curve = curve.assign(positive_significant=(curve["coef"] > 0) & significant,
                         negative_significant=(curve["coef"] < 0) & significant)
    curve = curve.sort_values(["curve", "t", *DIMENSIONS], kind="stable", na_position="first")
    curve["rank"] = curve.groupby("curve").cumcount() + 1
    return curve.reset_index(drop=True)


def headline(curve: pd.DataFrame, with_clock: bool = False) -> pd.DataFrame:
    """The specifications of the headline shares: the time-zone curve, or both curves ranked together."""
    if not with_clock:
        return curve[curve["curve"] == "headline"]
    both = curve.sort_values(["t", *DIMENSIONS], kind="stable", na_position="first").reset_index(drop=True)
    return both.assign(rank=np.arange(1, len(both) + 1))


def clock_share_of_negatives(curve: pd.DataFrame) -> float:
    """Of the significantly negative specifications of both curves together, the share that use the
    clock proxy (NaN if none is significantly negative)."""
    neg = curve[curve["negative_significant"]]
    return float((neg["curve"] == "clock").mean()) if len(neg) else float("nan")


def proxy_words(with_clock: bool) -> str:
    """Which proxies the headline specifications use."""
    return ("the time-zone proxies and, because `clock_in_headline` is set, the paper's clock proxy"
            if with_clock else "a time-zone proxy, every one of them")


def control_words(by_control: pd.DataFrame) -> str:
    """The shares significant either way against each comparison region, in words."""
    parts = [f"against {dv.REGION_WORDS[str(v)]} commits, {r[SHARE_COLUMNS[0]]:.1%} of the specifications "
             f"are positive and significant and {r[SHARE_COLUMNS[1]]:.1%} negative and significant (joint "
             f"p = {r['p_pos']:.3f} and {r['p_neg']:.3f})" for v, r in by_control.iterrows()]
    return "; ".join(parts)[:1].upper() + "; ".join(parts)[1:] + "."


def summary(curve: pd.DataFrame) -> dict[str, float | int]:
    """Shares significant either way and the median relative estimate of the estimated specifications."""
    ok = curve.dropna(subset=["coef"])
    if ok.empty:
        raise UserError("no specification of the grid could be estimated; widen the grid (more shock sets, "
                        "repository groups or windows)")
    return {"n": len(curve), "n_estimated": len(ok),
            "share_pos_sig": float(ok["positive_significant"].mean()),
            "share_neg_sig": float(ok["negative_significant"].mean()),
            "share_positive": float((ok["coef"] > 0).mean()), "median_pct": float(ok["pct"].median()),
            "median_t": float(ok["t"].median())}


# ------------------------------------------------------------------------------- joint inference


@dataclass(frozen=True)
class JointTest:
    """Observed curve statistics over the OLS specifications and their region-swap distributions."""

    n_specs: int
    share_pos: float
    share_neg: float
    median_pct: float
    draws_share_pos: np.ndarray
    draws_share_neg: np.ndarray
    draws_median: np.ndarray

    def p_values(self) -> dict[str, float]:
        """One-sided p-values for the shares ((1 + #draws at least as large) / (1 + draws)) and a
        two-sided one for the median (|median| at least as large)."""
        def p(draws: np.ndarray, obs: float) -> float:
            return float((1 + np.sum(draws >= obs - 1e-12)) / (1 + len(draws)))
        return {"p_share_pos": p(self.draws_share_pos, self.share_pos),
                "p_share_neg": p(self.draws_share_neg, self.share_neg),
                "p_median": p(np.abs(self.draws_median), abs(self.median_pct))}


def joint_test(curve: Curve, which: pd.DataFrame) -> JointTest:
    """Simonsohn, Simmons and Nelson's (2020) joint test of a curve under the null of no effect: the
    same region-label swap per repository applied to every OLS specification of `which` at once."""
    ids = [i for i in which["spec_id"] if i in curve.draws]
    if not ids:
        raise UserError("the joint test needs OLS specifications in the curve: add ols_level or ols_log to "
                        "'estimators'")
    stack = np.stack([curve.draws[i] for i in ids])          # specs x 2 x draws
    sig, pct = stack[:, 0, :], stack[:, 1, :].astype(float)
    obs = which.set_index("spec_id").loc[ids]
    return JointTest(len(ids), float(obs["positive_significant"].mean()),
                     float(obs["negative_significant"].mean()), float(obs["pct"].median()),
                     (sig > 0).mean(axis=0), (sig < 0).mean(axis=0), np.nanmedian(pct, axis=0))


def by_comparison(curve: Curve, which: pd.DataFrame) -> pd.DataFrame:
    """Per comparison region: the shares significant either way and the joint test's p-values."""
    shares = share_by_choice(which, ["control"]).set_index("value")
    joint = {c: joint_test(curve, which[which["control"] == c]).p_values() for c in shares.index}
    return shares.assign(p_pos=[joint[c]["p_share_pos"] for c in shares.index],
                         p_neg=[joint[c]["p_share_neg"] for c in shares.index])


# ------------------------------------------------------------------------------- matched placebos


def default_setup(commits: pd.DataFrame, repos: pd.DataFrame, releases: pd.DataFrame, min_pre_weeks: int
                  ) -> tuple[E.Wide, pd.DataFrame, dict[str, Any]]:
    """The developers chapter's default panel (long and wide) and its parameters in the curve's terms."""
    q = developers_params(default_spec(min_pre_weeks), min_pre_weeks)
    panel = dv.make_panel(dv.classified_commits(commits, repos, q), releases, q)
    return E.wide_panel(panel, dv.settings(q).design.freq), panel, q


def matched_placebos(panel: pd.DataFrame, q: dict[str, Any], pooled: list[str], draws: int, seed: int
                     ) -> tuple[pd.DataFrame, dict[str, R.RandomizationResult]]:
    """Placebo shock dates under the developers chapter's rule (eligible repositories within +-25% of the
    real shock's, no window overlapping a real one), for each shock and for the pooled set: drawn,
    qualified, why the others failed, and the permutation p-value where any qualified."""
    s = dv.settings(q)
    est = q["estimator"] if q["estimator"] in R.FAST_ESTIMATORS else "ols_log"
    sets = [(f"{x:%Y-%m-%d}", [x]) for x in s.shocks] + [("pooled", [pd.Timestamp(x) for x in pooled])]
    rows, results = [], {}
    for name, shocks in sets:
        res = R.placebo_dates(panel, shocks, s.window, s.design, q["min_pre_periods"], est, draws, seed)
        candidates = len(R.candidate_shifts(R.dense_difference(panel, s.design, est),
                                            np.sort(R.shock_index(shocks, s.design)), q["min_pre_periods"]))
        rows.append({"set": name, "candidates": candidates, "drawn": res.drawn, "qualified": res.qualified,
                     "overlap": res.failures.get("overlaps a real shock window", 0),
                     "band": res.failures.get("eligible units outside the band", 0),
                     "not_estimable": res.failures.get("not estimable", 0),
                     "t": res.t, "p": res.p_value})
        results[name] = res
    return pd.DataFrame(rows).set_index("set"), results


def placebo_words(table: pd.DataFrame, asked: int) -> str:
    """How many placebo sets were drawn and qualified, and why the others failed, in words."""
    parts = []
    for key, r in table.iterrows():
        name = "the pooled set" if key == "pooled" else f"the {key} shock"
        n = {k: int(r[k]) for k in ("candidates", "drawn", "qualified", "overlap", "band", "not_estimable")}
        drawn = (f"all {n['drawn']:d} shifts that keep it on the panel" if n["candidates"] <= asked
                 else f"{n['drawn']:d} of its {n['candidates']:d} possible shifts")
        why = [f"{n[k]:d} {w}" for k, w in (("overlap", "overlap a real shock's window"),
                                            ("band", "have eligible-repository counts outside ±25%"),
                                            ("not_estimable", "cannot be estimated")) if n[k]]
        parts.append(f"for {name}, {drawn} were drawn and {n['qualified']:d} qualified"
                     + (f" ({'; '.join(why)})" if why else ""))
    return "; ".join(parts)


def placebo_verdict(table: pd.DataFrame, level: float = LEVEL, min_qualified: int = 20) -> str:
    """What the matched placebos can say: nothing without enough qualified draws, else which stand out."""
    usable = table[table["qualified"] >= min_qualified]
    if usable.empty:
        return (f"no shock and not the pooled set has the {min_qualified} qualified placebo sets a 5% test "
                "needs, so the matched placebos cannot test the shocks on this data")
    out = usable[usable["p"] < level]
    tested = ", ".join(usable.index)
    if out.empty:
        return (f"with enough qualified placebo sets ({tested}), none stands out from its placebos at the "
                "5% level")
    return (f"of those with enough qualified placebo sets ({tested}), {', '.join(out.index)} "
            f"{'stands' if len(out) == 1 else 'stand'} out from {'its' if len(out) == 1 else 'their'} "
            "placebos at the 5% level")


# ---------------------------------------------------------------------------------- leave-one-out


def _default_estimate(wide: E.Wide, q: dict[str, Any], shocks: list[pd.Timestamp] | None = None
                      ) -> dict[str, Any]:
    s = dv.settings(q)
    windows = E.shock_windows(shocks if shocks is not None else s.shocks, s.window, q["shock_windows"],
                              s.design.freq)
    ident = E.identification(wide, windows, q["treated_region"], q["control_region"], q["outcome"],
                             q["min_pre_periods"], q["min_repos"])
    used = E.headline_windows(windows, ident)
    if used.empty:
        return {**E.NAN_RESULT, "shocks_used": ""}
    design = E.Design(q["outcome"], q["estimator"], q["treated_region"], q["control_region"], s.holidays)
    res = E.estimate(wide, E.stack(wide, used, q["min_pre_periods"]), design)
    return {**res, "shocks_used": ", ".join(f"{x:%Y-%m-%d}" for x in used["shock"])}


def full_estimate(wide: E.Wide, q: dict[str, Any]) -> dict[str, Any]:
    """The developers chapter's headline estimate at its defaults."""
    out = _default_estimate(wide, q)
    if not out["shocks_used"]:
        raise UserError(f"no shock of the developers chapter's default run is estimable when a repository "
                        f"needs {q['min_pre_periods']} periods of history: lower 'min_pre_weeks' "
                        "(-p min_pre_weeks 8)")
    return out


def leave_out(wide: E.Wide, repos: pd.DataFrame, q: dict[str, Any]) -> pd.DataFrame:
    """The headline estimate leaving out each repository, each origin group and each shock in turn,
    with Holm-adjusted p-values within each kind of leave-out."""
    rows = []
    present = set(wide.repos[np.unique(wide.unit)])
    for repo in sorted(present):
        rows.append({"kind": "repository", "left_out": repo,
                     **_default_estimate(E.subset(wide, present - {repo}), q)})
    for g in sorted(repos["group"].unique()):
        members = set(repos.loc[repos["group"] == g, "repo"])
        rows.append({"kind": "origin group", "left_out": dv.GROUP_LABELS[g],
                     **_default_estimate(E.subset(wide, present - members), q),
                     **{f"alone_{k}": v for k, v in _default_estimate(E.subset(wide, members), q).items()}})
    s = dv.settings(q)
    for shock in s.shocks:
        rows.append({"kind": "shock", "left_out": f"{shock:%Y-%m-%d}",
                     **_default_estimate(wide, q, [x for x in s.shocks if x != shock])})
    out = pd.DataFrame(rows)
    out["p_holm"] = np.nan
    for idx in out.groupby("kind").groups.values():
        out.loc[idx, "p_holm"] = multiple.holm(out.loc[idx, "p"].to_numpy(float))
    return out


def _sig(p: float, level: float = LEVEL) -> bool:
    return bool(np.isfinite(p) and p < level)


def compare_word(a: float, b: float) -> str:
    """How share `a` compares with share `b`: 'above', 'below' or 'equal to'."""
    return "above" if a > b else "below" if a < b else "equal to"


def direction(pct: float) -> str:
    """'a rise' / 'a fall' / 'no change' of China-linked relative to the comparison."""
    return "a rise" if pct > 0 else "a fall" if pct < 0 else "no change"


def loo_notes(table: pd.DataFrame, full: dict[str, Any], level: float = LEVEL) -> str:
    """A sentence for every significant leave-out, right for every sign and significance case."""
    sig = table[table["p"].apply(_sig)]
    full_words = (f"significant {direction(full['pct'])}" if _sig(full["p"]) else "not significant")
    if sig.empty:
        return (f"No leave-out is significant at the {level:.0%} level (the full-sample estimate is "
                f"{full_words}).")
    notes = []
    for _, r in sig.iterrows():
        same = np.sign(r["pct"]) == np.sign(full["pct"]) and _sig(full["p"])
        relation = ("as in the full sample" if same else
                    f"where the full sample's estimate ({full['pct']:+.1%}) is {full_words}")
        holm = ("and it stays significant after Holm's adjustment across the "
                f"{(table['kind'] == r['kind']).sum()} {r['kind']} leave-outs" if _sig(r["p_holm"]) else
                f"but not after Holm's adjustment across the {(table['kind'] == r['kind']).sum()} "
                f"{r['kind']} leave-outs (p = {r['p_holm']:.3f}), so it is within what chance gives when "
                "that many are tried")
        text = (f"Without {r['left_out']} ({r['kind']}) the estimate is {r['pct']:+.1%} "
                f"(p = {r['p']:.3f}), {direction(r['pct'])} {relation}, {holm}.")
        if r["kind"] == "origin group" and np.isfinite(r.get("alone_pct", np.nan)):
            alone = (f"significant {direction(r['alone_pct'])}" if _sig(r["alone_p"]) else "not significant")
            text += (f" The left-out group on its own gives {r['alone_pct']:+.1%} (p = {r['alone_p']:.3f}, "
                     f"{alone}): the full-sample estimate averages the two.")
        notes.append(text)
    return " ".join(notes)


# -------------------------------------------------------------------------------------- verdict


def curve_result(p_pos: float, p_neg: float, level: float = LEVEL) -> str:
    """What a curve's joint test says: 'a rise', 'a fall', 'no change' or 'mixed'."""
    pos, neg = p_pos < level, p_neg < level
    return "mixed" if pos and neg else "a rise" if pos else "a fall" if neg else "no change"


CHANCE_WORDS = {"no change": "no more often than chance gives",
                "a rise": "rises more often than chance gives",
                "a fall": "falls more often than chance gives",
                "mixed": "both more often than chance gives"}


def verdict(comparisons: pd.DataFrame, full: dict[str, Any], clock: dict[str, Any] | None,
            primary: str = "US", level: float = LEVEL) -> str:
    """One sentence a policy reader can quote: does the developers chapter's result (its default
    estimate against `primary`, the U.S.) survive the curve's joint test against that region, with
    the other comparison regions, the design's power and the clock proxy as caveats."""
    own = direction(full["pct"]) if _sig(full["p"], level) else "no change"
    own_words = (f"a significant {own.removeprefix('a ')}" if own != "no change" else "no significant change")
    primary = primary if primary in comparisons.index else str(comparisons.index[0])
    row = comparisons.loc[primary]
    result = curve_result(row["p_pos"], row["p_neg"], level)
    word = dv.REGION_WORDS[primary]
    head = (f"The developers chapter's result, {own_words} in China-linked developers' commits relative to "
            f"{word} ones after the export controls ({full['pct']:+.1%}, 95% interval "
            f"{full['pct_low']:+.1%} to {full['pct_high']:+.1%}), "
            f"{'survives' if result == own else 'does not survive'} the specification "
            f"curve: against {word} commits {row[SHARE_COLUMNS[0]]:.0%} of "
            f"{int(row['specifications']):,d} specifications show a significant rise and "
            f"{row[SHARE_COLUMNS[1]]:.0%} a significant fall, {CHANCE_WORDS[result]} (joint p = "
            f"{row['p_pos']:.3f} for rises, {row['p_neg']:.3f} for falls)")
    caveats = []
    for region, r in comparisons.drop(index=primary).iterrows():
        other = curve_result(r["p_pos"], r["p_neg"], level)
        shown = other if other != "mixed" else "mixed results"
        caveats.append(f"against {dv.REGION_WORDS[str(region)]} commits the curve shows "
                       f"{shown} ({r[SHARE_COLUMNS[0]]:.0%} rise and "
                       f"{r[SHARE_COLUMNS[1]]:.0%} fall significantly; joint p = {r['p_pos']:.3f} and "
                       f"{r['p_neg']:.3f})")
    if not _sig(full["p"], level):
        caveats.append("with 80% power the default design detects only changes of "
                       f"{full['mde_pct']:.0%} or more")
    if clock is not None:
        caveats.append(f"with the paper's clock proxy {clock['share_pos_sig']:.0%} of specifications rise "
                       f"significantly and {clock['share_neg_sig']:.0%} fall")
    return head + ("; but " + "; ".join(caveats) if caveats else "") + "."


# --------------------------------------------------------------------------------------- charts

CHOICE_WORDS = {**CHOICE_LABELS, "copies": "rebased and cherry-picked copies",
                "shock_windows": "overlapping windows", "control": "comparison region",
                "holidays": "holiday-week controls"}
VALUE_WORDS = {"drop": "dropped", "keep": "kept", "drop_later": "later shock out of the pool",
               "truncate": "truncated at the neighbour", "overlap": "full windows (the paper's)",
               "US": "U.S.", "EU": "Europe (UTC+01:00 to +03:00)", "on": "on", "off": "off"}
RESULTS = ("positive, p < 0.05", "not significant", "negative, p < 0.05")
EXPLORER_COLUMNS = ("rank", "t", "pct", "pct_low", "pct_high", "p", "repositories", "result")


def value_label(dim: str, value: object) -> str:
    """The reader's word for one value of one choice."""
    if dim == "window_weeks":
        return f"{value} weeks"
    if dim in ("copies", "shock_windows", "control", "holidays"):
        return VALUE_WORDS[str(value)]
    return label(value)


def explorer_data(curve: pd.DataFrame, dims: list[str]) -> pd.DataFrame:
    """What the curve chart ships: each specification's choices in words, rank, t, relative estimate
    with its interval, p-value, repositories and its result class."""
    out = pd.DataFrame({d: [value_label(d, v) for v in curve[d]] for d in dims}, index=curve.index)
    result = np.select([curve["positive_significant"], curve["negative_significant"]],
                       [RESULTS[0], RESULTS[2]], RESULTS[1])
    for col in EXPLORER_COLUMNS[:-1]:
        out[col] = curve[col].astype(float).round(6).to_numpy()
    return out.assign(result=result).reset_index(drop=True)


def _pick(dim: str) -> str:
    return f"pick_{dim}"


def _match(dims: list[str]) -> str:
    return " && ".join(f"datum['{d}'] == {_pick(d)}" for d in dims)


def curve_chart(curve: pd.DataFrame, dims: list[str], chosen: dict[str, Any] | None = None,
                width: int = 400, explore: bool = True) -> alt.VConcatChart:
    """Sorted t statistics with the choices of each specification beneath (share of the specifications
    in each stretch of the curve that make it); with `explore`, one dropdown per choice that highlights
    the chosen specification and shows its estimate, interval, p-value and repositories."""
    data = explorer_data(curve, dims)
    colours = alt.Scale(domain=list(RESULTS), range=[PALETTE["vermillion"], PALETTE["grey"], PALETTE["blue"]])
    base = alt.Chart(data)
    top = base.mark_circle(size=12, opacity=0.7).encode(
        x=alt.X("rank:Q", title=None, axis=alt.Axis(labels=False, ticks=False)),
        y=alt.Y("t:Q", title="t statistic (China-linked minus comparison)"),
        color=alt.Color("result:N", title="Estimate", scale=colours),
        tooltip=[*[alt.Tooltip(f"{d}:N", title=CHOICE_WORDS[d]) for d in dims],
                 alt.Tooltip("pct:Q", format="+.1%", title="change"), alt.Tooltip("p:Q", format=".3f")])
    bands = alt.Chart(pd.DataFrame({"y": [-1.96, 0, 1.96]})).mark_rule(
        color=PALETTE["black"], strokeDash=[3, 3], opacity=0.6).encode(y="y:Q")
    layers = [bands, top]
    n = len(data)
    panel = _indicator(data, dims, max(1, min(60, n)), width)
    if not explore:
        return alt.vconcat(alt.layer(*layers).properties(width=width, height=220), panel)
    params = [_param(d, sorted(data[d].unique()), value_label(d, (chosen or {}).get(d, curve[d].iloc[0])))
              for d in dims]
    chosen_rows = base.transform_filter(_match(dims))
    ring = chosen_rows.mark_point(size=160, strokeWidth=2.5, color=PALETTE["black"], filled=False).encode(
        x="rank:Q", y="t:Q")
    line1 = ("'Estimate ' + format(datum.pct, '+.1%') + ' (95% CI ' + format(datum.pct_low, '+.1%') + "
             "' to ' + format(datum.pct_high, '+.1%') + ')'")
    line2 = ("'p = ' + format(datum.p, '.3f') + ', N = ' + format(datum.repositories, 'd') + "
             f"' repositories; rank ' + format(datum.rank, ',d') + ' of {n:,d}'")
    readout = alt.layer(*[
        chosen_rows.transform_calculate(text=expr).mark_text(align="left", fontSize=12).encode(
            x=alt.value(0), y=alt.value(y), text="text:N") for expr, y in ((line1, 8), (line2, 26))])
    plot = alt.layer(*layers, ring).properties(width=width, height=220).add_params(*params)
    return alt.vconcat(plot, readout.properties(width=width, height=34), panel)


def _indicator(data: pd.DataFrame, dims: list[str], bins: int, width: int) -> alt.LayerChart:
    """Per choice and value: the share of the specifications in each stretch of the sorted curve that
    make that choice (dark where all do)."""
    n = len(data)
    rows = [f"{CHOICE_WORDS[d]}: {v}" for d in dims for v in sorted(data[d].unique())]
    words = " : ".join(f"datum.choice == '{d}' ? '{CHOICE_WORDS[d]}'" for d in dims) + " : datum.choice"
    chart = alt.Chart(data).transform_calculate(
        stretch=f"floor((datum.rank - 1) * {bins} / {n})").transform_fold(
        dims, as_=["choice", "value"]).transform_aggregate(
        count="count()", groupby=["stretch", "choice", "value"]).transform_joinaggregate(
        total="sum(count)", groupby=["stretch", "choice"]).transform_calculate(
        share="datum.count / datum.total", row=f"({words}) + ': ' + datum.value")
    return share_heatmap(chart.mark_rect().encode(
        x=alt.X("stretch:O", title="specifications, sorted by t statistic",
                axis=alt.Axis(labels=False, ticks=False)),
        y=alt.Y("row:N", title=None, sort=rows, axis=alt.Axis(labelLimit=280, labelFontSize=10)),
        tooltip=["row:N", alt.Tooltip("share:Q", format=".0%")],
    ).properties(width=width, height=12 * len(rows)), legend_title="share of the stretch")


def _param(dim: str, options: list[str], value: str) -> alt.Parameter:
    value = value if value in options else options[0]
    return alt.param(name=_pick(dim), value=value,
                     bind=alt.binding_select(options=options, name=f"{CHOICE_WORDS[dim]} "))


T_EDGE = 6.0  # placebo t statistics beyond this are drawn at the edge


def placebo_chart(results: dict[str, R.RandomizationResult], width: int = 510) -> alt.Chart:
    """t statistics of every drawn placebo set, by set and by whether it qualified (or why not), with
    the real set's t statistic marked; values beyond +-T_EDGE are drawn at the edge."""
    parts = []
    for name, res in results.items():
        if res.draws is not None and len(res.draws):
            parts.append(res.draws.assign(set=name, why=res.draws["reason"].replace("", "qualified")))
    draws = pd.concat(parts, ignore_index=True)[["set", "first_shock", "t", "why"]]
    draws["shown"] = draws["t"].clip(-T_EDGE, T_EDGE)
    real = pd.DataFrame({"set": list(results), "t": [r.t for r in results.values()]})
    real["shown"] = real["t"].clip(-T_EDGE, T_EDGE)
    whys = ["qualified", "overlaps a real shock window", "eligible units outside the band", "not estimable"]
    colours = alt.Scale(domain=whys, range=[PALETTE["vermillion"], PALETTE["sky"], PALETTE["grey"],
                                             PALETTE["black"]])
    points = alt.Chart(draws).mark_tick(thickness=1.5, size=14).encode(
        x=alt.X("shown:Q", title="t statistic of the placebo estimate",
                scale=alt.Scale(domain=[-T_EDGE, T_EDGE])), y=alt.Y("set:N", title=None),
        color=alt.Color("why:N", title="Placebo set", scale=colours),
        tooltip=["set:N", alt.Tooltip("first_shock:T", title="first placebo date"),
                 alt.Tooltip("t:Q", format=".2f"), "why:N"])
    marks = alt.Chart(real).mark_point(shape="diamond", size=120, filled=True, color=PALETTE["black"]).encode(
        x="shown:Q", y="set:N", tooltip=["set:N", alt.Tooltip("t:Q", format=".2f", title="real t")])
    return alt.layer(points, marks).properties(width=width, height=28 * len(results))


def leave_out_chart(table: pd.DataFrame, full: dict[str, Any], width: int = 510) -> alt.LayerChart:
    """The estimate leaving out each repository in turn, sorted, with 95% intervals, as a change."""
    t = table.sort_values("pct").assign(order=lambda d: np.arange(len(d)))
    base = alt.Chart(t).encode(x=alt.X("order:Q", title="repository left out (sorted)",
                                       axis=alt.Axis(labels=False, ticks=False)))
    bars = base.mark_rule(color=PALETTE["sky"]).encode(
        y=alt.Y("pct_low:Q", title="change (share of the pre-shock mean)", axis=alt.Axis(format="%")),
        y2="pct_high:Q")
    points = base.mark_circle(color=PALETTE["blue"], size=18).encode(
        y="pct:Q", tooltip=["left_out:N", alt.Tooltip("pct:Q", format="+.1%"),
                            alt.Tooltip("p:Q", format=".3f")])
    ref = alt.Chart(pd.DataFrame({"y": [full["pct"], 0.0]})).mark_rule(
        color=PALETTE["black"], strokeDash=[3, 3]).encode(y="y:Q")
    return alt.layer(bars, points, ref).properties(width=width, height=200)


# --------------------------------------------------------------------------------------- tables


SHARE_COLUMNS = ("positive, p < 0.05", "negative, p < 0.05")


def share_by_choice(curve: pd.DataFrame, dims: list[str]) -> pd.DataFrame:
    """Per value of each varied choice: specifications and the shares significant either way."""
    rows = []
    for dim in dims:
        for value, g in curve.groupby(dim, sort=True):
            rows.append({"choice": dim, "value": value, "specifications": len(g),
                         SHARE_COLUMNS[0]: float(g["positive_significant"].mean()),
                         SHARE_COLUMNS[1]: float(g["negative_significant"].mean()),
                         "median change": float(g["pct"].median())})
    return pd.DataFrame(rows)


def by_choice_table(curve: pd.DataFrame, dims: list[str], key: str = "by_choice") -> Table:
    """`share_by_choice` as the page shows it: choices and values in words, shares as %."""
    shares = share_by_choice(curve, dims)
    shares["value"] = [value_label(c, v) for c, v in zip(shares["choice"], shares["value"], strict=True)]
    shares["choice"] = shares["choice"].map(CHOICE_WORDS)
    columns = {"choice": Col("Choice"), "value": Col("Value"),
               "specifications": Col("Specifications", "count"),
               **{c: Col(c[:1].upper() + c[1:], "share") for c in SHARE_COLUMNS},
               "median change": Col("Median change", "share")}
    return format_table(shares, columns, id=key)


def curves_frame(stats_: dict[str, dict[str, Any]], joints: dict[str, dict[str, float]],
                 joint_n: dict[str, int]) -> pd.DataFrame:
    """One row per curve: specifications, shares, median change and the joint test's p-values."""
    names = {"headline": "time-zone proxies (headline)", "clock": "clock hour (the paper's proxy)"}
    rows = []
    for key, st in stats_.items():
        j = joints[key]
        rows.append({"curve": names[key], "specifications": st["n_estimated"],
                     "positive": st["share_pos_sig"], "negative": st["share_neg_sig"],
                     "median": st["median_pct"], "ols": joint_n[key], "p_pos": j["p_share_pos"],
                     "p_neg": j["p_share_neg"], "p_median": j["p_median"]})
    return pd.DataFrame(rows)


def curves_table(frame: pd.DataFrame) -> Table:
    columns = {"curve": Col("Curve"), "specifications": Col("Specifications", "count"),
               "positive": Col("Positive, p < 0.05", "share"), "negative": Col("Negative, p < 0.05", "share"),
               "median": Col("Median change", "share"),
               "ols": Col("OLS specifications in the joint test", "count"),
               "p_pos": Col("Joint p: share positive", "pvalue"),
               "p_neg": Col("Joint p: share negative", "pvalue"),
               "p_median": Col("Joint p: median", "pvalue")}
    return format_table(frame, columns, id="curves_table")


def placebo_table(table: pd.DataFrame) -> Table:
    """Each real shock's and the pooled set's matched placebo draws: drawn, qualified, failures, p."""
    frame = table.reset_index()
    columns = {"set": Col("Shock set"), "candidates": Col("Possible shifts", "count"),
               "drawn": Col("Drawn", "count"), "qualified": Col("Qualified", "count"),
               "overlap": Col("Overlap a real window", "count"), "band": Col("Outside ±25%", "count"),
               "not_estimable": Col("Not estimable", "count"), "t": Col("Real t", "coef"),
               "p": Col("Permutation p", "pvalue")}
    return format_table(frame[list(columns)], columns, id="placebo_table")


def leave_out_table(table: pd.DataFrame, kinds: tuple[str, ...], key: str) -> Table:
    """Leave-outs of some kinds (origin groups, shocks) with change, interval, p and Holm's p."""
    frame = table[table["kind"].isin(kinds)]
    columns = {"kind": Col("Left out"), "left_out": Col("Which"), "pct": Col("Change", "share"),
               "pct_low": Col("95% CI, low", "share"), "pct_high": Col("95% CI, high", "share"),
               "p": Col("p-value", "pvalue"), "p_holm": Col("p-value (Holm)", "pvalue"),
               "repositories": Col("Repositories", "count"), "shocks_used": Col("Shocks in the estimate")}
    return format_table(frame[list(columns)], columns, id=key)
