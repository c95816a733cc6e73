"""The codes of the shared measures: no pandas, so parameter declarations can read them."""

from __future__ import annotations

REGIONS = ("CN", "US", "other", "unknown")
GEO_PROXIES = ("tz", "tz_email", "hour", "tz_author", "tz_email_author", "hour_author")
UNITS = ("work", "merged")
OUTCOMES = ("commits", "active_authors", "new_authors")
PERIODS = ("week", "month")

# What readers see instead of the codes: prose, table cells and chart labels use these words
# (identifiers appear only in code font, where a page says how to set a parameter).
CHOICE_LABELS = {
    "geo_proxy": "geography proxy", "unit": "counting unit", "outcome": "outcome",
    "period": "panel period", "window_weeks": "window (weeks either side)", "estimator": "estimator",
    "repo_groups": "repository groups", "shock_set": "shock set",
}
CODE_LABELS = {
    "tz": "time-zone offset", "tz_email": "time-zone offset or e-mail domain", "hour": "clock hour",
    "tz_author": "time-zone offset, author majority",
    "tz_email_author": "time-zone offset or e-mail domain, author majority",
    "hour_author": "clock hour, author majority",
    "work": "all work (every ref)", "merged": "merged (default branch)",
    "commits": "commits", "active_authors": "active authors", "new_authors": "new authors",
    "week": "week", "month": "month",
    "ols_level": "OLS, levels", "ols_log": "OLS, log(1+y)", "ppml": "Poisson PML",
    "ABC": "all three groups", "AB": "China- and U.S.-origin", "AC": "China-origin and shared infrastructure",
    "BC": "U.S.-origin and shared infrastructure", "A": "China-origin", "B": "U.S.-origin",
    "C": "shared infrastructure",
    "all": "all four shocks", "2022": "the 2022 pair", "2023-2024": "the 2023-2024 pair",
    "bis": "the three BIS rules",
    "drop_later": "drop the later shock of an overlapping pair from the pool",
    "truncate": "cut each window at its neighbours", "overlap": "overlapping windows (the paper's design)",
}


def label(code: object) -> str:
    """The reader's word for a code (the code itself, as text, when it has none)."""
    return CODE_LABELS.get(str(code), str(code))
