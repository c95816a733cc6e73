"""The table formatter (great_tables) and the audit of tables in built pages."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from bs4 import BeautifulSoup

from chipshock import tables
from chipshock.tables import Col, audit_html, format_table, humanise, infer_kind


def cells(table: tables.Table, column: str) -> list[str]:
    """The shown text of one column's body cells."""
    soup = BeautifulSoup(table.html, "html.parser")
    return [td.get_text() for td in soup.select(f'tbody td[headers="{table.id}-{column}"]')]


def headers(table: tables.Table) -> list[str]:
    return [th.get_text() for th in BeautifulSoup(table.html, "html.parser").select("thead th")]


def align(table: tables.Table, column: str) -> set[str]:
    soup = BeautifulSoup(table.html, "html.parser")
    return {c for td in soup.select(f'tbody td[headers="{table.id}-{column}"]') for c in td["class"]
            if c in ("gt_left", "gt_right", "gt_center")}


# ------------------------------------------------------------------------------------------------ kinds


def test_coef_has_three_significant_digits_and_a_true_minus() -> None:
    t = format_table(pd.DataFrame({"coef": [-0.012345, 1.23456, 0.5, 0.0, 1234.5678]}))
    assert cells(t, "coef") == ["−0.0123", "1.23", "0.500", "0.00", "1,230"]


def test_small_coef_never_has_five_decimals() -> None:
    t = format_table(pd.DataFrame({"coef": [0.00123456, -0.0099, 0.000123, -2.5e-6]}))
    assert cells(t, "coef") == ["0.0012", "−0.0099", "1.23 × 10⁻⁴", "−2.50 × 10⁻⁶"]


def test_se_has_three_significant_digits() -> None:
    assert cells(format_table(pd.DataFrame({"se": [0.0456789, 12.3456]})), "se") == ["0.0457", "12.3"]


def test_share_and_pct_read_as_percent() -> None:
    t = format_table(pd.DataFrame({"x": [0.2412, -0.05], "y": [24.12, 5.0]}),
                     {"x": Col(kind="share"), "y": Col(kind="pct")})
    assert cells(t, "x") == ["24.1%", "−5.0%"]
    assert cells(t, "y") == ["24.1%", "5.0%"]


def test_count_has_separators_even_as_float() -> None:
    t = format_table(pd.DataFrame({"n_docs": [183083279.0, 3.0]}))
    assert cells(t, "n_docs") == ["183,083,279", "3"]


def test_int_has_no_separators() -> None:
    assert cells(format_table(pd.DataFrame({"year": [2024, 2025]})), "year") == ["2024", "2025"]


def test_pvalue_never_scientific() -> None:
    t = format_table(pd.DataFrame({"p": [0.0034, 1.5e-07, 0.001, 0.5]}))
    assert cells(t, "p") == ["0.003", "<0.001", "0.001", "0.500"]


def test_bool_as_words() -> None:
    frame = pd.DataFrame({"a": [True, False], "b": [True, False]})
    t = format_table(frame, {"b": Col(kind="bool", words=("flagged", "not flagged"))})
    assert cells(t, "a") == ["yes", "no"]
    assert cells(t, "b") == ["flagged", "not flagged"]


def test_dates_are_iso() -> None:
    frame = pd.DataFrame({"when": [dt.date(2024, 1, 2), dt.date(2025, 3, 4)],
                          "at": pd.to_datetime(["2024-05-06 13:00", "2020-01-01"], format="ISO8601"),
                          "date": ["2024-01-02", "2024-02-03"]})
    t = format_table(frame, {"date": Col(kind="date")})
    assert cells(t, "when") == ["2024-01-02", "2025-03-04"]
    assert cells(t, "at") == ["2024-05-06", "2020-01-01"]
    assert cells(t, "date") == ["2024-01-02", "2024-02-03"]


