"""Shock windows that do not overlap, and stacking with a window per shock.

Two shocks eight weeks apart with +-26-week windows make one shock's pre-period the other's
post-period, and the weeks in between enter a stacked regression twice. Three rules:

* ``overlap``: every shock keeps its full window (the paper's design);
* ``truncate``: each window is cut at its neighbouring shocks, so no window contains a second
  shock's date (the weeks between two shocks are after the first and before the second);
* ``drop_later``: shocks are taken in date order and a shock whose window meets the window of an
  earlier kept shock is left out of the pool, so no period enters twice; the kept shock's
  after-period then contains the dropped one, and its estimate is that of the episode.

A window is the half-open range of relative periods [lo, hi): lo < 0 <= hi, period 0 is the shock's.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from chipshock.econometrics import did as D

RULES = ("drop_later", "truncate", "overlap")


def shock_windows(shocks: Sequence[pd.Timestamp | str], window: int, rule: str, freq: str) -> pd.DataFrame:
    """One row per shock (date order): shock, lo, hi, pooled (bool) and a note on what the rule did."""
    if rule not in RULES:
        raise ValueError(f"unknown window rule {rule!r}; use one of {RULES}")
    dates = sorted(pd.Timestamp(s) for s in shocks)
    at = D.period_index(pd.Series(dates), freq) if dates else np.array([], dtype=int)
    rows, last_kept = [], None
    for k, (date, i) in enumerate(zip(dates, at, strict=True)):
        lo, hi, pooled, note = -window, window, True, ""
        if rule == "truncate":
            if k > 0 and i - at[k - 1] < window:
                lo, note = int(at[k - 1] - i), f"before-period starts at {dates[k - 1]:%Y-%m-%d}"
            if k + 1 < len(at) and at[k + 1] - i < window:
                hi = int(at[k + 1] - i)
                note = "; ".join(filter(None, [note, f"after-period ends at {dates[k + 1]:%Y-%m-%d}"]))
        elif rule == "drop_later" and last_kept is not None and i - at[last_kept] < 2 * window:
            pooled = False
            note = f"window overlaps that of {dates[last_kept]:%Y-%m-%d}: not pooled"
        if pooled:
            last_kept = k
        rows.append({"shock": date, "lo": int(lo), "hi": int(hi), "pooled": pooled, "note": note})
    return pd.DataFrame(rows, columns=["shock", "lo", "hi", "pooled", "note"])


def unit_spans(panel: pd.DataFrame, design: D.Design) -> pd.DataFrame:
    """First and last period index of each unit (columns min, max; index: the units)."""
    idx = D.period_index(panel[design.period], design.freq)
    return pd.DataFrame({"u": panel[design.unit].to_numpy(), "i": idx}).groupby("u")["i"].agg(["min", "max"])


def eligible_units(panel: pd.DataFrame, shock: pd.Timestamp, design: D.Design, min_pre: int,
                   spans: pd.DataFrame | None = None) -> list:
    """Units with `min_pre` periods of history before the shock and rows at or after it (`spans`:
    `unit_spans(panel, design)` when already computed)."""
    spans = unit_spans(panel, design) if spans is None else spans
    at = D.period_index(pd.Series([pd.Timestamp(shock)]), design.freq)[0]
    ok = (spans["min"] <= at - min_pre) & (spans["max"] >= at)
    return sorted(spans.index[ok])


def stack(panel: pd.DataFrame, windows: pd.DataFrame, design: D.Design, regions: Sequence[str],
          min_pre: int = 0) -> pd.DataFrame:
    """Stacked windows (rows of `windows`: shock, lo, hi) of each shock's eligible units.

    Keeps the rows of `regions`; adds shock (YYYY-MM-DD), rel, post, `post_<region>` for every
    region and, for the design's treated region, `treated` and `treat_post`.
    """
    d = design
    base = panel[panel[d.region].isin(list(regions))]
    idx = D.period_index(base[d.period], d.freq)
    spans = unit_spans(panel, d)
    unit_values = base[d.unit]
    parts = []
    for row in windows.itertuples():
        at = D.period_index(pd.Series([pd.Timestamp(row.shock)]), d.freq)[0]
        units = eligible_units(panel, row.shock, d, min_pre, spans)
        rel = idx - at
        keep = (rel >= row.lo) & (rel < row.hi) & unit_values.isin(units).to_numpy()
        parts.append(base[keep].assign(shock=pd.Timestamp(row.shock).strftime("%Y-%m-%d"), rel=rel[keep]))
    out = pd.concat(parts, ignore_index=True) if parts else base.iloc[:0].assign(shock="", rel=0)
    out["post"] = (out["rel"] >= 0).astype(float)
    for r in regions:
        out[f"post_{r}"] = out["post"] * (out[d.region] == r)
    out["treated"] = (out[d.region] == d.treated).astype(float)
    out["treat_post"] = out["treated"] * out["post"]
    return out
