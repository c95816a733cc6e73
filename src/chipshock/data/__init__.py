"""The data layer: fetch raw sources, re-extract commits, build the processed tables, load them."""

from __future__ import annotations

FETCH_FIX = "chipshock data fetch --mirror ../shared/data"
BUILD_FIX = "chipshock data build"
