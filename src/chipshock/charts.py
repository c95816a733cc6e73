"""The book's chart theme (colour-blind-safe palette) and its altair charts."""

from __future__ import annotations

import datetime as dt
import html

import altair as alt
import pandas as pd

# Okabe-Ito palette: distinguishable under the common forms of colour-blindness.
PALETTE = {
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "black": "#000000",
    "grey": "#999999",
}
ORIGIN_COLOURS = {"CN": PALETTE["vermillion"], "US": PALETTE["blue"], "FR": PALETTE["green"]}
STANCE_COLOURS = {
    "supports": PALETTE["green"],
    "mentions": PALETTE["sky"],
    "exempts_open": PALETTE["purple"],
    "none": PALETTE["grey"],
}
TIME_LABEL = ("date(datum.value) == 1 ? (month(datum.value) == 0 ? timeFormat(datum.value, '%Y') : "
              "timeFormat(datum.value, '%b %Y')) : timeFormat(datum.value, '%-d %b %Y')")
# The widest a rendered chart may be, in px (the text column: 676 px in a 1280-px window, 772 at 1400).
TEXT_WIDTH = 700
EMBED_OPTIONS = {"actions": {"export": True, "source": True, "compiled": False, "editor": False}}


@alt.theme.register("chipshock", enable=False)
def _theme() -> alt.theme.ThemeConfig:
    return {
        "config": {
            "font": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
            "range": {"category": list(PALETTE.values())},
            "axis": {"labelFontSize": 12, "titleFontSize": 13, "labelColor": "#333", "titleColor": "#222"},
            # legends below the plot: the book's text column is narrow (TEXT_WIDTH)
            "legend": {"labelFontSize": 12, "titleFontSize": 13, "orient": "bottom",
                       "direction": "horizontal", "columns": 4, "titleLimit": 400},
            "view": {"stroke": None},
            # dates on time axes carry the year: "2023" at a year, "Apr 2023" at a month, else
            # "8 May 2023" (an axis's own format or labelExpr still wins)
            "axisTemporal": {"labelExpr": TIME_LABEL},
            # transparent, so the page's light or dark background shows through; the book's
            # stylesheet recolours axis text and black rules in dark mode (_static/chipshock.css)
            "background": "transparent",
        }
    }


# Top-level keys of specs that cannot take width "container" (they scale down with CSS instead).
_COMPOSITE = ("facet", "repeat", "concat", "hconcat", "vconcat")
# Room for axes and legends beside the plot area of a responsive chart, in px.
_AXIS_ROOM = 90


def responsive(spec: dict) -> tuple[dict, int | None]:
    """A single-view or layered chart that fills the text column up to its designed width: the
    spec with width "container" and that maximum width in px (None for composite charts, which
    the stylesheet scales down to fit)."""
    width = spec.get("width")
    if not isinstance(width, (int, float)) or any(k in spec for k in _COMPOSITE):
        return spec, None
    out = {**spec, "width": "container", "autosize": {"type": "fit-x", "contains": "padding"}}
    return out, min(int(width) + _AXIS_ROOM, TEXT_WIDTH)


# How altair's HTML calls vega-embed, and the same call with the spec fitted to a phone first.
FIT_CALL = ("vegaEmbed(outputDiv, spec, embedOpt",
            "vegaEmbed(outputDiv, window.chipshockFit ? window.chipshockFit(spec, outputDiv) : spec, "
            "embedOpt")


