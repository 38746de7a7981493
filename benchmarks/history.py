"""Made-up but plausible runner data for the benchmarks, built from calfcore's own models.

`three_years` is one runner with three years of history: 156 weekly tests (two symptom entries each), 1,095
symptom entries in all (the tests' 312 plus 783 morning check-ins), 600 routine log entries and 624 runs (four a
week from a watch, issue 27).
Deterministic for a given day and seed.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from calfcore.models import (
    HeelRaiseTest,
    LegPair,
    PainLocation,
    Protocol,
    RoutineLogEntry,
    Run,
    RunnerProfile,
    RunSource,
    Sex,
    Side,
    SoleusTest,
    Surface,
    SymptomEntry,
    Units,
)
from calfcore.routine import exercise_library

TESTS = 156
SYMPTOMS = 1_095
ROUTINE_LOGS = 600
RUNS = 624
RUNNER_NAME = "Benchmark runner (three years)"


@dataclass(frozen=True)
class History:
    runner: RunnerProfile
    tests: list[tuple[HeelRaiseTest, list[SymptomEntry]]]
    symptoms: list[SymptomEntry]  # check-ins, not attached to a test
    routine_logs: list[RoutineLogEntry]
    runs: list[Run] = field(default_factory=list)

    @property
    def symptom_count(self) -> int:
        return sum(len(s) for _, s in self.tests) + len(self.symptoms)


def three_years(today: dt.date, seed: int = 5) -> History:
    rng = random.Random(seed)
    runner = RunnerProfile(
        name=RUNNER_NAME, birth_year=today.year - 41, sex=Sex.MALE, units=Units.KG, injured_side=Side.RIGHT
    )
    first_day = today - dt.timedelta(weeks=TESTS)
    standard = Protocol(cadence_bpm=60, surface=Surface.INCLINE_10, cued=False)
    flat = Protocol(cadence_bpm=60, surface=Surface.FLAT, cued=False, fingertip_support=True)
    tests: list[tuple[HeelRaiseTest, list[SymptomEntry]]] = []
    for week in range(TESTS):
        day = first_day + dt.timedelta(weeks=week, days=1)
        protocol = flat if week % 13 == 12 else standard  # now and then a test away from the incline board
        left = 20 + week // 8 + rng.randint(-2, 2)
        right = 14 + week // 6 + rng.randint(-2, 2)
        pain = max(0, 5 - week // 20 + rng.randint(-1, 1))
        test = HeelRaiseTest(
            tested_on=day,
            protocol=protocol,
            straight_reps=LegPair(left, right),
            bent_reps=LegPair(left + rng.randint(0, 4), right + rng.randint(0, 4)) if week % 2 == 0 else None,
            heel_height_cm=LegPair(9.5, round(7.5 + week * 0.01, 1)) if week % 4 == 0 else None,
            soleus=SoleusTest(load_kg=40 + week // 4, reps=LegPair(10, 8), body_weight_kg=72)
            if week % 8 == 0
            else None,
            knee_to_wall_cm=LegPair(11.0, round(9.0 + week * 0.01, 1)) if week % 6 == 0 else None,
            notes=f"Week {week + 1} retest." if week % 5 == 0 else "",
        )
        symptoms = [
            SymptomEntry(day, Side.LEFT, rng.randint(0, 1), rng.randint(0, 1), rng.randint(0, 5), PainLocation.NONE),
            SymptomEntry(
                day,
                Side.RIGHT,
                pain,
                max(0, pain - 1) if week < TESTS - 1 else None,
                rng.randint(0, 20),
                PainLocation.ACHILLES if pain else PainLocation.NONE,
            ),
        ]
        tests.append((test, symptoms))

    checkins_needed = SYMPTOMS - 2 * TESTS
    days = sorted(rng.sample(range(1, TESTS * 7), checkins_needed))
    symptoms = []
    for offset in days:
        day = first_day + dt.timedelta(days=offset)
        pain = max(0, 4 - offset // 150 + rng.randint(-1, 1))
        symptoms.append(
            SymptomEntry(
                day, Side.RIGHT, None, pain, rng.randint(0, 15), PainLocation.ACHILLES if pain else PainLocation.NONE
            )
        )

    exercise_ids = sorted(exercise_library())
    log_days = sorted(rng.choices(range(1, TESTS * 7), k=ROUTINE_LOGS))
    routine_logs = [
        RoutineLogEntry(
            first_day + dt.timedelta(days=offset),
            rng.choice(exercise_ids),
            3,
            10 + rng.randint(0, 5),
            rng.choice([0.0, 0.0, 8.0, 16.0]),
            rng.choice([0, 1, 2]),
        )
        for offset in log_days
    ]
    history = History(runner, tests, symptoms, routine_logs, runs_of(first_day, TESTS, rng))
    assert history.symptom_count == SYMPTOMS and len(tests) == TESTS and len(routine_logs) == ROUTINE_LOGS
    assert len(history.runs) == RUNS
    return history


def runs_of(first_day: dt.date, weeks: int, rng: random.Random) -> list[Run]:
    """Four runs a week from a watch (Tuesday, Thursday, Saturday, Sunday), the week's volume drifting between 20 and
    60 km, now and then a jump of more than 30%."""
    found = []
    weekly = 30.0
    for week in range(weeks):
        weekly = min(60.0, max(20.0, weekly * rng.choice([0.8, 0.95, 1.0, 1.05, 1.1, 1.4])))
        for day, share in ((1, 0.2), (3, 0.25), (5, 0.2), (6, 0.35)):
            km = round(weekly * share, 2)
            start = dt.datetime.combine(first_day + dt.timedelta(weeks=week, days=day), dt.time(6, 30))
            found.append(Run(start.date(), km, round(km * 330), round(km * 8, 1), start, RunSource.FIT))
    return found


def load_into(store, owner: str, history: History) -> RunnerProfile:  # noqa: ANN001 (a calfcore Store)
    """Create the runner and import its history through the store's ordinary import (one transaction)."""
    runner = store.create_runner(owner, history.runner)
    store.import_records(owner, int(runner.id), history.tests, history.symptoms, history.routine_logs)
    if history.runs:
        store.save_runs(owner, int(runner.id), history.runs)
    return runner


