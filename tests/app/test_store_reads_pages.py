"""What a page's run reads from the store (DuckDB), counted: the reads a cached value saves are only worth having if
what the page shows is still what a fresh read shows."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from streamlit.testing.v1 import AppTest

from calfcore.retest import AwayDay, AwayReason
from calfcore.sharing import token_hash
from calfstore import LOCAL_OWNER, Store
from calfstore.duckdb_store import DuckDBStore
from calfui.context import SELECTED_RUNNER_KEY
from tests.app.conftest import REPO, TIMEOUT, create_runner, fill_test, go, peek_store, record_test, texts
from tests.keys import keyed

# The store's own bookkeeping, asked on every run or write: not reads of a runner's data.
NOT_READS = {"data_version", "data_versions", "last_write_step", "checkpoint_if_due", "description", "backend"}


def test_the_run_after_a_save_reads_back_only_the_saved_test_and_shows_what_a_fresh_read_shows(
    app: AppTest, db_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 25: Save on the Record page writes the test and reads back only that test (records_with_test): the
    runner list, the runner's days away, own retest interval and a coach's comment shown around the result are the
    ones cached before the Save, which added none of them. The dashboard after it reads nothing at all; and both
    pages show exactly what a session reading everything afresh shows."""
    create_runner(app, "Dana 李")
    store = peek_store(db_path)
    dana = next(r for r in store.list_runners(LOCAL_OWNER) if r.name == "Dana 李").saved_id
    record_test(app, 24, 27)
    first = store.load_records(LOCAL_OWNER, dana).tests[-1].saved_id
    today = dt.date.today()
    store.set_away_days(LOCAL_OWNER, dana, [AwayDay(today + dt.timedelta(days=2), AwayReason.TRAVELLING)])
    store.set_retest_choice(LOCAL_OWNER, dana, 21)
    stamp = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    link = store.create_share_link(LOCAL_OWNER, dana, "Coach Sam", token_hash("s" * 43), None, stamp)
    store.set_link_comments(LOCAL_OWNER, dana, link.id, True)
    store.add_comment("coach", "Sam", token_hash("s" * 43), first, "Strong start on the right.", stamp)
    record_test(app, 25, 27)  # the page reads all of it once more, after those writes

    reads: Counter[str] = Counter()
    for name in dir(Store):  # every operation of the store's interface, as DuckDB carries it out
        method = getattr(DuckDBStore, name)
        if name.startswith("_") or name in NOT_READS or not callable(method):
            continue
        monkeypatch.setattr(
            DuckDBStore,
            name,
            lambda self, *a, _name=name, _method=method, **k: [reads.update([_name]), _method(self, *a, **k)][1],
        )
    go(app, "record")
    keyed(app, "button", "record_another").click().run()
    fill_test(app, 26, 28)
    reads.clear()
    keyed(app, "button", "save").click().run()
    assert not app.exception
    saved_page = texts(app)
    assert "Saved." in saved_page and "New from your coach (1)" in saved_page
    assert "Strong start on the right" in saved_page  # (a coach's words, escaped as plain text)
    assert "every 3 weeks, your choice" in saved_page
    assert dict(reads) == {"save_test": 1, "records_with_test": 1}
    reads.clear()
    go(app, "dashboard")
    dashboard = texts(app)
    assert dict(reads) == {}

    from calfui import cache

    monkeypatch.setattr(cache, "_cache", cache.GenerationCache())  # a process that has read nothing yet
    fresh = AppTest.from_file(str(REPO / "app.py"), default_timeout=TIMEOUT)
    fresh.session_state[SELECTED_RUNNER_KEY] = dana
    fresh.run()
    go(fresh, "dashboard")
    assert reads["load_records"] >= 1  # this one did read everything
    assert texts(fresh) == dashboard
