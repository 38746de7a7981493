"""Runs from a watch (or typed by hand) and what they say beside the calf: the weekly running volume, a week whose
distance jumped, and next-morning pain that rose in a week whose running rose.

A run keeps its date and start, moving time, distance and elevation gain, never the GPS track: a route shows where
a runner lives. Reading the files is calfcore.run_files; the rules here take and return plain values.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

import pandas as pd

from calfcore.models import Run, SymptomEntry
from calfcore.progress import week_start
from calfcore.thresholds import PAIN_SAFE_MAX, RUNNING_JUMP_PERCENT, figure_beside
from calfcore.validation import InputErrors

# The same run imported twice (two files of one run, the same archive again) is stored once: it started within a
# minute of a stored run and its distance is within 2% of it. The rule for telling copies apart, not a figure
# from the evidence: watches round distance differently between their FIT and GPX exports, never by more than this.
SAME_START_SECONDS = 60
SAME_DISTANCE_SHARE = 0.02

# What a person can enter or a file can hold and still be one run on foot: longer or farther is a mistake (a ride
# saved as a run, a watch left running for days). Generous: multi-day ultras are cut into days by their watches.
MAX_RUN_KM = 400.0
MAX_RUN_HOURS = 72.0
MAX_ELEVATION_GAIN_M = 20_000.0


# Where the runner sees the weeks: which day a run counts on. A file that gives the watch's local time (a FIT file's
# activity record, a GPX or TCX time written with its offset) dates the run by the runner's own clock, so a run at
# 00:10 on a Monday is Monday's; a file in UTC alone (most GPX, Strava's CSV) dates it by UTC, and one without a zone
# (Garmin Connect's CSV, in local time) by the time as written.
DATING_NOTE = (
    "Weeks run Monday to Sunday. A run counts on the day it started: by the watch's local time when the file gives "
    "it (FIT files do), otherwise by the file's own clock (UTC for Strava exports and most GPX files)."
)


class Volume(StrEnum):
    """What the weekly bars count: the runner's choice."""

    DISTANCE = "distance"
    TIME = "time"


# -- checking a run ---------------------------------------------------------------------------------------------------


def checked_run(run: Run, today: dt.date) -> Run:
    """The run if it can be one run on foot, else InputErrors with a sentence per field. Nothing is saved on error."""
    errors: dict[str, str] = {}
    # A file's run counts on the watch's local day, which can be a day ahead of UTC's: its start in UTC decides.
    if (run.started_at.date() if run.started_at else run.run_on) > today:
        errors["date"] = f"{run.run_on:%d %b %Y} is in the future; a run can only be recorded once it is done."
    if run.distance_km is None and run.moving_seconds is None:
        errors["distance"] = "Give the distance, the time, or both."
    if run.distance_km is not None and not (0 < run.distance_km <= MAX_RUN_KM and math.isfinite(run.distance_km)):
        errors["distance"] = f"A run's distance is more than 0 and at most {MAX_RUN_KM:g} km."
    if run.moving_seconds is not None and not 0 < run.moving_seconds <= MAX_RUN_HOURS * 3600:
        errors["time"] = f"A run's time is more than 0 and at most {MAX_RUN_HOURS:g} hours."
    gain = run.elevation_gain_m
    if gain is not None and not (0 <= gain <= MAX_ELEVATION_GAIN_M and math.isfinite(gain)):
        errors["elevation"] = f"Elevation gain is between 0 and {MAX_ELEVATION_GAIN_M:g} m."
    if errors:
        raise InputErrors(errors)
    return run


def parse_hand_run(run_on: dt.date, distance_km: float | None, minutes: float | None, today: dt.date) -> Run:
    """A run typed by hand: its date and distance, time, or both."""
    seconds = round(minutes * 60) if minutes is not None and math.isfinite(minutes) else None
    if minutes is not None and seconds == 0:
        seconds = -1  # under half a second is no run: checked_run says so
    return checked_run(Run(run_on, distance_km, seconds), today)


# -- the same run twice -----------------------------------------------------------------------------------------------


def same_run(a: Run, b: Run) -> bool:
    """Both are one run: starts within SAME_START_SECONDS and distances within SAME_DISTANCE_SHARE of the longer.
    A run typed by hand has no start time, so it is never taken for another (two runs in a day are common)."""
    if a.started_at is None or b.started_at is None:
        return False
    if abs((a.started_at - b.started_at).total_seconds()) > SAME_START_SECONDS:
        return False
    if a.distance_km is None or b.distance_km is None:
        return a.distance_km is None and b.distance_km is None
    longer = max(a.distance_km, b.distance_km)
    return abs(a.distance_km - b.distance_km) <= SAME_DISTANCE_SHARE * longer


