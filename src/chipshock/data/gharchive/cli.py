"""`chipshock data gharchive`: arguments, the run, its summary (exit 1 if hours stay corrupt/failed)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from chipshock.data.gharchive.spec import (
    BASE_URL,
    DEFAULT_EVENTS,
    hours_between,
    parse_day,
    parse_events,
    read_repo_list,
)
from chipshock.errors import UserError


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1 (got {value})")
    return value


def _cmd(args: argparse.Namespace) -> int:
    from chipshock.data.gharchive.run import FAILED, Options, run
    from chipshock.data.gharchive.sql import render_sql

    start, end = parse_day(args.start, "--start"), parse_day(args.end, "--end")
    hours = hours_between(start, end)
    events = parse_events(args.events)
    repos = read_repo_list(Path(args.repos))
    if args.sql:
        sys.stdout.write(render_sql(repos, events, start, end))
        return 0
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise UserError(f"--out {out} is a file; pass a folder")

    def log(message: str) -> None:
        print(message, file=sys.stderr)

    opt = Options(base_url=args.base_url, workers=args.workers, retries=args.retries, backoff=args.backoff,
                  retry_missing=args.retry_missing)
    summary = run(hours, repos, events, out, opt, log=log)
    print(summary.text())
    if summary.ok:
        from chipshock.data.gharchive.tables import write_combined

        print(write_combined(out))
    if summary.missing:
        log(f"{len(summary.missing):,} hours are missing upstream (listed in {out / FAILED})")
    if summary.corrupt or summary.failed:
        log(f"chipshock: {len(summary.corrupt) + len(summary.failed):,} hours are corrupt or failed (listed "
            f"in {out / FAILED}); rerun the same command to retry them")
        return 1
    return 0


def add_gharchive_parser(dsub: argparse._SubParsersAction) -> None:
    """Register `chipshock data gharchive`."""
    g = dsub.add_parser("gharchive", help="GitHub events of listed repos per repo x week x UTC hour")
    g.add_argument("--start", required=True, metavar="DATE", help="first UTC day, YYYY-MM-DD")
    g.add_argument("--end", required=True, metavar="DATE", help="last UTC day, YYYY-MM-DD (inclusive)")
    g.add_argument("--repos", default="data/gharchive_repos.yml", metavar="FILE",
                   help="YAML repository list (default data/gharchive_repos.yml)")
    g.add_argument("--events", metavar="TYPES", help=f"comma-separated types (default {DEFAULT_EVENTS[0]})")
    g.add_argument("--out", default="data/raw/gharchive", metavar="DIR",
                   help="output folder, reused to resume (default data/raw/gharchive, git-ignored)")
    g.add_argument("--workers", type=_positive, default=2, metavar="N", help="hours in parallel (default 2)")
    g.add_argument("--base-url", default=BASE_URL, metavar="URL", help=f"mirror or file:// URL ({BASE_URL})")
    g.add_argument("--retries", type=int, default=5, metavar="K", help="retries on network errors/5xx")
    g.add_argument("--backoff", type=float, default=2.0, metavar="S", help="first retry delay (s), doubled")
    g.add_argument("--retry-missing", action="store_true", help="ask again for hours that were 404")
    g.add_argument("--sql", action="store_true", help="print the equivalent BigQuery SQL and exit")
    g.set_defaults(func=_cmd)
