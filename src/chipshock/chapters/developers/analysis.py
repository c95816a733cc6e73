"""Chapter `developers`: China-linked vs U.S. developers' commits around the shocks."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from chipshock.chapters.developers import results as _results  # noqa: F401 (the sections' results)
from chipshock.chapters.developers.parameters import ESTIMATOR_LABELS, GITHUB_DEVELOPERS
from chipshock.chapters.developers.parameters import NoEstimableShock as NoEstimableShock  # re-export
from chipshock.econometrics import did as D
from chipshock.econometrics import honest, multiple, power, regions, sign_flip
from chipshock.econometrics import randomization as randomization_dates
from chipshock.econometrics import stacked as stacked_core
from chipshock.econometrics import windows as W
from chipshock.econometrics.models import Fit
from chipshock.errors import DataError
from chipshock.measures import calendar_weeks, commit_copies, geography, panels
from chipshock.numbers import interval, number, p_value, percent
from chipshock.tables import Col, Table, format_table
from chipshock.wording import ALPHA, count_of, is_significant

BOOTSTRAP_BELOW = 30       # clusters: below this, report a wild cluster bootstrap p-value
MIN_COMMITS_PER_SIDE = 50  # China-linked and U.S. commits in a shock's window to estimate it


@dataclass(frozen=True)
class Settings:
    """Parameters turned into what the estimators need."""

    design: D.Design
    window: int
    event_bin: int
    shocks: list[pd.Timestamp]
    windows: pd.DataFrame
    holidays: bool


PANEL_REGIONS = ("CN", "US", "EU", "other", "unknown")
REGION_WORDS = {"CN": "China-linked", "US": "U.S.", "EU": "Europe-offset", "other": "other-region",
                "unknown": "unknown-region"}


def settings(p: dict[str, Any]) -> Settings:
    freq = "W" if p["period"] == "week" else "M"
    window = p["window_weeks"] if freq == "W" else max(1, round(p["window_weeks"] / 4.345))
    design = D.Design(outcome=p["outcome"], freq=freq, treated=p["treated_region"],
                      control=p["control_region"])
    shocks = [pd.Timestamp(x) for x in sorted(p["shocks"])]
    windows = W.shock_windows(shocks, window, p["shock_windows"], freq)
    return Settings(design, window, 4 if freq == "W" else 1, shocks, windows,
                    bool(p["holiday_controls"]) and freq == "W")


def eu_available(p: dict[str, Any]) -> bool:
    """Whether commits carry a time zone, so that Europe (UTC+01:00..+03:00) can be told apart."""
    return p["source"] == "commits" and not p["geo_proxy"].startswith("hour")


def selections(commits: pd.DataFrame, repos: pd.DataFrame, p: Any
               ) -> tuple[pd.DataFrame, pd.DataFrame, float]:
    """Developer commits of the unit and repository groups with every copy, the same without copies,
    and the share of copies among the first."""
    groups = repos.loc[repos["group"].isin(p["repo_groups"]), "repo"]
    chosen = panels.select_commits(commits[commits["repo"].isin(groups)], p["unit"])
    kept, share = commit_copies.clean_counts(chosen)
    return chosen, kept, share


def selected_commits(commits: pd.DataFrame, repos: pd.DataFrame, p: Any) -> tuple[pd.DataFrame, float]:
    """Developer commits of the unit and repository groups, copies out if `copies` is drop; the
    share of copies among them (whether or not they are dropped)."""
    chosen, kept, share = selections(commits, repos, p)
    return (kept if p["copies"] == "drop" else chosen), share


def classify(selected: pd.DataFrame, p: dict[str, Any]) -> pd.DataFrame:
    """Selected commits with a `region` column under the run's proxy (EU split off `other` under the
    time-zone proxies)."""
    out = selected.assign(region=geography.classify(selected, p["geo_proxy"], p["hour_cutoff_utc"]))
    return regions.relabel_eu(out) if not p["geo_proxy"].startswith("hour") else out


def classified_commits(commits: pd.DataFrame, repos: pd.DataFrame, p: dict[str, Any]) -> pd.DataFrame:
    """Developer commits of the chosen unit, groups and copy rule, with a `region` column."""
    return classify(selected_commits(commits, repos, p)[0], p)


def release_periods(releases: pd.DataFrame, period: str) -> set[pd.Timestamp]:
    """Periods that contain a major open-weight release."""
    times = releases["date"].dt.tz_localize("UTC")
    return set(panels.period_start(times, period))


def dropped_periods(releases: pd.DataFrame, p: Any) -> set[pd.Timestamp]:
    """Periods the run leaves out: release periods (`exclude_release_weeks`) and the weeks within
    `release_window_weeks` of a major Chinese or U.S. open-weight release."""
    out = release_periods(releases, p["period"]) if p["exclude_release_weeks"] else set()
    weeks = int(p.get("release_window_weeks", 0) or 0)
    if weeks and p["period"] == "week":
        lo = releases[releases["origin"].isin(["CN", "US"])]
        starts = panels.week_start(lo["date"].reset_index(drop=True))
        out |= {w + pd.Timedelta(weeks=k) for w in starts for k in range(-weeks, weeks + 1)}
    return out


def make_panel(classified: pd.DataFrame, releases: pd.DataFrame, p: Any) -> pd.DataFrame:
    """The repository x period x region panel (plain object strings: the many stacks select rows
    from it, and Arrow-backed strings make every selection slow)."""
    panel = panels.build_panel(classified, p["period"], PANEL_REGIONS)
    panel = panel.astype({"repo": object, "region": object})
    drop = dropped_periods(releases, p)
    return panel[~panel["period"].isin(drop)].reset_index(drop=True) if drop else panel


def gharchive_panel(project_root: Path, repos: pd.DataFrame, releases: pd.DataFrame,
                    p: dict[str, Any]) -> pd.DataFrame:
    """Fork events per repository, week and clock region from GH Archive, in the commit panel's shape."""
    from chipshock.data.gharchive import load_gharchive, to_region_panel

    path = Path(p["gharchive_path"])
    path = path if path.is_absolute() else project_root / path
    if not path.exists():
        raise DataError(
            f"source=gharchive reads {p['gharchive_path']}, which does not exist. Make it online with "
            "`chipshock data gharchive --start 2022-02-01 --end 2025-06-30 --out data/raw/gharchive` "
            "(one machine, slow for years of data) or run sql/gharchive_bigquery.sql on BigQuery and "
            "pass its export with `-p gharchive_path FILE`")
    panel = to_region_panel(load_gharchive(path), event_type="ForkEvent", cutoff=p["hour_cutoff_utc"])
    panel = panel.rename(columns={"events": "commits", "actors": "active_authors"}).assign(new_authors=0)
    if sorted(p["repo_groups"]) != ["A", "B", "C"]:
        panel = panel[panel["repo"].isin(repos.loc[repos["group"].isin(p["repo_groups"]), "repo"])]
    drop = dropped_periods(releases, {**p, "period": "week"})
    return panel[~panel["period"].isin(drop)].reset_index(drop=True)


