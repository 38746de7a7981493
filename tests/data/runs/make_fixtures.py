"""Makes the run files the import's tests read (issue 27): FIT files written by fit-tool (an encoder from the FIT
ecosystem), a GPX by gpxpy, a TCX with the standard library's ElementTree (no TCX writer is kept on PyPI), and a
Strava-style bulk export (ZIP) holding them with its activities.csv. Small on purpose: a run of a few points.

    .venv/bin/python tests/data/runs/make_fixtures.py

The broken and hostile files (a ZIP bomb, an escaping path, a million GPX points) are made by the tests themselves,
in memory: they would be large or dangerous to keep in the repository.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import gpxpy.gpx
from fit_tool.fit_file_builder import FitFileBuilder
from fit_tool.profile.messages.activity_message import ActivityMessage
from fit_tool.profile.messages.file_id_message import FileIdMessage
from fit_tool.profile.messages.record_message import RecordMessage
from fit_tool.profile.messages.session_message import SessionMessage
from fit_tool.profile.profile_type import FileType, Manufacturer, Sport, SubSport

HERE = Path(__file__).resolve().parent
UTC = dt.timezone.utc
ROAD_START = dt.datetime(2025, 6, 14, 7, 2, 11, tzinfo=UTC)  # the FIT and the GPX of one run (same start)
TRAIL_START = dt.datetime(2025, 6, 10, 17, 30, 0, tzinfo=UTC)  # the TCX
TREADMILL_START = dt.datetime(2025, 6, 12, 6, 15, 0, tzinfo=UTC)
RIDE_START = dt.datetime(2025, 6, 11, 9, 0, 0, tzinfo=UTC)


def _ms(when: dt.datetime) -> int:
    return round(when.timestamp() * 1000)


FIT_EPOCH = dt.datetime(1989, 12, 31, tzinfo=UTC)  # a FIT local timestamp counts seconds from here


def fit_activity(
    start: dt.datetime,
    sport: Sport,
    sub_sport: SubSport,
    metres: float,
    seconds: float,
    ascent: int,
    *,
    utc_offset: dt.timedelta | None = None,
) -> bytes:
    """A FIT activity of one session. `utc_offset`: the watch's zone, written as the activity record's local
    timestamp (as watches do); None writes no activity record (as the committed fixtures)."""
    builder = FitFileBuilder(auto_define=True, min_string_size=50)
    file_id = FileIdMessage()
    file_id.type = FileType.ACTIVITY
    file_id.manufacturer = Manufacturer.DEVELOPMENT.value
    file_id.product = 0
    file_id.time_created = _ms(start)
    file_id.serial_number = 0x12345678
    builder.add(file_id)
    for step in range(5):  # a few points: the import never keeps them
        record = RecordMessage()
        record.timestamp = _ms(start + dt.timedelta(seconds=seconds * step / 4))
        record.distance = metres * step / 4
        builder.add(record)
    session = SessionMessage()
    session.timestamp = _ms(start + dt.timedelta(seconds=seconds))
    session.start_time = _ms(start)
    session.sport = sport
    session.sub_sport = sub_sport
    session.total_elapsed_time = seconds + 60
    session.total_timer_time = seconds
    session.total_distance = metres
    session.total_ascent = ascent
    builder.add(session)
    if utc_offset is not None:
        end = start + dt.timedelta(seconds=seconds)
        activity = ActivityMessage()
        activity.timestamp = _ms(end)
        activity.local_timestamp = round((end + utc_offset - FIT_EPOCH).total_seconds())
        activity.num_sessions = 1
        builder.add(activity)
    return bytes(builder.build().to_bytes())


def gpx_run(start: dt.datetime, points: int, step_seconds: int) -> str:
    gpx = gpxpy.gpx.GPX()
    track = gpxpy.gpx.GPXTrack(name="Morning run")
    track.type = "running"
    gpx.tracks.append(track)
    segment = gpxpy.gpx.GPXTrackSegment()
    track.segments.append(segment)
    for index in range(points):  # due north from a made-up point at sea, about 10 km in all
        segment.points.append(
            gpxpy.gpx.GPXTrackPoint(
                latitude=50.0 + index * 0.09 / (points - 1),
                longitude=-30.0,
                elevation=10.0 + (index % 4) * 7.0,
                time=start + dt.timedelta(seconds=index * step_seconds),
            )
        )
    return str(gpx.to_xml())


def tcx_run(start: dt.datetime, sport: str, metres: float, seconds: float) -> bytes:
    ns = "http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"
    ET.register_namespace("", ns)
    root = ET.Element(f"{{{ns}}}TrainingCenterDatabase")
    activity = ET.SubElement(ET.SubElement(root, f"{{{ns}}}Activities"), f"{{{ns}}}Activity", Sport=sport)
    ET.SubElement(activity, f"{{{ns}}}Id").text = start.strftime("%Y-%m-%dT%H:%M:%SZ")
    lap = ET.SubElement(activity, f"{{{ns}}}Lap", StartTime=start.strftime("%Y-%m-%dT%H:%M:%SZ"))
    ET.SubElement(lap, f"{{{ns}}}TotalTimeSeconds").text = f"{seconds:.1f}"
    ET.SubElement(lap, f"{{{ns}}}DistanceMeters").text = f"{metres:.1f}"
    track = ET.SubElement(lap, f"{{{ns}}}Track")
    for index in range(5):
        point = ET.SubElement(track, f"{{{ns}}}Trackpoint")
        when = start + dt.timedelta(seconds=seconds * index / 4)
        ET.SubElement(point, f"{{{ns}}}Time").text = when.strftime("%Y-%m-%dT%H:%M:%SZ")
        position = ET.SubElement(point, f"{{{ns}}}Position")
        ET.SubElement(position, f"{{{ns}}}LatitudeDegrees").text = f"{50 + index * 0.01:.5f}"
        ET.SubElement(position, f"{{{ns}}}LongitudeDegrees").text = "-30.00000"
        ET.SubElement(point, f"{{{ns}}}AltitudeMeters").text = f"{100 + index * 30:.1f}"
        ET.SubElement(point, f"{{{ns}}}DistanceMeters").text = f"{metres * index / 4:.1f}"
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root)


def strava_csv() -> str:
    """activities.csv as Strava writes it: two columns named Distance (km, then metres), dates in English."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "Activity ID",
            "Activity Date",
            "Activity Name",
            "Activity Type",
            "Elapsed Time",
            "Distance",
            "Filename",
            "Moving Time",
            "Distance",
            "Elevation Gain",
        ]
    )
    writer.writerow(
        [
            "101",
            "Jun 14, 2025, 7:02:11 AM",
            "Morning Run",
            "Run",
            "3071",
            "10.02",
            "activities/101.fit.gz",
            "3011",
            "10020.0",
            "84",
        ]
    )
    writer.writerow(
        [
            "102",
            "Jun 11, 2025, 9:00:00 AM",
            "Ride",
            "Ride",
            "3600",
            "30.0",
            "activities/102.fit",
            "3500",
            "30000.0",
            "200",
        ]
    )
    writer.writerow(["103", "Jun 8, 2025, 8:00:00 AM", "Long run", "Run", "6000", "18.5", "", "5900", "18500.0", "150"])
    return out.getvalue()


