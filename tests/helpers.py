"""Helpers shared by the tests: a copy of the project, and the values a notebook glued."""

from __future__ import annotations

import ast
import json
import shutil
from pathlib import Path
from typing import Any

from chipshock.paths import Project

REPO = Path(__file__).resolve().parents[1]
PROJECT_FILES = ("_config.yml", "_toc.yml", "references.bib", "data/README.md", "CITATION.cff")
PROJECT_DIRS = ("book", "notebooks", "params", "_static", "_vendor", "data/curated", "data/processed")


def copy_project(dest: Path) -> Project:
    """A copy of the files a build reads (no build outputs) under `dest`."""
    for name in PROJECT_DIRS:
        shutil.copytree(REPO / name, dest / name)
    for name in PROJECT_FILES:
        shutil.copy2(REPO / name, dest / name)
    return Project(dest)


BUILD_OUTPUTS = ("computation", "_build/html", "_build/.chipshock-build-key", "_build/jupyter-book.log")


def seed_build_outputs(source: Project, dest: Project) -> None:
    """Copy `source`'s executed notebooks and HTML build into `dest` (those that exist): the
    execution cache and the build stamp decide whether they are still current."""
    for rel in BUILD_OUTPUTS:
        src, dst = source.root / rel, dest.root / rel
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".*-*"))
        elif src.is_file():
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)


def _literal(text: str) -> Any:
    """A glued plain value; NaN and infinities (a float glued as missing) included."""
    special = {"nan": float("nan"), "inf": float("inf"), "-inf": float("-inf")}
    return special[text] if text in special else ast.literal_eval(text)


def glued(notebook: Path) -> dict[str, Any]:
    """The values glued by an executed notebook, read from its outputs' scrapbook metadata.

    Scalars come back as Python values; tables and charts as their HTML.
    """
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    out: dict[str, Any] = {}
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            meta = output.get("metadata", {}).get("scrapbook")
            if not meta:
                continue
            data = {k.rsplit("/", 2)[-2] + "/" + k.rsplit("/", 1)[-1]: v for k, v in output["data"].items()}
            if "text/html" in data:
                out[meta["name"]] = "".join(data["text/html"])
            else:
                out[meta["name"]] = _literal("".join(data["text/plain"]))
    return out