def source_panel(project_root: Path, classified: pd.DataFrame, repos: pd.DataFrame, releases: pd.DataFrame,
                 p: dict[str, Any]) -> pd.DataFrame:
    """The estimation panel of the chosen source: classified commits by region, or GH Archive fork
    events."""
    if p["source"] == "gharchive":
        return gharchive_panel(project_root, repos, releases, p)
    return make_panel(classified, releases, p)


def source_note(p: dict[str, Any]) -> str:
    """What the estimates below are computed on."""
    if p["source"] == "gharchive":
        return ("This run estimates on GH Archive fork events, the paper's own measure, located by the "
                f"clock rule (before {p['hour_cutoff_utc']}:00 UTC China-linked); the counts above and the "
                "clock validation below still describe the commit histories.")
    return ("This run estimates on the commit histories, with each commit located by the "
            f"'{p['geo_proxy']}' proxy.")


# ------------------------------------------------------------------------------------ stacked design

LEVEL = ALPHA  # the book's one level (wording.ALPHA); the robustness chapter reads it here
MDE_POWER = 0.80


def windows_for(s: Settings, shocks: list[str] | None = None, pooled_only: bool = False) -> pd.DataFrame:
    """Rows of the window table for `shocks` (YYYY-MM-DD; default all), optionally only pooled ones."""
    w = s.windows
    if shocks is not None:
        w = w[w["shock"].dt.strftime("%Y-%m-%d").isin(shocks)]
    return w[w["pooled"]] if pooled_only else w


_STACKS: dict[tuple, tuple[pd.DataFrame, tuple[pd.DataFrame, D.Design, list[str]]]] = {}
STACK_CACHE = 48


def stack_regions(panel: pd.DataFrame, s: Settings, windows: pd.DataFrame, treated: str, control: str,
                  min_pre: int, extra: tuple[str, ...] = ()) -> tuple[pd.DataFrame, D.Design, list[str]]:
    """Stacked windows of `treated`, `control` (and `extra` regions), with holiday-week indicators
    when the run controls for them; returns the frame, its design and the holiday columns.

    The chapter stacks the same windows for several estimators and tables, so results are cached
    per panel object (held by the cache, so its id cannot be reused) and returned as copies."""
    key = (id(panel), tuple(map(tuple, windows[["shock", "lo", "hi"]].itertuples(index=False))), treated,
           control, min_pre, extra, s.holidays, s.design.outcome, s.design.freq)
    hit = _STACKS.get(key)
    if hit is None or hit[0] is not panel:
        if len(_STACKS) >= STACK_CACHE:
            _STACKS.pop(next(iter(_STACKS)))
        hit = (panel, _stack_regions(panel, s, windows, treated, control, min_pre, extra))
        _STACKS[key] = hit
    data, design, cols = hit[1]
    return data.copy(), design, list(cols)


def _stack_regions(panel: pd.DataFrame, s: Settings, windows: pd.DataFrame, treated: str, control: str,
                   min_pre: int, extra: tuple[str, ...]) -> tuple[pd.DataFrame, D.Design, list[str]]:
    design = replace(s.design, treated=treated, control=control)
    data = W.stack(panel, windows, design, [treated, control, *extra], min_pre)
    if not s.holidays or data.empty:
        return data, design, []
    data, cols = add_holidays(data, design)
    return data, design, cols


_holiday_weeks = calendar_weeks.holiday_week_set
"""Kept for `chapters/robustness/estimate.py` until it takes its holiday flags from
`calendar_weeks.holiday_flags` (the one holiday indicator); remove it then."""


