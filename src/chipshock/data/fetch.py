"""`chipshock data fetch`: fill data/raw/ from a local mirror or the pinned upstream URLs."""

from __future__ import annotations

import gzip
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path

import requests
from tqdm import tqdm

from chipshock.data import FETCH_FIX
from chipshock.data.atomic import atomic_path, file_digest
from chipshock.data.net import CONNECT_TIMEOUT, offline_message, unreachable
from chipshock.data.sources import RawFile, load_sources, raw_dir, select
from chipshock.errors import DataError
from chipshock.paths import Project

CHUNK = 1 << 16
TIMEOUT = 60


def is_verified(path: Path, f: RawFile) -> bool:
    """The file exists with the size and sha256 listed in data/sources.yml."""
    return path.is_file() and path.stat().st_size == f.bytes and file_digest(path) == f.sha256


def _check(tmp: Path, f: RawFile, origin: str) -> None:
    digest = file_digest(tmp)
    if digest != f.sha256:
        raise DataError(
            f"data/raw/{f.path}: checksum mismatch for the copy from {origin} "
            f"(sha256 {digest[:12]}…, expected {f.sha256[:12]}…); nothing was written. "
            f"Use an intact mirror: `{FETCH_FIX}`"
        )


def copy_from_mirror(f: RawFile, mirror: Path, dest: Path) -> None:
    """Copy one file from the mirror, verified before it takes its final name."""
    src = mirror / f.path
    if not src.is_file():
        raise DataError(f"data/raw/{f.path}: not found in the mirror {mirror} (looked for {src})")
    with atomic_path(dest) as tmp:
        shutil.copyfile(src, tmp)
        _check(tmp, f, f"mirror {mirror}")


def _stream(response: requests.Response, out, total: int | None, name: str) -> None:
    with tqdm(total=total, unit="B", unit_scale=True, desc=name, leave=False, disable=None) as bar:
        for chunk in response.iter_content(CHUNK):
            out.write(chunk)
            bar.update(len(chunk))


def download(f: RawFile, dest: Path, session: requests.Session | None = None) -> None:
    """Download one file from its pinned URL (gzip it if the stored file is gzipped), verified."""
    if not f.url:
        raise DataError(
            f"data/raw/{f.path} has no download URL: it is {f.note or 'derived upstream'}. "
            f"Obtain the data mirror and run `chipshock data fetch --mirror DIR` (here: `{FETCH_FIX}`)"
        )
    http = session or requests.Session()
    try:
        with http.get(f.url, stream=True, timeout=(CONNECT_TIMEOUT, TIMEOUT)) as response:
            response.raise_for_status()
            total = int(response.headers.get("content-length") or 0) or None
            with atomic_path(dest) as tmp:
                with open(tmp, "wb") as raw:
                    if f.gzip:
                        with gzip.GzipFile(
                            filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9
                        ) as gz:
                            _stream(response, gz, total, Path(f.path).name)
                    else:
                        _stream(response, raw, total, Path(f.path).name)
                _check(tmp, f, f.url)
    except requests.RequestException as exc:
        if unreachable(exc):
            raise DataError(f"data/raw/{f.path}: {offline_message(f.url, exc)}; nothing was written (or copy "
                            f"from a mirror: `{FETCH_FIX}`)") from None
        raise DataError(
            f"data/raw/{f.path}: download from {f.url} failed ({exc}); nothing was written. "
            f"Retry, or copy from a mirror: `{FETCH_FIX}`"
        ) from None


def fetch_files(
    files: Iterable[RawFile],
    root: Path,
    mirror: Path | None = None,
    log: Callable[[str], None] = print,
) -> dict[str, int]:
    """Make every file present and verified under `root`; counts of skipped, copied, downloaded."""
    counts = {"skipped": 0, "copied": 0, "downloaded": 0}
    session = None if mirror else requests.Session()
    for f in files:
        dest = root / f.path
        if is_verified(dest, f):
            counts["skipped"] += 1
            continue
        if mirror is not None:
            copy_from_mirror(f, mirror, dest)
            counts["copied"] += 1
        else:
            log(f"downloading {f.path}")
            download(f, dest, session)
            counts["downloaded"] += 1
    return counts


def fetch(
    project: Project,
    mirror: Path | None = None,
    only: str | None = None,
    log: Callable[[str], None] = print,
) -> dict[str, int]:
    """`chipshock data fetch`: data/raw/ complete and verified (for one source with `only`)."""
    if mirror is not None and not mirror.is_dir():
        raise DataError(f"mirror folder {mirror} does not exist; pass the folder that holds MANIFEST.csv")
    files = [f for s in select(load_sources(project), only) for f in s.files]
    return fetch_files(files, raw_dir(project), mirror, log)


def require_raw(project: Project, rels: Iterable[str]) -> dict[str, Path]:
    """Paths of raw files, each checked against data/sources.yml; DataError names the file and the fix."""
    listed = {f.path: f for s in load_sources(project) for f in s.files}
    out, missing, corrupt = {}, [], []
    for rel in dict.fromkeys(rels):
        path = raw_dir(project) / rel
        if not path.is_file():
            missing.append(f"data/raw/{rel}")
        elif not is_verified(path, listed[rel]):
            corrupt.append(f"data/raw/{rel}")
        out[rel] = path
    problems = [f"raw file {rel} is missing" for rel in missing[:10]]
    problems += [f"and {len(missing) - 10} more raw files are missing"] if len(missing) > 10 else []
    problems += [f"raw file {rel} is corrupt or truncated (its sha256 or size differs from data/sources.yml)"
                 for rel in corrupt]
    if problems:
        raise DataError(f"{'; '.join(problems)}; fetch {'it' if len(problems) == 1 else 'them'} "
                        f"(again) with `{FETCH_FIX}`")
    return out
