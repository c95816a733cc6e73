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
    assert html.startswith('<div class="chipshock-chart chipshock-chart-scaled" role="img" '
                           'aria-label="Chart (bar marks)')
    assert re.search(r"<div id=\"altair-viz-[0-9a-f]+\"></div>", html)


def test_single_and_layered_charts_fill_the_column_up_to_their_width() -> None:
    charts.use_book_style()
    base = alt.Chart(pd.DataFrame({"a": [1, 2], "b": [3, 4]})).mark_line().encode(x="a", y="b")
    for chart in (base.properties(width=400), alt.layer(base, base).properties(width=400)):
        html = charts.with_description(chart)._repr_mimebundle_()["text/html"]
        assert 'class="chipshock-chart chipshock-chart-fluid"' in html
        assert 'style="max-width: 490px"' in html and '"width": "container"' in html
    wide = charts.with_description(base.properties(width=1000))._repr_mimebundle_()["text/html"]
    assert f'style="max-width: {charts.TEXT_WIDTH}px"' in wide


def test_composite_charts_keep_their_width_and_scale_with_css() -> None:
    faceted = alt.Chart(pd.DataFrame({"a": [1], "g": ["x"]})).mark_bar().encode(x="a").properties(
        width=300).facet("g:N")
    spec = faceted.to_dict()
    assert charts.responsive(spec) == (spec, None)
    assert charts.responsive({"mark": "bar"}) == ({"mark": "bar"}, None)


def test_charts_are_transparent_for_dark_mode() -> None:
    charts.use_book_style()
    spec = alt.Chart(pd.DataFrame({"a": [1]})).mark_bar().encode(x="a").to_dict()
    assert spec["config"]["background"] == "transparent"


def test_time_axes_carry_the_year() -> None:
    """Month ticks read "Apr 2023", not "April" (the theme's temporal axis labels)."""
    config = charts._theme()["config"]
    expr = config["axisTemporal"]["labelExpr"]
    assert "%Y" in expr and expr.count("%Y") == 3