def add_holidays(data: pd.DataFrame, design: D.Design) -> tuple[pd.DataFrame, list[str]]:
    """holiday_<region> is 1 on that region's rows in its country's public-holiday weeks."""
    return calendar_weeks.add_holiday_indicators(data, design)


def fit_stack(data: pd.DataFrame, design: D.Design, terms: list[str], estimator: str) -> Fit:
    """The stacked DiD with regressors `terms` (unit x period x shock, unit x region x shock effects):
    the one stacked-DiD core."""
    return stacked_core.fit(data, design, terms, estimator)


def pre_mean(data: pd.DataFrame, design: D.Design, region: str) -> float:
    """A region's mean outcome per unit-period before the shocks, in the stacked windows."""
    rows = data[(data[design.region] == region) & (data["post"] == 0)]
    return float(rows[design.outcome].mean()) if len(rows) else float("nan")


def relative(coef: float, baseline: float, estimator: str) -> float:
    """An estimate as a proportional change: coef / baseline in levels, exp(coef) - 1 on logs/PPML."""
    if estimator == "ols_level":
        return coef / baseline if baseline and np.isfinite(baseline) else float("nan")
    return float(np.expm1(coef))


def identification(panel: pd.DataFrame, s: Settings, p: dict[str, Any]) -> pd.DataFrame:
    """For each shock: its window, eligible repositories, counts per side, and whether estimable."""
    rows = []
    t, c = s.design.treated, s.design.control
    for w in s.windows.itertuples():
        data = W.stack(panel, s.windows.loc[[w.Index]], s.design, [t, c], p["min_pre_periods"])
        by = data.groupby(s.design.region)[s.design.outcome].sum() if len(data) else pd.Series(dtype=float)
        n_t, n_c = int(by.get(t, 0)), int(by.get(c, 0))
        n_repos = int(data["repo"].nunique()) if len(data) else 0
        reasons = []
        if n_repos < p["min_repos"]:
            reasons.append(f"{n_repos} eligible repositories (needs {p['min_repos']})")
        if min(n_t, n_c) < MIN_COMMITS_PER_SIDE:
            counted = ("GH Archive events" if p["source"] == "gharchive"
                       else s.design.outcome.replace("_", " "))
            reasons.append(f"fewer than {MIN_COMMITS_PER_SIDE} {counted} on one side")
        if w.lo > -2 or w.hi < 1:
            reasons.append("window too short after the window rule")
        rows.append({"shock": f"{w.shock:%Y-%m-%d}", "window": f"{w.lo} to {w.hi - 1}",
                     "repositories": n_repos, f"{REGION_WORDS[t]} {s.design.outcome}": n_t,
                     f"{REGION_WORDS[c]} {s.design.outcome}": n_c,
                     "estimable": not reasons, "pooled": bool(w.pooled) and not reasons,
                     "why not": "; ".join(reasons), "Window note": w.note})
    return pd.DataFrame(rows).set_index("shock")


def _bootstrap_p(fit: Fit, term: str) -> float:
    """Wild cluster restricted bootstrap p-value below BOOTSTRAP_BELOW clusters (OLS), else NaN."""
    if fit.n_clusters >= BOOTSTRAP_BELOW or fit.estimator != "ols":
        return float("nan")
    return float(fit.bootstrap(term, draws=999, weights="webb", seed=1).p_value)


def estimate_row(data: pd.DataFrame, design: D.Design, terms: list[str], estimator: str,
                 label: str, term: str = "treat_post") -> dict[str, Any]:
    """One estimate: coefficient, CR1 inference, bootstrap p below 30 clusters, relative effect and MDE."""
    fit = fit_stack(data, design, terms, estimator)
    t = fit.table().loc[term]
    base = pre_mean(data, design, design.treated)
    mde = float(power.mde(float(t["se"]), MDE_POWER, LEVEL, fit.n_clusters))
    return {"estimate": label, "coef": float(t["coef"]), "se": float(t["se"]), "ci_low": float(t["ci_low"]),
            "ci_high": float(t["ci_high"]), "p": float(t["p"]), "p_bootstrap": _bootstrap_p(fit, term),
            "pre_mean": base, "pct": relative(float(t["coef"]), base, estimator),
            "ci_high_pct": relative(float(t["ci_high"]), base, estimator),
            "mde": mde, "mde_pct": relative(mde, base, estimator),
            "clusters": int(fit.n_clusters), "observations": int(fit.n_obs)}


def p_used(row: pd.Series | dict[str, Any]) -> float:
    """The p-value a verdict reads: the wild bootstrap one where it exists, else the CR1 one."""
    boot = row.get("p_bootstrap")
    return float(boot) if boot is not None and not pd.isna(boot) else float(row["p"])


def did_table(panel: pd.DataFrame, s: Settings, p: dict[str, Any], ident: pd.DataFrame,
              estimator: str) -> pd.DataFrame:
    """Treated-minus-control DiD per estimable shock (own window) and pooled over the pooled ones,
    with Holm-adjusted p-values across the shocks."""
    rows = []
    t, c = s.design.treated, s.design.control
    for shock in ident.index[ident["estimable"]]:
        data, design, hol = stack_regions(panel, s, windows_for(s, [shock]), t, c, p["min_pre_periods"])
        rows.append(estimate_row(data, design, ["treat_post", *hol], estimator, shock))
    out = pd.DataFrame(rows).set_index("estimate")
    out["p_holm"] = multiple.holm(out.apply(p_used, axis=1)).to_numpy() if len(out) > 1 else out["p"]
    out["in_pool"] = ident.loc[out.index, "pooled"].to_numpy()
    pooled_shocks = list(ident.index[ident["pooled"]])
    if len(pooled_shocks) > 1:
        data, design, hol = stack_regions(panel, s, windows_for(s, pooled_shocks), t, c, p["min_pre_periods"])
        row = estimate_row(data, design, ["treat_post", *hol], estimator, "pooled")
        out = pd.concat([out, pd.DataFrame([row]).set_index("estimate").assign(p_holm=np.nan, in_pool=True)])
    return out


