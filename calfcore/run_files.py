"""Runs read from the files runners already have: FIT (fitdecode), GPX (gpxpy), TCX (tcxreader), a Strava or Garmin
activities CSV, and a bulk-export archive (ZIP) of them. Only runs are kept, and of each run only its start, moving
time, distance and elevation gain: never the track (a route shows where a runner lives).

Every file is judged whole before anything is kept: a file that is not one of these, is damaged, holds no run, is
dated in the future, or is hostile (a ZIP bomb, a path in a ZIP that climbs out, XML entities, a GPX of a million
points) gets one sentence, and an upload with any such file stores nothing. Sizes are checked before reading: an
upload within the server's cap, a ZIP's entry count and sizes from its directory, and then each entry read in
chunks up to its cap, since a directory can lie. Memory stays near the biggest entry's cap.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

import fitdecode
import gpxpy
import gpxpy.gpx
from tcxreader.tcxreader import TCXReader

from calfcore.exchange import MAX_IMPORT_BYTES
from calfcore.models import Run, RunSource
from calfcore.runs import checked_run
from calfcore.validation import InputErrors

# An upload is at most the CSV import's cap (also the server's, server.maxUploadSize): a bulk export bigger than that
# comes in parts, or as its activities.csv alone.
MAX_UPLOAD_BYTES = MAX_IMPORT_BYTES
MAX_FILES = 50  # files in one upload
# A ZIP: entries, the sum of their sizes once unpacked, and one entry's size once unpacked. A year of daily runs as
# FIT files is under 100 MB unpacked only for long ultras; these caps keep the import's memory about the CSV's.
MAX_ZIP_ENTRIES = 5_000
MAX_ZIP_TOTAL_BYTES = 200 * 1024 * 1024
MAX_ENTRY_BYTES = 8 * 1024 * 1024
# A GPX of more points than this is refused before it is parsed: a 24-hour run at a point a second is 86,400.
MAX_TRACK_POINTS = 100_000

RUN_WORDS = ("run",)  # "running", "trail_running", "Run", "Trail Run", "Virtual Run", "Treadmill Running"
_CHUNK = 64 * 1024


@dataclass
class RunImport:
    """What an upload holds: its runs, or a sentence per file that stops it (then nothing is kept)."""

    runs: list[Run] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    other_activities: int = 0  # rides, swims, walks... left out, said so

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.runs)


class FileRefused(ValueError):
    """One file (or entry) can't be read: its sentence."""


def read_uploads(files: Sequence[tuple[str, bytes]], today: dt.date) -> RunImport:
    """Every run in the uploaded files (name, content), checked; problems say why a file is refused."""
    result = RunImport()
    if len(files) > MAX_FILES:
        result.problems.append(f"{len(files)} files at once is more than {MAX_FILES}; upload them in parts.")
        return result
    for name, data in files:
        try:
            runs, others = _read_one(name, data, today, in_archive=False)
        except FileRefused as refused:
            result.problems.append(f"{name}: {refused}")
            continue
        if not runs:
            what = "only other activities (rides, walks...)" if others else "no activities"
            result.problems.append(f"{name}: no runs in it; it holds {what}.")
        result.runs.extend(runs)
        result.other_activities += others
    if result.problems:
        result.runs = []
    return result


def _read_one(name: str, data: bytes, today: dt.date, *, in_archive: bool) -> tuple[list[Run], int]:
    """(runs, other activities) of one file, by what its content is (not by its name alone)."""
    if len(data) > (MAX_ENTRY_BYTES if in_archive else MAX_UPLOAD_BYTES):
        limit = MAX_ENTRY_BYTES if in_archive else MAX_UPLOAD_BYTES
        raise FileRefused(f"it is {len(data) / 1_048_576:.1f} MB; files are limited to {limit // 1_048_576} MB.")
    lower = name.lower()
    if data[:2] == b"\x1f\x8b":  # gzip: Strava keeps its activity files as .fit.gz, .gpx.gz, .tcx.gz
        return _read_one(lower.removesuffix(".gz"), _gunzip(data), today, in_archive=True)
    if data[:4] == b"PK\x03\x04" or data[:4] == b"PK\x05\x06":
        if in_archive:
            raise FileRefused("an archive inside an archive is not read; upload the inner archive itself.")
        return _read_zip(data, today)
    if len(data) >= 12 and data[8:12] == b".FIT":
        return _checked(_read_fit(data), today)
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
            raise FileRefused("it declares XML entities, which no watch writes; it was not read.")
        if b"<gpx" in data[:4096]:
            return _checked(_read_gpx(data), today)
        if b"<TrainingCenterDatabase" in data[:4096]:
            return _checked(_read_tcx(data), today)
        raise FileRefused("it is XML, but neither GPX nor TCX.")
    if lower.endswith(".csv"):
        return _checked(_read_csv(data), today)
    raise FileRefused("it is not a FIT, GPX, TCX, CSV or ZIP file.")


