"""`make bench`: events per second of the GH Archive streaming filter against plain json.loads.

Writes a synthetic hour-file in GH Archive's format (200k events of mixed types, ~2% from the
repositories of data/gharchive_repos.yml, payloads of ~0.3–3 KB) to a temp folder, then times
- baseline: gzip.open, json.loads on every line, keep the listed repos' events, aggregate;
- chipshock: chipshock.data.gharchive.scan (ISA-L gunzip in its own thread, byte pre-filter on the
  repo object, orjson on candidate lines only), same kept events;
each the best of several runs. Usage: python scripts/bench_gharchive.py [--events N] [--runs K]
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import string
import tempfile
import time
from collections import Counter
from pathlib import Path

from chipshock.data.gharchive.scan import HourScan, scan
from chipshock.data.gharchive.spec import read_repo_list

ROOT = Path(__file__).resolve().parents[1]
TYPES = [("PushEvent", 45), ("CreateEvent", 12), ("PullRequestEvent", 10), ("IssueCommentEvent", 8),
         ("WatchEvent", 8), ("ForkEvent", 3), ("IssuesEvent", 4), ("DeleteEvent", 4),
         ("PullRequestReviewEvent", 3), ("ReleaseEvent", 1), ("GollumEvent", 1), ("MemberEvent", 1)]


WORDS = [w for w in re.split(r"\W+", __doc__ + json.__doc__ + gzip.__doc__ + string.__doc__) if w]


def _text(rng: random.Random, n: int) -> str:
    """About n characters of English-like words (compresses like real commit messages and bodies)."""
    return " ".join(rng.choices(WORDS, k=max(1, n // 6)))


def _payload(rng: random.Random, etype: str) -> dict:
    if etype == "PushEvent":
        commits = [{"sha": f"{rng.getrandbits(160):040x}", "message": _text(rng, rng.randint(40, 400)),
                    "author": {"email": "x@users.noreply.github.com", "name": "x"}, "distinct": True}
                   for _ in range(rng.randint(1, 3))]
        return {"repository_id": rng.randrange(10**9), "push_id": rng.randrange(10**10), "size": 1,
                "ref": "refs/heads/main", "head": f"{rng.getrandbits(160):040x}", "commits": commits}
    if etype in ("PullRequestEvent", "IssueCommentEvent", "IssuesEvent", "PullRequestReviewEvent"):
        return {"action": "opened", "number": rng.randrange(10**4),
                "pull_request": {"head": {"repo": {"id": rng.randrange(10**9), "name": "a/b"}}},
                "body": _text(rng, rng.randint(300, 2500))}
    return {"action": "started", "ref": None, "description": _text(rng, rng.randint(0, 120))}


def synthetic_ids(listed: list[str]) -> dict[str, int]:
    """The repo id of each listed name in the synthetic hour."""
    return {name: 10_000 + i for i, name in enumerate(listed)}


def synthetic_hour(path: Path, n: int, listed: list[str], share: float = 0.02, seed: int = 1) -> None:
    """A GH Archive-like hour-file: n compact JSON lines, `share` of them on listed repos."""
    rng = random.Random(seed)
    types, weights = zip(*TYPES, strict=True)
    ids = synthetic_ids(listed)
    with gzip.open(path, "wb", compresslevel=6) as fh:
        for i in range(n):
            etype = rng.choices(types, weights)[0]
            if rng.random() < share:
                name = rng.choice(listed)
                rid = ids[name]
            else:
                rid = rng.randrange(10**6, 9 * 10**8)
                name = f"user{rid % 99991}/project-{rid}"
            actor = rng.randrange(1, 2 * 10**8)
            ev = {"id": str(3 * 10**10 + i), "type": etype,
                  "actor": {"id": actor, "login": f"u{actor}", "display_login": f"u{actor}",
                            "gravatar_id": "",
                            "url": f"https://api.github.com/users/u{actor}",
                            "avatar_url": f"https://avatars.githubusercontent.com/u/{actor}?"},
                  "repo": {"id": rid, "name": name, "url": f"https://api.github.com/repos/{name}"},
                  "payload": _payload(rng, etype), "public": True,
                  "created_at": f"2023-10-17T05:{i * 60 // n:02d}:{i % 60:02d}Z"}
            fh.write(json.dumps(ev, separators=(",", ":")).encode() + b"\n")


def baseline(path: Path, names: set[str], ids: set[int], events: set[str]) -> Counter:
    """gzip + json.loads on every line, then the same filter and aggregation."""
    cells: Counter = Counter()
    with gzip.open(path, "rb") as fh:
        for line in fh:
            ev = json.loads(line)
            repo = ev["repo"]
            if (repo["id"] in ids or repo["name"].lower() in names) and ev["type"] in events:
                cells[(repo["id"], ev["type"], ev["created_at"][11:13], ev["actor"]["id"])] += 1
    return cells


def streaming(path: Path, names: set[str], ids: set[int], events: set[str]) -> int:
    """The project's filter, as a worker runs it on one hour."""
    hour = HourScan(frozenset(n.encode() for n in names), frozenset(ids), frozenset(events))
    with path.open("rb") as fh:
        scan(fh, hour)
    return hour.kept


