"""Small, pre-aggregated frames for the progress charts and the adherence table.

Chart cost grows with the data sent to the browser, so everything is reduced to one row per test, per day or
per week before it reaches a chart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence

import pandas as pd

from calfcore.models import HeelRaiseTest, RoutineLogEntry, RunnerProfile, Side, SymptomEntry
from calfcore.norms import describe_protocol, find_reference
from calfcore.retest import planned_sessions
from calfcore.scoring import limb_symmetry_index

REPS_COLUMNS = ["tested_on", "protocol", "knee", "side", "reps", "typical_low", "typical_high", "reference"]


def reps_frame(tests: Sequence[HeelRaiseTest], runner: RunnerProfile) -> pd.DataFrame:
    """One row per test, knee angle and leg, with the 'typical' band of the fitting reference (knee straight): the
    reference ± the spread between healthy people. No band where no reference fits (age, protocol, load)."""
    rows = []
    for test in tests:
        protocol = describe_protocol(test.protocol)
        reference = find_reference(test.protocol, runner.sex, runner.age_on(test.tested_on))
        for knee, pair in (("straight", test.straight_reps), ("bent", test.bent_reps)):
            if pair is None:
                continue
            for side in Side:
                reps = pair.get(side)
                if reps is None:
                    continue
                has_band = knee == "straight" and reference is not None
                band = reference if has_band else None
                rows.append(
                    {
                        "tested_on": pd.Timestamp(test.tested_on),
                        "protocol": protocol,
                        "knee": knee,
                        "side": side.value,
                        "reps": int(reps),
                        "typical_low": band.typical_low if band else None,
                        "typical_high": band.typical_high if band else None,
                        "reference": (
                            f"{band.label} ± {band.spread_sd:g} ({band.source.short})"
                            if band
                            else "no reference fits: no band"
                        ),
                    }
                )
    return pd.DataFrame(rows, columns=REPS_COLUMNS)


def symmetry_frame(tests: Sequence[HeelRaiseTest], runner: RunnerProfile) -> pd.DataFrame:
    rows = []
    for test in tests:
        for measure, pair in (("knee straight", test.straight_reps), ("knee bent", test.bent_reps)):
            if pair is None:
                continue
            lsi = limb_symmetry_index(pair, runner.injured_side)
            if lsi is not None:
                rows.append(
                    {
                        "tested_on": pd.Timestamp(test.tested_on),
                        "measure": measure,
                        "symmetry_percent": lsi,
                        "protocol": describe_protocol(test.protocol),
                    }
                )
    return pd.DataFrame(rows, columns=["tested_on", "measure", "symmetry_percent", "protocol"])


def pain_frame(symptoms: Sequence[SymptomEntry]) -> pd.DataFrame:
    """Daily peak pain per leg and kind (during / next morning), in day, leg and kind order. The peaks are found in
    Python before the frame is made: a pandas groupby cost more than the rest of the pain chart (issue 25)."""
    peaks: dict[tuple[dt.date, str, str], int] = {}
    for entry in symptoms:
        for kind, value in (("during", entry.pain_during), ("next morning", entry.pain_next_morning)):
            if value is not None:
                key = (entry.logged_on, entry.side.value, kind)
                peaks[key] = max(peaks.get(key, int(value)), int(value))
    rows = [
        {"day": pd.Timestamp(day), "side": side, "kind": kind, "pain": pain}
        for (day, side, kind), pain in sorted(peaks.items())
    ]
    return pd.DataFrame(rows, columns=["day", "side", "kind", "pain"])


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def weekly_routine(
    logs: Sequence[RoutineLogEntry],
    sessions_per_week: int,
    today: dt.date,
    weeks: int = 12,
    since: dt.date | None = None,
    away: Collection[dt.date] = (),
) -> pd.DataFrame:
    """Week by week: training days logged, total reps, and adherence against the planned sessions. The weeks start
    at the week of `since` (the runner's first record) when that is later: a new runner sees no empty past weeks
    counted as missed. Days away (ill, injured, travelling) lower the sessions a week asks for, so they never count
    against adherence."""
    first = week_start(today) - dt.timedelta(weeks=weeks - 1)
    if since is not None and first < week_start(since) <= week_start(today):
        weeks -= (week_start(since) - first).days // 7
        first = week_start(since)
    days_by_week: dict[dt.date, set[dt.date]] = {}
    volume_by_week: dict[dt.date, int] = {}
    for log in logs:
        start = week_start(log.logged_on)
        if start < first:
            continue
        days_by_week.setdefault(start, set()).add(log.logged_on)
        volume_by_week[start] = volume_by_week.get(start, 0) + log.volume
    rows = []
    for index in range(weeks):
        start = first + dt.timedelta(weeks=index)
        sessions = len(days_by_week.get(start, ()))
        planned = planned_sessions(sessions_per_week, start, away)
        rows.append(
            {
                "week_start": pd.Timestamp(start),
                "sessions": sessions,
                "planned": planned,
                # A week with nothing planned (away all week) asks for nothing: full marks, not a gap.
                "adherence_percent": round(min(sessions / planned, 1.0) * 100) if planned else 100,
                "volume_reps": volume_by_week.get(start, 0),
            }
        )
    return pd.DataFrame(rows, columns=["week_start", "sessions", "planned", "adherence_percent", "volume_reps"])