def _nudges(copy: int, what: str, count: int, spread: int) -> list[int]:
    """`count` small whole numbers in 0..spread-1 for one copy's records (to_frames), the same on every run; all 0
    for the first copy, which stays the history itself."""
    import random

    chooser = random.Random(f"{what} {copy}")
    return [0] * count if copy == 0 else chooser.choices(range(spread), k=count)


def to_frames(history: History, copies: int, name: str = "Load runner {:02d}") -> dict[str, Any]:
    """`copies` runners with this history, as the pandas frames Store.bulk_load takes (runner keys 0..copies-1).

    After the first, each copy's counts differ a little from record to record, as different runners' do (`_nudges`:
    raises 0-2 more, exercise reps 0-3 more, pain 0-1 less and never below 0, each drawn per record from the copy's
    own seed). With identical copies, whatever the app keeps by content (calfui.drawn_charts) would serve every
    runner from one computation, which no club's runners would give it."""
    import pandas as pd

    def nullable(values: list[Any], dtype: str) -> Any:
        return pd.array(values, dtype=dtype)

    tests = [t for t, _ in history.tests]

    def pair(field: str, side: str) -> list[Any]:
        return [getattr(getattr(t, field), side) if getattr(t, field) else None for t in tests]

    one_runner_tests = pd.DataFrame(
        {
            "tested_on": [t.tested_on for t in tests],
            "cadence_bpm": [t.protocol.cadence_bpm for t in tests],
            "surface": [t.protocol.surface.value for t in tests],
            "cued": [t.protocol.cued for t in tests],
            "fingertip_support": [t.protocol.fingertip_support for t in tests],
            "added_load_kg": [t.protocol.added_load_kg for t in tests],
            "straight_left": [int(t.straight_reps.left) for t in tests],
            "straight_right": [int(t.straight_reps.right) for t in tests],
            "bent_left": nullable(pair("bent_reps", "left"), "Int64"),
            "bent_right": nullable(pair("bent_reps", "right"), "Int64"),
            "height_left_cm": nullable(pair("heel_height_cm", "left"), "Float64"),
            "height_right_cm": nullable(pair("heel_height_cm", "right"), "Float64"),
            "soleus_load_kg": nullable([t.soleus.load_kg if t.soleus else None for t in tests], "Float64"),
            "soleus_reps_left": nullable([t.soleus.reps.left if t.soleus else None for t in tests], "Int64"),
            "soleus_reps_right": nullable([t.soleus.reps.right if t.soleus else None for t in tests], "Int64"),
            "body_weight_kg": nullable([t.soleus.body_weight_kg if t.soleus else None for t in tests], "Float64"),
            "knee_to_wall_left_cm": nullable(pair("knee_to_wall_cm", "left"), "Float64"),
            "knee_to_wall_right_cm": nullable(pair("knee_to_wall_cm", "right"), "Float64"),
            "red_flags": [sorted(t.red_flags) for t in tests],
            "notes": [t.notes for t in tests],
        }
    )
    symptom_rows = [(index, s) for index, (_, entries) in enumerate(history.tests) for s in entries]
    symptom_rows += [(None, s) for s in history.symptoms]
    one_runner_symptoms = pd.DataFrame(
        {
            "test_index": nullable([i for i, _ in symptom_rows], "Int64"),
            "logged_on": [s.logged_on for _, s in symptom_rows],
            "side": [s.side.value for _, s in symptom_rows],
            "pain_during": nullable([s.pain_during for _, s in symptom_rows], "Int64"),
            "pain_next_morning": nullable([s.pain_next_morning for _, s in symptom_rows], "Int64"),
            "stiffness_minutes": nullable([s.stiffness_minutes for _, s in symptom_rows], "Int64"),
            "location": [s.location.value for _, s in symptom_rows],
        }
    )
    logs = history.routine_logs
    one_runner_logs = pd.DataFrame(
        {
            "logged_on": [x.logged_on for x in logs],
            "exercise_id": [x.exercise_id for x in logs],
            "sets": [x.sets for x in logs],
            "reps": [x.reps for x in logs],
            "load_kg": [x.load_kg for x in logs],
            "pain": nullable([x.pain for x in logs], "Int64"),
            "notes": [x.notes for x in logs],
        }
    )
    runner = history.runner
    runners = pd.DataFrame(
        {
            "key": range(copies),
            "name": [name.format(k + 1) for k in range(copies)],
            "birth_year": runner.birth_year,
            "sex": runner.sex.value,
            "units": runner.units.value,
            "injured_side": pd.Series(
                [runner.injured_side.value if runner.injured_side else None] * copies, dtype="string"
            ),
        }
    )
    per_runner = len(tests)
    test_frames, symptom_frames, log_frames = [], [], []
    for key in range(copies):
        more_raises = _nudges(key, "raises", per_runner, 3)
        more_reps = _nudges(key, "reps", len(one_runner_logs), 4)
        less_pain = _nudges(key, "pain", len(one_runner_symptoms), 2)
        test_frames.append(
            one_runner_tests.assign(
                key=range(key * per_runner, (key + 1) * per_runner),
                runner_key=key,
                **{
                    column: one_runner_tests[column] + more_raises
                    for column in ("straight_left", "straight_right", "bent_left", "bent_right")
                },
            )
        )
        symptom_frames.append(
            one_runner_symptoms.assign(
                runner_key=key,
                test_key=one_runner_symptoms["test_index"] + key * per_runner,
                pain_during=(one_runner_symptoms["pain_during"] - less_pain).clip(lower=0),
                pain_next_morning=(one_runner_symptoms["pain_next_morning"] - less_pain).clip(lower=0),
            )
        )
        log_frames.append(one_runner_logs.assign(runner_key=key, reps=one_runner_logs["reps"] + more_reps))
    return {
        "runners": runners,
        "tests": pd.concat(test_frames, ignore_index=True),
        "symptoms": pd.concat(symptom_frames, ignore_index=True).drop(columns="test_index"),
        "routine_logs": pd.concat(log_frames, ignore_index=True),
    }
