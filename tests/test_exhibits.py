"""Numbered exhibits: the {exhibit} directive in a small Sphinx project, chapter numbering, the
glued exhibit data and the Figures and tables page's numbers."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup

from chipshock.pipeline import exhibits, provenance


def test_kind_comes_from_the_label_prefix() -> None:
    assert exhibits.kind_of("fig-robustness-curve") == "figure"
    assert exhibits.kind_of("tab-robustness-placebo") == "table"
    with pytest.raises(ValueError, match="must start with 'fig-'"):
        exhibits.kind_of("robustness-curve")


def test_figures_and_tables_are_numbered_within_their_chapter() -> None:
    env = SimpleNamespace(toc_fignumbers={
        "book/robustness": {"figure": {"b": (9,), "a": (7,)}, "table": {"t": (4,)}},
        "book/background": {"figure": {"x": (1,)}},
        "book/howto": {"figure": {"h": (3,)}},
    })
    changed = exhibits.number_by_chapter(None, env)  # type: ignore[arg-type]
    numbers = exhibits.chapter_numbers()
    rb, bg = numbers["book/robustness"], numbers["book/background"]
    assert env.toc_fignumbers["book/robustness"] == {"figure": {"a": (rb, 1), "b": (rb, 2)},
                                                     "table": {"t": (rb, 1)}}
    assert env.toc_fignumbers["book/background"] == {"figure": {"x": (bg, 1)}}
    assert env.toc_fignumbers["book/howto"] == {"figure": {"h": (3,)}}  # not a chapter: untouched
    assert changed == ["book/background", "book/robustness"]
    assert exhibits.number_by_chapter(None, env) == []  # type: ignore[arg-type]


def _output(name: str, data: dict, display: bool) -> dict:
    prefix = "" if display else "application/papermill.record/"
    return {"output_type": "display_data", "data": {prefix + k: v for k, v in data.items()},
            "metadata": {"scrapbook": {"name": name, "mime_prefix": prefix}}}


def notebook(path: Path, csv: str | None) -> None:
    outputs = [_output("curve_chart", {"text/html": "<p>the chart</p>", "text/plain": "chart"}, True),
               _output("by_choice", {"text/html": "<table><tr><td>1</td></tr></table>",
                                     "text/plain": "table"}, True),
               _output("n_specs", {"text/plain": "1296"}, False)]
    if csv is not None:
        outputs.append(_output("curve_chart__data", {"text/plain": repr(csv)}, False))
    meta = {"kernelspec": {"name": "python3", "display_name": "Python 3"},
            "language_info": {"name": "python", "pygments_lexer": "ipython3"}}
    nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": meta,
          "cells": [{"cell_type": "markdown", "id": "t", "metadata": {}, "source": "# Computation"},
                    {"cell_type": "code", "id": "c", "metadata": {}, "execution_count": 1,
                     "source": "glue()", "outputs": outputs}]}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb), encoding="utf-8")


def test_glued_data_is_read_back_from_the_notebook(tmp_path: Path) -> None:
    notebook(tmp_path / "nb.ipynb", "a,b\n1,2\n")
    assert exhibits.glued_data(tmp_path / "nb.ipynb", "curve_chart") == "a,b\n1,2\n"
    assert exhibits.glued_data(tmp_path / "nb.ipynb", "by_choice") is None
    assert exhibits.glued_data(tmp_path / "missing.ipynb", "curve_chart") is None


PAGE = """# Robustness

See {numref}`fig-robustness-curve` and {numref}`tab-robustness-by-choice`.

```{exhibit} curve_chart
:doc: ../computation/robustness.ipynb
:name: fig-robustness-curve

The curve.
```

```{exhibit} by_choice
:doc: ../computation/robustness.ipynb
:name: tab-robustness-by-choice

The shares.
```
"""
CONF = """extensions = ["myst_nb", "chipshock.pipeline.exhibits"]
nb_execution_mode = "off"
exclude_patterns = ["_build"]
"""


def sphinx(src: Path, page: str) -> subprocess.CompletedProcess[str]:
    (src / "conf.py").write_text(CONF, encoding="utf-8")
    (src / "index.md").write_text("# Book\n\n```{toctree}\nbook/robustness\ncomputation/robustness\n```\n")
    (src / "book").mkdir(exist_ok=True)
    (src / "book/robustness.md").write_text(page, encoding="utf-8")
    return subprocess.run([sys.executable, "-m", "sphinx", "-W", "-n", "-q", "-b", "html", str(src),
                           str(src / "_build/html")], capture_output=True, text=True, check=False)


def test_exhibits_are_numbered_captioned_and_link_their_data(tmp_path: Path) -> None:
    notebook(tmp_path / "computation/robustness.ipynb", "t,spec\n-1.5,1\n2.5,2\n")
    proc = sphinx(tmp_path, PAGE)
    assert proc.returncode == 0, proc.stderr
    html = (tmp_path / "_build/html/book/robustness.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    n = exhibits.chapter_numbers()["book/robustness"]
    figure, table = soup.select("figure.chipshock-exhibit")
    assert figure.find("span", class_="caption-number").get_text(strip=True) == f"Figure {n}.1"
    assert table.find("span", class_="caption-number").get_text(strip=True) == f"Table {n}.1"
    assert figure.find("p").get_text() == "the chart" and table.find("td").get_text() == "1"
    assert next(c for c in table.children if c.name).name == "figcaption"  # a table's caption is on top
    assert next(c for c in figure.children if c.name).name != "figcaption"
    refs = [a.get_text() for a in soup.select("a.reference.internal span.std-numref")]
    assert refs == [f"Figure {n}.1", f"Table {n}.1"]
    link = figure.select_one("a.download")
    assert link is not None and link.get_text(strip=True) == "Data (CSV)"
    csv = (tmp_path / "_build/html/book" / link["href"]).resolve()
    assert csv.read_text(encoding="utf-8") == "t,spec\n-1.5,1\n2.5,2\n"
    assert table.select_one("a.download") is None  # no data glued for it: no link


def test_an_exhibit_with_a_bad_name_fails_the_build(tmp_path: Path) -> None:
    notebook(tmp_path / "computation/robustness.ipynb", None)
    proc = sphinx(tmp_path, PAGE.replace(":name: tab-robustness-by-choice", ":name: robustness-shares"))
    assert proc.returncode != 0 and "must start with 'fig-'" in proc.stderr


def test_the_figures_page_lists_each_exhibit_of_its_chapter() -> None:
    page = ("```{exhibit} curve_chart\n:doc: ../computation/robustness.ipynb\n:name: fig-robustness-curve\n\n"
            "**(simulated data)** The curve.\n  Second line.\n```\n\n"
            "```{exhibit} other\n:doc: ../computation/developers.ipynb\n:name: tab-developers-other\n\n"
            "Not here.\n```\n")
    found = provenance.items(page, "robustness")
    assert [(i.label, i.key, i.kind, i.caption) for i in found] == [
        ("fig-robustness-curve", "curve_chart", "Figure", "**(simulated data)** The curve. Second line.")]
    assert found[0].code_label == "code-robustness-curve_chart"
