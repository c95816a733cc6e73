"""`make install-check`: `pip install .` into a fresh virtual environment, then run the package.

    python scripts/install_check.py [WORKDIR]

The package is installed (not editable) from a copy of the files git tracks; `chipshock chapters`
then runs outside any checkout, and `chipshock run primer` inside a checkout of the book without
its `src/` (a non-editable install reads the pages, notebooks, data and `_static/` of the checkout
it runs in; it ships only the code). Prints the variant page; exits 1 when a step fails.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def step(cmd: list[str], cwd: Path, env: dict[str, str]) -> str:
    print("$", " ".join(cmd), file=sys.stderr, flush=True)
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"install-check: `{' '.join(cmd)}` exited {proc.returncode}:\n"
                         f"{(proc.stdout + proc.stderr)[-3000:]}")
    return proc.stdout


def checkout_copy(dest: Path) -> Path:
    """The files git tracks, as a clean clone would have them (uncommitted edits included)."""
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for rel in filter(None, files.decode().split("\0")):
        src = ROOT / rel
        if src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    return dest


def main(argv: list[str]) -> int:
    work = Path(argv[0]) if argv else Path(tempfile.mkdtemp(prefix="chipshock-install-"))
    work.mkdir(parents=True, exist_ok=True)
    source = checkout_copy(work / "source")
    venv = work / "venv"
    env = {k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "PYTHONPATH", "CHIPSHOCK_ROOT"}}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    step([sys.executable, "-m", "venv", str(venv)], work, env)
    step([str(venv / "bin/python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
          str(source)], work, env)
    print(step([str(venv / "bin/chipshock"), "chapters"], work, env), end="")
    book = shutil.copytree(source, work / "book", ignore=shutil.ignore_patterns("src", "tests", "build"))
    where = step([str(venv / "bin/python"), "-c", "import chipshock; print(chipshock.__file__)"], book, env)
    if not where.startswith(str(venv)):
        raise SystemExit(f"install-check: chipshock was imported from {where.strip()}, not the venv")
    print(step([str(venv / "bin/chipshock"), "run", "primer"], book, env).strip().splitlines()[-1])
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
