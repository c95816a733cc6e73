"""The chart theme: one colour-blind-safe palette, text alternatives, the accessible renderer."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import altair as alt
import numpy as np
import pandas as pd

from chipshock import charts

SRC = Path(__file__).resolve().parents[1] / "src" / "chipshock"


def test_colours_are_defined_only_in_the_chart_theme() -> None:
    offenders = [str(p.relative_to(SRC)) for p in SRC.rglob("*.py")
                 if p.name != "charts.py" and re.search(r"#[0-9A-Fa-f]{6}\b", p.read_text())]
    assert offenders == [], "use chipshock.charts.PALETTE instead of colour literals"


CVD = {  # Machado, Oliveira and Fernandes (2009), severity 1, on linear RGB
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                   [-0.003882, -0.048116, 1.051998]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                     [-0.011820, 0.042940, 0.968881]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
                   [0.004733, 0.691367, 0.303900]],
}


def _lab(colour: str, vision: str) -> np.ndarray:
    """CIELAB (D65) of a hex colour as seen with normal vision or a simulated colour-blindness."""
    srgb = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)]) / 255
    linear = np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)
    linear = np.clip(np.array(CVD.get(vision, np.eye(3))) @ linear, 0, 1)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ linear
    t = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(t > (6 / 29) ** 3, np.cbrt(t), t / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def closest_pair(colours: list[str]) -> float:
    """The smallest colour difference (CIE76 delta E) between two of `colours`, over normal vision
    and the three simulated dichromacies."""
    return min(float(np.linalg.norm(_lab(a, v) - _lab(b, v)))
               for v in ("normal", *CVD) for a, b in itertools.combinations(colours, 2))


def test_category_colours_stay_apart_for_colour_blind_readers() -> None:
    """Every two colours a chart's categories get (the neutral grey aside) differ by at least
    12 delta E for normal vision and under protanopia, deuteranopia and tritanopia."""
    with alt.theme.enable("chipshock"):
        category = alt.theme.get()()["config"]["range"]["category"]
    assert category == list(charts.PALETTE.values())
    assert closest_pair([c for c in category if c != charts.PALETTE["grey"]]) >= 12
    tableau = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2"]
    assert closest_pair(tableau) < 12  # a common palette that is not safe fails the same check
    assert closest_pair(list(charts.ORIGIN_COLOURS.values())) >= 12


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
