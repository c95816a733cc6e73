"""One hour-file of GH Archive, streamed: gzip blocks → lines → the events of the listed repositories.

No pandas here (this runs in the worker processes). ISA-L inflates the hour-file in a thread of its
own (it releases the GIL), overlapping with the filter. The fast path never splits a block into lines:
one compiled pattern finds, in each decompressed block, the repo objects (`"repo":{"id":N,"name":"…"`)
that carry a followed id or a listed name, and only those lines are parsed (orjson) after checking
that the object is the line's top-level one (the first, before "payload"). Lines that do not begin
like GH Archive's serializer output are parsed in full, so the pre-filter drops no event of a listed
repository (renamed ones included, matched by id).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from gzip import BadGzipFile
from pathlib import Path
from typing import BinaryIO

import orjson
import pyarrow as pa
import pyarrow.parquet as pq
from isal import igzip_threaded, isal_zlib

from chipshock.data.atomic import atomic_path

BLOCK = 1 << 21  # bytes per decompressed block: fewer, larger blocks mean less per-block overhead

_REPO = b'"repo":{"id":'
_PAYLOAD = b'"payload":'
_LINE = b'{"id":"'  # how every line of GH Archive's serializer begins
PARTITION_SCHEMA = pa.schema([
    ("repo_id", pa.int64()),
    ("repo_name", pa.string()),
    ("event_type", pa.string()),
    ("week", pa.date32()),
    ("hour", pa.int8()),
    ("actor_id", pa.int64()),
    ("events", pa.int32()),
    ("last_at", pa.timestamp("s", tz="UTC")),
])


class CorruptHour(Exception):
    """The hour-file is not a complete gzip stream of JSON lines."""


class Counted(io.RawIOBase):
    """A readable stream that counts the bytes read through it (the compressed size of an hour)."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw, self.bytes = raw, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buf: memoryview) -> int:
        n = self.raw.readinto(buf) or 0
        self.bytes += n
        return n


def gunzip(raw: BinaryIO, block: int = BLOCK) -> Iterator[bytes]:
    """Decompressed blocks of a (possibly multi-member) gzip stream; CorruptHour if bad or truncated.

    ISA-L inflates in a thread of its own (it releases the GIL), so reading the source and inflating
    overlap with the filter. Errors of the source itself (network, disk) pass through unchanged.
    """
    seen = False
    try:
        with igzip_threaded.open(raw, "rb", threads=1, block_size=block) as fh:
            while data := fh.read(block):
                seen = True
                yield data
    except EOFError:
        raise CorruptHour("truncated gzip stream (ended before its end-of-stream marker)") from None
    except (BadGzipFile, isal_zlib.error) as exc:
        raise CorruptHour(f"not a valid gzip stream ({exc})") from None
    if not seen:
        raise CorruptHour("empty file")


def line_blocks(blocks: Iterable[bytes]) -> Iterator[tuple[bytes, int, int]]:
    """(buf, start, end): buf[start:end] is b"\n" + complete lines joined by b"\n".

    A block's complete lines are handed on in place (no copy); only the line cut between two
    blocks is joined.
    """
    rest = b"\n"
    for data in blocks:
        first = data.find(b"\n")
        if first < 0:
            rest += data
            continue
        head = rest + data[:first]
        if len(head) > 1:
            yield head, 0, len(head)
        last = data.rfind(b"\n")
        if last > first:
            yield data, first, last
        rest = data[last:]
    if len(rest) > 1:
        yield rest, 0, len(rest)


def alternation(words: Iterable[bytes]) -> bytes:
    """A pattern matching exactly the given words, as a prefix tree.

    Python's re tries the branches of `a|b|c` one by one; a tree shares common prefixes
    (`qwenlm/qwen(?:3)?`), which makes the pre-filter about a third faster for ~90 names and ids.
    """
    root: dict = {}
    for word in words:
        node = root
        for byte in word:
            node = node.setdefault(byte, {})
        node[None] = {}  # a word ends here
    return _branches(root)


def _branches(node: dict) -> bytes:
    alts = [re.escape(bytes([b])) + _branches(node[b]) for b in sorted(b for b in node if b is not None)]
    if not alts:
        return b""
    body = alts[0] if len(alts) == 1 else b"(?:" + b"|".join(alts) + b")"
    return b"(?:" + body + b")?" if None in node else body