def _accessible_html(spec: dict, **metadata: object) -> dict[str, str]:
    """Altair's HTML output inside a role="img" container named by the chart's description,
    responsive to the column's width."""
    from altair.vegalite.v6.display import html_renderer

    spec, max_width = responsive(spec)
    bundle = html_renderer(spec, **metadata)
    bundle = bundle[0] if isinstance(bundle, tuple) else bundle
    page = bundle["text/html"]
    if max_width is None:  # composite: laid out for the box's width on phones (_static/chipshock-fit.js)
        if FIT_CALL[0] not in page:
            raise RuntimeError("altair's HTML output changed: chipshock.charts cannot hook chipshock-fit.js")
        page = page.replace(FIT_CALL[0], FIT_CALL[1], 1)
    label = html.escape(str(spec.get("description") or "Chart"), quote=True)
    style = f' style="max-width: {max_width}px"' if max_width else ""
    kind = "chipshock-chart-fluid" if max_width else "chipshock-chart-scaled"
    return {"text/html": f'<div class="chipshock-chart {kind}" role="img" aria-label="{label}"{style}>'
                         f"{page}</div>"}


alt.renderers.register("chipshock", _accessible_html)


def use_book_style() -> None:
    """Enable the theme and the accessible HTML renderer whose scripts the book vendors (offline)."""
    alt.theme.enable("chipshock")
    alt.renderers.enable("chipshock", embed_options=EMBED_OPTIONS)
    alt.data_transformers.enable("default", max_rows=20_000)  # the specification curve's panel


# Heatmaps of shares: an explicit colour at 0% and at 100%, the same in light and dark mode (not the
# page's background, which would make an empty cell read as a full one on a dark page, and not
# black, which the dark stylesheet recolours).
SHARE_ZERO = "#ececec"
SHARE_FULL = "#1f1f1f"


def share_scale() -> alt.Scale:
    """The colour scale of a share from 0 to 1 in a heatmap: SHARE_ZERO to SHARE_FULL."""
    return alt.Scale(domain=[0, 1], range=[SHARE_ZERO, SHARE_FULL], clamp=True)


def share_heatmap(cells: alt.Chart, share: str = "share", legend_title: str = "share") -> alt.LayerChart:
    """A heatmap of shares (`cells`: a rect chart with x, y and tooltip, no colour) coloured by
    `share_scale` on a plate of the 0% colour, so a cell that no row reaches reads as 0% in both
    themes."""
    width, height = cells.width, cells.height
    coloured = cells.encode(color=alt.Color(f"{share}:Q", title=legend_title, scale=share_scale(),
                                            legend=alt.Legend(format=".0%")))
    plate = alt.Chart(pd.DataFrame({"plate": [0]})).mark_rect(color=SHARE_ZERO).encode(
        x=alt.value(0), x2=alt.value("width"), y=alt.value(0), y2=alt.value("height"))
    coloured.width = coloured.height = alt.Undefined  # the layer's size, not its cells'
    return alt.layer(plate, coloured).properties(width=width, height=height)


def _scale(mapping: dict[str, str], keys: list[str]) -> alt.Scale:
    return alt.Scale(domain=keys, range=[mapping[k] for k in keys])