def best(fn, runs: int) -> tuple[float, float]:
    """The best wall-clock and CPU (all threads of this process) seconds of `runs` calls."""
    wall, cpu = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return min(wall), min(cpu)


def events_in(path: Path) -> tuple[int, int]:
    """(lines, uncompressed bytes) of an hour-file."""
    n = raw = 0
    with gzip.open(path, "rb") as fh:
        for line in fh:
            n, raw = n + 1, raw + len(line)
    return n, raw


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=200_000, help="events in the synthetic hour-file")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--file", type=Path, help="time a real GH Archive hour-file instead "
                    "(e.g. one downloaded from https://data.gharchive.org/2023-10-17-5.json.gz)")
    args = ap.parse_args()
    listed = [r.name for r in read_repo_list(ROOT / "data/gharchive_repos.yml")]
    names = {n.lower() for n in listed}
    kinds = {"ForkEvent", "WatchEvent"}
    with tempfile.TemporaryDirectory() as tmp:
        if args.file:
            path, ids, what = args.file, set(), f"{args.file.name}"
        else:
            path = Path(tmp) / "2023-10-17-5.json.gz"
            synthetic_hour(path, args.events, listed)
            ids, what = set(synthetic_ids(listed).values()), "synthetic hour-file"
        n, raw = events_in(path)
        kept_base = sum(baseline(path, names, ids, kinds).values())
        kept_fast = streaming(path, names, ids, kinds)
        assert kept_base == kept_fast, (kept_base, kept_fast)
        base = best(lambda: baseline(path, names, ids, kinds), args.runs)
        fast = best(lambda: streaming(path, names, ids, kinds), args.runs)
        size = path.stat().st_size
    print(f"{what}: {n:,} events, {size / 1e6:.1f} MB gzip, {raw / 1e6:.0f} MB JSON "
          f"({raw / n:,.0f} B/event), {kept_fast:,} kept (ForkEvent+WatchEvent of "
          f"{len(names)} listed repos, followed by name and id)")
    print(f"| filter | wall s (best of {args.runs}) | CPU s | events/s |\n|---|---:|---:|---:|")
    print(f"| gzip + json.loads every line (baseline) | {base[0]:.2f} | {base[1]:.2f} | {n / base[0]:,.0f} |")
    print(f"| chipshock streaming filter | {fast[0]:.2f} | {fast[1]:.2f} | {n / fast[0]:,.0f} |")
    print(f"speed-up: {base[0] / fast[0]:.1f}x wall-clock, {base[1] / fast[1]:.1f}x CPU time "
          "(the filter inflates the gzip in a second thread)")


if __name__ == "__main__":
    main()
