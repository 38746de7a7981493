"""An app-like writer for the crash test: opens the store the way the app does (one Store per process, a cursor
per operation) and saves heel-raise tests with their symptoms in a loop, printing `ack <n> <test id>` only after
each save has committed. The test SIGKILLs it mid-burst and checks what survived.

    python tests/reliability/crash_writer.py DATABASE_URL FIRST_NUMBER [CHECKPOINT_EVERY]

DATABASE_URL: duckdb:///<file> or postgresql://... (checkpoints are DuckDB's only).
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from calfcore.models import (  # noqa: E402
    HeelRaiseTest,
    LegPair,
    PainLocation,
    Protocol,
    RoutineLogEntry,
    RunnerProfile,
    Sex,
    Side,
    SymptomEntry,
)
from calfstore import LOCAL_OWNER, open_store  # noqa: E402
from calfstore.duckdb_store import DuckDBStore  # noqa: E402

RUNNER_NAME = "Crash test runner"
SYMPTOMS_PER_TEST = 2


def save_number(test: HeelRaiseTest) -> int:
    return int(test.notes.removeprefix("save "))


def main() -> None:
    url, first = sys.argv[1], int(sys.argv[2])
    store = open_store(url)
    checkpoint_every = int(sys.argv[3]) if len(sys.argv) > 3 and isinstance(store, DuckDBStore) else 0
    runners = [r for r in store.list_runners(LOCAL_OWNER) if r.name == RUNNER_NAME]
    runner = runners[0] if runners else store.create_runner(LOCAL_OWNER, RunnerProfile(RUNNER_NAME, 1985, Sex.MALE))
    print(f"ready {runner.id}", flush=True)
    day = dt.date(2025, 1, 1)
    number = first
    while True:
        test = HeelRaiseTest(
            tested_on=day + dt.timedelta(days=number % 300),
            protocol=Protocol(),
            straight_reps=LegPair(number % 150, (number * 7) % 150),
            notes=f"save {number}",
        )
        symptoms = [
            SymptomEntry(test.tested_on, side, number % 11, None, number % 60, PainLocation.CALF)
            for side in (Side.LEFT, Side.RIGHT)
        ][:SYMPTOMS_PER_TEST]
        test_id = store.save_test(LOCAL_OWNER, int(runner.id), test, symptoms)
        print(f"ack {number} {test_id}", flush=True)
        if number % 5 == 0:  # a second kind of write in the same burst
            store.add_routine_log(
                LOCAL_OWNER,
                int(runner.id),
                RoutineLogEntry(test.tested_on, "single_leg_calf_raise", 3, 15, notes=f"log {number}"),
            )
            print(f"ack-log {number}", flush=True)
        if checkpoint_every and number % checkpoint_every == 0:
            store.checkpoint()  # type: ignore[attr-defined]  # so that some kills land while the log is written into the main file
        number += 1


if __name__ == "__main__":
    main()
