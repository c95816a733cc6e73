"""Offline fails fast: a refused connection or an unresolvable name is not retried, and an online
connector that cannot reach its host exits 2 within 15 s with a message; timeouts and 5xx answers
are still retried."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import urllib3

from chipshock.data.gharchive.worker import HourTask, process_hour
from chipshock.data.net import unreachable

CHIPSHOCK = str(Path(sys.executable).with_name("chipshock"))


@pytest.fixture
def refused_port() -> Iterator[int]:
    """A loopback port that is bound but not listening: every connection is refused."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    yield sock.getsockname()[1]
    sock.close()


def test_refused_and_unresolvable_are_unreachable_but_a_timeout_is_not(refused_port: int) -> None:
    with pytest.raises(requests.ConnectionError) as refused:
        requests.get(f"http://127.0.0.1:{refused_port}/x", timeout=5)
    assert unreachable(refused.value)
    cause = urllib3.exceptions.NameResolutionError("nowhere.invalid", None, socket.gaierror(-2, "nope"))
    dns = requests.ConnectionError(urllib3.exceptions.MaxRetryError(None, "/x", cause))
    assert unreachable(dns)
    assert not unreachable(requests.ConnectTimeout("connect timed out"))
    assert not unreachable(requests.ReadTimeout("read timed out"))
    assert not unreachable(requests.ConnectionError("Connection aborted: RemoteDisconnected"))


def _task(url: str, retries: int = 5, timeout: float = 60.0) -> HourTask:
    return HourTask("2023-10-01-0", url, "/nonexistent/part.parquet", ("a/b",), (), ("ForkEvent",),
                    retries=retries, backoff=0.5, timeout=timeout)


def test_an_hour_whose_host_refuses_is_not_retried(refused_port: int) -> None:
    t0 = time.perf_counter()
    res = process_hour(_task(f"http://127.0.0.1:{refused_port}/2023-10-01-0.json.gz"))
    assert (res.status, res.attempts) == ("unreachable", 1)
    assert "cannot reach 127.0.0.1" in res.detail and time.perf_counter() - t0 < 5


def test_a_timeout_is_still_retried() -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)  # accepts connections, never answers
    accepted: list[socket.socket] = []
    threading.Thread(target=lambda: [accepted.append(server.accept()[0]) for _ in range(3)],
                     daemon=True).start()
    url = f"http://127.0.0.1:{server.getsockname()[1]}/h.json.gz"
    try:
        res = process_hour(_task(url, retries=1, timeout=0.3))
    finally:
        server.close()
        for conn in accepted:
            conn.close()
    assert (res.status, res.attempts) == ("failed", 2) and "gave up after 2 attempts" in res.detail


def test_gharchive_offline_exits_2_within_15_s(refused_port: int, tmp_path: Path) -> None:
    """Issue 25, case 6: two days of hours used to take about 27 minutes to fail."""
    repos = tmp_path / "repos.yml"
    repos.write_text("repos:\n  - repo: org/alpha\n", encoding="utf-8")
    args = [CHIPSHOCK, "data", "gharchive", "--start", "2023-10-01", "--end", "2023-10-02", "--repos",
            str(repos), "--out", str(tmp_path / "gh"), "--base-url", f"http://127.0.0.1:{refused_port}"]
    t0 = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True, timeout=15, check=False,
                          env={**os.environ, "CI": "1"})
    assert time.perf_counter() - t0 < 15
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert f"cannot reach 127.0.0.1:{refused_port}" in proc.stderr and "online" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_patents_offline_exits_2_within_15_s(refused_port: int, tmp_path: Path) -> None:
    args = [CHIPSHOCK, "data", "patents", "--years", "2023", "--cache-dir", str(tmp_path / "cache"),
            "--out", str(tmp_path / "counts.csv"), "--base-url", f"http://127.0.0.1:{refused_port}"]
    proc = subprocess.run(args, capture_output=True, text=True, timeout=15, check=False)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert f"cannot reach 127.0.0.1:{refused_port}" in proc.stderr