def new_runs(stored: Iterable[Run], incoming: Iterable[Run]) -> tuple[list[Run], int]:
    """The incoming runs not already stored nor earlier in `incoming`, and how many were left out as copies. The
    store runs this inside the save's transaction, against the rows it reads there, so two tabs importing the same
    archive at once still store it once."""
    kept: list[Run] = []
    skipped = 0
    # Only runs with a start can be copies: index them by minute, so an archive of thousands checks a few each.
    by_minute: dict[int, list[Run]] = {}

    def neighbours(run: Run) -> list[Run]:
        assert run.started_at is not None
        minute = int(run.started_at.timestamp() // 60)
        return [other for m in (minute - 1, minute, minute + 1) for other in by_minute.get(m, ())]

    def remember(run: Run) -> None:
        if run.started_at is not None:
            by_minute.setdefault(int(run.started_at.timestamp() // 60), []).append(run)

    for run in stored:
        remember(run)
    for run in incoming:
        if run.started_at is not None and any(same_run(run, other) for other in neighbours(run)):
            skipped += 1
            continue
        kept.append(run)
        remember(run)
    return kept, skipped


# -- weekly volume and the flags --------------------------------------------------------------------------------------

WEEK_COLUMNS = ["week_start", "runs", "distance_km", "minutes"]


def weekly_volume(runs: Sequence[Run], today: dt.date, weeks: int | None = 12) -> pd.DataFrame:
    """Week by week (weeks start on Monday, as the dashboard's other charts): runs, km and minutes, from `weeks`
    weeks back to this week (None: from the week of the first run). A week without runs is a row of zeros."""
    last = week_start(today)
    if weeks is None:
        first = min((week_start(r.run_on) for r in runs if r.run_on <= today), default=last)
    else:
        first = last - dt.timedelta(weeks=weeks - 1)
    totals: dict[dt.date, list[float]] = {}
    for run in runs:
        start = week_start(run.run_on)
        if first <= start <= last:
            row = totals.setdefault(start, [0, 0.0, 0.0])
            row[0] += 1
            row[1] += run.distance_km or 0.0
            row[2] += (run.moving_seconds or 0) / 60
    rows = []
    start = first
    while start <= last:
        count, km, minutes = totals.get(start, [0, 0.0, 0.0])
        rows.append({"week_start": pd.Timestamp(start), "runs": int(count), "distance_km": km, "minutes": minutes})
        start += dt.timedelta(weeks=1)
    return pd.DataFrame(rows, columns=WEEK_COLUMNS)


def is_jump(previous: float, this: float) -> bool:
    """More than RUNNING_JUMP_PERCENT above the week before; a week after a week without running is no jump (there
    is nothing to compare). Compared without division, so exactly 30% is never taken for a hair more."""
    return previous > 0 and (this - previous) * 100 > RUNNING_JUMP_PERCENT.value * previous


JUMP_WHY = (
    f"Weeks that rise by more than {RUNNING_JUMP_PERCENT.text} go with more overuse injuries in new runners; "
    "next-morning pain is the thing to watch."
)


@dataclass(frozen=True)
class RunningJump:
    """A week whose running distance rose by more than the threshold over the week before."""

    week_start: dt.date
    previous_km: float
    this_km: float

    @property
    def percent(self) -> float:
        return (self.this_km - self.previous_km) / self.previous_km * 100

    def went(self, today: dt.date) -> str:
        """'went from 24 to 38 km this week (+58%)'. The word (a jump: more than 30%) and the figures never
        contradict each other: the rise is shown as thresholds.figure_beside shows a figure next to its line (30.4%
        reads "+30.4%", not "+30%"; 30.04% reads "just over 30%"), and the distances with decimals where whole
        kilometres would show no jump (10 to 13.04 km reads "10.00 to 13.04 km", not "10 to 13 km")."""
        when = "this week" if self.week_start == week_start(today) else f"in the week of {self.week_start:%d %b}"
        return f"went from {self.distances} {when} ({self.rise})"

    @property
    def rise(self) -> str:
        """ "+58%", "+30.4%", or "just over 30%": never a figure on or under the line for a week flagged above it."""
        line = RUNNING_JUMP_PERCENT.value
        # The rule compares without division (is_jump); a division can land a hair under the line it passed.
        percent = self.percent if self.percent > line else math.nextafter(line, math.inf)
        shown = figure_beside(percent, RUNNING_JUMP_PERCENT, lambda value: value > line)
        return shown if shown.startswith("just") else f"+{shown}"

    @property
    def distances(self) -> str:
        """ "24 to 38 km": whole kilometres where they show the jump themselves, else as many decimals (up to 2) as
        it takes, so the distances a reader divides agree with the word."""
        for places in (0, 1, 2):
            before, now = round(self.previous_km, places), round(self.this_km, places)
            if is_jump(before, now) or places == 2:
                return f"{before:.{places}f} to {now:.{places}f} km"
        raise AssertionError("unreachable")

    def sentence(self, today: dt.date) -> str:
        """The runner's own words for it (the dashboard and the coach's view of it)."""
        return f"Your running {self.went(today)}. {JUMP_WHY}"

    def about_the_runner(self, today: dt.date) -> str:
        """The same in the third person, for a coach's roster and a clinician's report."""
        return f"Running {self.went(today)}. {JUMP_WHY}"


def latest_jump(weekly: pd.DataFrame, today: dt.date) -> RunningJump | None:
    """A jump in distance this week or last week (a jump two weeks ago has been seen already), the latest first."""
    data = weekly.sort_values("week_start")
    starts = [ts.date() for ts in data["week_start"]]
    km = [float(value) for value in data["distance_km"]]
    recent = {week_start(today), week_start(today) - dt.timedelta(weeks=1)}
    for index in range(len(starts) - 1, 0, -1):
        if starts[index] in recent and is_jump(km[index - 1], km[index]):
            return RunningJump(starts[index], km[index - 1], km[index])
    return None


def running_jump(runs: Sequence[Run], today: dt.date) -> RunningJump | None:
    """The jump the dashboard, the coach's view, the roster and the report show: this week's or last week's."""
    return latest_jump(weekly_volume(runs, today, weeks=3), today) if runs else None


def jump_weeks(weekly: pd.DataFrame) -> list[bool]:
    """For each week of `weekly` (in its order, sorted by week): whether its distance jumped over the week before."""
    km = [float(value) for value in weekly.sort_values("week_start")["distance_km"]]
    return [index > 0 and is_jump(km[index - 1], km[index]) for index in range(len(km))]


def marked_weeks(runs: Sequence[Run], today: dt.date, weeks: int | None) -> pd.DataFrame:
    """weekly_volume with a `kind` column, "jump" or "usual week". The first of `weeks` weeks is judged against the
    week before it (read for that alone), so a jump at the start of the span is marked too."""
    lead_in = weekly_volume(runs, today, None if weeks is None else weeks + 1)
    marked = lead_in.assign(kind=["jump" if jumped else "usual week" for jumped in jump_weeks(lead_in)])
    return marked if weeks is None else marked.iloc[1:].reset_index(drop=True)


@dataclass(frozen=True)
class PainWithVolume:
    """Next-morning pain rose in a week whose running rose."""

    week_start: dt.date
    previous_pain: int
    this_pain: int

    def _said(self, whose: str) -> str:
        return (
            f"Next-morning pain rose from {self.previous_pain} to {self.this_pain}/10 in the week of "
            f"{self.week_start:%d %b}, a week {whose} running rose too. Pain that climbs with the running is worth "
            "noticing early."
        )

    @property
    def sentence(self) -> str:
        """The runner's own words for it (the dashboard and the coach's view of it)."""
        return self._said("your")

    @property
    def about_the_runner(self) -> str:
        """The same in the third person, for a coach's roster."""
        return self._said("their")


# Where the pain-with-running rule comes from: the pain-monitoring model's rising next-morning pain (outside its safe
# zone), read beside the week's running. Pairing the two is Calf Check's reading, not a published rule.
PAIN_WITH_RUNNING_BASIS = (
    f"{PAIN_SAFE_MAX.source.label}: next-morning pain rising week on week, above {PAIN_SAFE_MAX.text}; read beside "
    "the week's running by Calf Check (our convention, not a published rule)"
)


def pain_rose_with_volume(
    runs: Sequence[Run], symptoms: Sequence[SymptomEntry], today: dt.date
) -> PainWithVolume | None:
    """This week or last: the week's highest next-morning pain is above the week before's and above the safe zone
    (0-2, the pain-monitoring model: a rise within it is no warning), and the week's distance (or time, for runs
    with no distance) is above the week before's."""
    weekly = weekly_volume(runs, today, weeks=3)
    km, minutes = [float(v) for v in weekly["distance_km"]], [float(v) for v in weekly["minutes"]]
    starts = [ts.date() for ts in weekly["week_start"]]

    def volume_rose(index: int) -> bool:
        if km[index] > 0 and km[index - 1] > 0:
            return km[index] > km[index - 1]
        return km[index] > km[index - 1] or minutes[index] > minutes[index - 1]

    def peak(start: dt.date) -> int | None:
        values = [
            s.pain_next_morning
            for s in symptoms
            if s.pain_next_morning is not None and start <= s.logged_on < start + dt.timedelta(weeks=1)
        ]
        return max(values) if values else None

    for index in (2, 1):
        before, now = peak(starts[index - 1]), peak(starts[index])
        rose = before is not None and now is not None and now > before and now > PAIN_SAFE_MAX.value
        if rose and volume_rose(index):
            assert before is not None and now is not None
            return PainWithVolume(starts[index], before, now)
    return None


def run_fields(run: Run) -> dict[str, object]:
    """One run as the JSON export writes it (never a route: none is kept)."""
    return {
        "date": run.run_on.isoformat(),
        "started_at": run.started_at.isoformat() if run.started_at else None,
        "distance_km": run.distance_km,
        "moving_seconds": run.moving_seconds,
        "elevation_gain_m": run.elevation_gain_m,
        "source": run.source.value,
    }
