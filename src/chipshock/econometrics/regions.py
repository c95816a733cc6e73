"""Placebo regions and the triple difference on a unit x period x region panel.

A China-minus-U.S. difference-in-differences cannot tell a rise in China-linked activity from a
fall in U.S. activity. A third region that the export controls did not target (Europe, here from
UTC offsets +01:00 to +03:00) separates the two: if only China-linked developers moved, EU-minus-US
is about zero and the triple difference (CN-US) - (EU-US) is about the CN-US estimate; if U.S.
developers moved, CN-US and EU-US are about equal and the triple difference is about zero.

The estimators are the stacked-DiD core's (`econometrics.stacked`: unit x period x shock and unit x
region x shock fixed effects, errors clustered by unit; with three regions it uses its general
estimators).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from scipy import stats

from chipshock.econometrics import did as D
from chipshock.econometrics import stacked as core
from chipshock.econometrics.models import Fit
from chipshock.econometrics.windows import eligible_units

EU_TZ = (60, 180)  # UTC+01:00 to UTC+03:00, in minutes (Western to Eastern European summer time)
PAIRS = (("CN", "US"), ("EU", "US"), ("CN", "EU"))


def relabel_eu(classified: pd.DataFrame, tz_column: str = "author_tz_min", region_column: str = "region",
               tz_range: tuple[int, int] = EU_TZ, label: str = "EU") -> pd.DataFrame:
    """Copy of a classified commit frame whose `other` commits with an offset in `tz_range` are EU.

    Only `other` is relabelled, so CN, US and unknown keep their meaning under every proxy (the
    clock rule has no `other` and so no EU). Under the author-majority proxies the relabelling is
    per commit: an author whose majority is `other` but who commits from UTC+4 stays `other` there.
    """
    tz = classified[tz_column].to_numpy()
    eu = (classified[region_column].to_numpy() == "other") & (tz >= tz_range[0]) & (tz <= tz_range[1])
    out = classified.copy()
    out[region_column] = np.where(eu, label, out[region_column].to_numpy()).astype(object)
    return out


def _eligible_stack(panel: pd.DataFrame, shocks: Sequence[pd.Timestamp], window: int, design: D.Design,
                    min_pre: int) -> pd.DataFrame:
    parts = [D.stack(panel[panel[design.unit].isin(eligible_units(panel, sh, design, min_pre))], [sh],
                     window, design) for sh in shocks]
    return pd.concat(parts, ignore_index=True)


def stack_pair(panel: pd.DataFrame, shocks: Sequence[pd.Timestamp], window: int, design: D.Design,
               treated: str, control: str, min_pre: int = 0) -> pd.DataFrame:
    """Stacked windows of the eligible units of each shock, for one treated/control region pair."""
    return _eligible_stack(panel, shocks, window, replace(design, treated=treated, control=control), min_pre)


def fit_terms(data: pd.DataFrame, design: D.Design, terms: list[str], estimator: str = "ols_log",
              fe: list[list[str]] | None = None) -> Fit:
    """Any regressors with the stacked DiD's fixed effects (the core) or other `fe` (general)."""
    if fe is None:
        return core.fit(data, design, terms, estimator)
    return core.fit_general(data, design, terms, estimator, fe)


def pair_did(panel: pd.DataFrame, shocks: Sequence[pd.Timestamp], window: int, design: D.Design,
             treated: str, control: str, estimator: str = "ols_log", min_pre: int = 0) -> Fit:
    """Pooled stacked DiD of `treated` minus `control` (coefficient `treat_post`)."""
    d = replace(design, treated=treated, control=control)
    return D.did(stack_pair(panel, shocks, window, d, treated, control, min_pre), d, estimator)


def pair_table(panel: pd.DataFrame, shocks: Sequence[pd.Timestamp], window: int, design: D.Design,
               estimator: str = "ols_log", min_pre: int = 0,
               pairs: Sequence[tuple[str, str]] = PAIRS) -> pd.DataFrame:
    """One row per region pair: coef, se, t, p, CI, clusters and observations of the pooled DiD."""
    rows = []
    for treated, control in pairs:
        fit = pair_did(panel, shocks, window, design, treated, control, estimator, min_pre)
        row = fit.table().loc["treat_post"].to_dict()
        rows.append({"pair": f"{treated}-{control}", **row, "clusters": fit.n_clusters,
                     "observations": fit.n_obs})
    return pd.DataFrame(rows).set_index("pair")