def test_text_is_left_aligned_and_escaped_numbers_right() -> None:
    t = format_table(pd.DataFrame({"name": ["<b>x</b>", "y"], "coef": [1.0, 2.5]}))
    assert align(t, "name") == {"gt_left"}
    assert align(t, "coef") == {"gt_right"}
    assert "<b>x</b>" not in t.html and "&lt;b&gt;x&lt;/b&gt;" in t.html


def test_missing_values_are_an_en_dash() -> None:
    frame = pd.DataFrame({"coef": [np.nan, 1.0], "name": [None, "a"], "flag": pd.array([pd.NA, True]),
                          "when": [pd.NaT, pd.Timestamp("2024-01-02")], "p": [np.nan, 0.2]})
    t = format_table(frame, {"flag": Col(kind="bool")})
    assert [cells(t, c)[0] for c in frame.columns] == ["–"] * 5


def test_unit_and_label() -> None:
    t = format_table(pd.DataFrame({"w": [1.0], "v": [2.0]}), {"w": Col("Weight", unit="kg"), "v": "Volume"})
    assert headers(t) == ["Weight (kg)", "Volume"]


def test_unknown_kind_and_column_are_errors() -> None:
    with pytest.raises(ValueError, match="unknown column kind"):
        Col(kind="money")  # type: ignore[arg-type]
    with pytest.raises(KeyError, match="not in the table"):
        format_table(pd.DataFrame({"a": [1]}), {"b": "B"})


# -------------------------------------------------------------------------------------------- inference


@pytest.mark.parametrize(("name", "values", "kind"), [
    ("p", [0.1], "pvalue"), ("fisher_p", [0.1], "pvalue"), ("pre-trend F test p-value", [0.1], "pvalue"),
    ("share_before", [0.1], "share"), ("share", [0.1], "share"), ("cn_share", [0.1], "share"),
    ("pct_open", [12.5], "pct"), ("se", [0.1], "se"),
    ("n_before", [3.0], "count"), ("commits", [3, 4], "count"), ("downloads", [3.0, np.nan], "count"),
    ("year", [2024], "int"), ("coef", [0.12], "coef"), ("coef", [1.0, 2.0], "coef"),
    ("ci_low", [-1.0], "coef"),
    ("release_count", [3.0], "count"), ("country", [1.5], "coef"), ("x", [1.0, 2.0], "count"),
    ("flag", [True, False], "bool"), ("name", ["a"], "text"), ("when", [dt.date(2024, 1, 1)], "date"),
])
def test_infer_kind(name: str, values: list, kind: str) -> None:
    assert infer_kind(name, pd.Series(values)) == kind


def test_infer_kind_from_dtypes() -> None:
    assert infer_kind("x", pd.Series([1, None], dtype="Int64")) == "count"
    assert infer_kind("x", pd.Series([True, None], dtype="boolean")) == "bool"
    assert infer_kind("x", pd.Series(pd.to_datetime(["2024-01-01"]))) == "date"
    assert infer_kind("x", pd.Series(["a"], dtype="category")) == "text"


@pytest.mark.parametrize(("name", "label"), [
    ("n_before", "Documents before"), ("ci_low", "95% CI, low"), ("ci_high", "95% CI, high"),
    ("share_before", "Share before"), ("cn_share_after", "CN share after"), ("n_events", "Number of events"),
    ("jurisdiction", "Jurisdiction"), ("pre-trend F test p-value", "pre-trend F test p-value"), ("", ""),
])
def test_humanise(name: str, label: str) -> None:
    assert humanise(name) == label


