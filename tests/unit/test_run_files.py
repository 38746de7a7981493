"""Reading runs from watch files (tests/data/runs, made by its make_fixtures.py with fit-tool and gpxpy), and the
bad and hostile files that get a sentence each and keep nothing."""

from __future__ import annotations

import datetime as dt
import gzip
import importlib.util
import io
import re
import zipfile
from pathlib import Path

import pytest

from calfcore import run_files
from calfcore.models import RunSource
from calfcore.run_files import read_uploads
from calfcore.runs import new_runs, weekly_volume

DATA = Path(__file__).resolve().parent.parent / "data" / "runs"
TODAY = dt.date(2025, 6, 20)
START = dt.datetime(2025, 6, 14, 7, 2, 11)


def upload(*names: str) -> list[tuple[str, bytes]]:
    return [(name, (DATA / name).read_bytes()) for name in names]


def zipped(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def refused(name: str, data: bytes, today: dt.date = TODAY) -> str:
    found = read_uploads([(name, data)], today)
    assert found.runs == [] and len(found.problems) == 1, found
    return found.problems[0]


def test_a_fit_run_keeps_its_start_time_distance_and_climb_and_nothing_else() -> None:
    [run] = read_uploads(upload("road_run.fit"), TODAY).runs
    assert (run.started_at, run.distance_km, run.moving_seconds, run.elevation_gain_m) == (START, 10.02, 3011, 84.0)
    assert run.source is RunSource.FIT and run.run_on == START.date()


def test_gpx_tcx_and_treadmill_runs_are_read() -> None:
    found = read_uploads(upload("road_run.gpx", "trail_run.tcx", "treadmill_run.fit"), TODAY)
    assert found.ok and [r.source for r in found.runs] == [RunSource.GPX, RunSource.TCX, RunSource.FIT]
    gpx, tcx, treadmill = found.runs
    assert gpx.started_at == START and gpx.distance_km == pytest.approx(10.0, rel=0.02)
    assert tcx.distance_km == 7.4 and tcx.moving_seconds == 3200 and tcx.elevation_gain_m == 120.0
    assert treadmill.distance_km == 8.0


def test_the_fit_and_gpx_of_one_run_are_one_run() -> None:
    found = read_uploads(upload("road_run.fit", "road_run.gpx"), TODAY)
    kept, copies = new_runs([], found.runs)
    assert len(kept) == 1 and copies == 1


def test_a_strava_archive_gives_its_runs_once_and_leaves_the_ride_out() -> None:
    found = read_uploads(upload("strava_export.zip"), TODAY)
    assert found.ok and found.other_activities == 2  # the ride, in the CSV and as a FIT file
    kept, copies = new_runs([], found.runs)
    assert sorted(r.run_on.isoformat() for r in kept) == ["2025-06-08", "2025-06-10", "2025-06-14"]
    assert copies == 1  # run 101: in activities.csv and as activities/101.fit.gz
    again, _ = new_runs(kept, read_uploads(upload("strava_export.zip"), TODAY).runs)
    assert again == []


def test_a_garmin_activities_csv_is_read() -> None:
    text = "Activity Type,Date,Title,Distance,Time,Total Ascent\nTrail Running,2025-06-01 06:00:00,Hills,12.3,01:20:05,410\nCycling,2025-06-02 06:00:00,Ride,40,01:30:00,300\n"
    [run] = read_uploads([("Activities.csv", text.encode())], TODAY).runs
    assert (run.distance_km, run.moving_seconds, run.elevation_gain_m) == (12.3, 4805, 410.0)


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("notes.txt", b"just some words", "not a FIT, GPX, TCX, CSV or ZIP"),
        ("photo.fit", b"\x89PNG\r\n\x1a\n" + b"\0" * 40, "not a FIT, GPX, TCX, CSV or ZIP"),
        ("cut.fit", (DATA / "truncated.fit").read_bytes(), "damaged or cut short"),
        ("ride.fit", (DATA / "ride.fit").read_bytes(), "no runs in it"),
        ("broken.gpx", b'<?xml version="1.0"?><gpx version="1.1"><trk><trkseg><trkpt lat=', "damaged"),
        ("broken.tcx", b"<TrainingCenterDatabase><Activities><Activity", "damaged"),
        ("page.xml", b"<html><body>hi</body></html>", "neither GPX nor TCX"),
        ("empty.csv", b"", "empty"),
        ("people.csv", b"name,age\nSam,30\n", "not an activities export"),
        ("bad.zip", b"PK\x03\x04garbage", "damaged ZIP"),
        ("bomb.gpx", b'<?xml version="1.0"?><!DOCTYPE g [<!ENTITY a "aaaa">]><gpx>&a;</gpx>', "XML entities"),
    ],
)
def test_bad_files_get_a_sentence_each(name: str, data: bytes, words: str) -> None:
    assert words in refused(name, data)