def stack_regions(panel: pd.DataFrame, shocks: Sequence[pd.Timestamp], window: int, design: D.Design,
                  regions: Sequence[str], min_pre: int = 0) -> pd.DataFrame:
    """Stacked windows with several regions, and a `post_<region>` column for every region."""
    data = _multi_stack(panel, shocks, window, design, regions, min_pre)
    for r in regions:
        data[f"post_{r}"] = data["post"] * (data[design.region] == r)
    return data


def _multi_stack(panel: pd.DataFrame, shocks: Sequence[pd.Timestamp], window: int, design: D.Design,
                 regions: Sequence[str], min_pre: int) -> pd.DataFrame:
    parts = []
    for shock in shocks:
        units = eligible_units(panel, shock, design, min_pre)
        sub = panel[panel[design.unit].isin(units) & panel[design.region].isin(regions)]
        rel = D.period_index(sub[design.period], design.freq) - D.period_index(
            pd.Series([pd.Timestamp(shock)]), design.freq)[0]
        inside = (rel >= -window) & (rel < window)
        parts.append(sub[inside].assign(shock=pd.Timestamp(shock).strftime("%Y-%m-%d"), rel=rel[inside]))
    out = pd.concat(parts, ignore_index=True)
    out["post"] = (out["rel"] >= 0).astype(float)
    return out


@dataclass(frozen=True)
class Contrast:
    """A linear combination of coefficients from one fit, with its clustered standard error."""

    label: str
    coef: float
    se: float
    t: float
    p: float
    ci_low: float
    ci_high: float
    n_clusters: int
    n_obs: int

    def as_row(self) -> dict[str, float | int | str]:
        """The contrast as a table row."""
        return {"estimate": self.label, "coef": self.coef, "se": self.se, "t": self.t, "p": self.p,
                "ci_low": self.ci_low, "ci_high": self.ci_high, "clusters": self.n_clusters,
                "observations": self.n_obs}


def linear_contrast(fit: Fit, weights: dict[str, float], label: str = "", level: float = 0.95) -> Contrast:
    """w'b with se sqrt(w'Vw) from the fit's clustered covariance; t(G-1) p-value and interval."""
    w = np.array([weights.get(n, 0.0) for n in fit.names])
    coef = float(w @ fit.coef)
    se = float(np.sqrt(w @ fit.vcov @ w))
    df = fit.n_clusters - 1
    t = coef / se
    crit = float(stats.t.ppf(0.5 + level / 2, df))
    return Contrast(label, coef, se, t, float(2 * stats.t.sf(abs(t), df)), coef - crit * se, coef + crit * se,
                    fit.n_clusters, fit.n_obs)


def triple_difference(panel: pd.DataFrame, shocks: Sequence[pd.Timestamp], window: int, design: D.Design,
                      treated: str = "CN", placebo: str = "EU", control: str = "US",
                      estimator: str = "ols_log", min_pre: int = 0) -> tuple[Contrast, Fit]:
    """(treated - control) - (placebo - control) from ONE regression on a three-region panel.

    Regressors post_<treated> and post_<placebo> with unit x period x shock and unit x region x
    shock fixed effects: their coefficients are the treated-minus-control and placebo-minus-control
    DiDs, estimated together, so the difference's standard error uses their clustered covariance.
    Returns the contrast and the fit (for the two component DiDs).
    """
    data = stack_regions(panel, shocks, window, design, [treated, placebo, control], min_pre)
    terms = [f"post_{treated}", f"post_{placebo}"]
    fit = fit_terms(data, design, terms, estimator)
    label = f"({treated}-{control})-({placebo}-{control})"
    return linear_contrast(fit, {terms[0]: 1.0, terms[1]: -1.0}, label), fit
