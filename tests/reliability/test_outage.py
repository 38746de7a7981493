"""Issue 23: a database that goes away and comes back, under a real `streamlit run` server and Chromium.

PostgreSQL (a throwaway cluster of this test's own on 127.0.0.1) is stopped while a runner has typed a test into the
Record form. During the outage the Save, a Routine log typed into a form drawn from what the app last read, every page
(home, record, dashboard, routine, history, retests, profile, share) and a coach's share link answer within seconds
with the app's own message, never Streamlit's error page, and no message names the database's user, host or port;
the calendar feed answers 503; the report a coach downloads from a page drawn before the outage says the link
couldn't be checked and holds none of the runner's data. Both refused saves keep what was typed; once the server is back the first click (Log
it again) stores it, the Record form shows the typed test, and a second Save stores that. Chromium is required (never
skipped): `make test` installs it."""

from __future__ import annotations

import json
import secrets
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from calfstore import LOCAL_OWNER, open_store
from tests.e2e.helpers import (
    ARTIFACTS,
    add_to_roster,
    create_profile,
    create_share_link,
    fill_number,
    record_test,
    wait_for_app,
)
from tests.e2e.server import StreamlitServer, start_server
from tests.pgcluster import APP_USER, PgCluster

pytestmark = pytest.mark.e2e
# A loaded 2-core machine can take seconds for one script run (as tests/e2e/conftest.py sets for the browser tests).
expect.set_options(timeout=15_000)

ANSWER_LIMIT_S = 8.0  # the goal is about 3 s; loose, for a loaded 2-core machine (the real figures are reported)
GENERIC_ERROR = "This app has encountered an error"
READ_MESSAGE = "can't be reached right now"
PAGES = ("home", "record", "dashboard", "routine", "history", "retests", "profile", "share")
NOTE = "typed during the outage"
ROUTINE_NOTE = "logged during the outage"


@pytest.fixture
def cluster() -> Iterator[PgCluster]:
    """A cluster of this test's own: stopping the shared one would disturb other tests."""
    started = PgCluster.start()  # fsync on: a crash of the server (immediate stop) keeps what it committed
    yield started
    started.stop()


def _new_page(browser: Browser) -> Page:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    return page


def _nav(page: Page, title: str) -> None:
    """A click on the sidebar's menu, in the same session (what's typed in it lives there)."""
    page.get_by_test_id("stSidebarNavLink").filter(has_text=title).first.click()
    page.wait_for_timeout(150)


def _no_generic_error(page: Page, where: str, secrets_of_the_server: tuple[str, ...]) -> str:
    text = page.get_by_test_id("stApp").inner_text()
    assert GENERIC_ERROR not in text, (where, text)
    assert page.get_by_test_id("stException").count() == 0, where
    for secret in secrets_of_the_server:
        assert secret not in text, (where, secret, text)
    return text


def _answer_time(page: Page, start: float, text: str, limit_s: float = 30) -> float:
    """Seconds from `start` until `text` is on the page (and no run is in flight)."""
    expect(page.get_by_text(text).first).to_be_visible(timeout=limit_s * 1000)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=limit_s * 1000)
    return time.monotonic() - start