def _checked(found: tuple[list[Run], int], today: dt.date) -> tuple[list[Run], int]:
    runs, others = found
    kept = []
    for run in runs:
        try:
            kept.append(checked_run(run, today))
        except InputErrors as wrong:
            raise FileRefused(f"a run on {run.run_on:%d %b %Y}: {' '.join(wrong.errors.values())}") from None
    return kept, others


def _is_run(kind: object) -> bool:
    text = str(kind or "").lower()
    return any(word in text for word in RUN_WORDS)


def _utc_naive(when: dt.datetime) -> dt.datetime:
    return when.astimezone(dt.timezone.utc).replace(tzinfo=None) if when.tzinfo else when


# A watch's local time is UTC plus its zone's offset: from -12 h to +14 h, in quarter hours (Nepal is +5:45).
_MAX_OFFSET = dt.timedelta(hours=14)
_OFFSET_STEP_SECONDS = 15 * 60


def _local_offset(utc: object, local: object) -> dt.timedelta | None:
    """A FIT activity's offset from UTC: its local timestamp (the watch's clock, which fitdecode reads as if it were
    UTC) minus its timestamp, to the quarter hour; None when either is missing or the offset can't be a zone's."""
    if not isinstance(utc, dt.datetime) or not isinstance(local, dt.datetime):
        return None
    seconds = (local.replace(tzinfo=None) - _utc_naive(utc)).total_seconds()
    offset = dt.timedelta(seconds=round(seconds / _OFFSET_STEP_SECONDS) * _OFFSET_STEP_SECONDS)
    return offset if abs(offset) <= _MAX_OFFSET else None


def _run(
    start: dt.datetime,
    metres: float | None,
    seconds: float | None,
    gain: float | None,
    source: RunSource,
    offset: dt.timedelta | None = None,
) -> Run:
    """One run. `started_at` is kept in UTC (the same run's FIT and GPX match on it); the day it counts on is the
    watch's local day where the file tells it: `offset` (a FIT file's), or a time written with its own offset
    (GPX, TCX). A time in UTC alone (a "Z") or without a zone counts on its own day (calfcore.runs.DATING_NOTE)."""
    if offset is None and start.tzinfo is not None and start.utcoffset():
        offset = start.utcoffset()
    start = _utc_naive(start).replace(microsecond=0)
    return Run(
        run_on=(start + offset).date() if offset else start.date(),
        distance_km=round(metres / 1000, 3) if metres else None,
        moving_seconds=round(seconds) if seconds else None,
        elevation_gain_m=round(float(gain), 1) if gain is not None else None,
        started_at=start,
        source=source,
    )


# -- the formats ------------------------------------------------------------------------------------------------------


def _read_fit(data: bytes) -> tuple[list[Run], int]:
    """Each session of a FIT activity is one activity (a triathlon file holds several): runs kept."""
    sessions: list[tuple[dt.datetime, Any, Any, Any]] = []
    others = 0
    offset: dt.timedelta | None = None
    try:
        with fitdecode.FitReader(io.BytesIO(data), check_crc=fitdecode.CrcCheck.ENABLED) as reader:
            for frame in reader:  # read as a stream: records (the track) are skipped, never kept
                if isinstance(frame, fitdecode.FitDataMessage) and frame.name == "activity":
                    fields = {f.name: f.value for f in frame.fields}
                    offset = _local_offset(fields.get("timestamp"), fields.get("local_timestamp"))
                if isinstance(frame, fitdecode.FitDataMessage) and frame.name == "session":
                    values = {f.name: f.value for f in frame.fields}
                    if not _is_run(values.get("sport")):
                        others += 1
                        continue
                    start = values.get("start_time")
                    if not isinstance(start, dt.datetime):
                        raise FileRefused("a run in it has no start time.")
                    seconds = values.get("total_timer_time") or values.get("total_elapsed_time")
                    sessions.append((start, values.get("total_distance"), seconds, values.get("total_ascent")))
    except (fitdecode.FitError, ValueError, KeyError, IndexError, TypeError, OverflowError) as broken:
        if isinstance(broken, FileRefused):
            raise
        raise FileRefused("it looks like a FIT file but is damaged or cut short; export it again.") from None
    # The activity record (with the watch's local time) comes after the sessions it sums up: dated once all is read.
    return [
        _run(start, metres, seconds, gain, RunSource.FIT, offset) for start, metres, seconds, gain in sessions
    ], others