def headline_key(table: pd.DataFrame) -> str:
    """The pooled row, or the single estimable shock."""
    return "pooled" if "pooled" in table.index else str(table.index[0])


def pooled_shocks(ident: pd.DataFrame, table: pd.DataFrame) -> list[str]:
    """The shocks behind the headline estimate."""
    return list(ident.index[ident["pooled"]]) if "pooled" in table.index else [str(table.index[0])]


def window_rule_table(panel: pd.DataFrame, s: Settings, p: dict[str, Any], estimator: str) -> pd.DataFrame:
    """The pooled estimate under each window rule (the chosen one marked)."""
    rows = []
    for rule in W.RULES:
        s_rule = replace(s, windows=W.shock_windows(s.shocks, s.window, rule, s.design.freq))
        ident = identification(panel, s_rule, p)
        shocks = list(ident.index[ident["pooled"]])
        if not shocks:
            continue
        data, design, hol = stack_regions(panel, s_rule, windows_for(s_rule, shocks), s.design.treated,
                                          s.design.control, p["min_pre_periods"])
        row = estimate_row(data, design, ["treat_post", *hol], estimator, rule)
        row["shocks pooled"] = ", ".join(shocks)
        row["this run"] = rule == p["shock_windows"]
        rows.append(row)
    return pd.DataFrame(rows).set_index("estimate")


# ---------------------------------------------------------------------------- placebo regions


def placebo_pairs(panel: pd.DataFrame, s: Settings, p: dict[str, Any], shocks: list[str],
                  estimator: str) -> pd.DataFrame:
    """CN-US, EU-US and CN-EU pooled DiDs on the same windows, with relative effects."""
    rows = []
    for treated, control in regions.PAIRS:
        data, design, hol = stack_regions(panel, s, windows_for(s, shocks), treated, control,
                                          p["min_pre_periods"])
        rows.append({**estimate_row(data, design, ["treat_post", *hol], estimator, f"{treated}-{control}")})
    return pd.DataFrame(rows).set_index("estimate")


def triple_difference(panel: pd.DataFrame, s: Settings, p: dict[str, Any], shocks: list[str],
                      estimator: str) -> regions.Contrast:
    """(CN - US) - (EU - US) from one regression on the three regions, clustered by repository."""
    data, design, hol = stack_regions(panel, s, windows_for(s, shocks), "CN", "US", p["min_pre_periods"],
                                      extra=("EU",))
    fit = fit_stack(data, design, ["post_CN", "post_EU", *hol], estimator)
    return regions.linear_contrast(fit, {"post_CN": 1.0, "post_EU": -1.0}, "(CN-US)-(EU-US)")


def placebo_sentence(pairs: pd.DataFrame | None, triple: regions.Contrast | None) -> str:
    """The placebo comparisons in one sentence, or why there are none."""
    if pairs is None or triple is None:
        return ("In this run the placebo region is not available: the clock rule has no Europe, so the "
                "comparisons below cannot be formed")
    cn, eu, ce = (pairs.loc[k] for k in ("CN-US", "EU-US", "CN-EU"))
    def pv(x: float) -> str:
        return p_value(x).replace("\u00a0", " ")

    return (f"Here, in the pooled windows and with the headline estimator, CN−US is {number(cn['coef'])} "
            f"({pv(cn['p'])}), EU−US is {number(eu['coef'])} ({pv(eu['p'])}, {percent(eu['pct'])} of "
            "Europe's "
            f"pre-shock mean) and CN−EU is {number(ce['coef'])} ({pv(ce['p'])}). The triple difference, from "
            f"one regression on the three regions with repository-clustered errors, is {number(triple.coef)} "
            f"(standard error {number(triple.se)}, {interval(triple.ci_low, triple.ci_high)}, "
            f"{pv(triple.p)})")


def scales_sentence(across: pd.DataFrame | None, level: float = LEVEL) -> str:
    """How the placebo comparison reads under the three estimators, in words."""
    if across is None:
        return "Without a placebo region there is nothing to compare across estimators"
    eu_gain = int((across.filter(like=": change").loc["EU-US"] > 0).sum())
    triple_sig = int((across.filter(like=": p").loc["(CN-US)-(EU-US)"] < level).sum())
    n = across.filter(like=": p").shape[1]
    return (f"Europe-offset commits gain on U.S. ones under {count_of(eu_gain, n, 'estimator')}, and the "
            f"triple difference is significant under {count_of(triple_sig, n, 'estimator')}")


# ---------------------------------------------------------------------- each region's own change