def test_postgresql_stopped_and_restarted_under_a_browser_session(
    browser: Browser, cluster: PgCluster, tmp_path: Path, figures
) -> None:
    url = cluster.url(cluster.create_database())
    server: StreamlitServer = start_server(tmp_path / "unused.duckdb", tmp_path, env={"CALF_DATABASE_URL": url})
    runner, visitor, coach = _new_page(browser), _new_page(browser), _new_page(browser)
    # What would name the server: its user (in libpq's and psycopg's words), host and port. ("calf" alone is in the
    # app's own text: "Calf Check", "calf belly".)
    hidden = (
        f"{APP_USER}@",
        f'user "{APP_USER}"',
        f"user={APP_USER}",
        f":{cluster.port}",
        f"port {cluster.port}",
        "127.0.0.1",
        "postgresql://",
    )
    try:
        create_profile(runner, server.url, "Outage Olu", 1986)
        record_test(runner, server.url, 24, 26)
        share_url = create_share_link(runner, server, "Coach during outage")
        coach.goto(share_url)
        wait_for_app(coach)
        runner.goto(f"{server.url}/routine")  # read once before the outage: the app keeps what it last read
        wait_for_app(runner)
        runner.get_by_role("tab", name="Log training").click()
        # The runner types a test and is about to save it.
        _nav(runner, "Record")
        fill_number(runner, "Raises: left", 23)
        fill_number(runner, "Raises: right", 27)
        runner.get_by_label("Notes (optional)").fill(NOTE)
        runner.get_by_label("Notes (optional)").press("Tab")

        cluster.server_stop("fast")
        times: dict[str, float] = {}

        began = time.monotonic()
        runner.get_by_role("button", name="Save test").click()
        times["save"] = _answer_time(runner, began, "nothing was saved")
        text = _no_generic_error(runner, "save", hidden)
        assert "What you typed is kept" in text, text

        # Another form, drawn from what was last read: its Save is refused and what was typed stays in the form.
        began = time.monotonic()
        _nav(runner, "Routine")
        times["routine (same session)"] = _answer_time(runner, began, READ_MESSAGE)
        runner.get_by_role("tab", name="Log training").click()
        log_form = runner.get_by_test_id("stForm").filter(has=runner.get_by_role("button", name="Log it"))
        fill_number(runner, "Sets", 4, within=log_form)
        fill_number(runner, "Reps per set", 15, within=log_form)
        log_form.get_by_label("Notes (optional)").fill(ROUTINE_NOTE)
        began = time.monotonic()
        log_form.get_by_role("button", name="Log it").click()
        times["routine log"] = _answer_time(runner, began, "nothing was saved")
        _no_generic_error(runner, "routine log", hidden)

        for path in PAGES:
            began = time.monotonic()
            visitor.goto(f"{server.url}/{path}")
            times[path] = _answer_time(visitor, began, READ_MESSAGE)
            _no_generic_error(visitor, path, hidden)
        # The coach's page, drawn before the outage: its report can't check the link now, so it holds no data.
        began = time.monotonic()
        with coach.expect_download(timeout=30_000) as download:
            coach.get_by_role("button", name="Download report (PDF)").click()
        report = "\n".join(page.extract_text() for page in PdfReader(download.value.path()).pages)
        times["coach's report"] = time.monotonic() - began
        assert "couldn't be checked" in report and "Outage Olu" not in report, report
        began = time.monotonic()
        coach.goto(share_url)
        times["coach link"] = _answer_time(coach, began, READ_MESSAGE)
        _no_generic_error(coach, "coach link", hidden)

        began = time.monotonic()
        try:
            urllib.request.urlopen(f"{server.url}/calendar/{secrets.token_urlsafe(32)}.ics", timeout=30)
            status = 200
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read().decode()
        times["calendar feed"] = time.monotonic() - began
        assert status == 503 and not any(secret in body for secret in hidden), (status, body)

        ARTIFACTS.mkdir(exist_ok=True)
        runner.screenshot(path=str(ARTIFACTS / "outage-refused-routine-log.png"), full_page=True)
        slow = {where: round(seconds, 2) for where, seconds in times.items() if seconds > ANSWER_LIMIT_S}
        assert not slow, (slow, times)

        cluster.server_start()
        # The first click of the runner's session after the restart: Log it again, with what was typed.
        assert log_form.get_by_label("Notes (optional)").input_value() == ROUTINE_NOTE
        began = time.monotonic()
        log_form.get_by_role("button", name="Log it").click()
        expect(runner.get_by_text("Logged 4 × 15")).to_be_visible(timeout=30_000)
        first_click = time.monotonic() - began
        _no_generic_error(runner, "first click after the restart", hidden)
        # Then the Record page, with the test typed before the outage.
        runner.get_by_test_id("stSidebarNavLink").filter(has_text="Record").first.click()
        expect(runner.get_by_role("heading", name="Record a test")).to_be_visible(timeout=30_000)
        wait_for_app(runner)
        assert READ_MESSAGE not in runner.get_by_test_id("stMain").inner_text()
        assert runner.get_by_label("Raises: left", exact=True).input_value() == "23"
        assert runner.get_by_label("Raises: right", exact=True).input_value() == "27"
        assert runner.get_by_label("Notes (optional)").input_value() == NOTE
        began = time.monotonic()
        runner.get_by_role("button", name="Save test").click()
        expect(runner.get_by_text("Saved.", exact=True)).to_be_visible()
        second_save = time.monotonic() - began
        # Another session's first click after the restart works too.
        began = time.monotonic()
        visitor.goto(f"{server.url}/dashboard")
        wait_for_app(visitor)
        other_first = time.monotonic() - began
        assert READ_MESSAGE not in visitor.get_by_test_id("stMain").inner_text()
        assert first_click < ANSWER_LIMIT_S and other_first < ANSWER_LIMIT_S, (first_click, other_first)

        store = open_store(url)
        try:
            (profile,) = store.list_runners(LOCAL_OWNER)
            logs = store.list_routine_logs(LOCAL_OWNER, profile.id)
            stored = [
                (t.straight_reps.left, t.straight_reps.right, t.notes)
                for t in store.list_tests(LOCAL_OWNER, profile.id)
            ]
        finally:
            store.close()
        assert stored.count((23, 27, NOTE)) == 1, stored  # the refused test, stored once by the second Save
        assert [(e.sets, e.reps, e.notes) for e in logs] == [(4, 15, ROUTINE_NOTE)], logs

        log = server.log()
        assert "Traceback" not in log, log
        assert "PostgreSQL read failed" in log and f"127.0.0.1:{cluster.port}" in log  # the detail, for the admin
        figures.add(
            "postgres_outage_in_the_browser",
            answers_during_the_outage=len(times),
            slowest_answer_ms=int(max(times.values()) * 1000),
            generic_error_pages=0,
            first_click_after_restart_ms=int(first_click * 1000),
            other_session_first_click_ms=int(other_first * 1000),
            second_save_ms=int(second_save * 1000),
            lost=0,
        )
        print(
            json.dumps({"during": times, "first_click": first_click, "other_first": other_first, "save2": second_save})
        )
    finally:
        for page in (runner, visitor, coach):
            page.context.close()
        server.stop()


