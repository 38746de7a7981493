"""Whole bad CSV files (tests/data/bad_inputs/files.json): wrong headers, encodings, binary, missing and extra
columns, duplicate rows, malformed quoting, formulas, 50 MB. Each goes through calfcore.exchange.plan_import and
is uploaded on the History page (AppTest): refused files import nothing and say why; accepted ones import."""

from __future__ import annotations

import pytest

from calfstore.tables import every_row
from tests.reliability.corpus import CORPUS, FILES, corpus_app, file_bytes
from tests.reliability.test_corpus_csv import (
    _assert_refused_on_the_page,
    _import_on_the_page,
    _planned,
    _upload,
)

FILE_ENTRIES = FILES["files"]


@pytest.fixture(scope="module", params=["duckdb", "postgresql"])
def corpus(request, tmp_path_factory):
    """The app on a DuckDB file, and on PostgreSQL: bad input stores nothing on either."""
    url = None
    if request.param == "postgresql":
        cluster = request.getfixturevalue("postgres_cluster")
        url = cluster.url(cluster.create_database())
    with corpus_app(tmp_path_factory.mktemp("files"), url) as opened:
        yield opened


@pytest.mark.parametrize("entry", FILE_ENTRIES, ids=[entry["id"] for entry in FILE_ENTRIES])
def test_whole_file(corpus, entry, figures) -> None:
    at, store, _ = corpus
    data = file_bytes(entry)
    outcome, detail = _planned(data)
    assert outcome == entry["expect"], (outcome, detail)
    before = every_row(store)
    _upload(at, f"{entry['id']}.csv", data)
    if entry["expect"] == "refused":
        wanted = entry["message"] if isinstance(entry["message"], list) else [entry["message"]]
        assert any(part in detail for part in wanted), (wanted, detail)
        _assert_refused_on_the_page(at, store, before, wanted)
        figures.add("bad_input", files_tried=2, refused=2, stored_when_refused=0)
        return
    assert detail.record_count == entry["records"]
    _import_on_the_page(at)
    after = every_row(store)
    assert sum(map(len, after.values())) == sum(map(len, before.values())) + entry["records"]
    assert len(after["test_sessions"]) >= 1  # the tables are all still there, whatever the cells said
    figures.add("bad_input", files_tried=2, accepted=2)


def test_the_corpus_has_a_fifty_megabyte_file_and_it_is_not_committed() -> None:
    (big,) = [entry for entry in FILE_ENTRIES if entry["id"] == "fifty-megabytes"]
    assert len(file_bytes(big)) >= 50 * 1024 * 1024
    assert all(path.stat().st_size < 200_000 for path in CORPUS.iterdir())


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DANGEROUS = [
    "=cmd|' /C calc'!A0",
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    '=HYPERLINK("http://evil.example","x")',
    # look-alikes a spreadsheet may read as = + - @ (issue 12): full-width, small, superscript, minus sign
    "＝cmd|' /C calc'!A0",
    "＋1+1",
    "－2+3+cmd|' /C calc'!A0",
    "＠SUM(1+1)",
    "﹦1+1",
    "⁼1+1",
    "−1+1",
]
ACCEPTED = ["-2 kg next time", "+5 reps next week", "'=1+1", "-.5 kg", "- felt tight on the left", "+ easier"]


def test_exported_csv_neutralises_every_formula(tmp_path, monkeypatch, figures) -> None:
    """Rows stored before validation refused formulas (or by another tool) are exported inert; text the
    validation accepts that starts with a sign comes back unchanged from the export."""
    import csv
    import datetime as dt
    import io

    from streamlit.runtime.media_file_manager import MediaFileManager

    from calfcore.exchange import plan_import
    from calfcore.models import HeelRaiseTest, LegPair, Protocol, RoutineLogEntry
    from calfcore.validation import text_problem
    from calfstore import LOCAL_OWNER
    from tests.app.conftest import go

    captured: dict[str, bytes] = {}
    original = MediaFileManager.add

    def spy(self, data, mimetype, coordinates, file_name=None, is_for_static_download=False):
        if file_name and isinstance(data, (bytes, str)):
            captured[file_name] = data.encode() if isinstance(data, str) else data
        return original(
            self, data, mimetype, coordinates, file_name=file_name, is_for_static_download=is_for_static_download
        )

    monkeypatch.setattr(MediaFileManager, "add", spy)
    assert all(text_problem(text, "Notes", 500, multiline=True) is None for text in ACCEPTED)
    with corpus_app(tmp_path) as (at, store, runner_id):
        day = dt.date.today() - dt.timedelta(days=1)
        for text in DANGEROUS + ACCEPTED:  # straight into the store: the validation would refuse DANGEROUS
            store.save_test(LOCAL_OWNER, runner_id, HeelRaiseTest(day, Protocol(), LegPair(20, 22), notes=text))
            store.add_routine_log(LOCAL_OWNER, runner_id, RoutineLogEntry(day, text, 1, 1, notes=text))
        go(at, "history")
        exported = next(data for name, data in captured.items() if name.endswith(".csv"))
    rows = list(csv.reader(io.StringIO(exported.decode("utf-8"), newline="")))
    cells = [cell for row in rows[1:] for cell in row]
    assert len(rows) == 1 + 2 * len(DANGEROUS + ACCEPTED)
    assert not [cell for cell in cells if cell.startswith(FORMULA_STARTS)]
    for text in DANGEROUS + ACCEPTED:  # in test notes, routine exercise and routine notes
        assert cells.count("'" + text.replace("\r", "\n")) == 3
    # The accepted ones import back unchanged; nothing that was a formula comes back as one.
    header, kind, notes = rows[0], rows[0].index("record_type"), rows[0].index("notes")
    accepted_only = io.StringIO()
    csv.writer(accepted_only).writerows(
        [header] + [row for row in rows[1:] if row[kind] == "test" and row[notes][1:] in ACCEPTED]
    )
    plan = plan_import(accepted_only.getvalue().encode(), dt.date.today())
    assert plan.problems == [] and sorted(t.notes for t, _ in plan.tests) == sorted(ACCEPTED)
    figures.add("bad_input", exported_formula_cells_checked=len(DANGEROUS + ACCEPTED) * 3, live_formulas_exported=0)
