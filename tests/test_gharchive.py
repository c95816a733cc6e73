"""`chipshock data gharchive`: streaming filter, renames by id, resume, failures, loaders, SQL."""

from __future__ import annotations

import gzip
import http.server
import io
import json
import re
import threading
from datetime import date, datetime
from pathlib import Path
from typing import ClassVar

import pandas as pd
import pytest

from chipshock.cli import main
from chipshock.data.gharchive import tables
from chipshock.data.gharchive.run import FAILED, Options, read_manifest, run
from chipshock.data.gharchive.scan import CorruptHour, Counted, HourScan, gunzip
from chipshock.data.gharchive.spec import Repo, hours_between, read_repo_list
from chipshock.data.gharchive.sql import SHIPPED, SHIPPED_EVENTS, SHIPPED_SPAN, render_sql, select_aliases
from chipshock.errors import DataError, UserError

REPO = Path(__file__).resolve().parents[1]
DAY = "2023-10-16"  # a Monday
REPOS = (Repo("org/ALPHA"), Repo("New/Beta"))


def event(etype: str, rid: int, name: str, actor: int, hour: int, minute: int = 0, **kw) -> bytes:
    """One line in GH Archive's format (compact JSON, keys in its order)."""
    ev = {
        "id": str(30000000000 + rid * 100 + actor),
        "type": etype,
        "actor": {"id": actor, "login": f"user{actor}", "display_login": f"user{actor}", "gravatar_id": "",
                  "url": f"https://api.github.com/users/user{actor}",
                  "avatar_url": f"https://avatars.githubusercontent.com/u/{actor}?"},
        "repo": {"id": rid, "name": name, "url": f"https://api.github.com/repos/{name}"},
        "payload": kw.get("payload", {"action": "started"}),
        "public": True,
        "created_at": f"{DAY}T{hour:02d}:{minute:02d}:33Z",
    }
    return json.dumps(ev, separators=(",", ":")).encode()


def gz(lines: list[bytes]) -> bytes:
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0) as fh:
        fh.write(b"\n".join(lines) + b"\n")
    return buf.getvalue()


NESTED = {"pull_request": {"head": {"repo": {"id": 11, "name": "Org/Alpha"}}}}
HOURS = {
    0: [  # the listed name of Alpha (id 11), noise, a nested repo object, malformed and non-compact lines
        event("ForkEvent", 11, "Org/Alpha", 1, 0),
        event("ForkEvent", 11, "Org/Alpha", 2, 0, 5),
        event("WatchEvent", 11, "Org/Alpha", 1, 0, 7),
        event("ForkEvent", 99, "x/y", 1, 0),
        event("PullRequestEvent", 98, "x/z", 4, 0, payload=NESTED),
        event("ForkEvent", 22, "Old/Beta", 5, 0, 9),
        b"{not json",
        event("ForkEvent", 11, "Org/Alpha", 8, 0, 50)[:-60],  # cut after its repo object
        json.dumps(json.loads(event("ForkEvent", 11, "Org/Alpha", 2, 0, 30))).encode(),  # not compact
    ] + [event("PushEvent", 99, "x/y", 7, 0, 40)] * 60,
    1: [  # Alpha renamed (same id, new name): its events are kept once the id is known
        event("ForkEvent", 11, "Org/Alpha-Renamed", 3, 1),
        event("ForkEvent", 11, "Org/Alpha-Renamed", 1, 1, 2),
        event("ForkEvent", 99, "x/y", 3, 1),
    ],
    4: [  # Beta under its listed (new) name; events under its old name at hour 0 count too
        event("ForkEvent", 22, "New/Beta", 5, 4),
        event("ForkEvent", 22, "New/Beta", 6, 4, 1),
    ],
}


class Upstream(http.server.BaseHTTPRequestHandler):
    """GH Archive stand-in: hour files, a truncated one, a 404 and a 500 before success."""

    files: ClassVar[dict[str, bytes]] = {}
    fail_first: ClassVar[set[str]] = set()
    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        name = self.path.lstrip("/")
        type(self).requests.append(name)
        if name in self.fail_first:
            self.fail_first.discard(name)
            self.send_response(500)
            self.end_headers()
            return
        body = self.files.get(name)
        if body is None:
            self.send_response(404)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def upstream():
    Upstream.files = {f"{DAY}-{h}.json.gz": gz(lines) for h, lines in HOURS.items()}
    Upstream.files[f"{DAY}-2.json.gz"] = gz(HOURS[1])[:-20]  # truncated gzip
    # hour 3: 404 (a GH Archive gap); hour 4: HTTP 500 once, then fine
    Upstream.fail_first = {f"{DAY}-4.json.gz"}
    Upstream.requests = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _hours(n: int = 5) -> list[datetime]:
    return hours_between(date.fromisoformat(DAY), date.fromisoformat(DAY))[:n]


