"""The robustness chapter's explorer in headless Chromium with the network cut: changing two menus
moves the ring and the shown estimate to the chosen specification's."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from helpers import REPO
from test_browser import NO_NETWORK, browser

from chipshock import charts
from chipshock.chapters.robustness import curve as rc
from chipshock.chapters.robustness import exhibits as rx
from chipshock.chapters.robustness import parameters as rbp
from chipshock.data import curated
from chipshock.data.build import load
from chipshock.params import read_params_file
from chipshock.paths import Project

pytestmark = [pytest.mark.slow, pytest.mark.browser]

PAGE = """<!doctype html><html><head><meta charset="utf-8"><script src="{js}"></script></head>
<body><div id="vis"></div><pre id="out">pending</pre><script>
const shown = () => Array.from(document.querySelectorAll('#vis svg text')).map(t => t.textContent)
  .filter(s => s.startsWith('Estimate ') || s.startsWith('p = ')).join(' | ');
function choose(label, value) {{
  const box = Array.from(document.querySelectorAll('#vis .vega-bind'))
    .find(b => b.querySelector('.vega-bind-name').textContent.trim() === label);
  const select = box.querySelector('select');
  select.value = value;
  select.dispatchEvent(new Event('change'));
  select.dispatchEvent(new Event('input'));
}}
vegaEmbed('#vis', {spec}, {{renderer: 'svg', actions: false}}).then(async (r) => {{
  const before = shown();
  choose({label1}, {value1});
  choose({label2}, {value2});
  await r.view.runAsync();
  document.getElementById('out').textContent = JSON.stringify({{before, after: shown()}});
}}).catch(e => {{ document.getElementById('out').textContent = 'ERROR ' + e; }});
</script></body></html>
"""


def expected(row: pd.Series, n: int) -> str:
    """The readout as the chart's expression writes it (d3 formats, ASCII minus)."""
    return (f"Estimate {row['pct']:+.1%} (95% CI {row['pct_low']:+.1%} to {row['pct_high']:+.1%}) | "
            f"p = {row['p']:.3f}, N = {int(row['repositories']):d} repositories; "
            f"rank {int(row['rank']):,d} of {n:,d}")


def pick(curve: pd.DataFrame, spec: dict) -> pd.Series:
    rows = curve
    for k, v in spec.items():
        rows = rows[rows[k] == v]
    assert len(rows) == 1, spec
    return rows.iloc[0]


def test_changing_two_menus_shows_the_chosen_specification(tmp_path: Path) -> None:
    project = Project(REPO)
    p = rbp.PARAMS.resolve(read_params_file(REPO / "params/robustness-small.yml"))
    curve = rc.specification_curve(load(project, "commits"), load(project, "repositories"),
                                   curated.model_releases(project), p).table
    head = curve[curve["curve"] == "headline"]
    dims = [d for d in rc.DIMENSIONS if head[d].nunique() > 1]
    assert {"estimator", "shock_set"} <= set(dims)
    charts.use_book_style()
    default = rc.default_spec()
    spec = rx.curve_chart(head, dims, default).to_dict()
    chosen = {**default, "estimator": "ppml", "shock_set": "2022"}
    page = tmp_path / "explorer.html"
    menus = {f"label{k}": json.dumps(rx.CHOICE_WORDS[d]) for k, d in ((1, "estimator"), (2, "shock_set"))}
    menus |= {"value1": json.dumps(rx.value_label("estimator", "ppml")),
              "value2": json.dumps(rx.value_label("shock_set", "2022"))}
    js = (REPO / "_static/vega-offline.js").as_uri()
    page.write_text(PAGE.format(js=js, spec=json.dumps(spec), **menus), encoding="utf-8")
    cmd = [browser(), *NO_NETWORK, f"--user-data-dir={tmp_path / 'profile'}",
           "--allow-file-access-from-files",
           "--virtual-time-budget=15000", "--dump-dom", page.as_uri()]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=180, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = re.search(r'<pre id="out">(.*?)</pre>', proc.stdout, re.S)
    assert out and not out.group(1).startswith(("pending", "ERROR")), proc.stdout[-2000:]
    shown = json.loads(out.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    shown = {k: v.replace("\u2212", "-") for k, v in shown.items()}
    n = len(head)
    sub = {k: v for k, v in default.items() if k in dims}
    assert shown["before"] == expected(pick(head, sub), n)
    after = expected(pick(head, {k: chosen[k] for k in dims}), n)
    assert shown["after"] == after and shown["after"] != shown["before"]