def test_a_run_dated_in_the_future_is_refused() -> None:
    problem = refused("road_run.fit", (DATA / "road_run.fit").read_bytes(), today=dt.date(2025, 6, 13))
    assert "in the future" in problem


def test_one_bad_file_keeps_nothing_of_the_upload() -> None:
    found = read_uploads(upload("road_run.fit", "truncated.fit"), TODAY)
    assert found.runs == [] and len(found.problems) == 1 and not found.ok


def test_a_path_that_climbs_out_of_the_archive_is_refused() -> None:
    for name in ("../../etc/evil.fit", "/abs/run.fit", "C:/runs/run.fit", "a\\..\\b.fit"):
        assert "outside the archive" in refused("x.zip", zipped({name: (DATA / "road_run.fit").read_bytes()}))


def test_a_zip_bomb_is_refused_from_its_directory_before_reading() -> None:
    bomb = zipped({"activities/huge.gpx": b"\0" * (run_files.MAX_ENTRY_BYTES + 1)})
    assert len(bomb) < 100_000
    assert "unpacks to" in refused("bomb.zip", bomb)


def test_a_zip_whose_directory_lies_stops_at_the_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run_files, "MAX_ENTRY_BYTES", 1000)  # the entry's declared size passes; its content doesn't
    data = zipped({"activities/1.fit.gz": gzip.compress(b"\0" * 5000)})
    assert "unpacks to more than" in refused("lies.zip", data)


def test_too_many_entries_or_too_much_unpacked_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run_files, "MAX_ZIP_ENTRIES", 3)
    assert "entries" in refused("many.zip", zipped({f"{i}.txt": b"x" for i in range(4)}))
    monkeypatch.setattr(run_files, "MAX_ZIP_ENTRIES", 5000)
    monkeypatch.setattr(run_files, "MAX_ZIP_TOTAL_BYTES", 100)
    assert "unpacks to" in refused("big.zip", zipped({"a.txt": b"x" * 101}))


def test_a_gpx_of_a_million_points_is_refused_before_parsing() -> None:
    point = b'<trkpt lat="50" lon="-30"><time>2025-06-14T07:02:11Z</time></trkpt>'
    data = b'<?xml version="1.0"?><gpx version="1.1"><trk><trkseg>' + point * 1_000_000 + b"</trkseg></trk></gpx>"
    packed = zipped({"activities/long.gpx": data})
    assert len(packed) < run_files.MAX_UPLOAD_BYTES  # within the upload cap: the entry's cap stops it unread
    assert "unpacks to 64 MB; entries are limited to 8 MB" in refused("long.zip", packed)
    dense = (
        b'<?xml version="1.0"?><gpx><trk><trkseg>' + b'<trkpt lat="5" lon="3"/>' * 150_000 + b"</trkseg></trk></gpx>"
    )
    assert len(dense) < run_files.MAX_UPLOAD_BYTES
    assert "150,000 track points" in refused("dense.gpx", dense)


def test_an_upload_over_the_cap_or_of_too_many_files_is_refused() -> None:
    assert "limited to" in refused("big.fit", b"\0" * (run_files.MAX_UPLOAD_BYTES + 1))
    many = read_uploads([("a.fit", b"")] * (run_files.MAX_FILES + 1), TODAY)
    assert many.runs == [] and "at once" in many.problems[0]


# -- which day a run counts on ---------------------------------------------------------------------------------------

_MAKER = DATA / "make_fixtures.py"
_spec = importlib.util.spec_from_file_location("make_fixtures", _MAKER)
assert _spec and _spec.loader
fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fixtures)

# 00:10 on Monday 16 June in Paris (UTC+2) is 22:10 on Sunday in UTC: the run belongs to the runner's Monday.
SUNDAY_UTC = dt.datetime(2025, 6, 15, 22, 10, tzinfo=dt.timezone.utc)
PARIS = dt.timezone(dt.timedelta(hours=2))


def _fit(start: dt.datetime, offset: dt.timedelta | None) -> bytes:
    return fixtures.fit_activity(
        start, fixtures.Sport.RUNNING, fixtures.SubSport.STREET, 8000.0, 2700.0, 20, utc_offset=offset
    )


