"""`chipshock data …`: fetch raw sources, re-extract commits, build and list the processed tables."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from chipshock.paths import find_project


def _cmd_fetch(args: argparse.Namespace) -> int:
    from chipshock.data.fetch import fetch

    mirror = Path(args.mirror).resolve() if args.mirror else None
    counts = fetch(find_project(), mirror=mirror, only=args.only)
    print(", ".join(f"{n} {k}" for k, n in counts.items()))
    return 0


def _cmd_build(args: argparse.Namespace) -> int:
    from chipshock.data.build import build_all, processed_dir

    project = find_project()
    build_all(project)
    print(project.rel(processed_dir(project)))
    return 0


def _cmd_commits(args: argparse.Namespace) -> int:
    from chipshock.data.extract_commits import extract, read_repos

    clone_dir = Path(args.clone_dir).resolve()
    out = Path(args.out) if args.out else clone_dir / "commits.csv.gz"
    salt = None
    if args.salt_env:
        salt = os.environ.get(args.salt_env)
        if salt is None:
            from chipshock.errors import UserError

            raise UserError(f"--salt-env {args.salt_env}: that environment variable is not set")
    rows = extract(
        read_repos(Path(args.repos)),
        clone_dir,
        out,
        salt=salt,
        min_domain_ids=args.min_domain_ids,
        log=lambda m: print(m, file=sys.stderr),
    )
    print(f"{out} ({len(rows):,} commits)")
    return 0


def _cmd_patents(args: argparse.Namespace) -> int:
    from chipshock.data import patents
    from chipshock.data.dictionaries import MODEL_FAMILIES

    families = args.families.split(",") if args.families else list(MODEL_FAMILIES)

    def log(message: str) -> None:
        print(message, file=sys.stderr)

    if args.source == "api":
        result = patents.count_api(args.kind, args.years, families, os.environ.get(args.api_key_env, ""),
                                   base_url=args.base_url or patents.API_BASE, log=log)
    else:
        result = patents.count_bulk(args.kind, args.years, args.sections.split(","), families,
                                    Path(args.cache_dir), base_url=args.base_url or patents.BULK_BASE,
                                    log=log)
    for path in patents.write_counts(result, Path(args.out)):
        print(path)
    return 0


def add_data_parser(sub: argparse._SubParsersAction) -> None:
    """Register `chipshock data` and its subcommands."""
    data = sub.add_parser("data", help="fetch raw data, re-extract commits, build data/processed/")
    dsub = data.add_subparsers(dest="data_command", required=True)
    f = dsub.add_parser("fetch", help="fill data/raw/ from a mirror or the pinned URLs (verified by sha256)")
    f.add_argument("--mirror", metavar="DIR", help="a local copy with the same layout (e.g. ../shared/data)")
    f.add_argument("--only", metavar="ID", help="one source id of data/sources.yml")
    f.set_defaults(func=_cmd_fetch)
    b = dsub.add_parser("build", help="data/raw/ → data/processed/ (parquet, CHECKSUMS, DATASETS.md)")
    b.set_defaults(func=_cmd_build)
    c = dsub.add_parser("commits", help="re-extract the commit table from git (clones every repo)")
    c.add_argument("--repos", default="data/repos.yml", help="repository list (default data/repos.yml)")
    c.add_argument("--clone-dir", required=True, metavar="DIR", help="where the bare clones go (reused)")
    c.add_argument("--out", metavar="FILE", help="output .csv.gz (default DIR/commits.csv.gz)")
    c.add_argument("--salt-env", metavar="NAME", help="take the author-id salt from this variable")
    c.add_argument(
        "--min-domain-ids",
        type=int,
        default=5,
        metavar="K",
        help="keep an e-mail domain only if K author ids use it (default 5; 0: no coarsening)",
    )
    c.set_defaults(func=_cmd_commits)
    p = dsub.add_parser("patents",
                        help="count U.S. patents/applications naming a model family (PatentsView, online)")
    p.add_argument("--years", type=int, nargs="+", required=True, metavar="YEAR",
                   help="grant/publication years")
    p.add_argument("--kind", choices=("granted", "pregrant"), default="granted")
    p.add_argument("--source", choices=("bulk", "api"), default="bulk",
                   help="bulk: download the zipped TSV text tables; api: PatentSearch API (needs a key)")
    p.add_argument("--sections", default="brf_sum,claims",
                   help="bulk text tables: brf_sum, claims, detail_desc (full descriptions, large)")
    p.add_argument("--families", help="comma-separated model families (default: all)")
    p.add_argument("--cache-dir", default="data/raw/patents", help="where bulk files are kept (reused)")
    p.add_argument("--api-key-env", default="PATENTSVIEW_API_KEY", metavar="NAME",
                   help="environment variable holding the PatentSearch API key")
    p.add_argument("--base-url", help="override the bulk or API base URL (mirrors, tests)")
    p.add_argument("--out", default="data/patents/patent_counts.csv", help="output CSV (totals beside it)")
    p.set_defaults(func=_cmd_patents)

    from chipshock.data.gharchive.cli import add_gharchive_parser

    add_gharchive_parser(dsub)
