"""Figure 9: the coach's roster page rerun (issue 14) at 50 runners with three years of history each, against a bare
baseline of the same elements.

Fifty runners (benchmarks.history.three_years, a different seed each, so their flags differ), each of their own
login, each sharing one link that a logged-in coach keeps on their roster. The roster page is opened in an AppTest
session of app.py in hosted mode (an [auth] secret and a logged-in `st.user`), captured into a baseline that draws
the same elements from memory (benchmarks.replica), and the two rerun alternately, as in figure 1. Every app rerun
checks all 50 links afresh (Store.list_roster, never cached) and reads each runner's roster row from the cache of
that runner's data version; the same on PostgreSQL (issue 25). Usage: python -m benchmarks.bench_roster [--smoke]
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks import history, postgres
from benchmarks.bench_rerun import (
    GOAL,
    TIMEOUT,
    capture_page,
    database,
    like_a_server,
    sides_against_baseline,
)
from benchmarks.common import REPO, Row, Section, table
from calfstore.duckdb_store import DuckDBStore

RUNNERS = 50
COACH = {"is_logged_in": True, "iss": "https://id.example.org", "sub": "bench-coach", "name": "Coach Sam"}
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "x" * 32,
    "client_id": "calf-check",
    "client_secret": "not-a-secret",
    "server_metadata_url": "http://localhost:9400/.well-known/openid-configuration",
}


def prepare(folder: Path, today: dt.date, runners: int, smoke: bool) -> Path:
    """`runners` runners of their own logins, each with one link on the coach's roster."""
    from calfcore.sharing import new_token, token_hash
    from calfui.viewer import owner_key_for

    db_path = folder / "roster.duckdb"
    store = DuckDBStore.open(db_path)
    coach = owner_key_for(COACH["iss"], COACH["sub"])
    stamp = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    for number in range(runners):
        data = history.three_years(today, seed=number)
        if smoke:
            data = history.History(
                data.runner, data.tests[-16:], data.symptoms[-80:], data.routine_logs[-60:], data.runs[-64:]
            )
        data = dataclasses.replace(data, runner=dataclasses.replace(data.runner, name=f"Runner {number + 1:02d}"))
        owner = owner_key_for("https://id.example.org", f"runner-{number}")
        runner = history.load_into(store, owner, data)
        token = new_token()
        store.create_share_link(owner, int(runner.id), "Coach Sam", token_hash(token), None, stamp)
        store.add_to_roster(coach, token_hash(token), stamp)
    store.close()
    return db_path


def roster_session() -> Any:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=TIMEOUT)
    at.secrets["auth"] = AUTH
    at.user = dict(COACH)
    at.run()
    at.switch_page("pages/roster_page.py").run()
    if at.exception:
        raise RuntimeError(f"roster page raised: {[e.value for e in at.exception]}")
    return at


def run(smoke: bool = False, reps: int | None = None, folder: Path | None = None) -> Section:
    reps = reps or (2 if smoke else 25)
    runners = 3 if smoke else RUNNERS
    like_a_server()
    folder = folder or Path(tempfile.mkdtemp(prefix="calf-bench-roster-"))
    started = time.perf_counter()
    db_path = prepare(folder, dt.date.today(), runners, smoke)
    loaded = time.perf_counter() - started
    os.environ["CALF_DB_PATH"] = str(db_path)
    cluster = postgres.start_cluster()
    pg_url = None
    try:
        pg_url = postgres.copy_of(cluster, db_path)
        app = roster_session()
        spec, counts = capture_page(app, folder / "specs", "roster")
        shown = sum(1 for block in app.markdown if str(block.value).startswith("**Runner "))
        if shown != runners:
            raise RuntimeError(f"the roster drew {shown} runners, not {runners}")
        with database(pg_url):
            pg_app = roster_session()
            _, on_postgres = capture_page(pg_app, folder / "check-postgresql", "roster")
        if on_postgres != counts:
            raise RuntimeError(f"the roster drew {on_postgres} on PostgreSQL, {counts} on DuckDB")
        (app_times, pg_times), base_times = sides_against_baseline(
            [(app, "roster", None), (pg_app, "roster on PostgreSQL", pg_url)], spec, counts, folder, "roster", reps
        )
    finally:
        _close(db_path, pg_url)
        cluster.stop()
    section = Section("Roster page rerun (AppTest, server side)")
    note = f"{sum(counts.values())} elements, {counts.get('vega_lite_chart', 0)} chart"
    section.rows.append(Row("9", f"rerun: roster, {runners} runners", app_times, base_times, goal=GOAL, note=note))
    section.rows.append(
        Row(
            "9",
            f"rerun: roster, {runners} runners, PostgreSQL",
            pg_times,
            base_times,
            goal=GOAL,
            note="the same page and rows on PostgreSQL (pool over loopback TCP)",
        )
    )
    section.notes.append(
        f"{runners} runners of their own logins, each with {'a tenth of ' if smoke else ''}three years of history "
        f"({history.TESTS} tests, {history.SYMPTOMS} symptom entries, {history.ROUTINE_LOGS} routine log entries "
        f"each in full), each sharing one link kept on one coach's roster (loaded in {loaded:.0f} s). The coach's "
        "roster page in hosted mode (AppTest with an [auth] secret and a logged-in user) against a baseline that "
        "draws the same elements from memory; harness as in figure 1. Each app rerun checks every link afresh "
        "(one query, never cached) and reads each runner's row from the cache of that runner's data version. The "
        "PostgreSQL row: the same rows copied into a throwaway cluster (calfstore.transfer, fsync on), its session "
        "checked to draw the same elements, taking turns with the DuckDB session and the baseline."
    )
    section.seconds = time.perf_counter() - started
    return section


def _close(db_path: Path, pg_url: str | None) -> None:
    """Close the stores the app's sessions opened (the DuckDB file, the PostgreSQL pool)."""
    from calfstore.url import duckdb_url
    from calfui.context import _open_store

    _open_store(duckdb_url(db_path)).close()
    if pg_url is not None:
        _open_store(pg_url).close()
    _open_store.clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="3 runners with a tenth of the data, two reruns per side")
    parser.add_argument("--reps", type=int)
    args = parser.parse_args()
    print(table(run(args.smoke, args.reps).rows))


if __name__ == "__main__":
    main()
