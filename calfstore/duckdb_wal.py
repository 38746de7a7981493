"""DuckDB only: is a write-ahead log (`<database>.wal`) readable to its end, or did DuckDB skip part of it?

DuckDB 2.0 replays the log when it opens a file, and stops without a word at the first entry it can't read: a log
full of garbage, or garbage after some good entries, opens as if those saves never happened (tried: tests/reliability
/test_wal.py; a wrong checksum in a whole entry, by contrast, is refused with an error). So the store keeps a copy of
a log before opening the file and reads its framing here:

    header    the WAL_VERSION record (DuckDB's field-tagged serialisation, ending 0xFFFF)
    entries   [size: u64][checksum: u64][size bytes], one after the other

A log whose entries reach its end is whole. One whose last entry runs past the end is a torn last write: a process
killed while writing a commit, which it had not acknowledged (DuckDB drops it, rightly). Anything else (a header that
isn't one, an entry of size 0 or of an impossible size) is damage: saves after that point would be lost silently.
DuckDBStore.open then keeps the log as `<database>.wal.damaged-<time>`, writes what DuckDB could replay into the file,
and stops with a message naming both files and how to recover.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

MAX_ENTRY_BYTES = 1 << 30  # no entry of a Calf Check log comes near 1 GiB; a random 8 bytes is under it 1 in 2^34
_END_OF_RECORD = 0xFFFF
_HEADER_FIELDS = (100, 101, 102, 103)  # type, version, database identifier (a list), checkpoint iteration


@dataclass(frozen=True)
class LogCheck:
    whole: bool  # every entry readable to the end (a torn last write counts: it was never acknowledged)
    readable_bytes: int  # up to where the framing holds
    size: int
    reason: str = ""


def log_of(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if at >= len(data) or shift > 63:
            raise ValueError("a number runs past the end")
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, at


def _header_end(data: bytes) -> int:
    """Where the WAL_VERSION record ends (ValueError if the log does not start with one)."""
    at = 0
    seen: list[int] = []
    while True:
        if at + 2 > len(data):
            raise ValueError("the header runs past the end")
        field = int.from_bytes(data[at : at + 2], "little")
        at += 2
        if field == _END_OF_RECORD:
            break
        if field not in _HEADER_FIELDS or (seen and field <= seen[-1]):
            raise ValueError(f"not a log header (field {field} at byte {at - 2})")
        seen.append(field)
        if field == 102:  # a list of numbers
            count, at = _varint(data, at)
            if count > 64:
                raise ValueError("not a log header (an identifier too long)")
            for _ in range(count):
                _, at = _varint(data, at)
        else:
            _, at = _varint(data, at)
    if not seen or seen[0] != 100:
        raise ValueError("not a log header (no record type)")
    return at


def check_log(data: bytes) -> LogCheck:
    """Whether DuckDB can replay all of this log (see the module's doc)."""
    size = len(data)
    if size == 0:
        return LogCheck(True, 0, 0)
    try:
        at = _header_end(data)
    except ValueError as error:
        return LogCheck(False, 0, size, str(error))
    while at < size:
        if at + 16 > size:
            return LogCheck(True, at, size, "a torn last write")
        length = int.from_bytes(data[at : at + 8], "little")
        if length == 0 or length > MAX_ENTRY_BYTES:
            return LogCheck(False, at, size, f"an entry of {length} bytes at byte {at}")
        if at + 16 + length > size:
            return LogCheck(True, at, size, "a torn last write")
        at += 16 + length
    return LogCheck(True, size, size)


def read_log(path: Path) -> bytes:
    """The log of `path` as it is now (empty when there is none). Read once DuckDB has opened the file, so no other
    process writes it: DuckDB leaves a log it could not read in full untouched until the next checkpoint."""
    try:
        return log_of(path).read_bytes()
    except FileNotFoundError:
        return b""


def set_aside(data: bytes, path: Path) -> Path:
    """Keep a damaged log beside the database under a name that says what it is, never over another file."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    target = log_of(path).with_name(f"{log_of(path).name}.damaged-{stamp}")
    number = 1
    while target.exists():
        number += 1
        target = target.with_name(f"{log_of(path).name}.damaged-{stamp}-{number}")
    with open(target, "xb") as kept:
        kept.write(data)
        kept.flush()
        os.fsync(kept.fileno())
    return target