def own_changes(panel: pd.DataFrame, s: Settings, p: dict[str, Any], shocks: list[str],
                regions_: tuple[str, ...]) -> pd.DataFrame:
    """Each region's own before/after change (OLS levels, unit x shock effects), also as % of its
    pre-shock mean; the region's holiday weeks are controlled when the run controls for them."""
    rows = {}
    for region in regions_:
        data, design, hol = stack_regions(panel, s, windows_for(s, shocks), region, region,
                                          p["min_pre_periods"])
        data = data[data[design.region] == region]
        terms = ["post", *[h for h in hol if h == f"holiday_{region}"]]
        fit = regions.fit_terms(data, design, terms, "ols_level", fe=[[design.unit, "shock"]])
        t = fit.table().loc["post"]
        base = pre_mean(data, design, region)
        rows[region] = {"coef": float(t["coef"]), "se": float(t["se"]), "ci_low": float(t["ci_low"]),
                        "ci_high": float(t["ci_high"]), "p": float(t["p"]), "pre_mean": base,
                        "pct": float(t["coef"]) / base if base else float("nan"),
                        "clusters": int(fit.n_clusters)}
    return pd.DataFrame(rows).T


def paper_agreement(cn: float, us: float, paper_cn: float, paper_us: float) -> str:
    """Whether our relative own changes agree with the paper's (signs, and which group is higher)."""
    same_signs = np.sign(cn) == np.sign(paper_cn) and np.sign(us) == np.sign(paper_us)
    same_order = (cn > us) == (paper_cn > paper_us)
    if same_signs and same_order:
        return "agrees with the paper's pattern in signs and ordering"
    if same_order:
        return "keeps the paper's ordering of the two groups but not its signs"
    if same_signs:
        return "has the paper's signs but the opposite ordering of the two groups"
    return "agrees with the paper's pattern neither in signs nor in ordering"


def null_reading(row: pd.Series | dict[str, Any], level: float = LEVEL) -> str:
    """What the headline estimate allows: a significant change, or the increases a null rules out."""
    if is_significant(p_used(row), level):
        return (f"the estimate is statistically significant at the {level:.0%} level")
    if row["ci_high"] <= 0:
        return "its 95% interval lies at or below zero: it rules out any increase"
    return (f"it is not statistically significant; its 95% interval rules out increases larger than "
            f"{row['ci_high_pct']:.0%} of the pre-shock mean, and the design detects with "
            f"{MDE_POWER:.0%} power only effects of {row['mde_pct']:.0%} or more")


# ------------------------------------------------------------------- event studies, honest bounds


def event_study_fit(data: pd.DataFrame, design: D.Design, hol: list[str], estimator: str,
                    event_bin: int) -> tuple[Fit, pd.DataFrame]:
    """Treated-minus-control gap per binned relative period against bin -1, holiday terms included."""
    data = data.assign(rel=np.floor_divide(data["rel"], event_bin))
    rels = sorted(set(data["rel"]) - {-1})
    names = [f"rel_{r}" for r in rels]
    cols = {n: (data["treated"] * (data["rel"] == r)).astype(float) for n, r in zip(names, rels, strict=True)}
    data = pd.concat([data, pd.DataFrame(cols, index=data.index)], axis=1)
    fit = fit_stack(data, design, [*names, *hol], estimator)
    table = fit.table().loc[names].assign(rel=rels).set_index("rel")
    ref = pd.DataFrame({c: [0.0] for c in table.columns}, index=pd.Index([-1], name="rel"))
    table = pd.concat([table, ref]).sort_index()
    pre = [n for n, r in zip(names, rels, strict=True) if r < -1]
    table.attrs["pretrend"] = fit.wald(pre) if pre else None
    return fit, table


def event_studies(panel: pd.DataFrame, s: Settings, p: dict[str, Any], shocks: list[str], estimator: str,
                  pooled: list[str]) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, pd.DataFrame]]:
    """Per-shock (and pooled) event studies: coefficients, a summary per shock (pre-trend F test,
    Rambachan-Roth breakdown Mbar of the average post effect) and the honest intervals."""
    parts, summary, bounds = [], [], {}
    sets = [(x, [x]) for x in shocks] + ([("pooled", pooled)] if len(pooled) > 1 else [])
    for label, members in sets:
        data, design, hol = stack_regions(panel, s, windows_for(s, members), s.design.treated,
                                          s.design.control, p["min_pre_periods"])
        fit, table = event_study_fit(data, design, hol, estimator, s.event_bin)
        pre = table.attrs["pretrend"]
        honest_table, breakdown = honest.relative_magnitudes_fit(fit)
        bounds[label] = honest_table
        parts.append(table.reset_index().assign(shock=label))
        summary.append({"shock": label, "pretrend_F": pre["F"] if pre else np.nan,
                        "pretrend_p": pre["p"] if pre else np.nan,
                        "post_average": honest_table.attrs["estimate"],
                        "post_average_se": honest_table.attrs["se"], "breakdown_mbar": breakdown,
                        "clusters": int(fit.n_clusters)})
    return pd.concat(parts, ignore_index=True), pd.DataFrame(summary).set_index("shock"), bounds


def honest_wide(bounds: dict[str, pd.DataFrame], mbars: tuple[float, ...] = (0.0, 0.5, 1.0, 2.0)
                ) -> pd.DataFrame:
    """Robust 95% interval of the average post effect at a few Mbar, one row per event study."""
    rows = {}
    for k, b in bounds.items():
        b = b.set_index("mbar")
        rows[k] = {f"M̄ = {m:g}": f"{number(b.loc[m, 'ci_low'], 2)} to {number(b.loc[m, 'ci_high'], 2)}"
                   for m in mbars if m in b.index}
    return pd.DataFrame(rows).T


