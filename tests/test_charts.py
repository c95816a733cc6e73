"""The chart theme: one colour-blind-safe palette, text alternatives, the accessible renderer."""

from __future__ import annotations

import re
from pathlib import Path

import altair as alt
import pandas as pd

from chipshock import charts

SRC = Path(__file__).resolve().parents[1] / "src" / "chipshock"


def test_colours_are_defined_only_in_the_chart_theme() -> None:
    offenders = [str(p.relative_to(SRC)) for p in SRC.rglob("*.py")
                 if p.name != "charts.py" and re.search(r"#[0-9A-Fa-f]{6}\b", p.read_text())]
    assert offenders == [], "use chipshock.charts.PALETTE instead of colour literals"


def test_palette_is_okabe_ito() -> None:
    assert list(charts.PALETTE.values())[:8] == ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2",
                                                  "#D55E00", "#CC79A7", "#000000"]


def test_description_is_generated_from_the_content() -> None:
    frame = pd.DataFrame({"month": pd.to_datetime(["2023-01-01"]), "region": ["CN"], "commits": [3]})
    chart = charts.region_trends(frame, [pd.Timestamp("2023-01-15").date()])
    text = charts.describe(chart)
    assert text.startswith("Chart (") and "developer commits per month" in text and "Region" in text
    named = charts.with_description(chart.properties(description="Custom."))
    assert named.to_dict()["description"] == "Custom."


def test_renderer_wraps_charts_in_a_labelled_image_role() -> None:
    charts.use_book_style()
    chart = charts.with_description(alt.Chart(pd.DataFrame({"a": [1]})).mark_bar().encode(x="a"))
    html = chart._repr_mimebundle_()["text/html"]
    assert html.startswith('<div class="chipshock-chart" role="img" aria-label="Chart (bar marks)')
    assert re.search(r"<div id=\"altair-viz-[0-9a-f]+\"></div>", html)
