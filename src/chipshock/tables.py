"""The book's tables: one great_tables formatter for every glued DataFrame, and an audit of built pages.

`format_table(frame, columns)` returns a `Table` whose `_repr_html_` myst-nb glues. Each column has a
kind (how its cells read) and a label; both are inferred unless `columns` gives them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any, Literal, get_args

import great_tables as gt
import numpy as np
import pandas as pd
from bs4 import BeautifulSoup

from chipshock import numbers

Kind = Literal["coef", "se", "share", "pct", "count", "pvalue", "bool", "text", "date", "int"]
KINDS: tuple[str, ...] = get_args(Kind)
MISSING = "–"  # en dash for NaN / None / NaT
CSS_CLASS = "chipshock-table"  # the wrapper <div> of every table
# The rule for the book's stylesheet (great_tables' own inner <div> already has overflow-x: auto).
CSS = f".{CSS_CLASS} {{ overflow-x: auto; max-width: 100%; }}"
SIGFIG = 3
MAX_DECIMALS = numbers.MAX_DECIMALS  # the house rule: never five or more decimals
TINY = numbers.TINY  # coefficients smaller than this (and not 0) read as 1.23 × 10⁻⁴, not 0.000123

# Column names whose label is not the humanised name; extend or override per call with Col(label=...).
LABELS: dict[str, str] = {
    "n_before": "Documents before",
    "n_after": "Documents after",
    "n": "N",
    "coef": "Coefficient",
    "se": "Std. error",
    "ci_low": "95% CI, low",
    "ci_high": "95% CI, high",
    "p": "p-value",
    "pvalue": "p-value",
    "p_value": "p-value",
    "fisher_p": "Fisher's exact p",
    "per_10k_words_before": "Per 10,000 words, before",
    "per_10k_words_after": "Per 10,000 words, after",
}
# Words that keep their own capitals in a humanised label.
ACRONYMS: dict[str, str] = {
    "cn": "CN", "us": "US", "fr": "FR", "eu": "EU", "ci": "CI", "se": "SE", "hf": "HF", "gh": "GH",
    "did": "DiD", "twfe": "TWFE", "ols": "OLS", "id": "ID", "url": "URL", "ai": "AI", "llm": "LLM",
}

# great_tables paints white backgrounds, #333 text and grey rules; these let the page theme (light or
# dark) show through. An "inherit" background makes great_tables pass "inherit" to the text colour too.
_RULE = "currentcolor"
_HAIRLINE = "rgba(128, 128, 128, 0.35)"
_THEME_OPTIONS: dict[str, str] = {
    "table_background_color": "inherit",
    "row_striping_background_color": "inherit",
    "table_font_names": "inherit",
    "table_font_size": "inherit",
    "table_border_top_color": _RULE,
    "table_border_bottom_color": _RULE,
    "column_labels_border_bottom_color": _RULE,
    "table_body_border_bottom_color": _RULE,
    **{f"{name}_color": _HAIRLINE for name in (
        "table_border_left", "table_border_right", "heading_border_bottom", "heading_border_lr",
        "column_labels_vlines", "column_labels_border_top", "column_labels_border_lr",
        "row_group_border_top", "row_group_border_right", "row_group_border_bottom",
        "row_group_border_left", "table_body_hlines", "table_body_vlines", "table_body_border_top",
        "stub_border", "stub_row_group_border", "summary_row_border", "grand_summary_row_border",
        "source_notes_border_bottom", "source_notes_border_lr")},
}


@dataclass(frozen=True)
class Col:
    """How one column reads: its header (`label`, `unit` in brackets) and its `kind`.

    `words` are the (true, false) words of a bool column; `digits` overrides significant digits
    (coef, se) or decimals (share, pct, pvalue).
    """

    label: str | None = None
    kind: Kind | None = None
    unit: str | None = None
    words: tuple[str, str] = ("yes", "no")
    digits: int | None = None

    def __post_init__(self) -> None:
        if self.kind is not None and self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}; one of {', '.join(KINDS)}")


ColumnSpec = Col | str  # a str is a label


# ---------------------------------------------------------------------------------------------- labels


def humanise(name: str) -> str:
    """A header for a column name: known labels, else snake_case as "Sentence case" (acronyms kept)."""
    if name in LABELS:
        return LABELS[name]
    if not re.fullmatch(r"[a-z0-9_]+", name):
        return name  # already written for readers
    words = [w for w in name.split("_") if w]
    if len(words) > 1 and words[0] == "n":
        words = ["number", "of", *words[1:]]
    words = [ACRONYMS.get(w, w) for w in words]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


# ------------------------------------------------------------------------------------------- inference


def _tokens(name: str) -> list[str]:
    return [t for t in re.split(r"[\s_]+", name.lower()) if t]


def _kind_from_name(name: str) -> Kind | None:
    n, tokens = name.lower(), _tokens(name)
    if n in {"p", "pvalue", "p_value"} or n.endswith(("_p", " p", "p-value", "p_value", "pvalue")):
        return "pvalue"
    if "share" in tokens:
        return "share"
    if {"pct", "percent"} & set(tokens):
        return "pct"
    if n in {"se", "std_err", "stderr", "std_error"} or n.startswith("se_") or n.endswith("_se"):
        return "se"
    if n in {"coef", "estimate", "beta"} or n.startswith(("coef", "ci_")):
        return "coef"
    if n == "n" or n.startswith("n_") or n.endswith("_n") or {"count", "counts"} & set(tokens):
        return "count"
    if n in {"year", "id"} or n.endswith(("_year", "_id")):
        return "int"
    return None


def _is_dates(s: pd.Series) -> bool:
    values = s.dropna()
    return len(values) > 0 and all(isinstance(v, dt.date) for v in values)


def _is_bools(s: pd.Series) -> bool:
    values = s.dropna()
    return len(values) > 0 and all(isinstance(v, (bool, np.bool_)) for v in values)


def infer_kind(name: str, s: pd.Series) -> Kind:
    """The kind a column reads as, from its dtype and, for numbers, its name."""
    if pd.api.types.is_bool_dtype(s) or (s.dtype == object and _is_bools(s)):
        return "bool"
    if pd.api.types.is_datetime64_any_dtype(s) or (s.dtype == object and _is_dates(s)):
        return "date"
    if not pd.api.types.is_numeric_dtype(s):
        return "text"
    by_name = _kind_from_name(name)
    if by_name is not None:
        return by_name
    values = s.dropna()
    if pd.api.types.is_integer_dtype(s) or (len(values) and bool((values == values.round()).all())):
        return "count"
    return "coef"


# ------------------------------------------------------------------------------------------ the frame


def _is_empty(s: pd.Series) -> bool:
    blank = s.map(lambda v: isinstance(v, str) and not v.strip())
    return bool((s.isna() | blank).all())


def _flat(name: Any) -> str:
    return " ".join(str(p) for p in name if str(p)) if isinstance(name, tuple) else str(name)


def tidy(frame: pd.DataFrame | pd.Series) -> pd.DataFrame:
    """The frame as the table shows it: a meaningful index as leading column(s), string column
    names, no columns that are entirely empty."""
    df = frame.to_frame() if isinstance(frame, pd.Series) else frame.copy()
    trivial = df.index.nlevels == 1 and df.index.name is None and pd.api.types.is_integer_dtype(df.index)
    if not trivial:
        names = list(df.index.names)
        df.index.names = [n if n is not None else ("" if len(names) == 1 else f"level_{i}")
                          for i, n in enumerate(names)]
        df = df.reset_index()
    df.columns = [_flat(c) for c in df.columns]
    if df.columns.duplicated().any():
        raise ValueError(f"duplicate column names: {sorted(set(df.columns[df.columns.duplicated()]))}")
    return df[[c for c in df.columns if not _is_empty(df[c])]].reset_index(drop=True)


def resolve(df: pd.DataFrame, columns: Mapping[str, ColumnSpec] | None = None) -> dict[str, Col]:
    """A complete Col (label and kind) for every column of a tidy frame."""
    given = dict(columns or {})
    unknown = set(given) - set(df.columns)
    if unknown:
        raise KeyError(f"columns not in the table: {sorted(unknown)}")
    out = {}
    for name in df.columns:
        spec = given.get(name, Col())
        spec = Col(label=spec) if isinstance(spec, str) else spec
        label = spec.label if spec.label is not None else humanise(name)
        if spec.unit:
            label = f"{label} ({spec.unit})"
        out[name] = replace(spec, label=label, kind=spec.kind or infer_kind(name, df[name]))
    return out


# ------------------------------------------------------------------------------------ cell formatting


def _cells(fmt: Callable[[Any], str]) -> Callable[[Any], Any]:
    """A great_tables cell formatter from a `chipshock.numbers` one (missing values stay missing,
    for `sub_missing`; the text is escaped: great_tables writes it as HTML)."""
    return lambda x: x if numbers.is_missing(x) else html.escape(fmt(x), quote=False)


def _words(words: tuple[str, str]) -> Callable[[Any], Any]:
    yes, no = (html.escape(w) for w in words)
    return lambda x: x if pd.isna(x) else (yes if bool(x) else no)


def _number_format(kind: Kind, digits: int | None) -> Callable[[Any], str] | None:
    """The `chipshock.numbers` formatter of a numeric kind (the prose uses the same ones)."""
    formats: dict[str, Callable[[Any], str]] = {
        "coef": lambda x: numbers.significant(x, digits or SIGFIG),
        "se": lambda x: numbers.significant(x, digits or SIGFIG),
        "share": lambda x: numbers.percent(x, 1 if digits is None else digits),
        "pct": lambda x: numbers.number(x, 1 if digits is None else digits) + "%",
        "count": lambda x: numbers.number(x, 0),
        "int": lambda x: numbers.number(x, 0, thousands=False),
        "pvalue": lambda x: numbers.p_cell(x, 3 if digits is None else digits),
    }
    return formats.get(kind)


def _format_column(g: gt.GT, name: str, s: pd.Series, col: Col) -> gt.GT:
    fmt = _number_format(col.kind or "text", col.digits)
    if fmt is not None:
        return g.fmt(_cells(fmt), columns=name)
    if col.kind == "bool":
        return g.fmt(_words(col.words), columns=name)
    if col.kind == "date":
        return g.fmt_date(name, date_style="iso")
    return g


def _prepare(s: pd.Series, kind: Kind) -> pd.Series:
    """Values great_tables' formatter for `kind` accepts (numbers as float, dates as datetimes)."""
    if kind == "date":
        return pd.to_datetime(s, format="ISO8601")
    if kind in ("coef", "se", "share", "pct", "count", "int", "pvalue"):
        return pd.to_numeric(s, errors="coerce").astype(float)
    if kind == "bool":
        return s.astype(object).where(s.notna(), None)
    return s.astype(object).where(s.notna(), None).map(lambda v: v if v is None else str(v))


