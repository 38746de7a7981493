"""Page tests: the whole app from app.py in Streamlit's AppTest, each test on its own DuckDB file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from calfstore import Store
from tests.keys import has, keyed

REPO = Path(__file__).resolve().parents[2]
TIMEOUT = 60


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "calfcheck.duckdb"
    monkeypatch.setenv("CALF_DB_PATH", str(path))
    return path


@pytest.fixture
def app(db_path: Path) -> Iterator[AppTest]:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    yield at
    # The app keeps one store per database path for the whole process; close this test's file.
    from calfstore.url import duckdb_url
    from calfui.context import _open_store

    _open_store(duckdb_url(db_path)).close()
    _open_store.clear()


def go(at: AppTest, page: str) -> AppTest:
    """Navigate like the sidebar does, and fail on any exception the page raised."""
    at.switch_page(f"pages/{page}_page.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def peek_store(db_path: Path) -> Store:
    """The store the app process holds (same connection: DuckDB allows one process per file)."""
    from calfstore.url import duckdb_url
    from calfui.context import _open_store

    return _open_store(duckdb_url(db_path))


def create_runner(at: AppTest, name: str = "Sam Runner", birth_year: int = 1990, sex: str = "female") -> AppTest:
    go(at, "profile")
    keyed(at, "text_input", r"new_profile_t\d+_name").input(name)
    keyed(at, "number_input", r"new_profile_t\d+_birth_year").set_value(birth_year)
    keyed(at, "radio", r"new_profile_t\d+_sex").set_value(sex)
    keyed(at, "button", r"new_profile_t\d+_submit").click().run()
    if any("already have a profile called" in str(w.value) for w in at.warning):  # a second runner of that name
        keyed(at, "button", r"new_profile_t\d+_submit").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def fill_test(at: AppTest, left: int | None, right: int | None, **fields: object) -> AppTest:
    """Fill the record form (already open). Extra fields by widget name: numbers, pills, checkboxes, text."""
    if left is not None:
        keyed(at, "number_input", "straight_left").set_value(left)
    if right is not None:
        keyed(at, "number_input", "straight_right").set_value(right)
    for key, value in fields.items():
        if key.startswith("pain_"):
            keyed(at, "pills", key).set_value(value)
        elif key.startswith("flag_") or key in {"cued", "fingertip_support"}:
            keyed(at, "checkbox", key).set_value(value)
        elif key == "notes":
            keyed(at, "text_area", key).input(value)
        elif key == "tested_on":
            keyed(at, "date_input", key).set_value(value)
        elif key == "surface":
            keyed(at, "radio", key).set_value(value)
        elif key.startswith("location_"):
            keyed(at, "selectbox", key).set_value(value)
        else:
            keyed(at, "number_input", key).set_value(value)
    return at


def record_test(at: AppTest, left: int | None, right: int | None, **fields: object) -> AppTest:
    go(at, "record")
    if has(at, "button", "record_another"):  # the page still shows the previous result
        keyed(at, "button", "record_another").click().run()
    fill_test(at, left, right, **fields)
    keyed(at, "button", "save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def open_chart_tables(at: AppTest) -> AppTest:
    """Open every "Chart as a table" on the page, as a person clicking each one would: a chart's table is drawn
    only once opened (calfui.dashboard_view.render_chart_table)."""
    for key in [key for key in at.session_state if str(key).endswith("_table")]:
        at.session_state[key] = True
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    """Everything a person would read on the page, as one string."""
    parts = [e.value for e in at.markdown] + [e.value for e in at.caption] + [e.value for e in at.title]
    parts += [e.value for e in at.subheader] + [e.value for e in at.header]
    parts += [str(e.value) for e in at.error] + [str(e.value) for e in at.warning] + [str(e.value) for e in at.info]
    parts += [str(e.value) for e in at.success] + [f"{m.label} {m.value} {m.delta}" for m in at.metric]
    return "\n".join(parts)


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    """Captures what download buttons would send to the browser, by file name."""
    captured: dict[str, bytes] = {}
    original: Callable = MediaFileManager.add

    def spy(self, path_or_data, mimetype, coordinates, file_name=None, is_for_static_download=False):
        if file_name and isinstance(path_or_data, (bytes, str)):
            data = path_or_data.encode() if isinstance(path_or_data, str) else path_or_data
            captured[file_name] = data
        return original(
            self,
            path_or_data,
            mimetype,
            coordinates,
            file_name=file_name,
            is_for_static_download=is_for_static_download,
        )

    monkeypatch.setattr(MediaFileManager, "add", spy)
    return captured


TODAY = dt.date.today()