# -- the store alone: the same outage, faster, in both ways a server stops ------------------------------------------


def _a_test(note: str):
    import datetime as dt

    from calfcore.models import HeelRaiseTest, LegPair, Protocol

    return HeelRaiseTest(tested_on=dt.date(2025, 5, 5), protocol=Protocol(), straight_reps=LegPair(25, 27), notes=note)


@pytest.mark.parametrize("mode", ["fast", "immediate"])  # an operator's restart, and a crash of the server
def test_a_store_answers_fast_during_an_outage_and_its_first_read_after_works(cluster: PgCluster, mode: str) -> None:
    from calfcore.models import RunnerProfile, Sex
    from calfstore import DataUnreachable, NotSaved

    url = cluster.url(cluster.create_database())
    store = open_store(url)
    try:
        runner_id = int(store.create_runner(LOCAL_OWNER, RunnerProfile("Pat", 1988, Sex.MALE)).id)
        for _ in range(3):  # a few pooled connections, idle when the server goes
            store.load_records(LOCAL_OWNER, runner_id)
        cluster.server_stop(mode)
        began = time.monotonic()
        with pytest.raises(DataUnreachable) as read:
            store.list_runners(LOCAL_OWNER)
        read_s = time.monotonic() - began
        began = time.monotonic()
        with pytest.raises(NotSaved) as write:
            store.save_test(LOCAL_OWNER, runner_id, _a_test("during"))
        write_s = time.monotonic() - began
        for message in (str(read.value), str(write.value)):
            assert APP_USER not in message and str(cluster.port) not in message and "127.0.0.1" not in message
        assert "can't be reached right now" in str(read.value) and "nothing was saved" in str(write.value)
        assert read_s < 4 and write_s < 4, (read_s, write_s)

        cluster.server_start()
        time.sleep(6)  # longer than the store remembers the outage: its next request waits as on any day
        began = time.monotonic()
        assert [r.id for r in store.list_runners(LOCAL_OWNER)] == [runner_id]  # the first read after: works
        first_read_s = time.monotonic() - began
        store.save_test(LOCAL_OWNER, runner_id, _a_test("after"))
        assert [t.notes for t in store.list_tests(LOCAL_OWNER, runner_id)] == ["after"]
        assert first_read_s < 1.5, first_read_s
        print(
            f"{mode}: read refused in {read_s:.2f} s, write in {write_s:.2f} s, first read after {first_read_s:.2f} s"
        )
    finally:
        store.close()


def test_a_restart_nobody_saw_costs_the_first_click_nothing(cluster: PgCluster) -> None:
    """Idle connections the server closed are found and replaced without a round trip: no request fails or waits
    (the old pool checked each with a query and slept a growing backoff after each dead one)."""
    from calfcore.models import RunnerProfile, Sex

    url = cluster.url(cluster.create_database())
    store = open_store(url)
    try:
        runner_id = int(store.create_runner(LOCAL_OWNER, RunnerProfile("Pat", 1988, Sex.MALE)).id)
        import threading

        barrier = threading.Barrier(4)

        def hold() -> None:  # four connections in use at once: four idle ones in the pool afterwards
            with store._cursor() as cursor:
                barrier.wait(timeout=10)
                cursor.execute("SELECT 1").fetchone()

        threads = [threading.Thread(target=hold) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=20)
        cluster.restart("fast")
        began = time.monotonic()
        store.save_test(LOCAL_OWNER, runner_id, _a_test("first click"))
        first_write_s = time.monotonic() - began
        began = time.monotonic()
        assert [t.notes for t in store.list_tests(LOCAL_OWNER, runner_id)] == ["first click"]
        first_read_s = time.monotonic() - began
        assert first_write_s < 1.5 and first_read_s < 1.5, (first_write_s, first_read_s)
        print(f"first write after an unseen restart {first_write_s:.2f} s, read {first_read_s:.2f} s")
    finally:
        store.close()


