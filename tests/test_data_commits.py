"""`chipshock data commits`: the commit table re-extracted from small git repositories made here."""

from __future__ import annotations

import csv
import gzip
import hashlib
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from data_fixtures import MIRROR

from chipshock.cli import main
from chipshock.data.extract_commits import (
    COLUMNS,
    RepoSpec,
    coarsen_map,
    extract,
    is_bot,
    read_repos,
    subject_kind,
    tz_minutes,
)

SALT = "test-salt"
BOT = "49699333+dependabot[bot]@users.noreply.github.com"


def _git(repo: Path, *args: str, env: dict | None = None) -> str:
    base = {"HOME": str(repo.parent), "GIT_CONFIG_NOSYSTEM": "1", "PATH": "/usr/bin:/bin:/usr/local/bin"}
    out = subprocess.run(
        ["git", *args], cwd=repo, env={**base, **(env or {})}, check=True, capture_output=True, text=True
    )
    return out.stdout.strip()


def _who(
    name: str,
    email: str,
    date: str,
    c_name: str | None = None,
    c_email: str | None = None,
    c_date: str | None = None,
) -> dict:
    return {
        "GIT_AUTHOR_NAME": name,
        "GIT_AUTHOR_EMAIL": email,
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_NAME": c_name or name,
        "GIT_COMMITTER_EMAIL": c_email or email,
        "GIT_COMMITTER_DATE": c_date or date,
    }


def _commit(repo: Path, msg: str, who: dict) -> str:
    _git(repo, "commit", "--allow-empty", "-q", "-m", msg, env=who)
    return _git(repo, "rev-parse", "HEAD")


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """A repository with known authors, zones, a merge, a side branch, a tag and PR refs."""
    repo = tmp_path_factory.mktemp("src") / "alpha"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    c = {}
    c["init"] = _commit(repo, "Initial commit", _who("Alice", "Alice@Example.COM", "1700000000 +0800"))
    c["fix"] = _commit(repo, "Fix tokenizer (#12)", _who("Bob", "bob@corp.cn", "1700003600 -0700"))
    _git(repo, "checkout", "-q", "-b", "feature")
    c["feat"] = _commit(repo, "Add feature", _who("Carol", "carol@uni.edu", "1700007200 +0530"))
    _git(repo, "checkout", "-q", "main")
    c["docs"] = _commit(repo, "Docs", _who("Alice", "alice@example.com", "1700010000 +0000"))
    _git(
        repo,
        "merge",
        "-q",
        "--no-ff",
        "feature",
        "-m",
        "Merge pull request #3 from carol/feature",
        env=_who(
            "Alice",
            "alice@example.com",
            "1700020000 +0800",
            "GitHub",
            "noreply@github.com",
            "1700020000 +0000",
        ),
    )
    c["merge"] = _git(repo, "rev-parse", "HEAD")
    _git(repo, "checkout", "-q", "-b", "side", c["docs"])
    c["side"] = _commit(repo, "WIP", _who("Eve", "eve@qq.com", "1700030000 +0900"))
    _git(repo, "checkout", "-q", "--detach", c["docs"])
    c["tagged"] = _commit(repo, "Release notes", _who("Eve", "eve@qq.com", "1700035000 +0900"))
    _git(repo, "tag", "v0.1")
    _git(repo, "checkout", "-q", "--detach", c["docs"])
    c["pr"] = _commit(repo, "Bump torch from 2.0 to 2.1", _who("dependabot[bot]", BOT, "1700040000 +0000"))
    _git(repo, "update-ref", "refs/pull/1/head", c["pr"])
    _git(repo, "update-ref", "refs/pull/2/head", c["side"])
    _git(repo, "update-ref", "refs/pull/5/head", c["side"])
    tree = _git(repo, "rev-parse", f"{c['docs']}^{{tree}}")
    c["synthetic"] = _git(
        repo,
        "commit-tree",
        tree,
        "-p",
        c["merge"],
        "-p",
        c["pr"],
        "-m",
        "Merge abc into def",
        env=_who("GitHub", "noreply@github.com", "1700050000 +0000"),
    )
    _git(repo, "update-ref", "refs/pull/1/merge", c["synthetic"])
    _git(repo, "checkout", "-q", "main")
    return repo, c


