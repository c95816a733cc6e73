"""`chipshock data commits`: re-extract the commit table from git itself.

Same columns and definitions as shared/data/commits/commits.csv.gz (see its README): one row per
commit reachable from branches, tags and refs/pull/*/head (GitHub's refs/pull/*/merge excluded).
Only git metadata is read; no content is checked out. Names, messages and full e-mails are not kept.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import os
import re
import secrets
import subprocess
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import yaml

from chipshock.data.atomic import atomic_open
from chipshock.errors import DataError

COLUMNS = (
    "repo",
    "group",
    "sha",
    "reach",
    "n_parents",
    "is_merge",
    "author_time_utc",
    "author_tz_min",
    "committer_time_utc",
    "committer_tz_min",
    "committer_webflow",
    "author_domain",
    "committer_domain",
    "author_id",
    "is_bot",
    "subject_kind",
    "pr_number",
    "pr_head",
)
KEEP_DOMAINS = ("users.noreply.github.com",)
WEBFLOW_EMAIL = "noreply@github.com"
BOT_EMAILS = frozenset(
    {
        "action@github.com",
        "actions@github.com",
        "github-actions@github.com",
        "noreply@anthropic.com",
        "cursoragent@cursor.com",
        "bot@renovateapp.com",
        "support@dependabot.com",
    }
)
AGENT_LOCALS = ("copilot", "devin-ai-integration", "claude", "openhands", "codex")
_FMT = "%H%x1f%P%x1f%ae%x1f%ad%x1f%ce%x1f%cd%x1f%s%x1e"
_PR_SUFFIX = re.compile(r"\(#(\d+)\)\s*$")
_MERGE_PR = re.compile(r"^Merge pull request #(\d+)")
_PULL_HEAD = re.compile(r"^refs/pull/(\d+)/head$")


@dataclass(frozen=True)
class RepoSpec:
    """One repository of data/repos.yml."""

    repo: str
    group: str
    kind: str
    origin_note: str
    url: str = ""
    dedup_against: str = ""

    @property
    def clone_url(self) -> str:
        return self.url or f"https://github.com/{self.repo}.git"

    @property
    def folder(self) -> str:
        return self.repo.replace("/", "+") + ".git"


def read_repos(path: Path) -> list[RepoSpec]:
    """The repositories listed in a repos.yml."""
    if not path.is_file():
        raise DataError(f"{path} is missing; restore it with `git checkout -- data/repos.yml`")
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        return [RepoSpec(**{k: str(v) for k, v in entry.items() if v is not None}) for entry in doc["repos"]]
    except (yaml.YAMLError, KeyError, TypeError) as exc:
        raise DataError(f"{path} is malformed ({exc})") from None


def git(*args: str, cwd: Path | None = None) -> str:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    proc = subprocess.run(
        ["git", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="surrogateescape",
        env=env,
    )
    if proc.returncode != 0:
        raise DataError(f"`git {' '.join(args)}` failed: {proc.stderr.strip()[:400]}")
    return proc.stdout


def clone(spec: RepoSpec, clone_dir: Path) -> Path:
    """A bare, blob-less clone with GitHub's PR head refs (reused if present)."""
    dest = clone_dir / spec.folder
    if not dest.is_dir():
        clone_dir.mkdir(parents=True, exist_ok=True)
        git("clone", "--quiet", "--bare", "--filter=blob:none", spec.clone_url, str(dest))
    git("fetch", "--quiet", "--force", "origin", "+refs/pull/*/head:refs/pull/*/head", cwd=dest)
    return dest


# --- pure helpers ----------------------------------------------------------------------------------------


def tz_minutes(offset: str) -> int:
    """'+0800' → 480, '-0700' → -420."""
    sign = -1 if offset.startswith("-") else 1
    digits = offset.lstrip("+-")
    return sign * (int(digits[:2]) * 60 + int(digits[2:4]))


