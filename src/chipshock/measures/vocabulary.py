"""The codes of the shared measures: no pandas, so parameter declarations can read them."""

from __future__ import annotations

REGIONS = ("CN", "US", "other", "unknown")
GEO_PROXIES = ("tz", "tz_email", "hour", "tz_author", "tz_email_author", "hour_author")
UNITS = ("work", "merged")
OUTCOMES = ("commits", "active_authors", "new_authors")
PERIODS = ("week", "month")
