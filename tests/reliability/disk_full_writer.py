"""Fills the disk under a store, the way a long-running app would meet it, and reports what happened as JSON.

    python tests/reliability/disk_full_writer.py DB_PATH tmpfs            (DB_PATH on a small tmpfs)
    python tests/reliability/disk_full_writer.py DB_PATH file-size-limit  (RLIMIT_FSIZE on this process)

Saves tests with their symptoms until a save fails, then checks that the failure is explained as a full disk,
that the store still reads, that later saves fail the same clean way, and that saves work again once space is
freed. Finally a checkpoint on the full disk makes DuckDB invalidate the connection (a fatal error): the store
says so and the file reopens afterwards. Prints one JSON line; exits non-zero only on an unexpected exception.
"""

from __future__ import annotations

import datetime as dt
import json
import resource
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from calfcore.models import (  # noqa: E402
    HeelRaiseTest,
    LegPair,
    Protocol,
    RunnerProfile,
    Sex,
    Side,
    SymptomEntry,
)
from calfstore import LOCAL_OWNER, Store, StoreError
from calfstore.duckdb_store import DuckDBStore
from calfstore.tables import count_rows


def save(store: Store, runner_id: int, number: int) -> int:
    test = HeelRaiseTest(
        dt.date(2025, 1, 1), Protocol(), LegPair(number % 150, 20), notes=f"save {number} " + "x" * 300
    )
    symptoms = [SymptomEntry(test.tested_on, side, 3, 2, 10) for side in Side]
    return store.save_test(LOCAL_OWNER, runner_id, test, symptoms)


def main() -> None:
    path, mode = Path(sys.argv[1]), sys.argv[2]
    report: dict[str, object] = {"mode": mode}
    store = DuckDBStore.open(path)
    runner_id = int(store.create_runner(LOCAL_OWNER, RunnerProfile("Disk", 1980, Sex.MALE)).id)
    filler = None
    if mode == "file-size-limit":
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit then fails with EFBIG
        largest = max(p.stat().st_size for p in path.parent.iterdir() if p.name.startswith(path.name))
        _, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
        resource.setrlimit(resource.RLIMIT_FSIZE, (largest + 600_000, hard))
    else:  # leave about 200 KB free on the tmpfs: the database fills the rest
        filler = path.parent / "filler.bin"
        with filler.open("wb", buffering=0) as handle:
            try:
                while True:
                    handle.write(b"\0" * 65536)
            except OSError:
                pass
        filler.write_bytes(filler.read_bytes()[: max(0, filler.stat().st_size - 200_000)])

    acknowledged = []
    failure = None
    for number in range(100_000):
        try:
            save(store, runner_id, number)
        except StoreError as error:
            failure = error
            break
        acknowledged.append(number)
    report["saves_before_full"] = len(acknowledged)
    report["error_type"] = type(failure).__name__
    report["cause_type"] = type(failure.__cause__).__name__ if failure is not None else None
    report["message"] = str(failure) if failure else None
    counts = count_rows(store, runner_id)  # reads still work, and the failed save left nothing behind
    report["rows_after_failure"] = counts
    later = []
    for number in range(100_000, 100_005):
        try:
            save(store, runner_id, number)
            later.append("saved")
        except StoreError as error:
            later.append(str(error))
    report["later_saves"] = later

    # Free the space: saves work again with no restart.
    if filler is not None:
        filler.unlink()
    else:
        resource.setrlimit(
            resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.getrlimit(resource.RLIMIT_FSIZE)[1])
        )
    save(store, runner_id, 200_000)
    acknowledged.append(200_000)
    report["saved_after_freeing"] = True

    # Fill it again and force a checkpoint: DuckDB invalidates the connection (fatal), the store notices.
    if mode == "file-size-limit":
        largest = max(p.stat().st_size for p in path.parent.iterdir() if p.name.startswith(path.name))
        resource.setrlimit(resource.RLIMIT_FSIZE, (largest, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))
    else:
        filler = path.parent / "filler.bin"
        with filler.open("wb", buffering=0) as handle:
            try:
                while True:
                    handle.write(b"\0" * 4096)
            except OSError:
                pass
    try:
        store.checkpoint()
        report["checkpoint"] = "ok"
    except StoreError as error:
        report["checkpoint"] = str(error)
    report["invalidated"] = store.invalidated
    try:
        store.close()
    except StoreError:
        pass
    if filler is not None:
        filler.unlink()
    else:
        resource.setrlimit(
            resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.getrlimit(resource.RLIMIT_FSIZE)[1])
        )

    reopened = DuckDBStore.open(path)
    tests = reopened.list_tests(LOCAL_OWNER, runner_id)
    symptoms = reopened.list_symptoms(LOCAL_OWNER, runner_id)
    reopened.close()
    saved_numbers = {int(t.notes.split()[1]) for t in tests}
    report["acknowledged"] = len(acknowledged)
    report["lost"] = len(set(acknowledged) - saved_numbers)
    report["tests_after_reopen"] = len(tests)
    report["symptoms_after_reopen"] = len(symptoms)
    report["tests_without_both_symptoms"] = len({t.id for t in tests} ^ {s.test_id for s in symptoms}) + sum(
        1 for t in tests if sum(s.test_id == t.id for s in symptoms) != 2
    )
    print(json.dumps(report), flush=True)


if __name__ == "__main__":
    main()
