"""Where a commit's author is: region from the time-zone offset, the e-mail domain or the hour."""

from __future__ import annotations

import numpy as np
import pandas as pd

from chipshock.measures.vocabulary import GEO_PROXIES

CHINA_TZ = 480                 # UTC+08:00
US_TZ = (-600, -240)           # UTC-10:00 (Hawaii) to UTC-04:00 (Eastern daylight time)
CN_DOMAIN_CLASSES = ("cn_company", "cn_edu", "cn_other", "cn_webmail")


def by_tz(tz_min: pd.Series) -> np.ndarray:
    """CN for UTC+8, US for UTC-4 to UTC-10, unknown for UTC+0 (machines and UTC users), else other."""
    tz = tz_min.to_numpy()
    return np.select([tz == CHINA_TZ, (tz >= US_TZ[0]) & (tz <= US_TZ[1]), tz == 0],
                     ["CN", "US", "unknown"], "other")


def by_tz_email(tz_min: pd.Series, domain_class: pd.Series) -> np.ndarray:
    """As `by_tz`, but a UTC+0 commit from a China-linked e-mail domain counts as CN."""
    region = by_tz(tz_min)
    resolved = (region == "unknown") & domain_class.isin(CN_DOMAIN_CLASSES).to_numpy()
    return np.where(resolved, "CN", region)


def by_hour(times_utc: pd.Series, cutoff: int = 17) -> np.ndarray:
    """The paper's clock rule: an event before `cutoff`:00 UTC is China-linked, otherwise U.S."""
    return np.where(times_utc.dt.hour.to_numpy() < cutoff, "CN", "US")


def author_majority(regions: np.ndarray, authors: pd.Series) -> np.ndarray:
    """Each author's most frequent known region (CN, US, other) on all their commits; ties unknown."""
    frame = pd.DataFrame({"author": authors.to_numpy(), "region": regions})
    known = frame[frame["region"] != "unknown"]
    counts = known.groupby(["author", "region"]).size().unstack(fill_value=0)
    if counts.empty:
        return np.full(len(regions), "unknown", dtype=object)
    top = counts.max(axis=1)
    winners = counts.eq(top, axis=0)
    majority = counts.idxmax(axis=1).where(winners.sum(axis=1) == 1, "unknown")
    return frame["author"].map(majority).fillna("unknown").to_numpy()


def classify(commits: pd.DataFrame, proxy: str, hour_cutoff: int = 17) -> np.ndarray:
    """Region of each commit under a geography proxy (see GEO_PROXIES)."""
    base = proxy.removesuffix("_author")
    if base == "tz":
        region = by_tz(commits["author_tz_min"])
    elif base == "tz_email":
        region = by_tz_email(commits["author_tz_min"], commits["author_domain_class"])
    elif base == "hour":
        region = by_hour(commits["author_time_utc"], hour_cutoff)
    else:
        raise ValueError(f"unknown geography proxy {proxy!r}; use one of {GEO_PROXIES}")
    if proxy.endswith("_author"):
        region = author_majority(region, commits["author_id"])
    return np.asarray(region, dtype=object)


def confusion(truth: np.ndarray, guess: np.ndarray) -> pd.DataFrame:
    """Counts of commits by true region (rows) and guessed region (columns)."""
    return pd.crosstab(pd.Series(truth, name="time zone"), pd.Series(guess, name="clock rule"))


def hour_rule_accuracy(hours: np.ndarray, truth: np.ndarray) -> pd.DataFrame:
    """Accuracy of every cut-off hour on commits whose true region is CN or US.

    Columns: cutoff, accuracy, cn_recall (CN commits called CN), us_recall, balanced accuracy.
    """
    truth = np.asarray(truth)
    is_cn, is_us = truth == "CN", truth == "US"
    h_cn = np.bincount(np.asarray(hours)[is_cn].astype(int), minlength=24)[:24]
    h_us = np.bincount(np.asarray(hours)[is_us].astype(int), minlength=24)[:24]
    rows = []
    for cutoff in range(1, 24):
        cn_hit, us_hit = h_cn[:cutoff].sum(), h_us[cutoff:].sum()
        cn = float(cn_hit / h_cn.sum()) if h_cn.sum() else np.nan
        us = float(us_hit / h_us.sum()) if h_us.sum() else np.nan
        both = h_cn.sum() + h_us.sum()
        rows.append({"cutoff": cutoff, "accuracy": float((cn_hit + us_hit) / both) if both else np.nan,
                     "cn_recall": cn, "us_recall": us, "balanced": (cn + us) / 2})
    return pd.DataFrame(rows)
