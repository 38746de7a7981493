"""PostgreSQL for real (a throwaway cluster on 127.0.0.1, tests/pgcluster.py): settings that can't work, a server that
stops mid-save, several processes on one database, a profile deleted while another tab saves to it, the move of a
club's DuckDB file into PostgreSQL, and backups with pg_dump / pg_restore."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from calfcore.models import (
    CheckinWarning,
    ClinicianAllClear,
    HeelRaiseTest,
    LegPair,
    PainLocation,
    Protocol,
    Run,
    RunnerProfile,
    Sex,
    Side,
    SymptomEntry,
)
from calfcore.sharing import token_hash
from calfstore import LOCAL_OWNER, NotFound, NotSaved, StoreError, StoreUnavailable, open_store
from calfstore.duckdb_store import DuckDBStore
from calfstore.tables import count_rows, rows_per_owner, rows_per_table
from calfstore.url import URL_SETTING
from tests.pgcluster import PgCluster

REPO = Path(__file__).resolve().parents[2]
DAY = dt.date(2025, 5, 5)
NOW = dt.datetime(2025, 5, 5, 12, 0)


def _test(note: str) -> HeelRaiseTest:
    return HeelRaiseTest(tested_on=DAY, protocol=Protocol(), straight_reps=LegPair(25, 27), notes=note)


def _symptoms() -> list[SymptomEntry]:
    return [SymptomEntry(DAY, side, 2, 1, 5, PainLocation.CALF) for side in (Side.LEFT, Side.RIGHT)]


def _runner(store, owner: str = LOCAL_OWNER, name: str = "Pat") -> int:
    return int(store.create_runner(owner, RunnerProfile(name, 1988, Sex.MALE)).id)


# -- settings that can't work ------------------------------------------------------------------------------------


def _refusal(url: str) -> str:
    with pytest.raises(StoreUnavailable) as refused:
        open_store(url).close()
    return str(refused.value)


def test_a_wrong_scheme_names_the_setting_and_the_forms_it_takes() -> None:
    message = _refusal("mysql://calf:secret@127.0.0.1/calf")
    assert URL_SETTING in message and "duckdb:///" in message and "postgresql://" in message
    assert "secret" not in message


def test_a_wrong_password_names_the_setting_and_hides_the_password(
    postgres_cluster: PgCluster, postgres_url: str
) -> None:
    name = postgres_url.rsplit("/", 1)[1]
    message = _refusal(postgres_cluster.url(name, password="not-the-password"))
    assert "refused the user name or password" in message and URL_SETTING in message
    assert "not-the-password" not in message and "***" in message


def test_a_server_that_is_down_names_host_and_port(postgres_cluster: PgCluster) -> None:
    import socket

    with socket.socket() as unused:  # a loopback port nobody listens on
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    message = _refusal(f"postgresql://calf:pw@127.0.0.1:{port}/calf")
    assert "No PostgreSQL server answers" in message and f"127.0.0.1:{port}" in message


def test_a_missing_database_says_to_create_it(postgres_cluster: PgCluster) -> None:
    message = _refusal(postgres_cluster.url("no_such_database"))
    assert "does not exist" in message and "createdb" in message


def test_an_unknown_host_names_the_setting() -> None:
    """In a network namespace of its own (loopback only, no resolver reachable): the lookup fails here, at once."""
    script = (
        "from calfstore import open_store, StoreUnavailable\n"
        "try:\n    open_store('postgresql://calf:pw@calf-db.example.invalid:5432/calf')\n"
        "except StoreUnavailable as e:\n    print(e)\n"
    )
    done = subprocess.run(
        ["unshare", "--net", sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "is unknown" in done.stdout and URL_SETTING in done.stdout


# -- outages --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["fast", "immediate"])  # a clean stop, and a crash of the server
def test_saves_while_postgresql_is_down_are_stored_whole_or_refused_and_the_app_recovers(
    postgres_cluster: PgCluster, postgres_url: str, mode: str, figures
) -> None:
    store = open_store(postgres_url)
    runner_id = _runner(store)
    acknowledged: list[int] = []
    refusals: list[str] = []
    waits: list[float] = []  # how long each acknowledged save took
    saved_after_outage = threading.Event()
    outage_over = threading.Event()
    deadline = time.monotonic() + 90

    def keep_saving() -> None:
        number = 0
        while time.monotonic() < deadline and not saved_after_outage.is_set():
            began = time.monotonic()
            try:
                acknowledged.append(store.save_test(LOCAL_OWNER, runner_id, _test(f"save {number}"), _symptoms()))
                waits.append(time.monotonic() - began)
                if outage_over.is_set():
                    saved_after_outage.set()
            except StoreError as error:
                refusals.append(str(error))
                time.sleep(0.05)
            number += 1

    writer = threading.Thread(target=keep_saving)
    writer.start()
    while len(acknowledged) < 20 and time.monotonic() < deadline:
        time.sleep(0.01)
    postgres_cluster.stop_for(3, mode=mode)
    outage_over.set()
    writer.join(timeout=120)
    assert saved_after_outage.is_set(), "the same store saved again once the server was back, without a restart"
    # The outage was met: a save was refused with a message, or waited for the server and then completed (the pool
    # waits up to POOL_WAIT_SECONDS for a connection, longer than this 3 s outage). Both are what a runner may see.
    assert refusals or max(waits) > 1.0, (len(refusals), max(waits))
    assert all("nothing was saved" in message for message in refusals), set(refusals)
    tests = store.list_tests(LOCAL_OWNER, runner_id)
    symptoms = Counter(s.test_id for s in store.list_symptoms(LOCAL_OWNER, runner_id))
    assert set(acknowledged) <= {t.id for t in tests}  # nothing acknowledged was lost
    assert set(symptoms) == {t.id for t in tests} and set(symptoms.values()) == {2}  # nothing half-written
    figures.add(
        "postgres_outage",
        saves_acknowledged=len(acknowledged),
        refused_with_a_message=len(refusals),
        lost=len(set(acknowledged) - {t.id for t in tests}),
    )
    store.close()


# -- several processes on one database --------------------------------------------------------------------------


def test_a_save_by_another_process_is_seen_at_the_next_read(postgres_url: str) -> None:
    store = open_store(postgres_url)
    runner_id = _runner(store)
    version = store.data_version(LOCAL_OWNER)
    other = store.data_version("someone else")
    script = (
        f"from calfstore import open_store, LOCAL_OWNER\nfrom tests.reliability.test_postgres import _test\n"
        f"s = open_store({postgres_url!r})\ns.save_test(LOCAL_OWNER, {runner_id}, _test('from process B'))\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, cwd=REPO, timeout=60)
    assert store.data_version(LOCAL_OWNER) != version  # this process's caches are stale now...
    assert store.data_version("someone else") == other  # ...and only this owner's
    assert [t.notes for t in store.load_records(LOCAL_OWNER, runner_id).tests] == ["from process B"]
    store.close()


def test_many_processes_starting_at_once_migrate_once(postgres_url: str) -> None:
    script = f"from calfstore import open_store\nprint(open_store({postgres_url!r}).schema_versions())\n"
    starts = [
        subprocess.Popen(
            [sys.executable, "-c", script], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(4)
    ]
    outputs = [process.communicate(timeout=120) for process in starts]
    assert all(process.returncode == 0 for process in starts), [err for _, err in outputs]
    assert len({out for out, _ in outputs}) == 1
    store = open_store(postgres_url)
    with store._cursor() as cursor:
        assert cursor.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] == len(store.schema_versions())
    store.close()


def test_deleting_a_profile_while_another_tab_saves_to_it_leaves_no_orphan_rows(postgres_url: str) -> None:
    store = open_store(postgres_url)
    for round_number in range(5):
        runner_id = _runner(store, name=f"Round {round_number}")
        outcomes: Counter[str] = Counter()
        start = threading.Barrier(9)

        def save(thread: int) -> None:
            start.wait()
            for n in range(10):
                try:
                    store.save_test(LOCAL_OWNER, runner_id, _test(f"{thread}-{n}"), _symptoms())
                    outcomes["saved"] += 1
                except NotFound:
                    outcomes["refused: profile deleted"] += 1

        def delete() -> None:
            start.wait()
            time.sleep(0.005 * round_number)
            store.delete_runner(LOCAL_OWNER, runner_id)

        threads = [threading.Thread(target=save, args=(i,)) for i in range(8)] + [threading.Thread(target=delete)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sum(outcomes.values()) == 80  # every save either stored (then deleted with the profile) or refused
        assert set(count_rows(store, runner_id).values()) == {0}, f"orphan rows in round {round_number}"
    store.close()


# -- moving a club from its DuckDB file ------------------------------------------------------------------------------


def _club_file(path: Path) -> DuckDBStore:
    store = DuckDBStore.open(path)
    for owner, names in ((LOCAL_OWNER, ("Alex", "Sam")), ("oidc:https://id.example|42", ("Robin",))):
        for name in names:
            runner_id = _runner(store, owner, name)
            for week in range(3):
                store.save_test(owner, runner_id, _test(f"{name} week {week}"), _symptoms())
            store.create_share_link(
                owner, runner_id, f"Coach of {name}", token_hash(f"token-{name}-padding-xyz"), None, NOW
            )
            # A warning sign from a check-in (one marked mistaken) and a clinician's all-clear move with the rest.
            ticked = store.save_checkin_warning(owner, runner_id, CheckinWarning(NOW.date(), frozenset({"sudden_pop"})))
            store.mark_checkin_warning_mistaken(owner, runner_id, ticked, NOW)
            store.save_checkin_warning(owner, runner_id, CheckinWarning(NOW.date(), frozenset({"fluoroquinolone"})))
            store.save_all_clear(owner, runner_id, ClinicianAllClear(NOW.date(), f"Seen, {name}"))
    return store


def _copy(source: Path, target: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "calfstore", "copy", "--from", str(source), "--to", target],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_club_moves_from_its_duckdb_file_into_postgresql_whole(tmp_path: Path, postgres_url: str) -> None:
    source = tmp_path / "club.duckdb"
    duck = _club_file(source)
    expected = {
        (owner, r.id): duck.load_records(owner, r.id)
        for owner in (LOCAL_OWNER, "oidc:https://id.example|42")
        for r in duck.list_runners(owner)
    }
    expected_tables, expected_owners = rows_per_table(duck), rows_per_owner(duck)
    duck.close()

    done = _copy(source, postgres_url)
    assert done.returncode == 0, done.stderr
    assert "Counts checked per table and per owner" in done.stdout
    assert postgres_url.split("@")[0].split(":")[-1] not in done.stdout  # the password is never printed

    pg = open_store(postgres_url)
    assert rows_per_table(pg) == expected_tables and rows_per_owner(pg) == expected_owners
    for (owner, runner_id), records in expected.items():
        assert pg.load_records(owner, runner_id) == records  # every field, every id
    assert pg.resolve_share(token_hash("token-Sam-padding-xyz"), NOW).runner_id == next(
        runner_id for (owner, runner_id), r in expected.items() if r.runner.name == "Sam"
    )
    new_id = _runner(pg, LOCAL_OWNER, "After the move")
    assert new_id > max(runner_id for _, runner_id in expected)  # ids carry on after the copied ones

    again = _copy(source, postgres_url)  # the target is not empty now
    assert again.returncode == 1 and "already holds data" in again.stderr and "Nothing was changed" in again.stderr
    assert rows_per_table(pg)["runners"] == expected_tables["runners"] + 1
    pg.close()


# -- backups ---------------------------------------------------------------------------------------------------


def test_a_pg_dump_backup_restores_into_an_empty_database_and_never_over_a_live_one(
    tmp_path: Path, postgres_cluster: PgCluster, postgres_url: str
) -> None:
    store = open_store(postgres_url)
    runner_id = _runner(store)
    store.save_test(LOCAL_OWNER, runner_id, _test("before the backup"), _symptoms())
    before = store.load_records(LOCAL_OWNER, runner_id)
    store.close()
    env = {**os.environ, URL_SETTING: postgres_url}
    dump = tmp_path / "club.pgdump"

    made = subprocess.run(
        [sys.executable, "-m", "calfstore.backup", "backup", "--to", str(dump)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert made.returncode == 0, made.stderr
    assert dump.is_file() and "pg_dump" in made.stdout

    refused = subprocess.run(
        [sys.executable, "-m", "calfstore.backup", "restore", str(dump), "--into", postgres_url],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert refused.returncode == 1 and "never merges" in refused.stderr

    fresh = postgres_cluster.url(postgres_cluster.create_database())
    restored = subprocess.run(
        [sys.executable, "-m", "calfstore.backup", "restore", str(dump), "--into", fresh],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert restored.returncode == 0, restored.stderr
    copy = open_store(fresh)
    assert copy.load_records(LOCAL_OWNER, runner_id) == before
    assert _runner(copy, name="After the restore") > runner_id  # the sequences came back too
    with pytest.raises(NotSaved):  # a restored database is a real one: constraints hold
        with copy._transaction(LOCAL_OWNER) as cursor:
            cursor.execute("INSERT INTO runners (owner_key) VALUES (?)", [LOCAL_OWNER])
    copy.close()


def test_clustering_rewrites_in_runner_order_and_keeps_every_record(database_url: str) -> None:
    """`python -m calfstore cluster` (the maintenance step of docs/deploy.md) on either backend: same records after."""
    store = open_store(database_url)
    runners = [_runner(store, name=f"Runner {n}") for n in range(3)]
    for week in range(4):
        for runner_id in runners:  # arrival order: every runner's rows interleaved
            store.save_test(LOCAL_OWNER, runner_id, _test(f"week {week}"), _symptoms())
            store.save_runs(
                LOCAL_OWNER, runner_id, [Run(dt.date(2026, 11, 2) + dt.timedelta(days=7 * week), 8.0, 2900)]
            )
    before = {runner_id: store.load_records(LOCAL_OWNER, runner_id) for runner_id in runners}
    store.close()
    done = subprocess.run(
        [sys.executable, "-m", "calfstore", "cluster"],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, URL_SETTING: database_url},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "runner order" in done.stdout
    store = open_store(database_url)
    assert {runner_id: store.load_records(LOCAL_OWNER, runner_id) for runner_id in runners} == before
    with store._cursor() as cursor:
        stored_ids = [row[0] for row in cursor.execute("SELECT runner_id FROM test_sessions").fetchall()]
        run_owners = [row[0] for row in cursor.execute("SELECT runner_id FROM runs").fetchall()]
    assert stored_ids == sorted(stored_ids)  # stored one runner after another
    assert len(run_owners) == 12 and run_owners == sorted(run_owners)  # runs too: the largest table in three years
    store.close()