def _read_gpx(data: bytes) -> tuple[list[Run], int]:
    """Each track of a GPX is an activity. GPX has no standard sport field: a track with a type is a run if the
    type says so; a track without one is taken as a run (this is where runners bring their runs)."""
    points = data.count(b"<trkpt")
    if points > MAX_TRACK_POINTS:
        raise FileRefused(f"it has {points:,} track points; at most {MAX_TRACK_POINTS:,} are read (a day's run).")
    try:
        gpx = gpxpy.parse(data.decode("utf-8-sig"))
    except (gpxpy.gpx.GPXException, UnicodeDecodeError, ValueError):
        raise FileRefused("it looks like a GPX file but is damaged; export it again.") from None
    runs, others = [], 0
    for track in gpx.tracks:
        if track.type and not _is_run(track.type):
            others += 1
            continue
        bounds = track.get_time_bounds()
        if bounds.start_time is None:
            raise FileRefused("a track in it has no times, so it can't be dated.")
        moving = track.get_moving_data()
        uphill = track.get_uphill_downhill().uphill
        distance = track.length_3d() if moving is None else moving.moving_distance + moving.stopped_distance
        runs.append(_run(bounds.start_time, distance, moving.moving_time if moving else None, uphill, RunSource.GPX))
    return runs, others


def _read_tcx(data: bytes) -> tuple[list[Run], int]:
    try:
        exercise = TCXReader().read(
            io.BytesIO(data), only_gps=False
        )  # ElementTree reads a file object as well as a path
    except Exception:  # tcxreader raises whatever its parsing meets: every failure is a damaged file here
        raise FileRefused("it looks like a TCX file but is damaged; export it again.") from None
    if not _is_run(exercise.activity_type):
        return [], 1
    start = exercise.start_time
    if start is None:
        raise FileRefused("its run has no times, so it can't be dated.")
    laps = [lap for lap in exercise.laps or []]
    seconds = sum(float(lap.duration or 0) for lap in laps) or exercise.duration
    return [_run(start, exercise.distance, seconds, exercise.ascent, RunSource.TCX)], 0


