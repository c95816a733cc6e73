"""Numbered exhibits: the {exhibit} directive in a small Sphinx project, chapter numbering, the
glued exhibit data, the page converter and the Figures and tables page's numbers."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup

from chipshock.pipeline import exhibits, provenance

OLD_PAGE = """# Robustness

(fig-robustness-curve)=
```{glue} curve_chart
:doc: ../computation/robustness.ipynb
```

```{container} chipshock-caption
**Figure (simulated data).** The curve. {ref}`Made here. <code-robustness-curve_chart>`
```
"""


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


def test_old_figures_convert_to_exhibits_and_both_are_listed() -> None:
    new = provenance.convert_exhibits(OLD_PAGE)
    head = "```{exhibit} curve_chart\n:doc: ../computation/robustness.ipynb\n:name: fig-robustness-curve\n\n"
    assert head in new
    assert "**(simulated data)** The curve. {ref}`Made here." in new and "chipshock-caption" not in new
    assert provenance.convert_exhibits(new) == new
    old_items, new_items = provenance.items(OLD_PAGE, "robustness"), provenance.items(new, "robustness")
    assert [(i.label, i.kind, i.numbered) for i in old_items] == [("fig-robustness-curve", "Figure", False)]
    assert [(i.label, i.kind, i.numbered) for i in new_items] == [("fig-robustness-curve", "Figure", True)]
    assert new_items[0].caption.startswith("**(simulated data)** The curve.")


def test_made_here_links_are_added_to_exhibits() -> None:
    page = "```{exhibit} k\n:doc: ../computation/robustness.ipynb\n:name: tab-robustness-k\n\nCaption.\n```\n"
    linked = provenance.link_captions(page, "robustness")
    assert "Caption. {ref}`Made here. <code-robustness-k>`\n```" in linked
    assert provenance.link_captions(linked, "robustness") == linked
