"""The `published` branch: the repository plus its executed notebooks, for Binder and Colab.

Executed notebooks are build outputs and are never committed to `main`. Launch buttons need
real `.ipynb` files in a repository, so the GitHub workflow builds the book, runs
`chipshock publish`, and force-pushes the result to the `published` branch, which the launch
buttons point at. Each published notebook starts with a setup cell that installs the book's
package when it is missing (Colab); on Binder, `binder/` installs it.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import nbformat

from chipshock import outputs
from chipshock.errors import UserError
from chipshock.paths import Project
from chipshock.pipeline.assemble import PUBLISHED_BRANCH
from chipshock.pipeline.launch import checked_repository
from chipshock.pipeline.registry import CHAPTERS

SETUP_TAG = "chipshock-setup"
SETUP = '''# Setup for Colab (added when the book is published; does nothing where chipshock is installed).
import importlib.util
import os
import subprocess
import sys

if importlib.util.find_spec("chipshock") is None:
    subprocess.run(["git", "clone", "--depth", "1", "--branch", "{branch}",
                    "https://github.com/{repository}", "book"], check=True)
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "-r", "book/requirements.txt"], check=True)
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "-e", "book"], check=True)
    sys.path.insert(0, os.path.abspath("book/src"))
    os.environ["CHIPSHOCK_ROOT"] = os.path.abspath("book")'''


def tracked_files(root: Path) -> list[str]:
    """Files git tracks in the checkout (what a clone of main would have)."""
    try:
        out = subprocess.run(["git", "ls-files", "-z"], cwd=root, capture_output=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        raise UserError(f"{root} is not a git checkout: `chipshock publish` copies tracked files") from None
    return [f for f in out.stdout.decode().split("\0") if f]


def with_setup_cell(notebook: Path, repository: str) -> nbformat.NotebookNode:
    """The executed notebook with the Colab setup cell first (once)."""
    nb = nbformat.read(notebook, as_version=4)
    nb.cells = [c for c in nb.cells if SETUP_TAG not in c.metadata.get("tags", [])]
    cell = nbformat.v4.new_code_cell(SETUP.format(branch=PUBLISHED_BRANCH, repository=repository))
    cell.metadata["tags"] = [SETUP_TAG, "remove-cell"]
    nb.cells.insert(0, cell)
    return nb


def publish(project: Project, out: Path, repository: str) -> list[Path]:
    """Copy the tracked files and the executed notebooks (with the setup cell) into `out`.

    `out` is replaced only if an earlier `chipshock publish` made it (see `chipshock.outputs`).
    """
    repository = checked_repository(repository, "--repository")
    outputs.check(out, "publish")
    missing = [c.executed for c in CHAPTERS if not (project.root / c.executed).is_file()]
    if missing:
        raise UserError(f"executed notebooks are missing ({', '.join(missing)}); run `chipshock build` first")
    tracked = tracked_files(project.root)
    outputs.sweep(out.parent)
    staging = outputs.make_temp_dir(out.parent, out.name)
    try:
        for rel in tracked:
            src = project.root / rel
            if src.is_file():
                (staging / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, staging / rel)
        for chapter in CHAPTERS:
            dest = staging / chapter.executed
            dest.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(with_setup_cell(project.root / chapter.executed, repository), dest)
        outputs.replace(staging, out, "publish")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [out / chapter.executed for chapter in CHAPTERS]