def timeline(
    events: pd.DataFrame, releases: pd.DataFrame, shocks: list[dt.date], width: int = 560
) -> alt.LayerChart:
    """Policy events (lanes by country, coloured by stance) and releases (lanes by origin)."""
    ev = events.assign(
        lane=events["country"].map({"US": "US policy", "CN": "China policy"}),
        when=events["date"].dt.strftime("%Y-%m-%d"),
    )
    rel = releases.assign(
        lane=releases["origin"].map({"US": "US releases", "CN": "China releases", "FR": "France releases"}),
        when=releases["date"].dt.strftime("%Y-%m-%d"),
    )
    lanes = ["China policy", "US policy"] + [
        lane for lane in ("China releases", "US releases", "France releases") if lane in set(rel["lane"])]
    y = alt.Y("lane:N", sort=lanes, title=None, scale=alt.Scale(domain=lanes))
    x = alt.X("date:T", title=None, axis=alt.Axis(format="%Y"))
    zoom = alt.selection_interval(bind="scales", encodings=["x"])
    stances = [s for s in STANCE_COLOURS if s in set(ev["open_source_stance"])] or ["none"]
    origins = [o for o in ORIGIN_COLOURS if o in set(rel["origin"])] or ["CN"]
    event_layer = (
        alt.Chart(ev)
        .mark_point(filled=True, size=110, opacity=0.85, shape="circle")
        .encode(
            x=x, y=y,
            color=alt.Color("open_source_stance:N", title="Stance on open source",
                            scale=_scale(STANCE_COLOURS, stances)),
            tooltip=["when:N", "country:N", "actor:N", "title:N", "kind:N",
                     "open_source_stance:N", "source_url:N"],
        )
        .add_params(zoom)
    )
    release_layer = (
        alt.Chart(rel)
        .mark_point(filled=True, size=110, opacity=0.85, shape="triangle-up")
        .encode(
            x=x, y=y,
            fill=alt.Fill("origin:N", title="Release origin", scale=_scale(ORIGIN_COLOURS, origins)),
            tooltip=["when:N", "organization:N", "model:N", "license:N", "source_url:N"],
        )
    )
    shock_frame = pd.DataFrame({"date": pd.to_datetime(sorted(shocks)), "label": "shock"})
    shock_frame["when"] = shock_frame["date"].dt.strftime("%Y-%m-%d")
    rules = alt.Chart(shock_frame).mark_rule(color=PALETTE["black"], strokeDash=[4, 3]).encode(
        x="date:T", tooltip=[alt.Tooltip("when:N", title="export-control shock")]
    )
    layers = [rules, event_layer, release_layer] if len(rel) else [rules, event_layer]
    return (
        alt.layer(*layers)
        .resolve_scale(color="independent", fill="independent")
        .properties(width=width, height=230 if len(rel) else 130)
    )


def release_bars(counts: pd.DataFrame, width: int = 520) -> alt.Chart:
    """Releases per year by origin, for each period between shocks."""
    origins = [o for o in ORIGIN_COLOURS if o in set(counts["origin"])]
    order = list(dict.fromkeys(counts.sort_values("first_day")["period"]))
    return (
        alt.Chart(counts)
        .mark_bar()
        .encode(
            y=alt.Y("period:N", sort=order, title=None),
            yOffset=alt.YOffset("origin:N", sort=origins),
            x=alt.X("per_year:Q", title="major open-weight releases per year"),
            color=alt.Color("origin:N", title="Origin", scale=_scale(ORIGIN_COLOURS, origins)),
            tooltip=["period:N", "origin:N", "releases:Q", alt.Tooltip("per_year:Q", format=".1f")],
        )
        .properties(width=width)
    )


REGION_COLOURS = {"CN": PALETTE["vermillion"], "US": PALETTE["blue"], "EU": PALETTE["sky"],
                  "other": PALETTE["green"], "unknown": PALETTE["grey"]}


def _shock_rules(shocks: list[dt.date]) -> alt.Chart:
    frame = pd.DataFrame({"date": pd.to_datetime(sorted(shocks))})
    frame["when"] = frame["date"].dt.strftime("%Y-%m-%d")
    return alt.Chart(frame).mark_rule(color=PALETTE["black"], strokeDash=[4, 3]).encode(
        x="date:T", tooltip=[alt.Tooltip("when:N", title="export-control shock")])


def region_trends(trends: pd.DataFrame, shocks: list[dt.date], width: int = 610) -> alt.LayerChart:
    """Monthly commits by region (lines), with the shocks marked."""
    regions = [r for r in REGION_COLOURS if r in set(trends["region"])]
    lines = alt.Chart(trends).mark_line(point=False, strokeWidth=1.8).encode(
        x=alt.X("month:T", title=None),
        y=alt.Y("commits:Q", title="developer commits per month"),
        color=alt.Color("region:N", title="Region", scale=_scale(REGION_COLOURS, regions)),
        tooltip=[alt.Tooltip("month:T", format="%Y-%m"), "region:N", "commits:Q"],
    )
    return alt.layer(lines, _shock_rules(shocks)).properties(width=width, height=260)