def test_known_labels_can_be_overridden(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(tables.LABELS, "n_before", "Repositories before")
    frame = pd.DataFrame({"n_before": [1], "n_after": [2]})
    assert headers(format_table(frame)) == ["Repositories before", "Documents after"]
    assert headers(format_table(frame, {"n_before": "Models before"})) == ["Models before", "Documents after"]


# ----------------------------------------------------------------------------------------------- shape


def test_empty_columns_are_dropped() -> None:
    frame = pd.DataFrame({"a": [1, 2], "nan": [np.nan, np.nan], "none": [None, None], "blank": ["", " "]})
    assert list(format_table(frame).frame.columns) == ["a"]


def test_meaningful_index_becomes_a_column_and_row_numbers_go() -> None:
    named = pd.DataFrame({"coef": [0.1]}, index=pd.Index(["china × post"], name="term"))
    assert headers(format_table(named)) == ["Term", "Coefficient"]
    unnamed = pd.DataFrame({"coef": [0.1]}, index=["china × post"])
    assert headers(format_table(unnamed)) == ["", "Coefficient"]
    numbered = pd.DataFrame({"coef": [0.1, 0.2]}, index=[7, 3])
    assert headers(format_table(numbered)) == ["Coefficient"]
    multi = pd.DataFrame({"n": [1]}, index=pd.MultiIndex.from_tuples([("2024-01-01", "CN")],
                                                                       names=["date", "jurisdiction"]))
    assert headers(format_table(multi)) == ["Date", "Jurisdiction", "N"]


def test_series_and_pivoted_columns() -> None:
    wide = pd.DataFrame({"origin": ["CN", "US"], "epoch": ["a", "a"], "share": [0.1, 0.2]}).pivot(
        index="origin", columns="epoch", values="share")
    t = format_table(wide)
    assert headers(t) == ["Origin", "A"]
    assert "epoch" not in t.html.split("<tbody")[0].split("</style>")[1]
    assert headers(format_table(pd.Series([0.5], name="fisher_p"))) == ["Fisher's exact p"]


def test_caption_and_notes() -> None:
    t = format_table(pd.DataFrame({"a": [1]}), caption="Releases by origin", notes=["Source: HF.", "Two."])
    text = BeautifulSoup(t.html, "html.parser").get_text()
    assert "Releases by origin" in text and "Source: HF." in text and "Two." in text


# ------------------------------------------------------------------------------ page: box, theme, ids


def sample() -> pd.DataFrame:
    return pd.DataFrame({"dictionary": ["open_source", "security"], "share_before": [0.2412, np.nan],
                         "fisher_p": [1.5e-7, 0.0456], "n_before": [183083279.0, 12.0],
                         "flag": [True, False]}).set_index("dictionary")


def test_wrapped_in_a_scrolling_box() -> None:
    t = format_table(sample(), id="themes_table")
    soup = BeautifulSoup(t.html, "html.parser")
    outer = soup.find("div")
    assert outer["class"] == [tables.CSS_CLASS]
    assert "overflow-x:auto" in outer.find("div", id="tbl-themes_table")["style"]
    assert t._repr_html_() == t.html
    assert "overflow-x: auto" in tables.CSS


def test_no_fixed_colours_or_fonts_from_the_theme() -> None:
    css = format_table(sample(), caption="c", notes="n").html.split("</style>")[0]
    backgrounds = set(re.findall(r"background-color:\s*([^;]+);", css))
    assert backgrounds <= {"inherit", "transparent"}
    assert set(re.findall(r"(?<![-\w])color:\s*([^;]+);", css)) == {"inherit"}
    assert not re.search(r"\b(white|black)\b|#F4F4F4|#FFFFFF|#333333", css, re.I)
    assert re.findall(r"font-family:\s*([^;]+);", css) == ["inherit"]


def test_styles_are_scoped_to_the_table() -> None:
    t = format_table(sample(), id="x")
    css = t.html.split("<style>")[1].split("</style>")[0]
    selectors = [s.strip() for rule in re.findall(r"([^{}]+)\{", css) for s in rule.split(",")]
    assert selectors and all(s.startswith("#tbl-x") for s in selectors), selectors


def test_no_network_references() -> None:
    page = format_table(sample(), caption="c").html
    assert not re.search(r"@import|googleapis|https?://|//fonts\.|url\(", page)
    assert "<script" not in page and "<link" not in page


def test_deterministic_html() -> None:
    first = format_table(sample(), caption="c").html
    assert format_table(sample(), caption="c").html == first
    assert format_table(sample(), caption="d").html != first
    code = ("import numpy as np, pandas as pd; from chipshock.tables import format_table; "
            "f = pd.DataFrame({'dictionary': ['open_source', 'security'], 'share_before': [0.2412, np.nan], "
            "'fisher_p': [1.5e-7, 0.0456], 'n_before': [183083279.0, 12.0], 'flag': [True, False]})"
            ".set_index('dictionary'); print(format_table(f, caption='c').html, end='')")
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert other == first


def test_given_id_is_used_for_all_ids() -> None:
    soup = BeautifulSoup(format_table(sample(), id="did table").html, "html.parser")
    ids = [e["id"] for e in soup.find_all(id=True)]
    assert ids and all(i.startswith("tbl-did-table") for i in ids)


def test_plain_text_fallback_has_labels() -> None:
    text = repr(format_table(sample()))
    assert "Share before" in text and "–" in text


# ------------------------------------------------------------------------------------------------ audit


def page(header: str, cell: str) -> str:
    return f"<table><thead><tr><th>{header}</th></tr></thead><tbody><tr><td>{cell}</td></tr></tbody></table>"


@pytest.mark.parametrize(("bad", "good", "says"), [
    (page("Coefficient", "0.123456"), page("Coefficient", "0.123"), "five or more decimals"),
    (page("Coefficient", "−12.00000"), page("Coefficient", "12,345.1234"), "five or more decimals"),
    (page("p-value", "1.5e-07"), page("p-value", "<0.001"), "scientific notation"),
    (page("p-value", "4.56E+02"), page("Release", "gpt-4e"), "scientific notation"),
    (page("Flag", "True"), page("Flag", "yes"), "yes/no"),
    (page("Flag", "False"), page("Flag", "Trueish"), "yes/no"),
    (page("share_before", "1"), page("Share before", "1"), "snake_case"),
    (page("fisher_p", "1"), page("pre-trend F test p-value", "1"), "snake_case"),
])
def test_audit_rule(bad: str, good: str, says: str) -> None:
    problems = audit_html(bad)
    assert len(problems) == 1 and says in problems[0], problems
    assert audit_html(good) == []


def test_audit_names_table_row_and_column() -> None:
    html = ('<div id="sec"><table><thead><tr><th></th><th>p</th></tr><tr><th>term</th><th></th></tr></thead>'
            "<tbody><tr><th>a</th><td>0.5</td></tr><tr><th>b</th><td>1.5e-07</td></tr></tbody></table></div>")
    assert audit_html(html) == ["table 1 (#sec), row 2, column 'p': '1.5e-07' is in scientific notation"
                                " (p-values read 0.003 or <0.001)"]


def test_audit_catches_a_raw_dataframe_dump() -> None:
    problems = audit_html(sample().to_html())
    assert any("snake_case" in p for p in problems)
    assert any("scientific" in p for p in problems)
    assert any("yes/no" in p for p in problems)


def test_formatted_tables_pass_the_audit() -> None:
    ba = pd.DataFrame({"coef": [0.0123456, -1.5], "se": [0.00123456, 0.2], "ci_low": [-0.1, -2.0],
                       "ci_high": [0.2, -1.0], "p": [1.5e-07, 0.5]}, index=["did", "china × post"])
    for frame in (sample(), ba):
        assert audit_html(format_table(frame, caption="c", notes="n").html) == []


def test_formatting_a_formatted_table_returns_it() -> None:
    table = format_table(pd.DataFrame({"coef": [1.23456]}), id="x")
    assert format_table(table) is table


def test_the_audit_reads_code_font_cells_as_identifiers_not_numbers() -> None:
    from chipshock.tables import audit_html

    page = "<table><thead><tr><th>key</th><th>p</th></tr></thead><tbody>" \
           "<tr><td><code>2504301e0606</code></td><td>2504301e0606</td></tr></tbody></table>"
    problems = audit_html(page)
    assert len(problems) == 1 and "column 'p'" in problems[0]  # the hash in code font passes