# ---------------------------------------------------------------------------------------------- table


def _table_id(df: pd.DataFrame, cols: Mapping[str, Col], caption: str | None, id: str | None) -> str:
    if id is not None:
        return "tbl-" + re.sub(r"[^A-Za-z0-9_-]+", "-", id)
    digest = hashlib.sha1(f"{df.to_csv()}{cols}{caption}".encode()).hexdigest()[:10]
    return f"tbl-{digest}"


def _scope_css(page: str, table_id: str) -> str:
    """great_tables 1.1.0 writes two rules unscoped (they would restyle every table on the page) and
    one invalid colour; scope and fix them."""
    page = page.replace(f"#{table_id} thead, tbody, tfoot, tr, td, th {{",
                        ", ".join(f"#{table_id} {t}" for t in ("thead", "tbody", "tfoot", "tr", "td", "th"))
                        + " {", 1)
    page = page.replace("\n tr { background-color: transparent; }", f"\n #{table_id} tr {{ background-color:"
                        " transparent; }", 1)
    return re.sub(r"color: font-color\([^)]*\);", "color: inherit;", page)


class Table:
    """A formatted table: `.gt` is the great_tables object, `.html` what the page shows."""

    def __init__(self, frame: pd.DataFrame, cols: dict[str, Col], gt_table: gt.GT, table_id: str) -> None:
        self.frame, self.cols, self.gt, self.id = frame, cols, gt_table, table_id

    @cached_property
    def html(self) -> str:
        raw = self.gt.as_raw_html(make_page=False, inline_css=False)
        return f'<div class="{CSS_CLASS}">\n{_scope_css(raw, self.id)}\n</div>'

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        shown = self.frame.astype(object).where(self.frame.notna(), MISSING)
        return shown.rename(columns={n: c.label for n, c in self.cols.items()}).to_string(index=False)


