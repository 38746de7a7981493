"""Crash mid-write: an app-like process is SIGKILLed during a burst of saves, again and again, on one file.

After every kill the file opens, every save acknowledged to the writer is there, and no test exists without the
symptoms saved in its transaction (nor symptoms pointing at a missing test).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from calfstore import LOCAL_OWNER, open_store
from tests.reliability.crash_writer import RUNNER_NAME, SYMPTOMS_PER_TEST, save_number

WRITER = Path(__file__).with_name("crash_writer.py")
ROUNDS = 12
CHECKPOINT_EVERY = 25


def _acks(lines: list[str]) -> tuple[dict[int, int], set[int]]:
    tests, logs = {}, set()
    for line in lines:
        parts = line.split()
        if parts[:1] == ["ack"]:
            tests[int(parts[1])] = int(parts[2])
        elif parts[:1] == ["ack-log"]:
            logs.add(int(parts[1]))
    return tests, logs


def _kill_mid_burst(db: str, first: int, acks_before_kill: int, extra_delay: float) -> list[str]:
    writer = subprocess.Popen(
        [sys.executable, str(WRITER), str(db), str(first), str(CHECKPOINT_EVERY)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        ready = writer.stdout.readline()
        assert ready.startswith("ready"), (ready, writer.stderr.read() if writer.poll() is not None else "")
        lines = []
        while sum(line.startswith("ack ") for line in lines) < acks_before_kill:
            line = writer.stdout.readline()
            assert line, f"the writer stopped on its own: {writer.stderr.read()}"
            lines.append(line)
        time.sleep(extra_delay)  # the writer keeps saving: the kill lands anywhere in a save or a checkpoint
        os.kill(writer.pid, signal.SIGKILL)
        lines += writer.stdout.read().splitlines()  # acks printed before the kill are acknowledged too
        assert writer.wait(timeout=10) == -signal.SIGKILL
        return lines
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait()
        writer.stdout.close()
        writer.stderr.close()


def test_sigkill_during_a_burst_of_saves_loses_nothing_acknowledged(database_url: str, figures) -> None:
    """On DuckDB the killed process held the file (its log is replayed at the restart); on PostgreSQL the server
    rolls back the killed client's open transaction."""
    db = database_url
    rng = random.Random(20260601)
    acknowledged: dict[int, int] = {}
    acknowledged_logs: set[int] = set()
    lost = 0
    for round_number in range(ROUNDS):
        lines = _kill_mid_burst(
            db,
            first=round_number * 100_000,
            acks_before_kill=rng.randint(3, 150),
            extra_delay=rng.choice([0.0, rng.uniform(0, 0.03)]),
        )
        tests, logs = _acks(lines)
        acknowledged |= tests
        acknowledged_logs |= logs

        store = open_store(db)  # the restart: opens (DuckDB replays its log) with no help
        try:
            (runner,) = [r for r in store.list_runners(LOCAL_OWNER) if r.name == RUNNER_NAME]
            saved = {save_number(t): t.id for t in store.list_tests(LOCAL_OWNER, runner.id)}
            symptoms = store.list_symptoms(LOCAL_OWNER, runner.id)
            logs_saved = {
                int(entry.notes.removeprefix("log ")) for entry in store.list_routine_logs(LOCAL_OWNER, runner.id)
            }
        finally:
            store.close()
        missing = {n: i for n, i in acknowledged.items() if saved.get(n) != i}
        missing_logs = acknowledged_logs - logs_saved
        lost = len(missing) + len(missing_logs)
        assert not missing and not missing_logs, (round_number, missing, missing_logs)
        # No half-written session: every test has exactly its symptoms, every test symptom has its test.
        per_test = Counter(s.test_id for s in symptoms)
        assert set(per_test) == set(saved.values()), "symptoms without their test, or a test without symptoms"
        assert set(per_test.values()) == {SYMPTOMS_PER_TEST}
        assert len(saved) >= len(acknowledged)  # a save may commit just before the kill, unacknowledged

    figures.add(
        "crash",
        faults_injected=ROUNDS,
        saves_acknowledged=len(acknowledged) + len(acknowledged_logs),
        tests_acknowledged=len(acknowledged),
        tests_found_after_restarts=len(saved),
        symptoms_found_after_restarts=sum(per_test.values()),
        lost=lost,
    )