def pretrend_text(summary: pd.DataFrame, level: float = LEVEL) -> str:
    """The shocks whose pre-trend test rejects, in words."""
    shocks = summary.drop(index="pooled", errors="ignore")
    rejected = [k for k, v in shocks["pretrend_p"].items() if is_significant(v, level)]
    if not rejected:
        return f"for none of the {len(shocks)} shocks"
    return (f"for {len(rejected)} of the {len(shocks)} shocks ({', '.join(rejected)})")


# ------------------------------------------------------------------- the sign-flip test, placebo dates


def sign_flips_and_dates(panel: pd.DataFrame, s: Settings, p: dict[str, Any], shocks: list[str],
                         estimator: str) -> tuple[sign_flip.SignFlipResult, Any, str]:
    """The sign-flip test on the headline design, and placebo shock dates (symmetric windows, no
    holiday terms, clear of every real shock's window: `econometrics.randomization`); the estimator
    used for both."""
    est = estimator if estimator in sign_flip.ESTIMATORS else "ols_log"
    data, design, hol = stack_regions(panel, s, windows_for(s, shocks), s.design.treated, s.design.control,
                                      p["min_pre_periods"])
    swaps = sign_flip.sign_flip_test(data, design, ["treat_post", *hol], "treat_post", est, p["ri_draws"],
                                     p["ri_seed"])
    dates = randomization_dates.placebo_dates(panel, [pd.Timestamp(x) for x in shocks], s.window, s.design,
                                              p["min_pre_periods"], est, draws=200, seed=p["ri_seed"],
                                              real=s.shocks)
    return swaps, dates, est


def placebo_dates_text(dates: Any) -> str:
    """What the placebo-date distribution gives, in words (with the nearest usable shift)."""
    table = dates.draws
    clear = table[table["reason"] != "overlaps a real shock window"] if table is not None else None
    if dates.qualified:
        return f"its p-value is {dates.p_value:.3f}"
    if clear is None or clear.empty:
        return "so this design has no usable placebo dates and gives no p-value"
    years = float(clear["shift"].abs().min()) / 52.18
    return (f"the drawn sets that avoid the real windows lie at least {years:.1f} years away and none of "
            "them qualifies, so this design has no usable placebo dates and gives no p-value")


def ri_table(swaps: sign_flip.SignFlipResult, dates: Any) -> pd.DataFrame:
    """The sign-flip test and the placebo-date distribution side by side."""
    fail = dates.failures
    return pd.DataFrame([
        {"distribution": "sign-flip test (each repository's difference)", "drawn": swaps.draws,
         "qualified": swaps.draws, "p": swaps.p_value, "Why draws failed": ""},
        {"distribution": "placebo shock dates (real spacing)", "drawn": dates.drawn,
         "qualified": dates.qualified, "p": dates.p_value,
         "Why draws failed": "; ".join(f"{v} {k}" for k, v in fail.items())},
    ]).set_index("distribution")


# --------------------------------------------------------------------------- heterogeneity, proxies


GROUP_LABELS = {"A": "China-origin repositories", "B": "U.S.-origin repositories",
                "C": "shared infrastructure"}


def by_repo_group(panel: pd.DataFrame, repos: pd.DataFrame, s: Settings, p: dict[str, Any],
                  shocks: list[str], estimator: str) -> pd.DataFrame:
    """The pooled DiD within each repository origin group: clusters used, wild bootstrap p below 30
    clusters, Holm-adjusted p across the groups."""
    rows = []
    for g in p["repo_groups"]:
        members = set(repos.loc[repos["group"] == g, "repo"])
        sub = panel[panel["repo"].isin(members)]
        data, design, hol = stack_regions(sub, s, windows_for(s, shocks), s.design.treated, s.design.control,
                                          p["min_pre_periods"])
        if data["repo"].nunique() < 2:
            rows.append({"estimate": GROUP_LABELS[g], "clusters": int(data["repo"].nunique())})
            continue
        rows.append(estimate_row(data, design, ["treat_post", *hol], estimator, GROUP_LABELS[g]))
    out = pd.DataFrame(rows).set_index("estimate")
    if "p" in out:
        out["p_holm"] = multiple.holm(out.apply(lambda r: p_used(r) if pd.notna(r.get("p")) else np.nan,
                                                axis=1))
    return out


