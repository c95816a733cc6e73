"""Measure built pages in headless Chromium: one browser run loads every page in an iframe of a
given width (served over loopback HTTP, so the probe may read the frame) and reports, per page,
whether it scrolls sideways and the WCAG contrast of caption and table text in light and dark mode.
"""

from __future__ import annotations

import functools
import json
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
NO_NETWORK = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
    # nothing resolves or connects but the probe's own loopback server
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1", "--proxy-server=127.0.0.1:9",
    "--proxy-bypass-list=127.0.0.1",
]
PROBE = "/__chipshock_probe__.html"
AA = 4.5  # WCAG AA, normal text
MIN_FONT = 10  # px: the smallest chart text a reader must read, as drawn

# Text whose contrast is checked: exhibit captions, and every table cell in the content.
CHECKED = "figcaption, .bd-content td, .bd-content th"

_SCRIPT = r"""
const PAGES = %(pages)s, WIDTH = %(width)d, CHECKED = %(checked)s, MIN_FONT = %(min_font)s;
const sleep = ms => new Promise(r => setTimeout(r, ms));
function rgba(text) {
  const m = text.match(/rgba?\(([^)]+)\)/);
  if (!m) return null;
  const p = m[1].split(/[ ,\/]+/).filter(Boolean).map(parseFloat);
  return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
}
function over(fg, bg) {
  const a = fg.a;
  return {r: fg.r * a + bg.r * (1 - a), g: fg.g * a + bg.g * (1 - a), b: fg.b * a + bg.b * (1 - a), a: 1};
}
function lum(c) {
  const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
}
function background(win, el) {
  const layers = [];
  for (let e = el; e; e = e.parentElement) {
    const c = rgba(win.getComputedStyle(e).backgroundColor);
    if (c && c.a > 0) { layers.push(c); if (c.a >= 1) break; }
  }
  let bg = {r: 255, g: 255, b: 255, a: 1};
  for (let i = layers.length - 1; i >= 0; i--) bg = over(layers[i], bg);
  return bg;
}
function ownText(el) {
  return Array.from(el.childNodes).filter(n => n.nodeType === 3).map(n => n.textContent).join("").trim();
}
function contrast(win, doc) {
  const worst = [];
  for (const box of doc.querySelectorAll(CHECKED)) {
    for (const el of [box, ...box.querySelectorAll("*")]) {
      const text = ownText(el);
      if (!text || el.getClientRects().length === 0) continue;
      const style = win.getComputedStyle(el);
      if (style.visibility === "hidden" || parseFloat(style.opacity) === 0) continue;
      const bg = background(win, el), fg = over(rgba(style.color), bg);
      const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
      const ratio = (hi + 0.05) / (lo + 0.05);
      if (ratio < %(aa)s) worst.push({text: text.slice(0, 50), ratio: Math.round(ratio * 100) / 100,
                                     color: style.color, where: el.tagName + "." + el.className});
    }
  }
  return worst.slice(0, 5);
}
function scrolled(win, doc) {
  const root = doc.documentElement, view = root.clientWidth;
  const culprits = [];
  for (const el of doc.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    const spills = win.getComputedStyle(el).overflowX === "visible" && el.scrollWidth > el.clientWidth + 1;
    if ((r.right <= view + 1 && !spills) || r.width === 0) continue;
    let clipped = false;
    for (let e = el.parentElement; e && e !== doc.body; e = e.parentElement) {
      const o = win.getComputedStyle(e).overflowX;
      if (o !== "visible") { clipped = true; break; }
    }
    const name = el.tagName + "." + String(el.className).slice(0, 40);
    if (!clipped) culprits.push(name + " " + Math.round(Math.max(r.right, r.left + el.scrollWidth)));
  }
  return {scrollWidth: root.scrollWidth, viewport: view, culprits: culprits.slice(-5)};
}
function chartFonts(win, doc) {
  // chart text smaller than MIN_FONT px as drawn (its font size times the svg's scaling)
  const small = [];
  for (const svg of doc.querySelectorAll(".chipshock-chart svg")) {
    const designed = parseFloat(svg.getAttribute("width")), shown = svg.getBoundingClientRect().width;
    if (!designed || !shown) continue;
    for (const t of svg.querySelectorAll("text")) {
      if (!t.textContent.trim() || t.getClientRects().length === 0) continue;
      const px = parseFloat(win.getComputedStyle(t).fontSize) * shown / designed;
      if (px < MIN_FONT - 0.05) small.push({text: t.textContent.slice(0, 40), px: Math.round(px * 10) / 10});
    }
  }
  return small.slice(0, 5);
}
function heatmaps(win, doc) {
  // rect marks of 20 or more cells, and the fill of a rect behind them all (the 0%% plate), if any
  const out = [];
  for (const g of doc.querySelectorAll(".chipshock-chart svg g.mark-rect")) {
    const cells = Array.from(g.querySelectorAll("path"));
    if (cells.length < 20) continue;
    const fills = new Set(cells.slice(0, 400).map(c => win.getComputedStyle(c).fill));
    if (fills.size < 8) continue; // bars in a few category colours, not a colour scale
    const boxes = cells.map(c => c.getBoundingClientRect());
    const left = Math.min(...boxes.map(b => b.left)), right = Math.max(...boxes.map(b => b.right));
    const top = Math.min(...boxes.map(b => b.top)), bottom = Math.max(...boxes.map(b => b.bottom));
    const plate = Array.from(g.ownerSVGElement.querySelectorAll("g.mark-rect path")).find(p => {
      if (g.contains(p)) return false;
      const b = p.getBoundingClientRect();
      return b.left <= left + 1 && b.right >= right - 1 && b.top <= top + 1 && b.bottom >= bottom - 1;
    });
    out.push({cells: cells.length, plate: plate ? win.getComputedStyle(plate).fill : null,
              cellFills: fills.size});
  }
  return out;
}
async function probe(url) {
  const frame = document.createElement("iframe");
  frame.style.width = WIDTH + "px"; frame.style.height = "900px"; frame.style.border = "0";
  document.body.appendChild(frame);
  await new Promise(r => { frame.onload = r; frame.src = url; });
  await sleep(1500);
  const win = frame.contentWindow, doc = frame.contentDocument, html = doc.documentElement;
  const out = {width: scrolled(win, doc)};
  html.dataset.theme = "light"; html.dataset.mode = "light";
  out.light = contrast(win, doc);
  html.dataset.theme = "dark"; html.dataset.mode = "dark";
  await sleep(50);
  out.dark = contrast(win, doc);
  out.heatmaps = heatmaps(win, doc);
  out.checked = doc.querySelectorAll(CHECKED).length;
  out.fonts = chartFonts(win, doc);
  const charts = Array.from(doc.querySelectorAll(".chipshock-chart"));
  out.charts = {count: charts.length,
                rendered: charts.filter(c => c.querySelector("svg, canvas")).length,
                overflowing: charts.map(c => c.querySelector("svg, canvas")).filter(Boolean)
                  .map(g => Math.round(g.getBoundingClientRect().right))
                  .filter(right => right > html.clientWidth + 1)};
  frame.remove();
  return out;
}
(async () => {
  const results = {};
  for (const page of PAGES) {
    try { results[page] = await probe(page); } catch (e) { results[page] = {error: String(e)}; }
  }
  const pre = document.createElement("pre");
  pre.id = "probe-result"; pre.textContent = JSON.stringify(results);
  document.body.appendChild(pre);
})();
"""