def _run(base: str, out: Path, workers: int = 1, events=("ForkEvent", "WatchEvent")):
    opt = Options(base_url=base, workers=workers, retries=2, backoff=0.01, progress=False)
    return run(_hours(), REPOS, events, out, opt, log=lambda m: None)


def test_download_filter_renames_failures_and_resume(upstream, tmp_path):
    out = tmp_path / "gh"
    s = _run(upstream, out)
    assert (s.ok, s.missing, s.corrupt, s.failed) == (3, [f"{DAY}-3"], [f"{DAY}-2"], [])
    assert s.malformed == 2 and s.refiltered == 3  # hours 4, 1, 0 were read before Alpha's id was known
    failed = pd.read_csv(out / FAILED)
    statuses = dict(zip(failed["hour"], failed["status"], strict=True))
    assert statuses == {f"{DAY}-2": "corrupt", f"{DAY}-3": "missing"}
    assert "truncated gzip" in failed.set_index("hour").loc[f"{DAY}-2", "detail"]
    assert Upstream.requests[:2] == [f"{DAY}-4.json.gz"] * 2  # the 500, then success
    df = tables.load_gharchive(out)
    got = {(r.repo, r.repo_id, r.hour, r.event_type): (r.events, r.actors) for r in df.itertuples()}
    assert got == {
        ("Org/Alpha-Renamed", 11, 0, "ForkEvent"): (3, 2),
        ("Org/Alpha-Renamed", 11, 0, "WatchEvent"): (1, 1),
        ("Org/Alpha-Renamed", 11, 1, "ForkEvent"): (2, 2),
        ("New/Beta", 22, 0, "ForkEvent"): (1, 1),
        ("New/Beta", 22, 4, "ForkEvent"): (2, 2),
    }
    assert (df["week"] == pd.Timestamp(DAY)).all()
    # resume: only the corrupt hour is asked for again (the 404 is a known gap)
    Upstream.requests = []
    again = _run(upstream, out)
    assert Upstream.requests == [f"{DAY}-2.json.gz"]
    assert again.skipped == 4 and again.processed == 1
    pd.testing.assert_frame_equal(tables.load_gharchive(out), df)


def test_parallel_workers_match_serial(upstream, tmp_path):
    serial = _run(upstream, tmp_path / "a")
    Upstream.fail_first = {f"{DAY}-4.json.gz"}
    parallel = _run(upstream, tmp_path / "b", workers=2)
    assert (parallel.ok, parallel.kept) == (serial.ok, serial.kept)
    a, b = tables.load_gharchive(tmp_path / "a"), tables.load_gharchive(tmp_path / "b")
    pd.testing.assert_frame_equal(a, b)


def test_other_event_types_or_repos_need_a_new_out(upstream, tmp_path):
    _run(upstream, tmp_path / "gh", events=("ForkEvent",))
    with pytest.raises(UserError, match="another event types"):
        _run(upstream, tmp_path / "gh", events=("WatchEvent",))


def test_prefilter_and_full_parse_agree():
    lines = [ln for h in HOURS.values() for ln in h]
    good = [ln for ln in lines if ln.endswith(b"}")]
    spaced = [json.dumps(json.loads(ln)).encode() for ln in good]
    fast = HourScan(frozenset({b"org/alpha"}), frozenset({11, 22}), frozenset({"ForkEvent"}))
    slow = HourScan(frozenset({b"org/alpha"}), frozenset({11, 22}), frozenset({"ForkEvent"}))
    fast.feed(good)
    slow.feed(spaced)  # not compact: every line takes the full parse
    assert fast.cells == slow.cells and fast.sightings == slow.sightings
    assert fast.kept == 8 and fast.lines == len(good) and fast.malformed == 0
    nested = HourScan(frozenset({b"org/alpha"}), frozenset({11}), frozenset({"PullRequestEvent"}))
    nested.feed([event("PullRequestEvent", 98, "x/z", 4, 0, payload=NESTED)] * 3)
    assert nested.kept == 0 and nested.lines == 3  # the listed repo is only inside the payload


