"""Rewrite the unnumbered figures and tables of narrative pages as numbered `{exhibit}`s, in place.

    python scripts/convert_exhibits.py book/developers.md [book/policy.md ...]

Each `(fig-...)=` / `{glue}` / `chipshock-caption` triple becomes one `{exhibit}` block with the same
label, key and caption (see CONTRIBUTING.md, "Numbered figures and tables").
"""

from __future__ import annotations

import sys
from pathlib import Path

from chipshock.pipeline.provenance import convert_exhibits


def main(paths: list[str]) -> int:
    for name in paths:
        path = Path(name)
        text = path.read_text(encoding="utf-8")
        new = convert_exhibits(text)
        if new != text:
            path.write_text(new, encoding="utf-8")
            print(f"{path}: converted")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
