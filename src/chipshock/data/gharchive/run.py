"""`chipshock data gharchive`: schedule the hours, resume from the manifest, follow renamed repos."""

from __future__ import annotations

import csv
import json
import os
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from tqdm import tqdm

from chipshock import outputs
from chipshock.data.atomic import write_text
from chipshock.data.gharchive.spec import BASE_URL, Repo, hour_key, hour_url
from chipshock.data.gharchive.worker import HourResult, HourTask, process_hour
from chipshock.errors import DataError, UserError

MANIFEST = "manifest.jsonl"
CONFIG = "config.json"
FAILED = "failed_hours.csv"
COMBINED = "gharchive_weekly.parquet"


def partition_path(out: Path, hour: str) -> Path:
    """DIR/events/date=YYYY-MM-DD/YYYY-MM-DD-H.parquet."""
    return out / "events" / f"date={hour[:10]}" / f"{hour}.parquet"


def check_config(out: Path, repos: tuple[Repo, ...], events: tuple[str, ...]) -> None:
    """DIR/config.json records the repos and events; a rerun must use the same ones."""
    config = {"events": list(events), "repos": [[r.name, r.id] for r in repos]}
    path = out / CONFIG
    if path.is_file():
        old = json.loads(path.read_text(encoding="utf-8"))
        if old != config:
            what = "event types" if old.get("events") != config["events"] else "repository list"
            raise UserError(
                f"{path.parent} was built with another {what} ({', '.join(old.get('events', []))}; "
                f"{len(old.get('repos', []))} repos); rerun with the same --events/--repos, or a new --out"
            )
        return
    out.mkdir(parents=True, exist_ok=True)
    write_text(path, json.dumps(config, indent=1) + "\n")


def read_config(out: Path) -> tuple[tuple[Repo, ...], tuple[str, ...]]:
    doc = json.loads((out / CONFIG).read_text(encoding="utf-8"))
    return tuple(Repo(n, i) for n, i in doc["repos"]), tuple(doc["events"])


def read_manifest(out: Path) -> dict[str, dict]:
    """The latest manifest entry of every hour (later lines win; a torn last line is ignored)."""
    path = out / MANIFEST
    entries: dict[str, dict] = {}
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                continue
            entries[entry["hour"]] = entry
    return entries


def follow_ids(repos: Iterable[Repo], entries: Iterable[dict]) -> set[int]:
    """Ids to keep whatever the name: the listed ones and every id seen under a listed name."""
    ids = {r.id for r in repos if r.id is not None}
    for e in entries:
        ids.update(i for _, i, _ in e.get("sightings", []))
    return ids


def is_done(entry: dict | None, out: Path, ids: set[int], retry_missing: bool) -> bool:
    """Complete: ok with its partition present and filtered with every id now known (or missing)."""
    if entry is None:
        return False
    if entry["status"] == "missing":
        return not retry_missing
    return (entry["status"] == "ok" and partition_path(out, entry["hour"]).is_file()
            and ids <= set(entry["ids"]))


@dataclass
class Summary:
    """Counts of a run, for the CLI and the bench."""

    hours: int = 0
    skipped: int = 0
    processed: int = 0
    refiltered: int = 0
    ok: int = 0
    missing: list[str] = field(default_factory=list)
    corrupt: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    lines: int = 0
    kept: int = 0
    malformed: int = 0
    bytes: int = 0
    seconds: float = 0.0

    def text(self) -> str:
        rate = self.lines / self.seconds if self.seconds else 0.0
        return (f"{self.hours:,} hours: {self.skipped:,} already done, {self.processed:,} processed "
                f"({self.refiltered:,} re-filtered for newly learned repo ids); {self.ok:,} ok, "
                f"{len(self.missing):,} missing (404), {len(self.corrupt):,} corrupt, "
                f"{len(self.failed):,} failed; "
                f"{self.lines:,} events read ({rate:,.0f}/s), {self.kept:,} kept, "
                f"{self.malformed:,} malformed lines; {self.bytes / 1e6:,.1f} MB downloaded")


@dataclass(frozen=True)
class Options:
    """How to fetch: base URL, parallelism and retry policy."""

    base_url: str = BASE_URL
    workers: int = 2
    retries: int = 5
    backoff: float = 2.0
    timeout: float = 60.0
    retry_missing: bool = False
    progress: bool = True


class _Manifest:
    """Append-only JSON lines, written by the main process only."""

    def __init__(self, out: Path) -> None:
        self.fh = (out / MANIFEST).open("a", encoding="utf-8")

    def add(self, res: HourResult) -> None:
        entry = {k: v for k, v in asdict(res).items() if k != "seconds"}
        entry["seconds"] = round(res.seconds, 3)
        self.fh.write(json.dumps(entry, separators=(",", ":")) + "\n")
        self.fh.flush()
        os.fsync(self.fh.fileno())

    def close(self) -> None:
        self.fh.close()