def test_gunzip_multi_member_and_corrupt():
    data = gz([b"a", b"b"]) + gz([b"c"])
    assert b"".join(gunzip(io.BytesIO(data), block=3)) == b"a\nb\nc\n"
    with pytest.raises(CorruptHour, match="truncated"):
        list(gunzip(io.BytesIO(data[:-5])))
    with pytest.raises(CorruptHour, match="not a valid gzip"):
        list(gunzip(io.BytesIO(b"<html>nope</html>")))
    with pytest.raises(CorruptHour, match="not a valid gzip"):  # a damaged deflate stream
        list(gunzip(io.BytesIO(data[:12] + b"\xff" * 8 + data[20:])))
    with pytest.raises(CorruptHour, match="empty"):
        list(gunzip(io.BytesIO(b"")))


def test_source_errors_pass_through_gunzip_and_bytes_are_counted():
    class Drops(io.RawIOBase):  # a connection that dies after 10 bytes
        def __init__(self) -> None:
            self.sent = 0

        def readable(self) -> bool:
            return True

        def readinto(self, buf: memoryview) -> int:
            if self.sent:
                raise ConnectionResetError("reset by peer")
            buf[:10] = gz([b"a"] * 100)[:10]
            self.sent = 10
            return 10

    src = Counted(Drops())
    with pytest.raises(ConnectionResetError):  # a network error: retried, not a corrupt hour
        list(gunzip(src))
    data = gz([b"a", b"b"])
    src = Counted(io.BytesIO(data))
    assert b"".join(gunzip(src)) == b"a\nb\n" and src.bytes == len(data)


def test_mostly_invalid_lines_make_a_corrupt_hour(tmp_path):
    www = tmp_path / "www"
    www.mkdir()
    lines = [b"not json"] * 10 + [event("ForkEvent", 11, "Org/Alpha", 1, 0)]
    (www / f"{DAY}-0.json.gz").write_bytes(gz(lines))
    opt = Options(base_url=www.as_uri(), workers=1, progress=False)
    s = run(_hours(2), REPOS, ("ForkEvent",), tmp_path / "gh", opt, log=lambda m: None)
    assert s.corrupt == [f"{DAY}-0"] and s.missing == [f"{DAY}-1"]
    assert "10 of 11 lines" in read_manifest(tmp_path / "gh")[f"{DAY}-0"]["detail"]


def _export() -> pd.DataFrame:
    return pd.DataFrame({
        "repo": ["Org/Alpha", "Org/Alpha", "New/Beta"],
        "repo_id": [11, 11, 22],
        "week": ["2023-10-16", "2023-10-30", "2023-10-23"],
        "hour": [3, 20, 16],
        "event_type": ["ForkEvent"] * 3,
        "events": [4, 1, 2],
        "actors": [3, 1, 2],
    })


def test_bigquery_export_loader(tmp_path):
    path = tmp_path / "bq.csv"
    _export().to_csv(path, index=False)
    df = tables.load_gharchive(path)
    assert list(df.columns) == list(tables.COLUMNS) and str(df["week"].dtype) == "datetime64[ns]"
    _export().drop(columns="actors").to_csv(path, index=False)
    with pytest.raises(DataError, match=r"lacks the column.*actors"):
        tables.load_gharchive(path)
    _export().assign(hour=[3, 25, 1]).to_csv(path, index=False)
    with pytest.raises(DataError, match="not a GH Archive weekly table"):
        tables.load_gharchive(path)
    _export().assign(week="2023-10-17").to_csv(path, index=False)
    with pytest.raises(DataError, match="Monday"):
        tables.load_gharchive(path)
    with pytest.raises(DataError, match="does not exist"):
        tables.load_gharchive(tmp_path / "nope.csv")


def test_region_panel_keeps_zero_cells():
    panel = tables.to_region_panel(tables.validate(_export(), "t", "fix"), "ForkEvent", cutoff=17)
    assert list(panel.columns) == ["repo", "period", "region", "events", "actors"]
    alpha = panel[panel["repo"] == "Org/Alpha"]
    assert len(alpha) == 3 * 2  # three weeks (one with no events) x two regions
    cells = {(r.period.strftime("%m-%d"), r.region): r.events for r in alpha.itertuples()}
    assert cells == {("10-16", "CN"): 4, ("10-16", "US"): 0, ("10-23", "CN"): 0, ("10-23", "US"): 0,
                     ("10-30", "CN"): 0, ("10-30", "US"): 1}
    assert panel[panel["repo"] == "New/Beta"].set_index("region")["events"].to_dict() == {"CN": 2, "US": 0}
    with pytest.raises(DataError, match="no WatchEvent rows"):
        tables.to_region_panel(_export(), "WatchEvent")


