"""A self-contained Gradescope autograder zip for one assignment.

`otter assign` writes a zip whose image is otter's stock one (Python 3.9, no `chipshock`, no
data), in which every hidden test fails. `package` rewrites it so that it holds what grading
needs: a `setup.sh` and `environment.yml` that install Python 3.11, the book's pinned
requirements and a wheel of `chipshock` built from this checkout, and, under
`files/chipshock-project/`, the part of the book the assignment runs (the chapter's notebook,
page and parameter files, the processed data it reads, and the executed default book and
default assignment, so that the default assignment grades without executing anything). otter
copies `files/` beside the submission, where `chipshock.teaching.answers` finds the project.
"""

from __future__ import annotations

import base64
import hashlib
import os
import tempfile
import zipfile
from pathlib import Path

import chipshock
from chipshock.paths import Project
from chipshock.pipeline.registry import get_chapter
from chipshock.teaching.answers import PROJECT_DIR
from chipshock.teaching.assignments import Assignment

VERSION = "0.1.0"

SETUP_SH = """#!/usr/bin/env bash
# Gradescope image set-up for a chipshock assignment: Python 3.11 (mamba), the book's pinned
# requirements and the chipshock wheel shipped in this zip. Written by `chipshock course`.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y wget
wget -nv https://github.com/conda-forge/miniforge/releases/latest/download/Miniforge3-Linux-x86_64.sh \\
    -O /autograder/source/mamba_install.sh
chmod +x /autograder/source/mamba_install.sh
/autograder/source/mamba_install.sh -b
echo "export PATH=/root/miniforge3/bin:\\$PATH" >> /root/.bashrc
export PATH=/root/miniforge3/bin:$PATH
mamba env create -f /autograder/source/environment.yml
mamba init --all
"""

ENVIRONMENT_YML = """name: otter-env
channels:
  - conda-forge
dependencies:
  - python=3.11
  - pip
  - pip:
      - -r /autograder/source/requirements.txt
      - /autograder/source/{wheel}
"""


def wheel_name() -> str:
    return f"chipshock-{VERSION}-py3-none-any.whl"


def build_wheel(project: Project, dest: Path) -> Path:
    """A pure-Python wheel of `src/chipshock` (the package this checkout runs), built offline."""
    package = Path(chipshock.__file__).resolve().parent
    files = {f"chipshock/{p.relative_to(package).as_posix()}": p.read_bytes()
             for p in sorted(package.rglob("*")) if p.is_file() and "__pycache__" not in p.parts}
    info = f"chipshock-{VERSION}.dist-info"
    files[f"{info}/METADATA"] = (f"Metadata-Version: 2.1\nName: chipshock\nVersion: {VERSION}\n"
                                 "Requires-Python: >=3.11,<3.13\n").encode()
    files[f"{info}/WHEEL"] = (b"Wheel-Version: 1.0\nGenerator: chipshock\nRoot-Is-Purelib: true\n"
                              b"Tag: py3-none-any\n")
    files[f"{info}/entry_points.txt"] = b"[console_scripts]\nchipshock = chipshock.cli:main\n"
    record = [f"{name},sha256={_digest(data)},{len(data)}" for name, data in files.items()]
    files[f"{info}/RECORD"] = ("\n".join([*record, f"{info}/RECORD,,"]) + "\n").encode()
    path = dest / wheel_name()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), data)
    return path


def _digest(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def project_files(project: Project, a: Assignment) -> list[str]:
    """The repo-relative files the assignment's grading reads (the default runs executed first)."""
    from chipshock.teaching.answers import assignment_set, executed_path, runs

    chapter = get_chapter(a.chapter)
    runs(a.chapter, {}, project)  # the default book and the default assignment, executed (cached)
    plain = assignment_set(project, a, {})
    files = ["_toc.yml", chapter.source, chapter.narrative, chapter.executed, *chapter.inputs,
             *chapter.extra_inputs(dict(plain)),
             executed_path(project, chapter, plain).relative_to(project.root).as_posix()]
    if isinstance(a.defaults, str):
        files.append(a.defaults)
    return sorted({f for f in files if (project.root / f).is_file()})


def package(project: Project, a: Assignment, autograder: Path) -> Path:
    """Rewrite otter's zip at `autograder` into the self-contained one (atomically)."""
    with tempfile.TemporaryDirectory(prefix=".autograder-", dir=autograder.parent) as tmp:
        wheel = build_wheel(project, Path(tmp))
        out = Path(tmp) / autograder.name
        with zipfile.ZipFile(autograder) as stock, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            for item in stock.infolist():
                if item.filename not in ("setup.sh", "environment.yml", "requirements.txt"):
                    zf.writestr(item, stock.read(item))
            zf.writestr("setup.sh", SETUP_SH)
            zf.writestr("environment.yml", ENVIRONMENT_YML.format(wheel=wheel.name))
            zf.write(project.root / "requirements.txt", "requirements.txt")
            zf.write(wheel, wheel.name)
            for rel in project_files(project, a):
                zf.write(project.root / rel, f"files/{PROJECT_DIR}/{rel}")
        os.replace(out, autograder)
    return autograder