def _task(hour: datetime, out: Path, repos: tuple[Repo, ...], events: tuple[str, ...], ids: set[int],
          opt: Options) -> HourTask:
    key = hour_key(hour)
    return HourTask(key, hour_url(opt.base_url, hour), str(partition_path(out, key)),
                    tuple(r.key for r in repos), tuple(sorted(ids)), events,
                    retries=opt.retries, backoff=opt.backoff, timeout=opt.timeout)


def _pass(todo: list[datetime], out: Path, repos: tuple[Repo, ...], events: tuple[str, ...],
          ids: set[int], opt: Options, on_result: Callable[[HourResult], None], desc: str) -> None:
    """Process hours (newest first) with at most `workers` in flight; ids learned widen later tasks."""
    bar = tqdm(total=len(todo), unit="h", desc=desc, disable=None if opt.progress else True)
    pending = list(todo)

    def done(res: HourResult) -> None:
        ids.update(i for _, i, _ in res.sightings)
        on_result(res)
        bar.update(1)
        bar.set_postfix_str(res.hour)

    try:
        if opt.workers <= 1:
            for hour in pending:
                done(process_hour(_task(hour, out, repos, events, ids, opt)))
            return
        with ProcessPoolExecutor(max_workers=opt.workers, initializer=outputs.die_with_parent) as pool:
            running: set[Future] = set()
            while pending or running:
                while pending and len(running) < 2 * opt.workers:
                    task = _task(pending.pop(0), out, repos, events, ids, opt)
                    running.add(pool.submit(process_hour, task))
                finished, running = wait(running, return_when=FIRST_COMPLETED)
                for fut in finished:
                    done(fut.result())
    finally:
        bar.close()


def write_failed(out: Path, hours: list[datetime], entries: dict[str, dict], base_url: str) -> list[dict]:
    """DIR/failed_hours.csv: every hour of the range that is not ok, with its status and reason."""
    rows = []
    for hour in hours:
        e = entries.get(hour_key(hour))
        if e is None or e["status"] != "ok":
            rows.append({"hour": hour_key(hour), "status": e["status"] if e else "not run",
                         "detail": e["detail"] if e else "", "url": hour_url(base_url, hour)})
    path = out / FAILED
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=["hour", "status", "detail", "url"])
        w.writeheader()
        w.writerows(rows)
    return rows


def run(hours: list[datetime], repos: tuple[Repo, ...], events: tuple[str, ...], out: Path,
        opt: Options = Options(), log: Callable[[str], None] = print) -> Summary:
    """Fetch and filter every hour not yet done; re-filter hours that missed a newly learned id."""
    check_config(out, repos, events)
    entries = read_manifest(out)
    ids = follow_ids(repos, entries.values())
    summary = Summary(hours=len(hours))
    manifest = _Manifest(out)
    t0 = time.perf_counter()
    latest: dict[str, HourResult] = {}  # this run's final result of each hour processed

    def on_result(res: HourResult) -> None:
        entries[res.hour] = asdict(res)
        manifest.add(res)
        latest[res.hour] = res
        summary.bytes += res.bytes
        if res.status == "unreachable":
            raise DataError(f"{res.detail}; the hours fetched so far are kept in {out}")
        if res.status != "ok":
            log(f"{res.hour}: {res.status}: {res.detail}")

    ordered = sorted(hours, reverse=True)  # newest first: current names are learned early
    try:
        todo = [h for h in ordered if not is_done(entries.get(hour_key(h)), out, ids, opt.retry_missing)]
        summary.skipped = len(hours) - len(todo)
        _pass(todo, out, repos, events, ids, opt, on_result, "GH Archive hours")
        for _ in range(3):  # ids learned late: hours filtered before lack them
            stale = [h for h in ordered if not is_done(entries.get(hour_key(h)), out, ids, True)
                     and entries.get(hour_key(h), {}).get("status") == "ok"]
            if not stale:
                break
            log(f"re-filtering {len(stale):,} hours for repo ids learned during the run")
            summary.refiltered += len(stale)
            _pass(stale, out, repos, events, ids, opt, on_result, "re-filter")
    finally:
        manifest.close()
    summary.seconds = time.perf_counter() - t0
    summary.processed = len(latest)
    summary.lines = sum(r.lines for r in latest.values())
    summary.kept = sum(r.kept for r in latest.values())
    summary.malformed = sum(r.malformed for r in latest.values())
    for row in write_failed(out, hours, entries, opt.base_url):
        kind = row["status"] if row["status"] in ("missing", "corrupt") else "failed"
        getattr(summary, kind).append(row["hour"])
    summary.ok = len(hours) - len(summary.missing) - len(summary.corrupt) - len(summary.failed)
    return summary