def format_table(
    frame: pd.DataFrame | pd.Series | Table,
    columns: Mapping[str, ColumnSpec] | None = None,
    *,
    caption: str | None = None,
    id: str | None = None,
    notes: str | list[str] | None = None,
) -> Table:
    """The book's table for `frame`. `columns` maps column names (index names too) to a `Col` or a
    label; unnamed columns are inferred. `id` (use the glue name) fixes the HTML ids; without it they
    are derived from the content, so repeated runs give identical HTML either way. A table that is
    already formatted comes back as it is."""
    if isinstance(frame, Table):
        return frame
    df = tidy(frame)
    cols = resolve(df, columns)
    data = pd.DataFrame({n: _prepare(df[n], c.kind or "text") for n, c in cols.items()})
    table_id = _table_id(df, cols, caption, id)
    g = gt.GT(data, id=table_id, auto_align=False)
    for name, col in cols.items():
        g = _format_column(g, name, data[name], col)
        g = g.cols_align("left" if col.kind in ("text", "bool") else "right", columns=name)
    g = g.cols_label(cases={n: c.label or n for n, c in cols.items()}) if cols else g
    g = g.sub_missing(missing_text=MISSING).tab_options(**_THEME_OPTIONS)
    if caption:
        g = g.tab_header(title=caption)
    for note in [notes] if isinstance(notes, str) else notes or []:
        g = g.tab_source_note(note)
    return Table(df, cols, g, table_id)


