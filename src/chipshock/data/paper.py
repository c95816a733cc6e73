"""The paper's research design: the export-control shocks it studies."""

from __future__ import annotations

PAPER_SHOCKS: tuple[str, ...] = ("2022-08-09", "2022-10-07", "2023-10-17", "2024-12-02")
"""CHIPS and Science Act; BIS controls; BIS update; BIS revision (arXiv 2606.15999)."""

COUNTRY_NAMES = {"US": "United States", "CN": "China", "FR": "France"}

PAPER_ESTIMATES = {"china_linked": 0.143, "us": 0.012}
"""Extra fork events per repository-week per shock reported by the paper (hour-of-day proxy)."""
