"""Inputs of a GH Archive run: event types, hours, URLs, the repository list (validated)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import yaml

from chipshock.errors import DataError, UserError

BASE_URL = "https://data.gharchive.org"
FIRST_DAY = date(2011, 2, 12)  # GH Archive's first hour
# Event types of GH Archive's current (2015+) format, as in GitHub's events API.
EVENT_TYPES = (
    "CommitCommentEvent", "CreateEvent", "DeleteEvent", "DiscussionEvent", "ForkEvent", "GollumEvent",
    "IssueCommentEvent", "IssuesEvent", "MemberEvent", "PublicEvent", "PullRequestEvent",
    "PullRequestReviewCommentEvent", "PullRequestReviewEvent", "PullRequestReviewThreadEvent",
    "PushEvent", "ReleaseEvent", "SponsorshipEvent", "WatchEvent",
)
DEFAULT_EVENTS = ("ForkEvent",)
_NAME = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")


@dataclass(frozen=True)
class Repo:
    """A listed repository: its name (owner/name, matched case-insensitively) and, if known, its id."""

    name: str
    id: int | None = None

    @property
    def key(self) -> str:
        return self.name.lower()


def parse_day(text: str, what: str) -> date:
    """A YYYY-MM-DD date; UserError otherwise."""
    try:
        return date.fromisoformat(text)
    except (TypeError, ValueError):
        raise UserError(f"{what} {text!r} is not a date; write it as YYYY-MM-DD (e.g. 2023-10-17)") from None


def hours_between(start: date, end: date) -> list[datetime]:
    """Every UTC hour from start 00:00 to end 23:00 inclusive; UserError on a bad range."""
    if end < start:
        raise UserError(f"--end {end} is before --start {start}; swap them")
    if start < FIRST_DAY:
        raise UserError(f"--start {start} is before GH Archive's first day ({FIRST_DAY}); start later")
    first = datetime(start.year, start.month, start.day, tzinfo=UTC)
    n = ((end - start).days + 1) * 24
    return [first + timedelta(hours=i) for i in range(n)]


def hour_key(hour: datetime) -> str:
    """GH Archive's name of an hour: 2023-10-17-5 (the hour has no leading zero)."""
    return f"{hour:%Y-%m-%d}-{hour.hour}"


def hour_url(base_url: str, hour: datetime) -> str:
    return f"{base_url.rstrip('/')}/{hour_key(hour)}.json.gz"


def parse_events(text: str | None) -> tuple[str, ...]:
    """A comma-separated list of event types, checked against GH Archive's types."""
    if not text:
        return DEFAULT_EVENTS
    events = tuple(dict.fromkeys(e.strip() for e in text.split(",") if e.strip()))
    unknown = [e for e in events if e not in EVENT_TYPES]
    if unknown or not events:
        raise UserError(
            f"--events: unknown event type(s) {', '.join(unknown) or '(none given)'}; "
            f"choose from {', '.join(EVENT_TYPES)}"
        )
    return tuple(sorted(events))


def _entry(item: object, path: Path) -> Repo:
    if isinstance(item, str):
        item = {"repo": item}
    if not isinstance(item, dict) or not isinstance(item.get("repo"), str):
        raise DataError(f"{path}: each entry of `repos:` needs `repo: owner/name` (got {item!r})")
    name, rid = item["repo"].strip(), item.get("id")
    if not _NAME.match(name):
        raise DataError(f"{path}: {name!r} is not an owner/name repository name")
    if rid is not None and (not isinstance(rid, int) or isinstance(rid, bool) or rid <= 0):
        raise DataError(f"{path}: the id of {name} must be GitHub's positive numeric repo id (got {rid!r})")
    return Repo(name, rid)


def read_repo_list(path: Path) -> tuple[Repo, ...]:
    """The repositories of a YAML list (`repos:` of `repo: owner/name` with optional `id:`).

    data/repos.yml and data/gharchive_repos.yml both qualify. DataError names the problem.
    """
    try:
        doc = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise DataError(f"--repos {path}: cannot read it ({exc.strerror or exc}); pass a YAML "
                        "repository list such as data/gharchive_repos.yml") from None
    except yaml.YAMLError as exc:
        raise DataError(f"--repos {path}: not valid YAML ({str(exc).splitlines()[0]})") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("repos"), list) or not doc["repos"]:
        raise DataError(f"--repos {path}: expected a non-empty `repos:` list of `- repo: owner/name`")
    repos = [_entry(item, path) for item in doc["repos"]]
    seen: dict[str, Repo] = {}
    for r in repos:
        if r.key in seen:
            raise DataError(f"--repos {path}: {r.name} is listed twice")
        seen[r.key] = r
    return tuple(repos)
