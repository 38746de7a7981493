"""Export everything from History, import it again: every field survives, bad files store nothing."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest

from calfstore import LOCAL_OWNER
from calfstore.tables import count_rows
from tests.app.conftest import TODAY, create_runner, go, peek_store, texts
from tests.keys import has, keyed


def _strip_ids(records):
    """Everything a runner entered, without database ids (which differ between runners)."""
    tests = [
        (
            t.tested_on,
            t.protocol,
            t.straight_reps,
            t.bent_reps,
            t.heel_height_cm,
            t.soleus,
            t.knee_to_wall_cm,
            t.red_flags,
            t.notes,
        )
        for t in records.tests
    ]
    test_dates = {t.id: t.tested_on for t in records.tests}
    symptoms = sorted(
        (
            (
                s.logged_on,
                s.side,
                s.pain_during,
                s.pain_next_morning,
                s.stiffness_minutes,
                s.location,
                test_dates.get(s.test_id),
            )
            for s in records.symptoms
        ),
        key=repr,
    )
    logs = sorted(
        ((r.logged_on, r.exercise_id, r.sets, r.reps, r.load_kg, r.pain, r.notes) for r in records.routine_logs),
        key=repr,
    )
    return tests, symptoms, logs


def test_export_then_import_round_trips_every_field(app: AppTest, db_path, downloads) -> None:
    go(app, "profile")
    keyed(app, "button", "load_demo").click().run()
    go(app, "history")
    store = peek_store(db_path)
    [demo] = store.list_runners(LOCAL_OWNER)
    csv_name = next(name for name in downloads if name.endswith(".csv"))
    json_name = next(name for name in downloads if name.endswith(".json"))
    demo_csv = downloads[csv_name]  # the next page view exports the (empty) new runner under the same name
    exported = json.loads(downloads[json_name])
    assert exported["format"] == "calf-check-export"
    assert len(exported["tests"]) == len(store.list_tests(LOCAL_OWNER, demo.id))

    create_runner(app, "Imported runner")
    go(app, "history")
    app.get("file_uploader")[0].set_value(("export.csv", demo_csv, "text/csv"))
    app.run()
    assert "Ready:" in texts(app)
    imported = next(r for r in store.list_runners(LOCAL_OWNER) if r.name == "Imported runner")
    assert count_rows(store, imported.id)["test_sessions"] == 0  # nothing until confirmed
    keyed(app, "button", "confirm_import").click().run()
    assert "Imported" in texts(app)
    assert _strip_ids(store.load_records(LOCAL_OWNER, imported.id)) == _strip_ids(
        store.load_records(LOCAL_OWNER, demo.id)
    )


def test_importing_the_same_file_twice_adds_nothing(app: AppTest, db_path, downloads) -> None:
    go(app, "profile")
    keyed(app, "button", "load_demo").click().run()
    go(app, "history")
    csv_name = next(name for name in downloads if name.endswith(".csv"))
    app.get("file_uploader")[0].set_value(("again.csv", downloads[csv_name], "text/csv"))
    app.run()
    assert "already in your history" in texts(app)
    assert not has(app, "button", "confirm_import")


def test_a_file_with_one_bad_row_imports_nothing_and_says_which_row(app: AppTest, db_path) -> None:
    create_runner(app)
    go(app, "history")
    good = f"record_type,date,straight_left,straight_right,cadence_bpm\ntest,{TODAY - __import__('datetime').timedelta(days=3)},20,22,60\n"
    bad = good + "test,2023-02-30,20,22,60\n"
    app.get("file_uploader")[0].set_value(("bad.csv", bad.encode(), "text/csv"))
    app.run()
    page = texts(app)
    assert "Nothing was imported: 1 row(s) need fixing" in page
    [report] = [t.value for t in app.text if t.value.startswith("Row ")]  # a whole sentence per bad row
    assert report.startswith("Row 3 (test):") and "real date" in report
    runner = peek_store(db_path).list_runners(LOCAL_OWNER)[0]
    assert count_rows(peek_store(db_path), runner.id)["test_sessions"] == 0


def test_a_file_that_is_not_a_calf_check_csv_is_refused(app: AppTest, db_path) -> None:
    create_runner(app)
    go(app, "history")
    app.get("file_uploader")[0].set_value(("other.csv", b"name,score\nann,3\n", "text/csv"))
    app.run()
    assert "not a Calf Check CSV" in texts(app)
    app.get("file_uploader")[0].set_value(
        ("latin1.csv", "record_type,date,notes\ntest,2024-01-01,caf\xe9\n".encode("latin-1"), "text/csv")
    )
    app.run()
    assert "not UTF-8" in texts(app)


def test_an_uploaded_file_is_validated_once_not_on_every_click(app: AppTest, db_path, downloads, monkeypatch) -> None:
    """While a file sits in the uploader, every click reruns the page: the file is planned once (issue 12)."""
    import calfcore.exchange
    import calfui

    go(app, "profile")
    app.button(key="load_demo").click().run()
    go(app, "history")
    demo_csv = downloads[next(name for name in downloads if name.endswith(".csv"))]
    calls = []
    real = calfcore.exchange.plan_import

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(calfcore.exchange, "plan_import", counted)
    monkeypatch.setattr(getattr(calfui, "importing", calfcore.exchange), "plan_import", counted)
    create_runner(app, "Clicking around")
    go(app, "history")
    app.get("file_uploader")[0].set_value(("demo.csv", demo_csv, "text/csv"))
    app.run()
    assert "Ready:" in texts(app)
    for _ in range(3):  # any click reruns the page with the file still in the uploader
        app.run()
    assert "Ready:" in texts(app)
    assert len(calls) == 1
