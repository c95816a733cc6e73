"""The package declares what it needs: every module it imports comes from a declared dependency,
the pins in requirements.txt fall in the declared ranges, and (opt-in, `make install-check`) a
fresh virtual environment with `pip install .` runs `chipshock chapters` and `chipshock run primer`."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest
from helpers import REPO
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
PROJECT = PYPROJECT["project"]
STDLIB = set(sys.stdlib_module_names)


def declared(*extras: str) -> dict[str, Requirement]:
    reqs = [Requirement(r) for r in PROJECT["dependencies"]]
    for extra in extras:
        reqs += [Requirement(r) for r in PROJECT["optional-dependencies"][extra]]
    return {canonicalize_name(r.name): r for r in reqs}


def imported_modules(folder: Path) -> dict[str, set[str]]:
    """Top-level modules imported anywhere under `folder` -> the files importing them."""
    found: dict[str, set[str]] = {}
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                found.setdefault(name.split(".")[0], set()).add(path.name)
    return found


def distributions_of(module: str) -> set[str]:
    return {canonicalize_name(d) for d in packages_distributions().get(module, [])}


def test_every_imported_module_is_a_declared_dependency() -> None:
    """The package's own imports (course grading may use the `course` extra)."""
    allowed = set(declared("course"))
    missing = {}
    for module, files in imported_modules(REPO / "src" / "chipshock").items():
        if module in STDLIB or module == "chipshock":
            continue
        dists = distributions_of(module)
        assert dists, f"{module} (imported in {sorted(files)}) is not installed"
        if not dists & allowed:
            missing[module] = sorted(files)
    assert missing == {}, "add these to [project] dependencies in pyproject.toml"


def test_the_pins_fall_in_the_declared_ranges() -> None:
    pins = {}
    for line in (REPO / "requirements.txt").read_text(encoding="utf-8").splitlines():
        if m := re.fullmatch(r"([A-Za-z0-9_.\-]+)==(\S+)", line.strip()):
            pins[canonicalize_name(m[1])] = m[2]
    reqs = declared("course", "test")
    assert set(reqs) <= set(pins), f"not pinned in requirements.txt: {sorted(set(reqs) - set(pins))}"
    outside = {name: (pins[name], str(r.specifier)) for name, r in reqs.items()
               if not r.specifier.contains(pins[name], prereleases=True)}
    assert outside == {}
    assert all(r.specifier for r in reqs.values()), "give every dependency a range"
    pinned = [name for name, r in reqs.items() if any(s.operator == "==" for s in r.specifier)]
    assert pinned == [], "exact pins go in requirements.txt, ranges in pyproject.toml"


@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("CHIPSHOCK_INSTALL_CHECK"),
                    reason="downloads the dependencies (minutes): `make install-check`")
def test_pip_install_in_a_fresh_venv_runs_the_primer(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, str(REPO / "scripts" / "install_check.py"), str(tmp_path)],
                          capture_output=True, text=True, timeout=3600, check=False)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    assert "primer.html" in proc.stdout