def event_study(table: pd.DataFrame, period_label: str, width: int = 300,
                y_title: str = "China-linked minus U.S.") -> alt.FacetChart:
    """Treated-minus-control coefficients by relative period, one panel per shock, 95% intervals."""
    base = alt.Chart(table)
    x = alt.X("rel:Q", title=period_label)
    points = base.mark_point(filled=True, color=PALETTE["vermillion"]).encode(
        x=x, y=alt.Y("coef:Q", title=y_title),
        tooltip=["shock:N", "rel:Q", alt.Tooltip("coef:Q", format=".3f"), alt.Tooltip("se:Q", format=".3f")])
    bars = base.mark_rule(color=PALETTE["vermillion"]).encode(x=x, y="ci_low:Q", y2="ci_high:Q")
    zero = base.mark_rule(color=PALETTE["grey"]).encode(y=alt.datum(0))
    onset = base.mark_rule(color=PALETTE["black"], strokeDash=[4, 3]).encode(x=alt.datum(-0.5))
    return (alt.layer(bars, points, zero, onset, data=table)
            .properties(width=width, height=180)
            .facet(facet=alt.Facet("shock:N", title=None), columns=2))


def hour_profile(profile: pd.DataFrame, cutoff: int, width: int = 560) -> alt.LayerChart:
    """Share of each region's commits by UTC hour, with the clock rule's cut-off."""
    regions = [r for r in REGION_COLOURS if r in set(profile["region"])]
    bars = alt.Chart(profile).mark_line(point=True).encode(
        x=alt.X("hour:O", title="hour of the commit (UTC)"),
        y=alt.Y("share:Q", title="share of the region's commits", axis=alt.Axis(format="%")),
        color=alt.Color("region:N", title="Region (time zone)", scale=_scale(REGION_COLOURS, regions)),
        tooltip=["region:N", "hour:O", alt.Tooltip("share:Q", format=".1%")],
    )
    rule = alt.Chart(pd.DataFrame({"hour": [cutoff]})).mark_rule(
        color=PALETTE["black"], strokeDash=[4, 3]).encode(x="hour:O")
    return alt.layer(bars, rule).properties(width=width, height=220)


def _walk(spec: dict, marks: set[str], channels: dict[str, str]) -> None:
    mark = spec.get("mark")
    if mark:
        marks.add(mark if isinstance(mark, str) else mark.get("type", ""))
    for channel, enc in (spec.get("encoding") or {}).items():
        wanted = channel in ("x", "y", "color", "fill", "facet") and channel not in channels
        if isinstance(enc, dict) and wanted:
            title = enc.get("title") or enc.get("field")
            if isinstance(title, str) and title:
                channels[channel] = title
    for key in ("layer", "vconcat", "hconcat", "concat"):
        for sub in spec.get(key, []):
            _walk(sub, marks, channels)
    if "spec" in spec:
        _walk(spec["spec"], marks, channels)
    facet = spec.get("facet")
    if isinstance(facet, dict) and "facet" not in channels:
        channels["facet"] = facet.get("title") or facet.get("field") or "panels"


def describe(chart: alt.TopLevelMixin) -> str:
    """A text alternative generated from the chart's content: marks, axes, colour and panels."""
    spec = chart.to_dict(validate=False)
    marks: set[str] = set()
    channels: dict[str, str] = {}
    _walk(spec, marks, channels)
    parts = [f"Chart ({', '.join(sorted(m for m in marks if m)) or 'graphic'} marks)"]
    if "y" in channels or "x" in channels:
        parts.append(f"showing {channels.get('y', 'values')} against {channels.get('x', 'categories')}")
    for channel, word in (("color", "coloured by"), ("fill", "filled by"), ("facet", "in panels by")):
        if channel in channels:
            parts.append(f"{word} {channels[channel]}")
    return ", ".join(parts) + "."


def with_description(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """The chart with a `description` (its accessible name), generated when it has none."""
    if getattr(chart, "description", alt.Undefined) is alt.Undefined:
        return chart.properties(description=describe(chart))
    return chart
