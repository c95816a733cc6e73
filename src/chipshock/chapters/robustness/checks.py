"""Matched placebo shock dates and leave-outs (repository, origin group, shock) of the developers
chapter's default estimate."""

from __future__ import annotations

import gc
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from chipshock.chapters.developers import analysis as dv
from chipshock.chapters.robustness import estimate as E
from chipshock.chapters.robustness.curve import default_spec, developers_params
from chipshock.econometrics import multiple
from chipshock.econometrics import randomization as R
from chipshock.errors import UserError


def default_setup(commits: pd.DataFrame, repos: pd.DataFrame, releases: pd.DataFrame, min_pre_weeks: int
                  ) -> tuple[E.Wide, pd.DataFrame, dict[str, Any]]:
    """The developers chapter's default panel (long and wide) and its parameters in the curve's terms."""
    q = developers_params(default_spec(min_pre_weeks), min_pre_weeks)
    panel = dv.make_panel(dv.classified_commits(commits, repos, q), releases, q)
    return E.wide_panel(panel, dv.settings(q).design.freq), panel, q


OVERLAP = "overlaps a real shock window"


def _windows_meet(placebo: np.ndarray, real: np.ndarray, window: int) -> np.ndarray:
    """Per draw (rows of `placebo`, shock periods): does any window [s - w, s + w) meet a real one?"""
    return (np.abs(placebo[:, :, None] - real[None, None, :]) < 2 * window).any(axis=(1, 2))


def _placebo_periods(res: R.RandomizationResult, at: np.ndarray) -> np.ndarray:
    return at[None, :] + res.draws["shift"].to_numpy()[:, None]


def overlapping_real(results: dict[str, R.RandomizationResult], ats: dict[str, np.ndarray],
                     real: np.ndarray, window: int) -> int:
    """Qualified placebo sets with a window meeting any real shock's window, counted afresh from the
    draws (0 by construction: `placebo_dates` is given every real shock)."""
    return int(sum(_windows_meet(_placebo_periods(r, ats[k]), real, window)[r.draws["qualified"]].sum()
                   for k, r in results.items() if r.draws is not None and len(r.draws)))


@dataclass(frozen=True)
class Placebos:
    """Matched placebo sets per real shock and for the pooled set."""

    table: pd.DataFrame                          # one row per set: drawn, qualified, failures, t, p
    results: dict[str, R.RandomizationResult]
    overlapping_real: int                        # qualified sets meeting a real window: 0


def matched_placebos(panel: pd.DataFrame, q: dict[str, Any], pooled: list[str], draws: int, seed: int
                     ) -> Placebos:
    """Placebo shock dates under the developers chapter's rule (eligible repositories within +-25% of the
    real shock's, no window overlapping the window of ANY real shock), for each shock and for the
    pooled set: drawn, qualified, why the others failed, the permutation p-value where any qualified
    and the smallest p-value the qualified sets allow, 1 / (1 + qualified)."""
    s = dv.settings(q)
    est = q["estimator"] if q["estimator"] in R.FAST_ESTIMATORS else "ols_log"
    real = np.sort(R.shock_index(s.shocks, s.design))
    sets = [(f"{x:%Y-%m-%d}", [x]) for x in s.shocks] + [("pooled", [pd.Timestamp(x) for x in pooled])]
    dense = R.dense_difference(panel, s.design, est)
    rows, results, ats = [], {}, {}
    for name, shocks in sets:
        at = np.sort(R.shock_index(shocks, s.design))
        res = R.placebo_dates(panel, shocks, s.window, s.design, q["min_pre_periods"], est, draws, seed,
                              real=s.shocks)
        candidates = len(R.candidate_shifts(dense, at, q["min_pre_periods"]))
        rows.append({"set": name, "candidates": candidates, "drawn": res.drawn, "qualified": res.qualified,
                     "overlap": res.failures.get(OVERLAP, 0),
                     "band": res.failures.get("eligible units outside the band", 0),
                     "not_estimable": res.failures.get("not estimable", 0),
                     "min_p": 1 / (1 + res.qualified) if res.qualified else np.nan,
                     "t": res.t, "p": res.p_value})
        results[name], ats[name] = res, at
    table = pd.DataFrame(rows).set_index("set")
    return Placebos(table, results, overlapping_real(results, ats, real, s.window))


def _default_estimate(wide: E.Wide, q: dict[str, Any], shocks: list[pd.Timestamp] | None = None,
                      s: dv.Settings | None = None) -> dict[str, Any]:
    s = s if s is not None else dv.settings(q)
    windows = E.shock_windows(shocks if shocks is not None else s.shocks, s.window, q["shock_windows"],
                              s.design.freq)
    ident = E.identification(wide, windows, q["treated_region"], q["control_region"], q["outcome"],
                             q["min_pre_periods"], q["min_repos"])
    used = E.headline_windows(windows, ident)
    if used.empty:
        return {**E.NAN_RESULT, "shocks_used": ""}
    design = E.Spec(q["outcome"], q["estimator"], q["treated_region"], q["control_region"], s.holidays)
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
    s = dv.settings(q)
    present = set(wide.units[np.unique(wide.unit)])
    for repo in sorted(present):
        rows.append({"kind": "repository", "left_out": repo,
                     **_default_estimate(E.subset(wide, present - {repo}), q, s=s)})
    for g in sorted(repos["group"].unique()):
        members = set(repos.loc[repos["group"] == g, "repo"])
        alone = _default_estimate(E.subset(wide, members), q, s=s)
        rows.append({"kind": "origin group", "left_out": dv.GROUP_LABELS[g],
                     **_default_estimate(E.subset(wide, present - members), q, s=s),
                     **{f"alone_{k}": v for k, v in alone.items()}})
    for shock in s.shocks:
        rows.append({"kind": "shock", "left_out": f"{shock:%Y-%m-%d}",
                     **_default_estimate(wide, q, [x for x in s.shocks if x != shock], s=s)})
    out = pd.DataFrame(rows)
    out["p_holm"] = np.nan
    for idx in out.groupby("kind").groups.values():
        out.loc[idx, "p_holm"] = _holm(out.loc[idx, "p"].to_numpy(float))
    return out


def _holm(p: np.ndarray) -> np.ndarray:
    """`multiple.holm` with the objects alive now frozen: statsmodels' Holm runs `gc.collect()`, which
    in a notebook holding the curve costs about half a second per call."""
    gc.freeze()
    try:
        return multiple.holm(p)
    finally:
        gc.unfreeze()
