"""The one way a chapter reads a data file: verified against its manifest, then recorded.

Every read (a processed table, a raw file, a curated table, a file a parameter names) goes
through `use` (or `optional`, which also records that a file is absent, or `use_tree` for a
folder). Each records the path and its sha256; while the pipeline executes a chapter it sets
`$CHIPSHOCK_READS` to a file that collects the records, stores them in the executed notebook and
builds the cache's staleness check from them (`chipshock.pipeline.execute`). So a chapter re-runs
when any file it read changes, appears or disappears, without a hand-kept list of its inputs.

Files with a manifest are checked before use: `data/raw/…` against `data/sources.yml` (size and
sha256), `data/processed/…` against `data/processed/CHECKSUMS`. A mismatch is a ChecksumError
(exit 2) naming the file and the command that repairs it.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from chipshock.data import BUILD_FIX, FETCH_FIX
from chipshock.data.atomic import file_digest
from chipshock.errors import ChecksumError

ENV = "CHIPSHOCK_READS"
ABSENT = "absent"
RECORDED: dict[str, str] = {}
"""What this process read so far (path → sha256, `ABSENT`, or a folder's `tree:` digest)."""


def project_root() -> Path:
    """The checkout a chapter runs in, for readers not given one (see `chipshock.paths`)."""
    from chipshock.errors import UserError
    from chipshock.paths import find_project

    try:
        return find_project().root
    except UserError:
        return Path(os.path.abspath(os.sep))


def name(root: Path, path: Path) -> str:
    """How a read is recorded: relative to the project root when inside it, else absolute."""
    full = Path(os.path.abspath(path if Path(path).is_absolute() else Path(root) / path))
    if Path(os.path.abspath(root)) == Path(os.path.abspath(os.sep)):
        return str(full)
    try:
        return full.relative_to(Path(os.path.abspath(root))).as_posix()
    except ValueError:
        return str(full)


def record(entry: str, digest: str) -> None:
    """Add one read to this process's record and, while a chapter executes, to `$CHIPSHOCK_READS`."""
    RECORDED[entry] = digest
    target = os.environ.get(ENV)
    if target:
        with open(target, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"path": entry, "sha256": digest}) + "\n")


def _manifest_digest(root: Path, entry: str) -> tuple[str, int | None, str] | None:
    """(expected sha256, expected size or None, repair command) when `entry` has a manifest."""
    if entry.startswith("data/raw/") and (Path(root) / "data" / "sources.yml").is_file():
        from chipshock.data.sources import load_sources
        from chipshock.paths import Project

        rel = entry.removeprefix("data/raw/")
        for source in load_sources(Project(Path(root))):
            for f in source.files:
                if f.path == rel:
                    return f.sha256, f.bytes, f"chipshock data fetch --only {source.id} (or `{FETCH_FIX}`)"
    if entry.startswith("data/processed/") and entry.count("/") == 2:
        sums = Path(root) / "data" / "processed" / "CHECKSUMS"
        if sums.is_file():
            for line in sums.read_text(encoding="utf-8").splitlines():
                digest, _, listed = line.partition("  ")
                if listed.strip() == entry.rsplit("/", 1)[1]:
                    return digest, None, f"{BUILD_FIX} (after `make data` if data/raw/ is incomplete)"
    return None


def verified_digest(root: Path, path: Path, entry: str) -> str:
    """The file's sha256, after checking it against its manifest (ChecksumError if it differs)."""
    digest = file_digest(path)
    expected = _manifest_digest(root, entry)
    if expected is None:
        return digest
    sha, size, fix = expected
    if digest != sha or (size is not None and path.stat().st_size != size):
        raise ChecksumError(f"{entry} is corrupt, truncated or changed (its sha256 differs from its "
                            f"manifest); repair it with `{fix}`")
    return digest


def use(root: Path, path: Path | str) -> Path:
    """The full path of a data file a chapter is about to read, verified and recorded.

    A missing file is left to the caller (which knows how to make it); see `optional`.
    """
    full = Path(root) / path
    entry = name(root, full)
    if full.is_file():
        record(entry, verified_digest(Path(root), full, entry))
    return full


def optional(root: Path, path: Path | str) -> Path | None:
    """Like `use`, but None when the file does not exist, and its absence is recorded too (a
    chapter that reads it once it appears then re-runs)."""
    full = Path(root) / path
    if not full.is_file():
        record(name(root, full), ABSENT)
        return None
    return use(root, full)


def tree_digest(folder: Path) -> str:
    """A digest of every file under `folder` (names and contents): changes when one is added,
    removed or changed."""
    h = hashlib.sha256()
    for path in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
        h.update(path.relative_to(folder).as_posix().encode())
        h.update(file_digest(path).encode())
    return "tree:" + h.hexdigest()


def use_tree(root: Path, folder: Path | str) -> Path:
    """A folder a chapter reads as a whole, recorded with every file in it."""
    full = Path(root) / folder
    record(name(root, full), tree_digest(full) if full.is_dir() else ABSENT)
    return full


def current(root: Path, entry: str, recorded: str) -> str:
    """What `entry` would be recorded as now (in the form it was recorded: file, folder or absent)."""
    full = Path(root) / entry
    if recorded.startswith("tree:"):
        return tree_digest(full) if full.is_dir() else ABSENT
    return file_digest(full) if full.is_file() else ABSENT


def changed(root: Path, reads: Mapping[str, str]) -> list[str]:
    """The recorded reads that no longer hold (changed, added or removed files)."""
    return [entry for entry, digest in reads.items() if current(root, entry, digest) != digest]


def collected(path: Path) -> dict[str, str]:
    """The records `$CHIPSHOCK_READS` collected in a file, sorted by path."""
    if not path.is_file():
        return {}
    lines: Iterable[str] = path.read_text(encoding="utf-8").splitlines()
    found = {rec["path"]: rec["sha256"] for rec in map(json.loads, filter(None, lines))}
    return dict(sorted(found.items()))