@pytest.mark.parametrize(
    ("offset", "day"),
    [
        (dt.timedelta(hours=2), dt.date(2025, 6, 16)),  # the watch's local day: Monday
        (dt.timedelta(hours=2, seconds=-2), dt.date(2025, 6, 16)),  # 2 s apart in the record: still a zone of +2 h
        (dt.timedelta(hours=1), dt.date(2025, 6, 15)),  # 23:10 local: still Sunday
        (dt.timedelta(hours=-5), dt.date(2025, 6, 15)),  # New York: 17:10 on Sunday
        (None, dt.date(2025, 6, 15)),  # no local time in the file: UTC's day
        (dt.timedelta(hours=20), dt.date(2025, 6, 15)),  # no zone is 20 h from UTC: the local time is ignored
    ],
)
def test_a_fit_run_counts_on_the_watchs_local_day_and_keeps_its_start_in_utc(offset, day) -> None:
    [run] = read_uploads([("late.fit", _fit(SUNDAY_UTC, offset))], dt.date(2025, 6, 16)).runs
    assert run.run_on == day
    assert run.started_at == SUNDAY_UTC.replace(tzinfo=None)  # the same run's GPX (in UTC) still matches it
    week = weekly_volume([run], dt.date(2025, 6, 18), weeks=2)
    assert list(week["distance_km"]) == ([0.0, 8.0] if day.weekday() == 0 else [8.0, 0.0])


def test_a_gpx_time_written_with_its_offset_counts_on_that_local_day_and_a_z_time_on_utcs() -> None:
    local = fixtures.gpx_run(SUNDAY_UTC.astimezone(PARIS), 11, 60).encode()
    utc = fixtures.gpx_run(SUNDAY_UTC, 11, 60).encode()
    [paris] = read_uploads([("paris.gpx", local)], dt.date(2025, 6, 16)).runs
    [plain] = read_uploads([("utc.gpx", utc)], dt.date(2025, 6, 16)).runs
    assert b"+02:00" in local and (paris.run_on, plain.run_on) == (dt.date(2025, 6, 16), dt.date(2025, 6, 15))
    assert paris.started_at == plain.started_at == SUNDAY_UTC.replace(tzinfo=None)
    assert new_runs([plain], [paris]) == ([], 1)  # one run, whichever file came first


def test_a_run_on_the_watchs_tomorrow_is_not_refused_as_in_the_future() -> None:
    """Just after midnight in Auckland (UTC+12) it is still yesterday in UTC, where the server's day may be."""
    start = dt.datetime(2025, 6, 15, 12, 30, tzinfo=dt.timezone.utc)
    found = read_uploads([("auckland.fit", _fit(start, dt.timedelta(hours=12)))], dt.date(2025, 6, 15))
    assert found.ok and found.runs[0].run_on == dt.date(2025, 6, 16)
    assert "future" in refused("later.fit", _fit(start + dt.timedelta(days=1), dt.timedelta(hours=12)), start.date())


def test_a_runs_label_gives_the_day_it_counts_on_and_its_start_in_utc() -> None:
    [run] = read_uploads([("late.fit", _fit(SUNDAY_UTC, dt.timedelta(hours=2)))], dt.date(2025, 6, 16)).runs
    assert run.label.startswith("Mon 16 Jun 2025, started Sun 22:10 UTC · 8.00 km")
    [same_day] = read_uploads(upload("road_run.fit"), TODAY).runs
    assert same_day.label.startswith("Sat 14 Jun 2025, 07:02 UTC")


def test_a_tcx_time_written_with_its_offset_counts_on_that_local_day() -> None:
    utc = fixtures.tcx_run(SUNDAY_UTC, "Running", 5000.0, 1500.0).decode()

    def in_paris(found: re.Match[str]) -> str:
        return (
            dt.datetime.strptime(found.group(0), "%Y-%m-%dT%H:%M:%SZ")
            .replace(tzinfo=dt.timezone.utc)
            .astimezone(PARIS)
            .isoformat()
        )

    local = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", in_paris, utc)
    assert "2025-06-16T00:10:00+02:00" in local
    [paris] = read_uploads([("paris.tcx", local.encode())], dt.date(2025, 6, 16)).runs
    [plain] = read_uploads([("utc.tcx", utc.encode())], dt.date(2025, 6, 16)).runs
    assert (paris.run_on, plain.run_on) == (dt.date(2025, 6, 16), dt.date(2025, 6, 15))
    assert paris.started_at == plain.started_at == SUNDAY_UTC.replace(tzinfo=None)
