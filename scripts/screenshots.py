"""Screenshots of built pages for a look: each page at 1,400 px, at 420 px (a phone) and in dark
mode at 1,400 px, as _build/screenshots/<page>-<view>.png.

    python scripts/screenshots.py [book/developers book/robustness ...]

Needs a built book (`chipshock build`) and headless Chromium.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from chipshock.paths import find_project

VIEWS = {"1400": (1400, []), "420": (420, []),
         "dark": (1400, ["--force-dark-mode", "--blink-settings=preferredColorScheme=0"])}
DEFAULT_PAGES = ("book/developers", "book/robustness")


def shoot(page: Path, out: Path, width: int, extra: list[str]) -> None:
    exe = next(p for n in ("chromium", "chromium-browser", "google-chrome") if (p := shutil.which(n)))
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                        f"--user-data-dir={profile}", f"--window-size={width},4000", "--hide-scrollbars",
                        "--virtual-time-budget=15000", *extra, f"--screenshot={out}", page.as_uri()],
                       capture_output=True, check=True, timeout=300)


def main(names: list[str]) -> int:
    project = find_project()
    html, dest = project.build_dir / "html", project.build_dir / "screenshots"
    dest.mkdir(parents=True, exist_ok=True)
    for name in names or DEFAULT_PAGES:
        page = html / f"{name}.html"
        if not page.is_file():
            print(f"error: {page} is missing: run `chipshock build` first", file=sys.stderr)
            return 2
        for view, (width, extra) in VIEWS.items():
            out = dest / f"{name.replace('/', '-')}-{view}.png"
            shoot(page, out, width, extra)
            print(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
