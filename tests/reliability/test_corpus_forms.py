"""The bad-input corpus (tests/data/bad_inputs/fields.json) typed into the pages' forms, through AppTest.

Every refused input shows a message next to the form and changes nothing in the database; every accepted one is
stored as expected and shown as plain text (markdown escaped, never rendered as a link, image or HTML)."""

from __future__ import annotations

import datetime as dt

import pytest

from calfstore.tables import every_row
from calfui.widgets import plain
from tests.reliability.corpus import (
    IMPOSSIBLE,
    INPUTS,
    TARGETS,
    corpus_app,
    csv_file,
    errors,
    expected_message,
    expected_stored,
    form_value,
    newest_value,
    page_text,
    submit_form,
)

FORM_INPUTS = [entry for entry in INPUTS if form_value(entry) is not IMPOSSIBLE]


@pytest.fixture(scope="module", params=["duckdb", "postgresql"])
def corpus(request, tmp_path_factory):
    """The app on a DuckDB file, and on PostgreSQL: bad input stores nothing on either."""
    url = None
    if request.param == "postgresql":
        cluster = request.getfixturevalue("postgres_cluster")
        url = cluster.url(cluster.create_database())
    with corpus_app(tmp_path_factory.mktemp("forms"), url) as opened:
        yield opened


def test_the_corpus_is_big_enough_and_every_input_has_a_channel() -> None:
    assert len(INPUTS) >= 100
    for entry in INPUTS:
        assert entry["target"] in TARGETS, entry["id"]
        assert entry["expect"] in ("refused", "accepted"), entry["id"]
        assert entry["expect"] == "accepted" or entry.get("message"), entry["id"]
        assert form_value(entry) is not IMPOSSIBLE or csv_file(entry) is not None, f"{entry['id']} is never tried"


@pytest.mark.parametrize("entry", FORM_INPUTS, ids=[entry["id"] for entry in FORM_INPUTS])
def test_form_input(corpus, entry, figures) -> None:
    at, store, runner_id = corpus
    before = every_row(store)
    submit_form(at, entry, form_value(entry))
    assert not at.exception, [e.value for e in at.exception]
    if entry["expect"] == "refused":
        shown = errors(at)
        wanted = expected_message(entry, "form")
        assert any(part in message for message in shown for part in wanted), (wanted, shown)
        assert every_row(store) == before, "a refused input changed the database"
        figures.add("bad_input", form_inputs_tried=1, refused=1, stored_when_refused=0)
        return

    assert errors(at) == [], errors(at)
    stored = newest_value(store, runner_id, entry["target"])
    wanted = expected_stored(entry)
    assert (stored.isoformat() if isinstance(stored, dt.date) else stored) == wanted
    target = entry["target"]
    if target in ("runner.name", "share.label"):  # both pages show it in a message right away
        assert plain(stored) in page_text(at)
        markdown = "\n".join(str(e.value) for e in [*at.markdown, *at.success])
        assert "](javascript:" not in markdown and "<script" not in markdown  # no live link, no markup
    if target == "runner.name":
        at.query_params["runner"] = str(runner_id)  # back to the corpus runner for the next inputs (as a link would)
    if target == "test.notes":  # History shows a test's notes as text
        from tests.app.conftest import go

        go(at, "history")
        assert stored in [str(e.value) for e in at.text]
    if target == "log.notes":
        from tests.app.conftest import go

        go(at, "history")
        assert stored in page_text(at)
    figures.add("bad_input", form_inputs_tried=1, accepted=1)