def utc_iso(unix: str) -> str:
    return datetime.fromtimestamp(int(unix), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def domain_of(email: str) -> str:
    email = email.strip().lower()
    return email.rpartition("@")[2] if "@" in email else ""


def author_hash(salt: str, email: str) -> str:
    return hashlib.sha256((salt + email.strip().lower()).encode("utf-8")).hexdigest()


def is_bot(email: str) -> bool:
    """Automation accounts: [bot] addresses, GitHub Actions, local parts ending in 'bot', AI agents."""
    e = email.strip().lower()
    local = e.partition("@")[0].split("+")[-1]
    return (
        "[bot]" in e
        or e in BOT_EMAILS
        or local.endswith("bot")
        or (e.endswith("@users.noreply.github.com") and local in AGENT_LOCALS)
    )


def subject_kind(subject: str) -> tuple[str, str]:
    """('pr_suffix' | 'merge_pr' | '', PR number or '')."""
    if m := _MERGE_PR.match(subject):
        return "merge_pr", m.group(1)
    if m := _PR_SUFFIX.search(subject):
        return "pr_suffix", m.group(1)
    return "", ""


def coarsen_map(
    author_ids_by_domain: dict[str, set[str]], k: int, keep: Iterable[str]
) -> Callable[[str], str]:
    """The domain-coarsening rule: keep a domain used by ≥ k author ids, else other.<tld>, else other.misc."""
    keep = set(keep)
    by_label: dict[str, set[str]] = defaultdict(set)
    for domain, ids in author_ids_by_domain.items():
        if "." in domain:
            by_label[domain.rsplit(".", 1)[1]] |= ids

    def mapped(domain: str) -> str:
        if k <= 0 or not domain or domain in keep or len(author_ids_by_domain.get(domain, ())) >= k:
            return domain
        label = domain.rsplit(".", 1)[1] if "." in domain else ""
        return f"other.{label}" if label and len(by_label.get(label, ())) >= k else "other.misc"

    return mapped


# --- one repository --------------------------------------------------------------------------------------


def _rev_set(repo_dir: Path, *args: str) -> set[str]:
    return set(git("rev-list", *args, cwd=repo_dir).split())


def _pr_heads(repo_dir: Path) -> dict[str, int]:
    heads: dict[str, int] = {}
    for line in git(
        "for-each-ref", "--format=%(objectname) %(refname)", "refs/pull/", cwd=repo_dir
    ).splitlines():
        sha, _, ref = line.partition(" ")
        if m := _PULL_HEAD.match(ref):
            n = int(m.group(1))
            heads[sha] = min(n, heads.get(sha, n))
    return heads


def _log(repo_dir: Path) -> list[list[str]]:
    out = git("log", "--exclude=refs/pull/*/merge", "--all", "--date=raw", f"--format={_FMT}", cwd=repo_dir)
    return [rec.strip("\n").split("\x1f") for rec in out.split("\x1e") if rec.strip()]


def repo_rows(spec: RepoSpec, repo_dir: Path) -> list[dict]:
    """Rows of one repository, before hashing e-mails and coarsening domains (e-mails kept in '_' keys)."""
    default = _rev_set(repo_dir, "HEAD")
    branch = _rev_set(repo_dir, "--branches", "--tags")
    heads = _pr_heads(repo_dir)
    rows = []
    for sha, parents, a_email, a_date, c_email, c_date, subject in _log(repo_dir):
        a_unix, a_tz = a_date.split()
        c_unix, c_tz = c_date.split()
        n_parents = len(parents.split())
        kind, number = subject_kind(subject)
        rows.append(
            {
                "repo": spec.repo,
                "group": spec.group,
                "sha": sha,
                "reach": "default" if sha in default else "branch" if sha in branch else "pr",
                "n_parents": n_parents,
                "is_merge": int(n_parents > 1),
                "author_time_utc": utc_iso(a_unix),
                "author_tz_min": tz_minutes(a_tz),
                "committer_time_utc": utc_iso(c_unix),
                "committer_tz_min": tz_minutes(c_tz),
                "committer_webflow": int(c_email.strip().lower() == WEBFLOW_EMAIL),
                "is_bot": int(is_bot(a_email)),
                "subject_kind": kind,
                "pr_number": number,
                "pr_head": heads.get(sha, ""),
                "_author_email": a_email,
                "_committer_email": c_email,
                "_author_raw_date": a_date,
            }
        )
    return rows


def drop_copies(rows: list[dict], upstream: list[dict]) -> list[dict]:
    """Drop commits whose sha, or (lowercased author e-mail, raw author date), occurs upstream."""
    shas = {r["sha"] for r in upstream}
    pairs = {(r["_author_email"].strip().lower(), r["_author_raw_date"]) for r in upstream}
    return [
        r
        for r in rows
        if r["sha"] not in shas and (r["_author_email"].strip().lower(), r["_author_raw_date"]) not in pairs
    ]


def finish(
    rows: list[dict], salt: str, min_domain_ids: int, keep: Iterable[str] = KEEP_DOMAINS
) -> list[dict]:
    """Hash author e-mails, coarsen domains, drop the e-mails."""
    ids_by_domain: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        r["author_id"] = author_hash(salt, r["_author_email"])
        r["author_domain"] = domain_of(r["_author_email"])
        r["committer_domain"] = domain_of(r["_committer_email"])
        ids_by_domain[r["author_domain"]].add(r["author_id"])
    mapped = coarsen_map(ids_by_domain, min_domain_ids, keep)
    for r in rows:
        r["author_domain"] = mapped(r["author_domain"])
        r["committer_domain"] = mapped(r["committer_domain"])
    return [{c: r[c] for c in COLUMNS} for r in rows]


def write_commits(rows: list[dict], out: Path) -> None:
    """gzip CSV (mtime 0, no file name), written atomically."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    with (
        atomic_open(out, "wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz,
    ):
        gz.write(buf.getvalue().encode("utf-8"))


def extract(
    specs: list[RepoSpec],
    clone_dir: Path,
    out: Path,
    salt: str | None = None,
    min_domain_ids: int = 5,
    log: Callable[[str], None] = print,
) -> list[dict]:
    """Clone (or reuse) every repository, extract its commits and write the table to `out`."""
    salt = salt if salt is not None else secrets.token_hex(32)
    per_repo: dict[str, list[dict]] = {}
    for spec in specs:
        log(f"{spec.repo}: cloning/fetching")
        per_repo[spec.repo] = repo_rows(spec, clone(spec, clone_dir))
    for spec in specs:
        if spec.dedup_against:
            if spec.dedup_against not in per_repo:
                raise DataError(f"{spec.repo}: dedup_against {spec.dedup_against} is not in the repo list")
            per_repo[spec.repo] = drop_copies(per_repo[spec.repo], per_repo[spec.dedup_against])
        log(f"{spec.repo}: {len(per_repo[spec.repo]):,} commits")
    rows = finish([r for rs in per_repo.values() for r in rs], salt, min_domain_ids)
    write_commits(rows, out)
    return rows
