"""The bad-input corpus through the CSV import: each field input of tests/data/bad_inputs/fields.json as a
one-record file, through calfcore.exchange.plan_import and uploaded on the History page (AppTest). Refused files
import nothing and say why; nothing in a cell is ever executed; accepted ones import as expected."""

from __future__ import annotations

import datetime as dt

import pytest

from calfcore.exchange import plan_import
from calfcore.validation import InputErrors
from calfstore.tables import every_row
from tests.app.conftest import go
from tests.keys import has, keyed
from tests.reliability.corpus import (
    INPUTS,
    TODAY,
    corpus_app,
    csv_file,
    errors,
    expected_message,
    expected_stored,
    newest_value,
    page_text,
)

CSV_INPUTS = [entry for entry in INPUTS if csv_file(entry) is not None]


@pytest.fixture(scope="module", params=["duckdb", "postgresql"])
def corpus(request, tmp_path_factory):
    """The app on a DuckDB file, and on PostgreSQL: bad input stores nothing on either."""
    url = None
    if request.param == "postgresql":
        cluster = request.getfixturevalue("postgres_cluster")
        url = cluster.url(cluster.create_database())
    with corpus_app(tmp_path_factory.mktemp("csv"), url) as opened:
        yield opened


def _planned(data: bytes) -> tuple[str, object]:
    """('refused', messages) or ('accepted', plan)."""
    try:
        plan = plan_import(data, TODAY)
    except InputErrors as refused:
        return "refused", " ".join(refused.errors.values())
    if plan.problems:
        return "refused", " ".join(problem.message for problem in plan.problems)
    return "accepted", plan


def _planned_value(plan, target: str):
    kind, field = target.split(".")
    if kind == "test":
        test = plan.tests[0][0]
        return {"straight_left": test.straight_reps.left, "notes": test.notes, "date": test.tested_on.isoformat()}[
            field
        ]
    if kind == "symptom":
        return {"side": plan.symptoms[0].side.value}[field]
    return {"notes": plan.routine_logs[0].notes}[field]


def _upload(at, name: str, data: bytes) -> None:
    go(at, "history")
    at.get("file_uploader")[0].set_value((name, data, "text/csv"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]


def _assert_refused_on_the_page(at, store, before, wanted: list[str]) -> None:
    page = page_text(at)
    assert any("Nothing was imported" in message for message in errors(at)), errors(at)
    assert any(part in page for part in wanted), (wanted, page[-2000:])
    assert not has(at, "button", "confirm_import")
    assert every_row(store) == before, "a refused file changed the database"


def _import_on_the_page(at) -> None:
    assert "Ready:" in page_text(at), page_text(at)[-2000:]
    keyed(at, "button", "confirm_import").click().run()
    assert not at.exception and errors(at) == [], errors(at)
    assert any("Imported" in str(s.value) for s in at.success)


@pytest.mark.parametrize("entry", CSV_INPUTS, ids=[entry["id"] for entry in CSV_INPUTS])
def test_field_input_in_a_csv(corpus, entry, figures) -> None:
    at, store, runner_id = corpus
    data = csv_file(entry)
    outcome, detail = _planned(data)
    expect = entry.get("csv_expect", entry["expect"])
    assert outcome == expect, (outcome, detail)
    before = every_row(store)
    _upload(at, f"{entry['id']}.csv", data)
    if expect == "refused":
        wanted = expected_message(entry, "csv")
        assert any(part in detail for part in wanted), (wanted, detail)
        _assert_refused_on_the_page(at, store, before, wanted)
        figures.add("bad_input", csv_inputs_tried=2, refused=2, stored_when_refused=0)
        return
    assert _planned_value(detail, entry["target"]) == expected_stored(entry)
    _import_on_the_page(at)
    stored = newest_value(store, runner_id, entry["target"])
    assert (stored.isoformat() if isinstance(stored, dt.date) else stored) == expected_stored(entry)
    figures.add("bad_input", csv_inputs_tried=2, accepted=2)
