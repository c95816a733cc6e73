"""The specification curve: the developers chapter's China-linked minus comparison-region estimate
under every combination of its choices, and the joint test of the curve (Simonsohn, Simmons and
Nelson 2020) by region-label swaps shared across specifications."""

from __future__ import annotations

import itertools
import math
import multiprocessing
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from chipshock.chapters.developers import analysis as dv
from chipshock.chapters.developers.parameters import PARAMS as DEVELOPERS_PARAMS
from chipshock.chapters.robustness import estimate as E
from chipshock.chapters.robustness import panel as P
from chipshock.chapters.robustness.parameters import CLOCK_PROXY, SHOCK_SETS
from chipshock.econometrics import stacked as core
from chipshock.errors import UserError
from chipshock.wording import ALPHA

DIMENSIONS = ("geo_proxy", "unit", "copies", "outcome", "period", "window_weeks", "estimator",
              "repo_groups", "shock_set", "shock_windows", "control", "holidays")


WEEKS_PER_MONTH = 52 / 12


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


_DATA: dict[str, Any] = {}


def _selected(commits: pd.DataFrame, repos: pd.DataFrame, unit: str, copies: str) -> pd.DataFrame:
    """The developers chapter's commit selection for every repository (groups are cut from the
    panel later: the time-zone and clock proxies classify each commit on its own)."""
    q = {**DEVELOPERS_PARAMS.defaults(), "unit": unit, "copies": copies, "repo_groups": ["A", "B", "C"]}
    return dv.selected_commits(commits, repos, q)[0]


@lru_cache(maxsize=512)
def critical_t(df: int) -> float:
    """The two-sided critical value of t(df) at the book's level."""
    return float(stats.t.ppf(1 - ALPHA / 2, df))


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
        units = wide.units[E.cluster_units(st, n_shocks)] if st is not None else None
        for spec in group.astype(object).to_dict("records"):
            design = E.Spec(outcome, spec["estimator"], "CN", control, spec["holidays"] == "on")
            prep = core.prepare(wide, st, design) if st is not None else None
            res = E.estimate_prepared(prep) if prep is not None else dict(E.NAN_RESULT)
            rows.append({**spec, **res, "shocks": n_shocks})
            ols = spec["estimator"] != "ppml"
            if joint is not None and prep is not None and ols and np.isfinite(res["t"]):
                draws[spec["spec_id"]] = _swap_draws(prep, units, joint, res)
    return rows, draws


def _swap_draws(prep: core.Differenced, units: np.ndarray, joint: JointSetup, res: dict[str, Any]
                ) -> np.ndarray:
    """Per draw: significant positive (+1), negative (-1) or neither, and the relative estimate;
    `units` names the fit's clusters in order, so each takes its repository's swap."""
    sums = core.unit_sums(prep)
    if len(units) != sums.m.shape[0]:
        raise RuntimeError("the region swaps could not match the fit's clusters to repositories")
    coef, t = core.flip(sums, joint.signs[np.searchsorted(joint.repos, units)])
    crit = critical_t(len(units) - 1)
    sig = np.where(t >= crit, 1, np.where(t <= -crit, -1, 0)).astype(np.int8)
    pct = coef / res["baseline"] if prep.estimator == "ols_level" else np.expm1(coef)
    return np.vstack([sig, pct]).astype(np.float32)


def _run_chunk(args: tuple) -> tuple[list[dict[str, Any]], dict[int, np.ndarray]]:
    (unit, copies), specs, min_pre_weeks, joint = args
    repos, releases = _DATA["repos"], _DATA["releases"]
    coded = P.code_commits(_selected(_DATA["commits"], repos, unit, copies))
    rows, draws = [], {}
    for (proxy, period), part in specs.groupby(["geo_proxy", "period"], sort=True):
        wide = P.wide(coded, proxy, period, releases)
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
    significant = curve["p"] < ALPHA
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