# ---------------------------------------------------------------------------------------------- audit

_MANY_DECIMALS = re.compile(r"(?<![\w.])[−-]?\d[\d,]*\.\d{5,}(?![\d.eE])")
_SCIENTIFIC = re.compile(r"(?<![\w.])[−-]?\d+(?:\.\d+)?[eE][+−-]?\d+(?![\w.])")
_SNAKE = re.compile(r"[a-z0-9]+(?:_[a-z0-9]+)+")


def _header_row(table: Any) -> list[str]:
    """The column headers; where the head has several rows (pandas adds an index-name row), the
    lowest non-empty text of each column."""
    head = table.find("thead")
    rows = [[c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])]
            for tr in (head.find_all("tr") if head else [])]
    width = max(map(len, rows), default=0)
    return [next((r[i] for r in reversed(rows) if i < len(r) and r[i]), "") for i in range(width)]


def _cell_problems(text: str) -> list[str]:
    problems = [f"{m.group()!r} has five or more decimals" for m in _MANY_DECIMALS.finditer(text)]
    problems += [f"{m.group()!r} is in scientific notation (p-values read 0.003 or <0.001)"
                 for m in _SCIENTIFIC.finditer(text)]
    if text in ("True", "False"):
        problems.append(f"{text!r} should be a word such as yes/no")
    return problems


def _table_problems(table: Any, where: str) -> list[str]:
    problems = []
    head = table.find("thead")
    for th in head.find_all("th") if head else []:
        text = th.get_text(" ", strip=True)
        if _SNAKE.fullmatch(text):
            problems.append(f"{where}: header {text!r} is snake_case")
    headers = _header_row(table)
    body_rows = [tr for tr in table.find_all("tr") if not (head and tr.find_parent("thead") is head)]
    for r, tr in enumerate(body_rows, start=1):
        for c, cell in enumerate(tr.find_all(["td", "th"])):
            column = headers[c] if c < len(headers) else str(c + 1)
            code = cell.find("code")
            if code is not None and code.get_text(strip=True) == cell.get_text(strip=True):
                continue  # an identifier in code font (a hash, a parameter name) is not a number
            problems += [f"{where}, row {r}, column {column!r}: {p}"
                         for p in _cell_problems(cell.get_text(" ", strip=True))]
    return problems


def audit_html(page: str) -> list[str]:
    """Where the tables of a built page break the house rules (many decimals, scientific notation,
    True/False cells, snake_case headers), one readable line each."""
    soup = BeautifulSoup(page, "html.parser")
    problems = []
    for i, table in enumerate(soup.find_all("table"), start=1):
        box = table.find_parent(id=True)
        where = f"table {i}" + (f" (#{box['id']})" if box else "")
        problems += _table_problems(table, where)
    return problems


_HYPHEN_MINUS = re.compile(r"(?<![\w.\-])-(?=\.?\d)")


def _glued_problems(text: str) -> list[str]:
    problems = _cell_problems(text)
    if _HYPHEN_MINUS.search(text):
        problems.append(f"{text!r} writes minus as a hyphen (U+2212 is the minus sign)")
    return problems


def audit_glued(page: str) -> list[str]:
    """Where the glued numbers of a built page's prose (myst-nb's `span.pasted-text`, outside
    tables) break the house rules: a hyphen for minus, five or more decimals, scientific notation,
    True/False. One readable line each."""
    soup = BeautifulSoup(page, "html.parser")
    problems = []
    for span in soup.select("span.pasted-text"):
        if span.find_parent("table") is not None:
            continue
        text = span.get_text(" ", strip=True)
        problems += [f"glued text: {p}" for p in _glued_problems(text)]
    return problems
