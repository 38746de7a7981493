"""A demo runner with 12 weeks of plausible data, so a new visitor can see a full dashboard.

Deterministic (seeded): the same day gives the same data. The story: a 38-year-old runner whose left calf lags
after a niggle, retesting every two weeks while following the recommended routine, and slowly closing the gap.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from calfcore.models import (
    HeelRaiseTest,
    LegPair,
    PainLocation,
    Protocol,
    RoutineLogEntry,
    RunnerProfile,
    Sex,
    Side,
    SoleusTest,
    Surface,
    SymptomEntry,
    Units,
)
from calfcore.routine import EquipmentAccess, Stage, build_week

DEMO_NAME = "Demo runner (Alex)"
DEMO_WEEKS = 12
DEMO_BODY_WEIGHT_KG = 62.0


@dataclass(frozen=True)
class DemoData:
    runner: RunnerProfile
    tests: list[tuple[HeelRaiseTest, list[SymptomEntry]]]
    symptoms: list[SymptomEntry]
    routine_logs: list[RoutineLogEntry]


def demo_data(today: dt.date, seed: int = 7) -> DemoData:
    rng = random.Random(seed)
    runner = RunnerProfile(
        name=DEMO_NAME,
        birth_year=today.year - 38,
        sex=Sex.FEMALE,
        units=Units.KG,
        injured_side=Side.LEFT,
        body_weight_kg=DEMO_BODY_WEIGHT_KG,
        is_demo=True,
    )
    start = today - dt.timedelta(weeks=DEMO_WEEKS)
    protocol = Protocol(cadence_bpm=60, surface=Surface.INCLINE_10, cued=False)
    tests: list[tuple[HeelRaiseTest, list[SymptomEntry]]] = []
    for index in range(DEMO_WEEKS // 2 + 1):
        day = start + dt.timedelta(weeks=2 * index, days=1)
        if day > today:
            break
        left = 17 + 2 * index + rng.randint(-1, 1)
        right = 27 + index // 2 + rng.randint(-1, 1)
        pain_left = max(0, 4 - index // 2 + rng.randint(0, 1))
        test = HeelRaiseTest(
            tested_on=day,
            protocol=protocol,
            straight_reps=LegPair(left, right),
            bent_reps=LegPair(left + 3 + rng.randint(-1, 1), right + 3 + rng.randint(-1, 1)),
            heel_height_cm=LegPair(round(8.2 + 0.2 * index, 1), 9.8) if index % 2 == 0 else None,
            soleus=SoleusTest(load_kg=40 + 5 * index, reps=LegPair(8, 10), body_weight_kg=DEMO_BODY_WEIGHT_KG)
            if index >= 2
            else None,
            knee_to_wall_cm=LegPair(round(9.5 + 0.3 * index, 1), 11.5) if index % 3 == 0 else None,
            notes="Retest after two weeks of the routine." if index else "First test, left calf feels weaker.",
        )
        test_symptoms = [
            SymptomEntry(
                day,
                Side.LEFT,
                pain_left,
                max(0, pain_left - 1),
                10 + rng.randint(0, 10),
                PainLocation.ACHILLES if pain_left else PainLocation.NONE,
            ),
            SymptomEntry(day, Side.RIGHT, 0, 0, 0, PainLocation.NONE),
        ]
        tests.append((test, test_symptoms))

    symptoms: list[SymptomEntry] = []
    routine_logs: list[RoutineLogEntry] = []
    for offset in range(DEMO_WEEKS * 7):
        day = start + dt.timedelta(days=offset)
        if day > today:
            break
        if day.weekday() in (0, 3, 5):  # check-ins on three mornings a week
            pain = max(0, 3 - offset // 28 + rng.randint(-1, 1))
            symptoms.append(
                SymptomEntry(
                    day,
                    Side.LEFT,
                    None,
                    pain,
                    5 + rng.randint(0, 10),
                    PainLocation.ACHILLES if pain else PainLocation.NONE,
                )
            )
        if day.weekday() in (1, 4, 6) and rng.random() < 0.85:  # routine days, some missed
            stage = Stage.BUILD if offset < 42 else Stage.LOAD
            week = build_week(stage, (), day, EquipmentAccess.HOME, Side.LEFT)
            for item in week.prescriptions:
                if item.sets == 0:
                    continue
                load = 8.0 if stage is Stage.LOAD and "loaded" in item.role else 0.0
                routine_logs.append(
                    RoutineLogEntry(
                        day, item.exercise.id, item.sets, 12 + rng.randint(-2, 3), load, rng.choice([0, 1, 1, 2])
                    )
                )
    return DemoData(runner, tests, symptoms, routine_logs)