def by_comparison(curve: Curve, which: pd.DataFrame) -> pd.DataFrame:
    """Per comparison region: the shares significant either way (all its specifications), the OLS
    specifications the joint test uses (`tested`) and the joint test's p-values."""
    shares = share_by_choice(which, ["control"]).set_index("value")
    tests = {c: joint_test(curve, which[which["control"] == c]) for c in shares.index}
    joint = {c: t.p_values() for c, t in tests.items()}
    return shares.assign(tested=[tests[c].n_specs for c in shares.index],
                         p_pos=[joint[c]["p_share_pos"] for c in shares.index],
                         p_neg=[joint[c]["p_share_neg"] for c in shares.index])


def estimator_family(estimator: str) -> str:
    """'Poisson' for PPML, 'OLS' for the level and log regressions."""
    return "Poisson" if estimator == "ppml" else "OLS"


def families(curve: Curve, which: pd.DataFrame) -> pd.DataFrame:
    """Per comparison region and estimator family: the estimated specifications, their shares
    significant either way, and the joint test over the OLS ones (Poisson ones are not swapped:
    their p-values are NaN)."""
    rows = []
    family = which["estimator"].map(estimator_family).rename("family")
    for (control, fam), g in which.groupby([which["control"], family], sort=True):
        ok = g.dropna(subset=["coef"])
        tested = sum(i in curve.draws for i in g["spec_id"])
        p = joint_test(curve, g).p_values() if tested else {}
        rows.append({"control": control, "family": fam, "specifications": len(ok),
                     "positive": float(ok["positive_significant"].mean()),
                     "negative": float(ok["negative_significant"].mean()), "tested": tested,
                     "p_pos": p.get("p_share_pos", np.nan), "p_neg": p.get("p_share_neg", np.nan)})
    return pd.DataFrame(rows)


def shock_groups(shock_sets: list[str]) -> list[tuple[str, ...]]:
    """The real shocks grouped by the shock sets of the curve that contain them (shocks that the same
    sets contain cannot be told apart by the curve)."""
    groups: dict[tuple[bool, ...], list[str]] = {}
    for shock in dict.fromkeys(s for k in shock_sets for s in SHOCK_SETS[k]):
        groups.setdefault(tuple(shock in SHOCK_SETS[k] for k in shock_sets), []).append(str(shock))
    return [tuple(v) for k, v in groups.items() if 0 < sum(k) < len(shock_sets)]


def drivers(which: pd.DataFrame) -> pd.DataFrame:
    """Shares significant either way by comparison region, shock set and estimator family."""
    keys = [which["control"], which["shock_set"], which["estimator"].map(estimator_family).rename("family")]
    rows = []
    for (control, shock_set, fam), g in which.dropna(subset=["coef"]).groupby(keys, sort=True):
        rows.append({"control": control, "shock_set": shock_set, "family": fam, "specifications": len(g),
                     "positive": float(g["positive_significant"].mean()),
                     "negative": float(g["negative_significant"].mean()),
                     "median": float(g["pct"].median())})
    return pd.DataFrame(rows)


def split_shares(which: pd.DataFrame, mask: pd.Series) -> dict[str, float]:
    """Shares significant either way inside and outside `mask` (estimated specifications)."""
    ok = which["coef"].notna()
    inside, outside = which[mask & ok], which[~mask & ok]
    return {"pos_in": float(inside["positive_significant"].mean()),
            "neg_in": float(inside["negative_significant"].mean()),
            "pos_out": float(outside["positive_significant"].mean()),
            "neg_out": float(outside["negative_significant"].mean())}


def decisive_shocks(which: pd.DataFrame) -> tuple[str, ...]:
    """The group of real shocks whose presence in the shock set moves the share of significant
    results (either way) most; empty if the curve has a single shock set."""
    best, gap = (), -1.0
    for group in shock_groups(sorted(which["shock_set"].unique())):
        mask = which["shock_set"].map(lambda k, g=group: g[0] in SHOCK_SETS[k])
        s = split_shares(which, mask)
        moved = abs(s["pos_in"] - s["pos_out"]) + abs(s["neg_in"] - s["neg_out"])
        if moved > gap:
            best, gap = group, moved
    return best