def candidate_pattern(names: Iterable[bytes], ids: Iterable[int]) -> re.Pattern[bytes]:
    """A repo object naming a listed repo (any case) or carrying a followed id."""
    alts = [rb'\d+,"name":"(?i:' + alternation(names) + rb')"']
    if ids:
        alts.insert(0, b"(?:" + alternation(str(i).encode() for i in ids) + b"),")
    return re.compile(re.escape(_REPO) + b"(?:" + b"|".join(alts) + b")")


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass
class HourScan:
    """What one hour-file holds for the listed repositories."""

    names: frozenset[bytes]  # listed names, lower case
    ids: frozenset[int]  # ids to follow whatever the name
    events: frozenset[str]
    lines: int = 0
    malformed: int = 0
    kept: int = 0
    # (repo_id, repo_name, type, week, hour, actor_id) -> [events, last created_at]
    cells: dict[tuple, list] = field(default_factory=dict)
    # (listed name, repo_id) -> first created_at in this hour (any event type)
    sightings: dict[tuple[str, int], datetime] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._rx = candidate_pattern(self.names, self.ids)

    def feed(self, lines: list[bytes]) -> None:
        """Count and filter a list of lines."""
        body = b"\n" + b"\n".join(lines)
        self.feed_block(body, 0, len(body))

    def feed_block(self, buf: bytes, start: int, end: int) -> None:
        """Count and filter the lines of buf[start:end] (b"\n" before each line).

        Lines that begin like GH Archive's serializer output are parsed only where the pattern finds
        a listed repo in their top-level repo object (the first before "payload"); other lines
        (non-compact, malformed, blank) are parsed one by one.
        """
        self.lines += self._count_lines(buf, start, end)
        last = -1
        for m in self._rx.finditer(buf, start, end):
            i = m.start()
            line = buf.rfind(b"\n", start, i) + 1
            if line == last or not buf.startswith(_LINE, line) or buf.find(_REPO, line, i) >= 0 \
                    or buf.find(_PAYLOAD, line, i) >= 0:
                continue  # line done, not standard (parsed as odd), or a repo object inside the payload
            last = line
            stop = buf.find(b"\n", i, end)
            self._parse(buf[line:stop if stop >= 0 else end])

    def _count_lines(self, buf: bytes, start: int, end: int) -> int:
        """The number of lines; lines not beginning with `{"id":"` are parsed here, one by one."""
        lines = buf.count(b"\n", start, end)
        if buf.count(b"\n" + _LINE, start, end) != lines:
            self._odd_lines(buf[start + 1:end].split(b"\n"))
        return lines

    def _odd_lines(self, lines: list[bytes]) -> None:
        for line in lines:
            if line.startswith(_LINE):
                continue
            if line.strip():
                self._parse(line)
            else:
                self.lines -= 1

    def _parse(self, line: bytes) -> None:
        try:
            ev = orjson.loads(line)
            etype, repo, actor = ev["type"], ev["repo"], ev["actor"]
            rid, name, aid = repo["id"], repo["name"], actor["id"]
            at = datetime.fromisoformat(ev["created_at"])
            if not (isinstance(etype, str) and isinstance(name, str) and type(rid) is int
                    and type(aid) is int and at.utcoffset() is not None):
                raise TypeError
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
            self.malformed += 1
            return
        listed = name.lower().encode() in self.names
        if listed:
            key = (name.lower(), rid)
            if key not in self.sightings or at < self.sightings[key]:
                self.sightings[key] = at
        if etype in self.events and (listed or rid in self.ids):
            self.kept += 1
            cell = (rid, name, etype, monday(at.date()), at.hour, aid)
            got = self.cells.get(cell)
            if got is None:
                self.cells[cell] = [1, at]
            else:
                got[0] += 1
                got[1] = max(got[1], at)

    def table(self) -> pa.Table:
        """The hour's cells at the (repo, week, hour, type, actor) grain."""
        keys = list(self.cells)
        cols = list(zip(*keys, strict=True)) if keys else [[]] * 6
        vals = list(self.cells.values())
        names = ("repo_id", "repo_name", "event_type", "week", "hour", "actor_id")
        data = dict(zip(names, cols, strict=True))
        data["events"] = [v[0] for v in vals]
        data["last_at"] = [v[1] for v in vals]
        return pa.Table.from_pydict({k: list(v) for k, v in data.items()}, schema=PARTITION_SCHEMA)


def scan(raw: BinaryIO, hour: HourScan) -> HourScan:
    """Stream a gzip hour-file (a readable binary stream) through `hour`."""
    for buf, start, end in line_blocks(gunzip(raw)):
        hour.feed_block(buf, start, end)
    return hour


def write_partition(table: pa.Table, dest: Path) -> None:
    """The partition file, written under a temp name and moved into place."""
    with atomic_path(dest) as tmp:
        pq.write_table(table, tmp, compression="zstd")