# -- DuckDB: a store closed while another session uses it -----------------------------------------------------------


def test_a_duckdb_store_closed_while_another_session_reads_gives_that_session_the_apps_message(tmp_path: Path) -> None:
    import threading

    import duckdb

    from calfcore.models import RunnerProfile, Sex
    from calfstore import DataUnreachable, StoreError
    from calfstore.duckdb_store import DuckDBStore

    store = DuckDBStore.open(tmp_path / "calfcheck.duckdb")
    runner_id = int(store.create_runner(LOCAL_OWNER, RunnerProfile("Pat", 1988, Sex.MALE)).id)
    for number in range(20):
        store.save_test(LOCAL_OWNER, runner_id, _a_test(f"t{number}"))
    errors: list[BaseException] = []
    reads = 0
    started = threading.Event()
    deadline = time.monotonic() + 20

    def keep_reading() -> None:
        nonlocal reads
        while time.monotonic() < deadline:
            try:
                store.load_records(LOCAL_OWNER, runner_id)
                store.list_runners(LOCAL_OWNER)
                reads += 1
                started.set()
            except BaseException as error:  # noqa: BLE001  everything, to see what a page would meet
                errors.append(error)
                return

    readers = [threading.Thread(target=keep_reading) for _ in range(4)]
    for reader in readers:
        reader.start()
    assert started.wait(10)
    closers = [threading.Thread(target=store.close) for _ in range(2)]  # two sessions reopening at once
    for closer in closers:
        closer.start()
    for thread in (*closers, *readers):
        thread.join(timeout=30)
    store.close()  # once more: still no driver error
    assert len(errors) == len(readers), (reads, errors)
    assert not [e for e in errors if isinstance(e, duckdb.Error) or not isinstance(e, StoreError)], errors
    assert all(isinstance(e, DataUnreachable) for e in errors), [type(e).__name__ for e in errors]
    assert all("Nothing was changed" in str(e) and "Nothing was saved" not in str(e) for e in errors), errors
    reopened = DuckDBStore.open(tmp_path / "calfcheck.duckdb")
    assert len(reopened.list_tests(LOCAL_OWNER, runner_id)) == 20
    reopened.close()


def test_hosted_mode_a_runner_and_a_coachs_roster_during_an_outage(
    browser: Browser, cluster: PgCluster, tmp_path: Path
) -> None:
    """Hosted mode (logins through oidc-provider-mock): a logged-in runner's dashboard and a coach's roster answer
    with the app's message while PostgreSQL is down, and work at the first click once it is back."""
    from oidc_provider_mock import run_server_in_thread

    from tests.e2e.helpers import create_profile_and_test, log_in, person
    from tests.e2e.server import free_port
    from tests.scaleout import write_secrets

    url = cluster.url(cluster.create_database())
    with run_server_in_thread() as provider:
        issuer = f"http://127.0.0.1:{provider.server_port}"
        port = free_port()
        secrets_file = write_secrets(tmp_path / "secrets.toml", f"http://127.0.0.1:{port}", issuer)
        server = start_server(
            tmp_path / "unused.duckdb",
            tmp_path,
            port=port,
            args=("--secrets.files", str(secrets_file)),
            env={"CALF_DATABASE_URL": url},
        )
        ann, coach = person(browser), person(browser)
        try:
            log_in(ann, server, "ann@example.org")
            create_profile_and_test(ann, server, "Ann Runner", 33, 31)
            link = create_share_link(ann, server, "Coach Sam")
            log_in(coach, server, "coach@example.org")
            add_to_roster(coach, link)

            cluster.server_stop("fast")
            times: dict[str, float] = {}
            for name, page, path in (("roster", coach, "roster"), ("hosted dashboard", ann, "dashboard")):
                began = time.monotonic()
                page.goto(f"{server.url}/{path}")
                times[name] = _answer_time(page, began, READ_MESSAGE)
                _no_generic_error(page, name, (f":{cluster.port}", "127.0.0.1", "postgresql://"))
            assert all(seconds < ANSWER_LIMIT_S for seconds in times.values()), times

            cluster.server_start()
            began = time.monotonic()
            coach.goto(f"{server.url}/roster")
            expect(coach.get_by_text("Ann Runner").first).to_be_visible()
            wait_for_app(coach)
            times["roster after the restart"] = time.monotonic() - began
            assert READ_MESSAGE not in coach.get_by_test_id("stMain").inner_text()
            assert "Traceback" not in server.log(), server.log()
            print(json.dumps(times))
        finally:
            for page in (ann, coach):
                page.context.close()
            server.stop()
