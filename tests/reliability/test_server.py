"""The real thing: `streamlit run` servers and Debian's Chromium. A backup taken with `make backup` while the app
serves matches the restored copy field for field; `make restore` refuses while the app runs; a locked file, or a
second app on the same file, shows the message in the browser (never a traceback) while the first keeps working.

Chromium is required (never skipped): `make test` installs it.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from calfcore.demo import demo_data
from calfstore import LOCAL_OWNER
from calfstore.duckdb_files import read_snapshot
from calfstore.duckdb_store import DuckDBStore
from tests.e2e.server import (
    REPO,
    StreamlitServer,
    start_server,
)

pytestmark = pytest.mark.e2e


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    opened = context.new_page()
    opened.set_default_timeout(30_000)
    yield opened
    context.close()


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[list[StreamlitServer]]:
    started: list[StreamlitServer] = []
    yield started
    for server in started:
        server.stop()
    for server in started:
        assert "Traceback" not in server.log(), server.log()


def wait_for_page(page: Page) -> None:
    expect(page.get_by_test_id("stApp")).to_be_visible()
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && (document.querySelector('[data-testid=\"stMain\"] h1')"
        "     || document.querySelector('[data-testid=\"stAlert\"]'))"
    )


def create_profile(page: Page, url: str, name: str) -> None:
    page.goto(f"{url}/profile")
    wait_for_page(page)
    page.get_by_label("Name").last.fill(name)
    birth_year = page.get_by_label("Birth year").last
    birth_year.fill("1987")
    birth_year.press("Tab")
    page.get_by_role("button", name="Create profile").click()
    expect(page.get_by_text("Profile created for")).to_be_visible()
    wait_for_page(page)


def make(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The documented command itself. `-o .venv/.runtime`: the venv is already set up, don't rebuild it."""
    return subprocess.run(
        ["make", "-s", "-o", ".venv/.runtime", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, **(env or {})},
    )


def test_make_backup_while_the_app_serves_and_make_restore_elsewhere(
    tmp_path: Path, servers, page: Page, figures
) -> None:
    db = tmp_path / "live" / "calfcheck.duckdb"
    db.parent.mkdir()
    store = DuckDBStore.open(db)
    demo = demo_data(dt.date.today())
    runner = store.create_runner(LOCAL_OWNER, demo.runner)
    store.import_records(LOCAL_OWNER, int(runner.id), demo.tests, demo.symptoms, demo.routine_logs)
    store.close()
    server = start_server(db, tmp_path)
    servers.append(server)

    page.goto(server.url)
    wait_for_page(page)
    create_profile(page, server.url, "Saved while the app runs")  # a write through the running app

    backup = tmp_path / "backups" / "calfcheck-copy.duckdb"
    made = make("backup", f"TO={backup}", env={"CALF_DB_PATH": str(db)})
    assert made.returncode == 0, made.stderr
    assert f"made by the running app (process {server.process.pid})" in made.stdout, made.stdout
    assert backup.exists()

    refused = make("restore", f"FROM={backup}", env={"CALF_DB_PATH": str(db)})
    assert refused.returncode != 0
    assert "is in use" in refused.stderr and "Stop the app first" in refused.stderr, refused.stderr

    elsewhere = tmp_path / "elsewhere" / "calfcheck.duckdb"
    elsewhere.parent.mkdir()
    restored = make("restore", f"FROM={backup}", env={"CALF_DB_PATH": str(elsewhere)})
    assert restored.returncode == 0, restored.stderr
    assert "Restored" in restored.stdout

    page.goto(f"{server.url}/history")  # the app went on serving throughout
    wait_for_page(page)
    expect(page.get_by_role("heading", name="History")).to_be_visible()
    server.stop()

    live, copy = read_snapshot(db), read_snapshot(elsewhere)
    assert copy == live  # field for field, every table
    assert any(row[2] == "Saved while the app runs" for row in copy["runners"])
    assert len(copy["test_sessions"]) == len(demo.tests)
    figures.add(
        "backup",
        backups_made=1,
        restores=1,
        restores_refused_while_in_use=1,
        rows_copied=sum(map(len, copy.values())),
        lost=0,
    )


def test_a_locked_file_shows_the_message_in_the_browser(tmp_path: Path, servers, page: Page, figures) -> None:
    db = tmp_path / "calfcheck.duckdb"
    DuckDBStore.open(db).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent("""
        import sys, time, duckdb
        connection = duckdb.connect(sys.argv[1])
        print("ready", flush=True)
        time.sleep(120)
    """),
            str(db),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        server = start_server(db, tmp_path)
        servers.append(server)
        page.goto(server.url)
        wait_for_page(page)
        alert = page.get_by_test_id("stAlert")
        expect(alert).to_contain_text(str(db))
        expect(alert).to_contain_text("already open in another program")
        expect(alert).to_contain_text("CALF_DB_PATH")
        assert page.get_by_test_id("stException").count() == 0
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    page.reload()  # the other program is gone: the next visit just works
    wait_for_page(page)
    expect(page.get_by_role("heading", name="Calf Check")).to_be_visible()
    figures.add("locked_file", faults_injected=1)


def test_a_second_app_on_the_same_file_says_so_and_the_first_keeps_working(
    tmp_path: Path, servers, page: Page, figures
) -> None:
    db = tmp_path / "calfcheck.duckdb"
    first = start_server(db, tmp_path)
    servers.append(first)
    page.goto(first.url)
    wait_for_page(page)  # the first app has opened the file
    second = start_server(db, tmp_path)
    servers.append(second)

    page.goto(second.url)
    wait_for_page(page)
    alert = page.get_by_test_id("stAlert")
    expect(alert).to_contain_text(str(db))
    expect(alert).to_contain_text("close the other program")
    assert page.get_by_test_id("stException").count() == 0

    create_profile(page, first.url, "Still working")
    for server in servers:
        server.stop()
    assert [row[2] for row in read_snapshot(db)["runners"]] == ["Still working"]
    figures.add("locked_file", faults_injected=1)
