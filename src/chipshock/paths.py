"""Where things live in a project checkout."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from chipshock.errors import UserError

ROOT_ENV = "CHIPSHOCK_ROOT"


@dataclass(frozen=True)
class Project:
    """A checkout of the book: narrative pages, notebooks, data and build outputs."""

    root: Path

    @property
    def book(self) -> Path:
        return self.root / "book"

    @property
    def notebooks(self) -> Path:
        return self.root / "notebooks"

    @property
    def computation(self) -> Path:
        """Executed notebooks (build outputs, git-ignored)."""
        return self.root / "computation"

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def build_dir(self) -> Path:
        return self.root / "_build"

    @property
    def variants(self) -> Path:
        return self.root / "variants"

    def rel(self, path: Path) -> str:
        """Path relative to the root, for messages."""
        try:
            return str(Path(path).resolve().relative_to(self.root.resolve()))
        except ValueError:
            return str(path)


def _is_root(path: Path) -> bool:
    return (path / "_toc.yml").is_file() and (path / "notebooks").is_dir()


def find_project(start: Path | None = None) -> Project:
    """The project from $CHIPSHOCK_ROOT, the current directory upwards, or the package's checkout."""
    env = os.environ.get(ROOT_ENV)
    if env:
        if not _is_root(Path(env)):
            raise UserError(f"${ROOT_ENV}={env} is not a checkout of the book (no _toc.yml and notebooks/)")
        return Project(Path(env).resolve())
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if _is_root(candidate):
            return Project(candidate)
    package_root = Path(__file__).resolve().parents[2]
    if _is_root(package_root):
        return Project(package_root)
    raise UserError("cannot find the book's checkout: run chipshock inside it, or set $CHIPSHOCK_ROOT")
