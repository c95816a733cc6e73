"""Screenshots of built pages for a look: each page at 1,400 px, at 420 px (a phone), and in dark
mode at both widths, as _build/screenshots/<page>-<view>.png.

    python scripts/screenshots.py [book/developers book/robustness ...]

Headless Chromium will not lay a window out narrower than 500 px, so the 420-px views load the
page in a 420-px iframe (as tests/probe.py does): the page's own media queries and the charts'
phone layout (_static/chipshock-fit.js) see a 420-px viewport. Needs a built book (`chipshock
build`) and headless Chromium.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from chipshock.paths import find_project

DARK = ["--force-dark-mode", "--blink-settings=preferredColorScheme=0"]
# view -> (frame width or None for the window itself, extra Chromium flags)
VIEWS: dict[str, tuple[int | None, list[str]]] = {
    "1400": (None, []), "420": (420, []), "dark": (None, DARK), "420-dark": (420, DARK)}
WINDOW = 1400
HEIGHT = 4000
DEFAULT_PAGES = ("book/developers", "book/robustness")
FRAME = ('<!doctype html><html><head><style>html, body {{ margin: 0; background: #888; }}'
         'iframe {{ border: 0; display: block; background: #fff; }}</style></head><body>'
         '<iframe src="{src}" width="{width}" height="{height}"></iframe></body></html>')


def chromium() -> str:
    exe = next((p for n in ("chromium", "chromium-browser", "google-chrome") if (p := shutil.which(n))), None)
    if exe is None:
        raise SystemExit("error: headless Chromium is needed: `apt-get install -y chromium`")
    return exe


def shoot(page: Path, out: Path, frame: int | None, extra: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        target, window = page.as_uri(), WINDOW
        if frame is not None:
            wrapper = Path(tmp) / "frame.html"
            wrapper.write_text(FRAME.format(src=target, width=frame, height=HEIGHT), encoding="utf-8")
            target, window = wrapper.as_uri(), 500  # Chromium's narrowest window
        subprocess.run([chromium(), "--headless", "--no-sandbox", "--disable-gpu",
                        "--disable-background-networking", "--allow-file-access-from-files",
                        f"--user-data-dir={Path(tmp) / 'profile'}", f"--window-size={window},{HEIGHT}",
                        "--hide-scrollbars", "--virtual-time-budget=15000", *extra, f"--screenshot={out}",
                        target], capture_output=True, check=True, timeout=300)


def main(names: list[str]) -> int:
    project = find_project()
    html, dest = project.build_dir / "html", project.build_dir / "screenshots"
    pages = [html / f"{name}.html" for name in names or DEFAULT_PAGES]
    missing = [p for p in pages if not p.is_file()]
    if missing:
        print(f"error: {', '.join(map(str, missing))} missing: run `chipshock build` first", file=sys.stderr)
        return 2
    dest.mkdir(parents=True, exist_ok=True)
    for page in pages:
        for view, (frame, extra) in VIEWS.items():
            out = dest / f"{page.relative_to(html).with_suffix('').as_posix().replace('/', '-')}-{view}.png"
            shoot(page, out, frame, extra)
            print(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
