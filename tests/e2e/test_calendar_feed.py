"""The calendar feed on a real server (issue 15): `streamlit run app.py` serves it through st.App. A live token gives
valid iCalendar; a revoked, expired or random token gets a bare 404; the feed URL never reaches the server log."""

from __future__ import annotations

import datetime as dt
import time
import urllib.error
import urllib.request
from pathlib import Path

import icalendar

from calfcore.calendar_feed import RETEST_SUMMARY, TRAINING_SUMMARY, feed_url
from calfcore.models import HeelRaiseTest, LegPair, Protocol, RunnerProfile, Sex
from calfcore.sharing import new_token, token_hash
from calfstore import LOCAL_OWNER
from calfstore.duckdb_store import DuckDBStore
from tests.e2e.server import start_server

RESOLVER_TRIES = 10_000
HTTP_TRIES = 300  # random tokens over loopback HTTP, bounded in count and time
HTTP_BUDGET_S = 120


def _get(url: str) -> tuple[int, bytes, str]:
    try:
        with urllib.request.urlopen(url, timeout=20) as response:
            return response.status, response.read(), response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers.get("Content-Type", "")


def test_feed_serves_icalendar_to_a_live_token_and_404_to_anything_else(tmp_path: Path) -> None:
    db = tmp_path / "calfcheck.duckdb"
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    store = DuckDBStore.open(db)
    try:
        runner = store.create_runner(LOCAL_OWNER, RunnerProfile("Robin", 1990, Sex.FEMALE))
        store.save_test(LOCAL_OWNER, runner.id, HeelRaiseTest(dt.date.today(), Protocol(), LegPair(20, 22)))
        live, revoked, expired = new_token(), new_token(), new_token()
        store.create_calendar_feed(LOCAL_OWNER, runner.id, token_hash(live), False, None, now)
        gone = store.create_calendar_feed(LOCAL_OWNER, runner.id, token_hash(revoked), False, None, now)
        store.revoke_calendar_feed(LOCAL_OWNER, runner.id, gone.id, now)
        store.create_calendar_feed(
            LOCAL_OWNER, runner.id, token_hash(expired), False, now - dt.timedelta(days=1), now - dt.timedelta(days=31)
        )
        # Random tokens never resolve, straight against the resolver.
        assert all(store.resolve_calendar_feed(token_hash(new_token()), now) is None for _ in range(RESOLVER_TRIES))
    finally:
        store.close()

    server = start_server(db, tmp_path)
    try:
        status, body, kind = _get(feed_url(server.url, live))
        assert (status, kind) == (200, "text/calendar; charset=utf-8")
        events = icalendar.Calendar.from_ical(body).walk("VEVENT")
        summaries = [str(event["SUMMARY"]) for event in events]
        assert summaries.count(RETEST_SUMMARY) == 1 and summaries.count(TRAINING_SUMMARY) >= 1
        assert b"Robin" not in body and b"raise" not in body.lower()

        for token in (revoked, expired, live[:-1], live + "x", live.upper(), "a" * 43):
            status, body, _ = _get(feed_url(server.url, token))
            assert (status, body) == (404, b"Not Found"), token

        started, tried = time.monotonic(), 0
        while tried < HTTP_TRIES and time.monotonic() - started < HTTP_BUDGET_S:
            status, body, _ = _get(feed_url(server.url, new_token()))
            assert (status, body) == (404, b"Not Found")
            tried += 1
        assert tried >= 100, f"only {tried} random tokens in {HTTP_BUDGET_S} s"
    finally:
        server.stop()
    log = server.log()
    assert "Traceback" not in log
    for token in (live, revoked, expired):
        assert token not in log
    assert "/calendar/" not in log and ".ics" not in log