# Strava writes dates in English ("Jun 14, 2025, 7:02:11 AM", UTC); Garmin Connect as 2025-06-14 07:02:11.
_CSV_DATES = ("%b %d, %Y, %I:%M:%S %p", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%d %b %Y, %H:%M:%S")
_CLOCK = re.compile(r"^(\d+):(\d{2}):(\d{2})(?:\.\d+)?$")


def _read_csv(data: bytes) -> tuple[list[Run], int]:
    """A Strava activities.csv (Activity Date, Activity Type, Moving Time in s, Distance twice: km then metres,
    Elevation Gain) or a Garmin Connect Activities.csv (Date, Activity Type, Distance in km, Time h:mm:ss, Total
    Ascent). Other columns are left alone."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRefused("it is not UTF-8 text, so it is not an activities CSV.") from None
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error:
        raise FileRefused("the CSV is malformed (a quote is never closed).") from None
    if not rows:
        raise FileRefused("the file is empty.")
    header = [column.strip() for column in rows[0]]
    columns: dict[str, list[int]] = {}
    for index, column in enumerate(header):
        columns.setdefault(column.lower(), []).append(index)
    date_columns = columns.get("activity date") or columns.get("date")
    type_columns = columns.get("activity type")
    if not date_columns or not type_columns:
        raise FileRefused("it is a CSV without Activity Type and a date: not an activities export.")
    date_column, type_column = date_columns[0], type_columns[0]
    runs, others = [], 0
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = row + [""] * (len(header) - len(row))
        if not _is_run(cells[type_column]):
            others += 1
            continue
        start = _csv_date(cells[date_column].strip())
        if start is None:
            raise FileRefused(f"row {line}: {cells[date_column]!r} is not a date this import reads.")
        try:
            runs.append(_csv_run(start, cells, columns))
        except ValueError:
            raise FileRefused(f"row {line}: a distance or time in it is not a number.") from None
    return runs, others


def _csv_date(text: str) -> dt.datetime | None:
    for pattern in _CSV_DATES:
        try:
            return dt.datetime.strptime(text, pattern)
        except ValueError:
            continue
    return None


def _csv_seconds(text: str) -> float | None:
    text = text.strip()
    if not text:
        return None
    clock = _CLOCK.match(text)
    if clock:
        hours, minutes, seconds = (int(part) for part in clock.groups())
        return hours * 3600 + minutes * 60 + seconds
    return float(text)


def _csv_run(start: dt.datetime, cells: list[str], columns: dict[str, list[int]]) -> Run:
    def cell(name: str, which: int = 0) -> str:
        found = columns.get(name, [])
        return cells[found[which]].strip().replace(",", "") if len(found) > which else ""

    distances = columns.get("distance", [])
    if len(distances) > 1 and cell("distance", 1):  # Strava: the second Distance is in metres
        metres: float | None = float(cell("distance", 1))
    else:
        metres = float(cell("distance")) * 1000 if cell("distance") else None
    seconds = _csv_seconds(cell("moving time")) or _csv_seconds(cell("time")) or _csv_seconds(cell("elapsed time"))
    gain_text = cell("elevation gain") or cell("total ascent")
    gain = float(gain_text) if gain_text and gain_text != "--" else None
    return _run(start, metres, seconds, gain, RunSource.CSV)


# -- archives ---------------------------------------------------------------------------------------------------------


def _gunzip(data: bytes) -> bytes:
    """A gzip member unpacked up to MAX_ENTRY_BYTES, read in chunks: a gzip bomb stops at the cap."""
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as unpacked:
            return _read_capped(unpacked, MAX_ENTRY_BYTES)
    except (OSError, EOFError):
        raise FileRefused("it is a damaged gzip file.") from None


def _read_capped(stream: Any, cap: int) -> bytes:
    out = bytearray()
    while chunk := stream.read(_CHUNK):
        out += chunk
        if len(out) > cap:
            raise FileRefused(f"it unpacks to more than {cap // 1_048_576} MB; that is not a watch's file.")
    return bytes(out)


def _safe_name(name: str) -> bool:
    """An entry name that stays inside the archive: no absolute path, no drive, no climbing out with `..`."""
    if "\\" in name or "\x00" in name or re.match(r"^[A-Za-z]:", name):
        return False
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts


def _entries(archive: zipfile.ZipFile) -> Iterator[zipfile.ZipInfo]:
    """The archive's entries, checked from its directory before any is read."""
    infos = archive.infolist()
    if len(infos) > MAX_ZIP_ENTRIES:
        raise FileRefused(f"it holds {len(infos):,} entries; at most {MAX_ZIP_ENTRIES:,} are read.")
    escaping = [info.filename for info in infos if not _safe_name(info.filename)]
    if escaping:
        raise FileRefused(f"an entry's path leads outside the archive ({escaping[0]!r}); the archive was not read.")
    total = sum(info.file_size for info in infos)
    if total > MAX_ZIP_TOTAL_BYTES:
        raise FileRefused(
            f"it unpacks to {total / 1_048_576:,.0f} MB; at most {MAX_ZIP_TOTAL_BYTES // 1_048_576} MB are read."
        )
    for info in infos:
        if not info.is_dir():
            yield info


_ACTIVITY_SUFFIXES = (".fit", ".gpx", ".tcx", ".fit.gz", ".gpx.gz", ".tcx.gz")


def _read_zip(data: bytes, today: dt.date) -> tuple[list[Run], int]:
    """A bulk export: its activity files and its activities CSV (the same runs twice are stored once later).
    Other entries (profile, photos, media) are not opened."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise FileRefused("it is a damaged ZIP archive.") from None
    runs: list[Run] = []
    others = 0
    with archive:
        for info in _entries(archive):
            lower = info.filename.lower()
            base = PurePosixPath(lower).name
            wanted = lower.endswith(_ACTIVITY_SUFFIXES) or base in {"activities.csv"}
            if not wanted:
                continue
            if info.file_size > MAX_ENTRY_BYTES:
                raise FileRefused(
                    f"{info.filename} unpacks to {info.file_size / 1_048_576:.0f} MB; entries are limited to "
                    f"{MAX_ENTRY_BYTES // 1_048_576} MB."
                )
            try:
                with archive.open(info) as entry:
                    content = _read_capped(entry, MAX_ENTRY_BYTES)
            except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError):
                raise FileRefused(f"{info.filename} in it is damaged or encrypted.") from None
            try:
                found, skipped = _read_one(info.filename, content, today, in_archive=True)
            except FileRefused as refused:
                raise FileRefused(f"{info.filename} in it: {refused}") from None
            runs.extend(found)
            others += skipped
    return runs, others