def test_sql_file_is_the_rendering_and_selects_the_table_columns():
    sql = (REPO / SHIPPED).read_text(encoding="utf-8")
    assert select_aliases(sql) == list(tables.COLUMNS)
    repos = read_repo_list(REPO / "data/gharchive_repos.yml")
    assert sql == render_sql(repos, SHIPPED_EVENTS, *SHIPPED_SPAN), \
        "regenerate sql/gharchive_bigquery.sql with render_sql (see chipshock.data.gharchive.sql)"
    assert "githubarchive.month.*" in sql and "'202101' AND '202512'" in sql
    day = render_sql(repos[:1], ("ForkEvent",), date(2023, 10, 16), date(2023, 10, 17))
    assert "githubarchive.day.*" in day and "'20231016' AND '20231017'" in day


def test_repo_list_covers_the_commit_panel():
    listed = {r.name for r in read_repo_list(REPO / "data/gharchive_repos.yml")}
    commits = {r.name for r in read_repo_list(REPO / "data/repos.yml")}
    assert commits <= listed and len(commits) == 82


@pytest.mark.parametrize(("args", "message"), [
    (["--start", "2023-13-01", "--end", "2023-12-02"], "--start '2023-13-01' is not a date"),
    (["--start", "2023-10-02", "--end", "2023-10-01"], "--end 2023-10-01 is before --start"),
    (["--start", "2023-10-01", "--end", "2023-10-01", "--events", "ForkEvent,Forks"], "unknown event type"),
    (["--start", "2023-10-01", "--end", "2023-10-01", "--repos", "nowhere.yml"], "cannot read it"),
])
def test_cli_bad_input_exits_2(args, message, capsys, tmp_path):
    assert main(["data", "gharchive", "--out", str(tmp_path / "o"), *args]) == 2
    assert message in capsys.readouterr().err


def test_cli_run_writes_the_combined_table(upstream, tmp_path, capsys):
    repos = tmp_path / "repos.yml"
    repos.write_text("repos:\n  - repo: org/ALPHA\n  - repo: New/Beta\n", encoding="utf-8")
    out = tmp_path / "gh"
    args = ["data", "gharchive", "--start", DAY, "--end", DAY, "--repos", str(repos), "--out", str(out),
            "--base-url", upstream, "--workers", "2", "--backoff", "0.01"]
    assert main(args) == 1  # hour 2 is corrupt
    captured = capsys.readouterr()
    assert "1 corrupt" in captured.out and "rerun the same command" in captured.err
    weekly = pd.read_parquet(out / "gharchive_weekly.parquet")
    assert set(weekly["repo"]) == {"Org/Alpha-Renamed", "New/Beta"} and "actor_id" not in weekly
    assert main([*args, "--sql"]) == 0
    assert "githubarchive.day.*" in capsys.readouterr().out


def test_line_blocks_rebuild_every_line_whatever_the_block_boundaries() -> None:
    import random

    from chipshock.data.gharchive.scan import line_blocks

    rng = random.Random(7)
    lines = [f'{{"id":"{i}","x":"{"y" * rng.randint(0, 40)}"}}'.encode() for i in range(300)]
    data = b"\n".join(lines) + b"\n"
    for _ in range(20):
        cuts = sorted(rng.sample(range(1, len(data)), rng.randint(1, 60)))
        blocks = [data[a:b] for a, b in zip([0, *cuts], [*cuts, len(data)], strict=True)]
        got = []
        for buf, start, end in line_blocks(iter(blocks)):
            assert buf[start:start + 1] == b"\n"
            got += buf[start + 1:end].split(b"\n")
        assert got == lines


def test_alternation_matches_exactly_its_words():
    import random

    from chipshock.data.gharchive.scan import alternation

    rng = random.Random(7)
    words = {b"qwenlm/qwen", b"qwenlm/qwen3", b"a.b/c-d", b"1", b"12", b"123", b"x"}
    words |= {bytes(rng.choices(b"ab1./-_", k=rng.randint(1, 6))) for _ in range(200)}
    rx = re.compile(alternation(sorted(words)))
    others = {w + tail for w in words for tail in (b"z", b".")} | {w[:-1] for w in words}
    others |= {bytes(rng.choices(b"ab1./-_", k=rng.randint(1, 7))) for _ in range(2000)}
    assert all(rx.fullmatch(w) for w in words)
    assert not any(rx.fullmatch(w) for w in others - words)


def test_benchmark_runs_and_both_filters_keep_the_same_events():
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, str(root / "scripts/bench_gharchive.py"), "--events", "4000",
                          "--runs", "1"], capture_output=True, text=True, check=True).stdout
    assert "4,000 events" in out and "| chipshock streaming filter |" in out
    assert re.search(r"speed-up: [\d.]+x wall-clock, [\d.]+x CPU time", out)
