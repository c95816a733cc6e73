"""Glue helpers: the data behind each exhibit, the parameters table, no stray outputs."""

from __future__ import annotations

from html import unescape

import altair as alt
import pandas as pd

from chipshock import gluing
from chipshock.measures.vocabulary import CODE_LABELS, GEO_PROXIES, UNITS, label
from chipshock.params import Param, ParamSpec
from chipshock.tables import format_table, tidy

FRAME = pd.DataFrame({"region": ["CN", "US"], "commits": [3, 4]})


def test_exhibit_data_is_what_the_table_or_chart_shows() -> None:
    table = format_table(FRAME.set_index("region"))
    pd.testing.assert_frame_equal(gluing.exhibit_data(table), FRAME)
    pd.testing.assert_frame_equal(gluing.exhibit_data(FRAME.set_index("region")), FRAME)
    bars = alt.Chart(FRAME).mark_bar().encode(x="commits:Q", y="region:N")
    rule = alt.Chart(pd.DataFrame({"x": [1]})).mark_rule().encode(x="x:Q")
    pd.testing.assert_frame_equal(gluing.exhibit_data(alt.layer(bars, rule)), FRAME)
    other = pd.DataFrame({"a": [1]})
    pd.testing.assert_frame_equal(gluing.exhibit_data(bars, data=other), tidy(other))
    assert gluing.exhibit_data(3.5) is None and gluing.chart_data(alt.Chart().mark_bar()) is None


SPEC = ParamSpec(params=(
    Param("geo_proxy", "str", "tz", "how a commit's region is inferred: " + "a long help text " * 6,
          choices=GEO_PROXIES),
    Param("exclude_release_weeks", "bool", False, "drop release weeks"),
    Param("units", "list[str]", list(UNITS), "counting units", choices=UNITS),
))


def test_params_table_shows_whole_help_text_words_and_code_font() -> None:
    values = SPEC.to_plain(SPEC.resolve({"exclude_release_weeks": True, "units": ["merged"]}))
    frame = gluing.params_frame(SPEC, values)
    assert list(frame["value"]) == ["tz", "yes", "merged"]
    assert list(frame["default"]) == ["yes", "no (no)", "no (work, merged)"]
    html = gluing.params_table(SPEC, values).html
    assert SPEC.params[0].help.strip() in unescape(html) and "…" not in html
    assert "<code>exclude_release_weeks</code>" in html and ">True<" not in html
    assert 'id="tbl-params_table"' in html


def test_a_glue_on_a_cells_last_line_shows_the_reader_nothing() -> None:
    """In IPython, a cell ending in glue() has no result and no visible output: only the glue
    records the book reads (a displayed table is the one output shown)."""
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    shell = InteractiveShell.instance()
    shell.push({"glue": gluing.glue, "FRAME": FRAME, "format_table": format_table})

    def run(cell: str) -> tuple[object, str, list[set[str]]]:
        with capture_output() as cap:
            result = shell.run_cell(cell)
        result.raise_error()
        return result.result, cap.stdout, [set(o.data) for o in cap.outputs]

    value, out, _ = run("1 + 1")
    assert value == 2 and "2" in out  # a value on the last line is shown: glue() must return none
    record = "application/papermill.record/text/plain"
    assert run("glue('n', 3)") == (None, "", [{record}])
    assert run("glue('t', FRAME, display=False)") == (None, "", [{"application/papermill.record/text/html",
                                                                   "application/papermill.record/text/plain"}])
    result, out, shown = run("glue('tab', format_table(FRAME.set_index('region')), display=True)")
    assert result is None and out == "" and "text/html" in shown[0] and shown[1] == {record}  # and its CSV


def test_every_code_has_a_readers_label() -> None:
    for code in (*GEO_PROXIES, *UNITS, "ols_level", "ppml", "ABC", "2023-2024", "active_authors"):
        assert code in CODE_LABELS and label(code) != code
    assert label("tz") == "time-zone offset" and label("unlisted") == "unlisted"