def main() -> None:
    road = fit_activity(ROAD_START, Sport.RUNNING, SubSport.STREET, 10_020.0, 3011.0, 84)
    treadmill = fit_activity(TREADMILL_START, Sport.RUNNING, SubSport.TREADMILL, 8_000.0, 2700.0, 0)
    ride = fit_activity(RIDE_START, Sport.CYCLING, SubSport.ROAD, 30_000.0, 3500.0, 200)
    files = {
        "road_run.fit": road,
        "treadmill_run.fit": treadmill,
        "ride.fit": ride,
        "road_run.gpx": gpx_run(ROAD_START, 61, 50).encode(),
        "trail_run.tcx": tcx_run(TRAIL_START, "Running", 7_400.0, 3200.0),
        "truncated.fit": road[: len(road) // 2],
    }
    for name, data in files.items():
        (HERE / name).write_bytes(data)
    with zipfile.ZipFile(HERE / "strava_export.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("activities.csv", strava_csv())
        archive.writestr("activities/101.fit.gz", gzip.compress(road, mtime=0))
        archive.writestr("activities/102.fit", ride)
        archive.writestr("activities/104.tcx", files["trail_run.tcx"])
        archive.writestr("profile.csv", "Athlete ID,First Name\n1,Sam\n")


if __name__ == "__main__":
    main()