def _iso(unix: int) -> str:
    return datetime.fromtimestamp(unix, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _id(email: str) -> str:
    return hashlib.sha256((SALT + email.lower()).encode()).hexdigest()


def _read(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_extract_exact_values(source, tmp_path):
    repo, c = source
    spec = RepoSpec("test/alpha", "A", "model", "test", url=str(repo))
    out = tmp_path / "commits.csv.gz"
    extract([spec], tmp_path / "clones", out, salt=SALT, min_domain_ids=0, log=lambda m: None)
    rows = {r["sha"]: r for r in _read(out)}
    assert set(rows) == {c[k] for k in ("init", "fix", "feat", "docs", "merge", "side", "tagged", "pr")}
    assert c["synthetic"] not in rows  # refs/pull/*/merge excluded
    with gzip.open(out, "rt", encoding="utf-8") as fh:
        assert fh.readline().strip().split(",") == list(COLUMNS)

    init = rows[c["init"]]
    assert init == {
        "repo": "test/alpha",
        "group": "A",
        "sha": c["init"],
        "reach": "default",
        "n_parents": "0",
        "is_merge": "0",
        "author_time_utc": _iso(1700000000),
        "author_tz_min": "480",
        "committer_time_utc": _iso(1700000000),
        "committer_tz_min": "480",
        "committer_webflow": "0",
        "author_domain": "example.com",
        "committer_domain": "example.com",
        "author_id": _id("alice@example.com"),
        "is_bot": "0",
        "subject_kind": "",
        "pr_number": "",
        "pr_head": "",
    }
    assert rows[c["docs"]]["author_id"] == init["author_id"]  # same e-mail, other case
    fix = rows[c["fix"]]
    assert (fix["author_tz_min"], fix["subject_kind"], fix["pr_number"], fix["author_domain"]) == (
        "-420",
        "pr_suffix",
        "12",
        "corp.cn",
    )
    assert rows[c["feat"]]["author_tz_min"] == "330" and rows[c["feat"]]["reach"] == "default"
    merge = rows[c["merge"]]
    assert (merge["n_parents"], merge["is_merge"], merge["committer_webflow"]) == ("2", "1", "1")
    assert (merge["author_tz_min"], merge["committer_tz_min"], merge["committer_domain"]) == (
        "480",
        "0",
        "github.com",
    )
    assert (merge["subject_kind"], merge["pr_number"]) == ("merge_pr", "3")
    side = rows[c["side"]]
    assert (side["reach"], side["pr_head"], side["author_tz_min"], side["author_domain"]) == (
        "branch",
        "2",
        "540",
        "qq.com",
    )
    assert rows[c["tagged"]]["reach"] == "branch"
    pr = rows[c["pr"]]
    assert (pr["reach"], pr["pr_head"], pr["is_bot"], pr["author_domain"]) == (
        "pr",
        "1",
        "1",
        "users.noreply.github.com",
    )
    assert pr["author_time_utc"] == _iso(1700040000)
    assert sum(r["is_bot"] == "1" for r in rows.values()) == 1


def test_extract_coarsens_rare_domains(source, tmp_path):
    repo, _ = source
    spec = RepoSpec("test/alpha", "A", "model", "test", url=str(repo))
    rows = extract([spec], tmp_path / "clones", tmp_path / "c.csv.gz", salt=SALT, log=lambda m: None)
    domains = {r["author_domain"] for r in rows} | {r["committer_domain"] for r in rows}
    assert domains == {"other.misc", "users.noreply.github.com"}


def test_copied_history_is_dropped(source, tmp_path):
    repo, c = source
    fork = tmp_path / "fork"
    subprocess.run(["git", "clone", "-q", str(repo), str(fork)], check=True, capture_output=True)
    # a rewritten copy of "docs" (same author e-mail and raw date, new sha) and one own commit
    _git(fork, "checkout", "-q", "--orphan", "rewritten")
    copy = _commit(
        fork,
        "Docs (rewritten)",
        _who("Alice", "alice@example.com", "1700010000 +0000", "Zed", "zed@x.org", "1700090000 +0000"),
    )
    own = _commit(fork, "Own work", _who("Zed", "zed@x.org", "1700100000 +0100"))
    _git(fork, "checkout", "-q", "main")
    specs = [
        RepoSpec("test/alpha", "A", "model", "t", url=str(repo)),
        RepoSpec("test/fork", "C", "tooling", "t", url=str(fork), dedup_against="test/alpha"),
    ]
    rows = extract(
        specs, tmp_path / "clones", tmp_path / "c.csv.gz", salt=SALT, min_domain_ids=0, log=lambda m: None
    )
    fork_shas = {r["sha"] for r in rows if r["repo"] == "test/fork"}
    assert own in fork_shas and copy not in fork_shas and c["init"] not in fork_shas
    assert len({(r["repo"], r["sha"]) for r in rows}) == len(rows)


@pytest.mark.parametrize(
    ("offset", "minutes"), [("+0800", 480), ("-0700", -420), ("+0530", 330), ("-0930", -570), ("+0000", 0)]
)
def test_tz_minutes(offset, minutes):
    assert tz_minutes(offset) == minutes


def test_bot_and_subject_rules():
    assert is_bot(BOT) and is_bot("41898282+github-actions[bot]@users.noreply.github.com")
    assert is_bot("action@github.com") and is_bot("ci-bot@corp.com") and is_bot("noreply@anthropic.com")
    assert is_bot("198982749+Copilot@users.noreply.github.com")
    assert not is_bot("alice@example.com") and not is_bot("12345+robert@users.noreply.github.com")
    assert subject_kind("Add x (#1234)") == ("pr_suffix", "1234")
    assert subject_kind("Merge pull request #7 from a/b") == ("merge_pr", "7")
    assert subject_kind("Fix #12 in parser") == ("", "")


def test_coarsen_rule():
    ids = {
        "big.com": {f"a{i}" for i in range(5)},
        "small.com": {"b"},
        "tiny.xyz": {"c"},
        "host": {"d"},
        "users.noreply.github.com": {"e"},
        "": {"f"},
    }
    m = coarsen_map(ids, 5, ["users.noreply.github.com"])
    assert [m(d) for d in ("big.com", "small.com", "tiny.xyz", "host", "users.noreply.github.com", "")] == [
        "big.com",
        "other.com",
        "other.misc",
        "other.misc",
        "users.noreply.github.com",
        "",
    ]
    assert m("committer-only.com") == "other.com"
    assert coarsen_map(ids, 0, [])("tiny.xyz") == "tiny.xyz"


def test_repos_yml_lists_the_82_repositories():
    specs = read_repos(Path(__file__).resolve().parents[1] / "data/repos.yml")
    assert len(specs) == 82 and len({s.repo for s in specs}) == 82
    assert {s.group for s in specs} == {"A", "B", "C"} and {s.kind for s in specs} == {"model", "tooling"}
    if (MIRROR / "commits/repos.csv").is_file():
        with (MIRROR / "commits/repos.csv").open(encoding="utf-8") as fh:
            listed = [(r["repo"], r["group"], r["kind"], r["origin_note"]) for r in csv.DictReader(fh)]
        assert [(s.repo, s.group, s.kind, s.origin_note) for s in specs] == listed


def test_cli_commits(source, tmp_path, monkeypatch, capsys):
    repo, _ = source
    repos = tmp_path / "repos.yml"
    repos.write_text(
        f"repos:\n  - repo: test/alpha\n    group: A\n    kind: model\n    origin_note: t\n    url: {repo}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("TEST_SALT", SALT)
    out = tmp_path / "out.csv.gz"
    assert (
        main(
            [
                "data",
                "commits",
                "--repos",
                str(repos),
                "--clone-dir",
                str(tmp_path / "cl"),
                "--out",
                str(out),
                "--salt-env",
                "TEST_SALT",
                "--min-domain-ids",
                "0",
            ]
        )
        == 0
    )
    rows = _read(out)
    assert len(rows) == 8 and {r["author_id"] for r in rows} >= {_id("alice@example.com")}
    if (MIRROR / "commits/commits.csv.gz").is_file():
        with gzip.open(MIRROR / "commits/commits.csv.gz", "rt", encoding="utf-8") as fh:
            assert fh.readline().strip().split(",") == list(COLUMNS)
    assert main(["data", "commits", "--repos", str(tmp_path / "none.yml"), "--clone-dir", str(tmp_path)]) == 2
    assert "none.yml is missing" in capsys.readouterr().err