def proxy_comparison(selected: pd.DataFrame, releases: pd.DataFrame, s: Settings, p: dict[str, Any],
                     shocks: list[str], panels_: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """The pooled CN-US DiD on the commits with the time-zone proxy and with the paper's clock rule
    (`panels_` may hand over a panel already built for a proxy)."""
    rows = []
    for proxy in ("tz", "hour"):
        q = {**p, "geo_proxy": proxy, "source": "commits"}
        panel = (panels_ or {}).get(proxy)
        panel = make_panel(classify(selected, q), releases, q) if panel is None else panel
        data, design, hol = stack_regions(panel, s, windows_for(s, shocks), "CN", "US", p["min_pre_periods"])
        rows.append(estimate_row(data, design, ["treat_post", *hol], p["estimator"], proxy))
    return pd.DataFrame(rows).set_index("estimate")


# ------------------------------------------------------------------------------------- the clock

PAPER_CUTOFF = 17


def clock_scores(classified_tz: pd.DataFrame, cutoff: int) -> dict[str, float]:
    """The clock rule against the time zone: recall per side, accuracy, balanced accuracy at
    `cutoff`, and precision (share of commits called China-linked that are UTC+08:00) among
    commits whose offset is known (UTC+00:00 left out: machines and UTC users)."""
    known = classified_tz[classified_tz["region"] != "unknown"]
    truth = known["region"].to_numpy()
    guess = geography.by_hour(known["author_time_utc"], cutoff)
    cn, us = truth == "CN", truth == "US"
    called = guess == "CN"
    two = cn | us
    wrong = truth[called & ~cn]
    recall_cn = float(np.mean(called[cn])) if cn.any() else float("nan")
    recall_us = float(np.mean(~called[us])) if us.any() else float("nan")
    return {"cn_recall": recall_cn, "us_recall": recall_us,
            "accuracy": float(np.mean((guess == truth)[two])) if two.any() else float("nan"),
            "balanced": (recall_cn + recall_us) / 2,
            "precision_cn": float(np.mean(cn[called])) if called.any() else float("nan"),
            "fp_eu_share": float(np.mean(wrong == "EU")) if len(wrong) else float("nan"),
            "fp_us_share": float(np.mean(wrong == "US")) if len(wrong) else float("nan"),
            "called_cn_share": float(np.mean(called))}


def in_windows(dates: pd.Series, shocks: list[pd.Timestamp], weeks: int) -> np.ndarray:
    """Dates inside any shock's +-`weeks` window."""
    d = pd.to_datetime(dates)
    inside = np.zeros(len(d), dtype=bool)
    for shock in shocks:
        half = pd.Timedelta(weeks=weeks)
        inside |= ((d >= shock - half) & (d < shock + half)).to_numpy()
    return inside


def clock_global_share(hours: pd.DataFrame, shocks: list[pd.Timestamp], weeks: int,
                       cutoff: int = PAPER_CUTOFF) -> tuple[float, int]:
    """Share of all GH Archive events (every type, all of public GitHub) created before `cutoff`:00 UTC
    on the days of the shocks' windows (complete days only: 24 hour files), and the days used."""
    full = hours[hours["file_count"] == 24]
    full = full[in_windows(full["date"], shocks, weeks)]
    if full.empty:
        raise DataError("gharchive_daily_hours has no complete day in the shocks' windows; rebuild it with "
                        "`chipshock data build` or check the shock dates")
    before = full.loc[full["hour"] < cutoff, "events"].sum()
    return float(before / full["events"].sum()), int(full["date"].nunique())


def clock_base_verdict(global_share: float, developer_share_: float) -> str:
    """What the clock's GitHub-wide share says beside a cited share of developers."""
    ratio = global_share / developer_share_
    if ratio >= 2:
        return "at the scale of GitHub the rule measures the time of day more than where developers are"
    if ratio <= 0.5:
        return "at the scale of GitHub the rule finds far fewer China-linked events than developers"
    return "at the scale of GitHub the rule's share is of the order of the developers' share"


def developer_share(table: pd.DataFrame, economies: tuple[str, ...]) -> float:
    """Share of GitHub developer accounts in `economies` (curated Innovation Graph counts)."""
    total = table.loc[table["economy"] == "all", "developers"]
    if len(total) != 1:
        raise DataError(f"{GITHUB_DEVELOPERS} needs exactly one row with economy 'all'")
    return float(table.loc[table["economy"].isin(economies), "developers"].sum() / total.iloc[0])


def unknown_share_by_shock(classified: pd.DataFrame, shocks: list[pd.Timestamp], weeks: int) -> pd.Series:
    """Share of commits with offset UTC+00:00 (region unknown) in each shock's +-`weeks` window."""
    times = classified["author_time_utc"].dt.tz_convert("UTC").dt.tz_localize(None)
    unknown = (classified["region"] == "unknown").to_numpy()
    out = {}
    for shock in shocks:
        inside = in_windows(times, [shock], weeks)
        out[f"{shock:%Y-%m-%d}"] = float(unknown[inside].mean()) if inside.any() else float("nan")
    return pd.Series(out, name="unknown share")


def placebo_across(panel: pd.DataFrame, s: Settings, p: dict[str, Any], shocks: list[str],
                   known: dict[str, tuple[pd.DataFrame, regions.Contrast]] | None = None) -> pd.DataFrame:
    """Relative effect and p-value of CN-US, EU-US, CN-EU and the triple difference per estimator
    (`known`: estimates already made, by estimator)."""
    cols = {}
    for est, label in ESTIMATOR_LABELS.items():
        if known and est in known:
            pairs, triple = known[est]
        else:
            pairs = placebo_pairs(panel, s, p, shocks, est)
            triple = triple_difference(panel, s, p, shocks, est)
        pct = [*pairs["pct"].tolist(), relative(triple.coef, float(pairs.loc["CN-US", "pre_mean"]), est)]
        cols[f"{label}: change"] = pct
        cols[f"{label}: p"] = [*pairs["p"].tolist(), triple.p]
    index = pd.Index([*[f"{a}-{b}" for a, b in regions.PAIRS], "(CN-US)-(EU-US)"], name="comparison")
    return pd.DataFrame(cols, index=index)


def honest_words(breakdown: float) -> str:
    """What the breakdown value of Mbar says."""
    if breakdown == 0:
        return "it is not significant even under exact parallel trends"
    if not np.isfinite(breakdown):
        return "no violation of parallel trends bounded by the pre-period ones overturns it"
    return (f"it stays significant while after-shock violations of parallel trends are at most "
            f"{breakdown:.2f} times the largest pre-shock one")


# ---------------------------------------------------------------------------------------- misc


def monthly_trends(classified: pd.DataFrame) -> pd.DataFrame:
    """Commits per calendar month and region, all repositories together."""
    month = panels.period_start(classified["author_time_utc"], "month")
    return (classified.assign(month=month).groupby(["month", "region"]).size()
            .rename("commits").reset_index())


def hour_profile(classified_tz: pd.DataFrame) -> pd.DataFrame:
    """Share of each time-zone region's commits by UTC hour (CN, EU and US)."""
    c = classified_tz[classified_tz["region"].isin(["CN", "EU", "US"])]
    counts = c.groupby(["region", c["author_time_utc"].dt.hour.rename("hour")]).size()
    share = counts / counts.groupby(level="region").transform("sum")
    return share.rename("share").reset_index()


def kinds_by_suffix(frame: pd.DataFrame) -> dict[str, Col]:
    """Column kinds of a wide 'label: coef / change / p' table."""
    kinds = {"coef": "coef", "change": "share", "p": "pvalue"}
    return {c: Col(kind=kinds[c.rsplit(": ", 1)[-1]]) for c in frame.columns  # type: ignore[arg-type]
            if c.rsplit(": ", 1)[-1] in kinds}


def compare_estimators(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Coefficient, relative effect and p-value per shock and estimator, side by side."""
    cols = {}
    for name, table in tables.items():
        label = ESTIMATOR_LABELS[name]
        cols[f"{label}: coef"] = table["coef"]
        cols[f"{label}: change"] = table["pct"]
        cols[f"{label}: p"] = table["p"]
    return pd.DataFrame(cols)


def top_repo_share(panel: pd.DataFrame, s: Settings, p: dict[str, Any], shocks: list[str],
                   region: str) -> tuple[str, float]:
    """The repository with most of a region's outcome in the estimation windows, and its share."""
    data, design, _ = stack_regions(panel, s, windows_for(s, shocks), s.design.treated, s.design.control,
                                    p["min_pre_periods"])
    by_repo = data[data[design.region] == region].groupby("repo")[design.outcome].sum()
    if by_repo.sum() == 0:
        return "none", 0.0
    return str(by_repo.idxmax()), float(by_repo.max() / by_repo.sum())


def squash_share(commits: pd.DataFrame, repos: pd.DataFrame, p: dict[str, Any]) -> float:
    """Share of default-branch developer commits that are web-interface squash merges of a PR."""
    groups = repos.loc[repos["group"].isin(p["repo_groups"]), "repo"]
    merged = panels.select_commits(commits[commits["repo"].isin(groups)], "merged")
    squash = merged["committer_webflow"] & (merged["subject_kind"] == "pr_suffix")
    return float(squash.mean()) if len(merged) else 0.0


# -------------------------------------------------------------------------------- tables as shown

ESTIMATE_COLUMNS: dict[str, Any] = {
    "coef": Col("Coefficient", "coef"), "se": Col("Std. error", "se"), "ci_low": Col("95% CI, low", "coef"),
    "ci_high": Col("95% CI, high", "coef"), "p": Col("p-value (CR1)", "pvalue"),
    "p_bootstrap": Col("p-value (wild bootstrap)", "pvalue"), "p_holm": Col("p-value (Holm)", "pvalue"),
    "pre_mean": Col("Pre-shock mean", "coef"), "pct": Col("Change (% of pre-shock mean)", "share"),
    "mde": Col("MDE (80% power)", "coef"), "mde_pct": Col("MDE (%)", "share"),
    "clusters": Col("Repositories (clusters)", "count"), "observations": Col("Observations", "count"),
    "in_pool": Col("In the pool", "bool"), "this run": Col("This run", "bool"),
    "shocks pooled": Col("Shocks pooled", "text"), "t": Col("t", "coef"),
}


def readable_params(table: pd.DataFrame) -> pd.DataFrame:
    """The parameters table with booleans as yes/no (the house rule for table cells)."""
    words = {"True": "yes", "False": "no", "(True)": "(default: yes)", "(False)": "(default: no)"}

    def word(v: Any) -> Any:
        if not isinstance(v, str):
            return v
        for old, new in words.items():
            v = new if v == old else v.replace(old, new) if old.startswith("(") else v
        return v

    return table.apply(lambda col: col.map(word))


def show(frame: pd.DataFrame, key: str, columns: list[str] | None = None, index_label: str = "",
         notes: str | None = None) -> Table:
    """A result table through the book's formatter, with the chapter's column labels."""
    df = frame if columns is None else frame[[c for c in columns if c in frame.columns]]
    df = df.loc[:, df.notna().any(axis=0)]
    specs: dict[str, Any] = {c: ESTIMATE_COLUMNS[c] for c in df.columns if c in ESTIMATE_COLUMNS}
    if df.index.name or index_label:
        df = df.rename_axis(index_label or df.index.name)
    return format_table(df, specs, id=key, notes=notes)
