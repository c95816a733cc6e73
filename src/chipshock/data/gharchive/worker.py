"""Download and scan one hour (runs in a worker process): retries with backoff, 404 = missing."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlparse

import requests
import urllib3

from chipshock.data.gharchive.scan import CorruptHour, Counted, HourScan, scan, write_partition
from chipshock.data.net import CONNECT_TIMEOUT, offline_message, unreachable

_session: requests.Session | None = None


class Missing(Exception):
    """The hour does not exist upstream (HTTP 404: one of GH Archive's gaps)."""


class Transient(Exception):
    """A network error or a 5xx/429 answer: worth retrying."""


class Failed(Exception):
    """Another HTTP error (4xx): not retried."""


class Unreachable(Exception):
    """The host cannot be reached (connection refused, name not resolved): not retried; the run stops."""


@dataclass(frozen=True)
class HourTask:
    """Everything a worker needs for one hour."""

    hour: str  # 2023-10-17-5
    url: str
    dest: str  # the partition file
    names: tuple[str, ...]  # listed names, lower case
    ids: tuple[int, ...]
    events: tuple[str, ...]
    retries: int = 5
    backoff: float = 2.0
    timeout: float = 60.0
    max_malformed: float = 0.05


@dataclass
class HourResult:
    """The outcome of one hour: `ok`, `missing` (404), `corrupt` or `failed`."""

    hour: str
    status: str
    detail: str = ""
    lines: int = 0
    kept: int = 0
    malformed: int = 0
    bytes: int = 0
    attempts: int = 0
    seconds: float = 0.0
    ids: list[int] = field(default_factory=list)
    sightings: list[list] = field(default_factory=list)  # [name, repo_id, first created_at ISO]


def _http() -> requests.Session:
    global _session
    if _session is None:
        _session = requests.Session()
    return _session


def _scan_counted(raw: BinaryIO, hour: HourScan, size: list[int]) -> None:
    """Scan `raw`, leaving the compressed bytes read in size[0] (also when the scan fails)."""
    src = Counted(raw)
    try:
        scan(src, hour)
    finally:
        size[0] = src.bytes


def _local_scan(path: Path, hour: HourScan, size: list[int]) -> None:
    if not path.is_file():
        raise Missing(f"{path} does not exist")
    with path.open("rb") as fh:
        _scan_counted(fh, hour, size)


def _http_scan(task: HourTask, hour: HourScan, size: list[int]) -> None:
    try:
        timeout = (min(CONNECT_TIMEOUT, task.timeout), task.timeout)
        with _http().get(task.url, stream=True, timeout=timeout) as r:
            if r.status_code == 404:
                raise Missing(f"HTTP 404 for {task.url}")
            if r.status_code >= 500 or r.status_code == 429:
                raise Transient(f"HTTP {r.status_code} for {task.url}")
            if r.status_code >= 400:
                raise Failed(f"HTTP {r.status_code} for {task.url}")
            r.raw.decode_content = False  # the hour-file's gzip bytes, as served
            _scan_counted(r.raw, hour, size)
    except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
        if unreachable(exc):
            raise Unreachable(offline_message(task.url, exc)) from None
        raise Transient(f"{type(exc).__name__}: {exc}") from None


def _attempt(task: HourTask, size: list[int]) -> HourScan:
    hour = HourScan(frozenset(n.encode() for n in task.names), frozenset(task.ids), frozenset(task.events))
    parsed = urlparse(task.url)
    if parsed.scheme == "file":
        _local_scan(Path(parsed.path), hour, size)
    else:
        _http_scan(task, hour, size)
    return hour


def _check(hour: HourScan, task: HourTask) -> None:
    if hour.lines == 0:
        raise CorruptHour("no lines")
    if hour.malformed > task.max_malformed * hour.lines:
        raise CorruptHour(f"{hour.malformed:,} of {hour.lines:,} lines are not valid JSON events")


def process_hour(task: HourTask) -> HourResult:
    """Download, scan and write one hour; never raises for a bad hour (see `status`)."""
    res = HourResult(task.hour, "failed", ids=sorted(task.ids))
    t0 = time.perf_counter()
    for attempt in range(task.retries + 1):
        res.attempts = attempt + 1
        size = [0]
        try:
            hour = _attempt(task, size)
            _check(hour, task)
        except Transient as exc:
            res.detail = str(exc)
            if attempt < task.retries:
                time.sleep(task.backoff * 2**attempt * (1 + random.random() / 4))
            continue
        except Missing as exc:
            res.status, res.detail = "missing", str(exc)
        except Failed as exc:
            res.status, res.detail = "failed", str(exc)
        except Unreachable as exc:
            res.status, res.detail = "unreachable", str(exc)
        except CorruptHour as exc:
            res.status, res.detail = "corrupt", str(exc)
            res.lines = 0
        else:
            write_partition(hour.table(), Path(task.dest))
            res.status, res.detail = "ok", ""
            res.lines, res.kept, res.malformed = hour.lines, hour.kept, hour.malformed
            res.sightings = [[n, i, at.isoformat()] for (n, i), at in sorted(hour.sightings.items())]
        res.bytes = size[0]
        break
    else:
        res.detail = f"gave up after {res.attempts} attempts: {res.detail}"
    res.seconds = time.perf_counter() - t0
    return res