def browser() -> str | None:
    return next((p for name in BROWSERS if (p := shutil.which(name))), None)


def site_pages(html_root: Path) -> list[str]:
    """Every content page of a built book, as URL paths."""
    skip = {"genindex.html", "search.html"}
    rel = [p.relative_to(html_root) for p in html_root.rglob("*.html")]
    return sorted("/" + p.as_posix() for p in rel
                  if p.name not in skip and not any(part.startswith("_") for part in p.parts[:-1]))


@contextmanager
def serve(root: Path, probe_page: bytes) -> Iterator[str]:
    """Serve `root` (and the probe page) on loopback; yield the base URL."""
    class Handler(SimpleHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path.split("?")[0] != PROBE:
                return super().do_GET()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(probe_page)))
            self.end_headers()
            self.wfile.write(probe_page)
            return None

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def measure(html_root: Path, width: int, profile: Path, pages: list[str] | None = None) -> dict[str, Any]:
    """Per page: {'width': {scrollWidth, viewport, culprits}, 'light'/'dark': text below AA,
    'checked': caption and table elements seen, 'charts': {count, rendered, overflowing}, 'fonts':
    chart text drawn below MIN_FONT px, 'heatmaps': [{cells, plate (its fill in dark mode), cellFills}]}."""
    exe = browser()
    if exe is None:
        raise RuntimeError("headless Chromium is needed: `apt-get install -y chromium`")
    pages = pages if pages is not None else site_pages(html_root)
    script = _SCRIPT % {"pages": json.dumps(pages), "width": width, "checked": json.dumps(CHECKED), "aa": AA,
                        "min_font": MIN_FONT}
    page = f"<!doctype html><html><body><script>{script}</script></body></html>".encode()
    with serve(html_root, page) as base:
        cmd = [exe, *NO_NETWORK, f"--user-data-dir={profile}", "--window-size=1500,1000",
               f"--virtual-time-budget={60_000 + 5_000 * len(pages)}", "--dump-dom", base + PROBE]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900, check=False)
    found = re.search(r'<pre id="probe-result">(.*?)</pre>', proc.stdout, re.S)
    if not found:
        raise RuntimeError(f"the probe did not finish: {proc.stderr[-2000:]}")
    import html

    return json.loads(html.unescape(found.group(1)))
