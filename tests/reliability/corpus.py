"""The bad-input corpus (tests/data/bad_inputs/*.json) and how to put each input through the app's channels."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import json
import math
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from calfstore import LOCAL_OWNER, Store
from tests.app.conftest import REPO, TIMEOUT, create_runner, go
from tests.keys import has, keyed

CORPUS = REPO / "tests" / "data" / "bad_inputs"
FIELDS = json.loads((CORPUS / "fields.json").read_text(encoding="utf-8"))
FILES = json.loads((CORPUS / "files.json").read_text(encoding="utf-8"))
TARGETS: dict[str, dict[str, Any]] = FIELDS["targets"]
INPUTS: list[dict[str, Any]] = FIELDS["inputs"]
TODAY = dt.date.today()
RECENT = TODAY - dt.timedelta(days=3)
IMPOSSIBLE = object()  # the widget can't hold this value (a browser couldn't send it either)


def value_of(entry: dict[str, Any]) -> Any:
    raw = entry["value"]
    if isinstance(raw, dict):
        if "special" in raw:
            return float(raw["special"])
        if "repeat" in raw:
            return raw["repeat"] * raw["times"]
        if "days_from_today" in raw:
            return TODAY + dt.timedelta(days=raw["days_from_today"])
        raise ValueError(raw)
    return raw


def expected_message(entry: dict[str, Any], channel: str) -> list[str]:
    message = entry.get(f"{channel}_message", entry.get("message"))
    return message if isinstance(message, list) else [message]


def expected_stored(entry: dict[str, Any]) -> Any:
    if "stored" in entry:
        return entry["stored"]
    value = value_of(entry)
    return value.strip() if isinstance(value, str) else value


# -- the form channel --------------------------------------------------------------------------------------------


def form_value(entry: dict[str, Any]) -> Any:
    """The value as the target's widget would hold it, or IMPOSSIBLE."""
    form = TARGETS[entry["target"]].get("form")
    if form is None:
        return IMPOSSIBLE
    value = value_of(entry)
    widget = form["widget"]
    if widget == "number_input":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return IMPOSSIBLE  # a number box takes no text
        if not math.isfinite(value):
            return IMPOSSIBLE  # Streamlit's number box refuses NaN and infinity itself (a browser can't type them)
        # A count's box holds a fraction too (calfui.forms.number_field: a float, no bounds), so 20.5 raises reach
        # validation and are refused with a sentence, never truncated to 20 (issue 24).
        return value
    if widget in ("text_input", "text_area"):
        if not isinstance(value, str):
            return IMPOSSIBLE
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return IMPOSSIBLE  # a lone surrogate can't travel from a browser to the app
        if len(value) > form.get("max_chars", len(value)):
            return IMPOSSIBLE  # the box stops typing at its limit (the CSV channel still tries the long text)
        return value
    if widget == "date_input":
        day = value if isinstance(value, dt.date) else None
        if isinstance(value, str) and len(value) == 10:
            try:
                day = dt.date.fromisoformat(value)
            except ValueError:
                return IMPOSSIBLE  # a date picker can't pick 30 February
        # Streamlit's date picker offers ten years either side of its default (today) and replaces anything else
        # with the default itself, before the app sees it.
        if day is None or not dt.date(TODAY.year - 10, TODAY.month, min(TODAY.day, 28)) <= day <= dt.date(
            TODAY.year + 10, TODAY.month, min(TODAY.day, 28)
        ):
            return IMPOSSIBLE
        return day
    raise ValueError(widget)


def _field(at: AppTest, widget: str, key: str) -> Any:
    """A form's widget by the field's name: the forms' keys also carry the runner and a task number."""
    if key.startswith("new_profile_"):
        return keyed(at, widget, rf"new_profile_t\d+_{key[len('new_profile_') :]}")
    for form in ("log", "checkin"):
        if key.startswith(form + "_"):
            return keyed(at, widget, rf"{form}_t\d+_{key[len(form) + 1 :]}")
    return keyed(at, widget, key)


def _set(at: AppTest, widget: str, key: str, value: Any) -> None:
    element = _field(at, widget, key)
    if widget in ("text_input", "text_area"):
        element.input(value)
    else:
        element.set_value(value)


def _click_if_present(at: AppTest, key: str) -> None:
    if has(at, "button", key):
        keyed(at, "button", key).click().run()


def submit_form(at: AppTest, entry: dict[str, Any], value: Any) -> None:
    """Open the target's page afresh (widgets back to their defaults) and submit the value in its form."""
    form = TARGETS[entry["target"]]["form"]
    page, key, widget = form["page"], form["key"], form["widget"]
    go(at, "home")
    if page == "record":
        go(at, "record")
        _click_if_present(at, "record_another")
        keyed(at, "number_input", "straight_left").set_value(20)
        keyed(at, "number_input", "straight_right").set_value(22)
        for other, other_value in form.get("with", {}).items():
            keyed(at, "number_input", other).set_value(other_value)
        _set(at, widget, key, value)
        keyed(at, "button", "save").click().run()
    elif page == "profile":
        go(at, "profile")
        keyed(at, "text_input", r"new_profile_t\d+_name").input("Second corpus runner")
        keyed(at, "number_input", r"new_profile_t\d+_birth_year").set_value(1990)
        _set(at, widget, key, value)
        keyed(at, "button", r"new_profile_t\d+_submit").click().run()
    elif page == "routine":
        go(at, "routine")
        _set(at, widget, key, value)
        keyed(at, "button", r"log_t\d+_submit").click().run()
    elif page == "checkin":
        go(at, "routine")
        _set(at, widget, key, value)
        keyed(at, "button", r"checkin_t\d+_submit").click().run()
    elif page == "share":
        go(at, "share")
        _click_if_present(at, "share_done")
        _set(at, widget, key, value)
        keyed(at, "button", "share_create").click().run()
    else:
        raise ValueError(page)


# -- the CSV channel ---------------------------------------------------------------------------------------------

BASE_ROWS = {
    "test": {
        "record_type": "test",
        "record_ref": "t1",
        "date": RECENT.isoformat(),
        "cadence_bpm": "60",
        "straight_left": "20",
        "straight_right": "22",
    },
    "symptom": {
        "record_type": "symptom",
        "record_ref": "s1",
        "date": RECENT.isoformat(),
        "side": "left",
        "pain_during": "2",
    },
    "routine_log": {
        "record_type": "routine_log",
        "record_ref": "r1",
        "date": RECENT.isoformat(),
        "exercise_id": "single_leg_calf_raise",
        "sets": "3",
        "reps": "12",
        "load_kg": "0",
    },
}


def csv_cell(value: Any) -> str:
    if isinstance(value, float):
        return "nan" if math.isnan(value) else repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def csv_file(entry: dict[str, Any]) -> bytes | None:
    """A one-record CSV with the input in its target's column, or None when the target has no CSV column."""
    spec = TARGETS[entry["target"]].get("csv")
    if spec is None:
        return None
    row = {**BASE_ROWS[spec["record_type"]], **spec.get("with", {}), spec["column"]: csv_cell(value_of(entry))}
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(row), lineterminator="\n")
    writer.writeheader()
    writer.writerow(row)
    try:
        return buffer.getvalue().encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate can't be written to a UTF-8 file at all
        return None


def file_bytes(entry: dict[str, Any]) -> bytes:
    """The bytes of a whole-file corpus entry (big ones are generated here, never committed)."""
    header = "record_type,record_ref,date,cadence_bpm,straight_left,straight_right,notes"
    if "text" in entry:
        return entry["text"].replace("{recent}", RECENT.isoformat()).encode(entry.get("encoding", "utf-8"))
    if "hex" in entry:
        return bytes.fromhex(entry["hex"])
    kind = entry["generate"]["kind"]
    spec = entry["generate"]
    if kind == "rows":
        bad = spec.get("bad_row")
        rows = [
            f"test,t{n},{RECENT},60,{999 if bad in ('all', n) else 20},22,row {n}" for n in range(1, spec["rows"] + 1)
        ]
        return (header + "\n" + "\n".join(rows) + "\n").encode()
    if kind == "long_cell":
        return f"{header}\ntest,t1,{RECENT},60,20,22,{'x' * spec['chars']}\n".encode()
    if kind == "size":
        row = f"test,t1,{RECENT},60,20,22,padding\n".encode()
        body = (header + "\n").encode()
        return body + row * ((spec["bytes"] - len(body)) // len(row) + 1)
    if kind == "xlsx":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as workbook:
            workbook.writestr("[Content_Types].xml", "<?xml version='1.0'?><Types/>")
            workbook.writestr(
                "xl/worksheets/sheet1.xml",
                "<worksheet><sheetData><row><c t='inlineStr'><is><t>"
                "record_type</t></is></c></row></sheetData></worksheet>",
            )
        return buffer.getvalue()
    if kind == "gzip":
        return gzip.compress(f"{header}\ntest,t1,{RECENT},60,20,22,\n".encode())
    raise ValueError(kind)


# -- the app -------------------------------------------------------------------------------------------------------


@contextmanager
def corpus_app(folder: Path, database_url: str | None = None) -> Iterator[tuple[AppTest, Store, int]]:
    """One app (AppTest from app.py) with one runner, shared by many inputs; its store is closed at the end.
    The app runs on `database_url` (CALF_DATABASE_URL, as a hosted server sets it), else on a DuckDB file in `folder`."""
    from calfstore.url import URL_SETTING, duckdb_url
    from calfui.context import _open_store

    url = database_url or duckdb_url(folder / "calfcheck.duckdb")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(URL_SETTING, url)
        at = AppTest.from_file(str(REPO / "app.py"), default_timeout=TIMEOUT)
        at.run()
        create_runner(at, "Corpus runner")
        store = _open_store(url)
        (runner,) = store.list_runners(LOCAL_OWNER)
        try:
            yield at, store, int(runner.id)
        finally:
            store.close()
            _open_store.clear()


def page_text(at: AppTest) -> str:
    """What a person reads, tables included."""
    from tests.app.conftest import texts

    parts = [texts(at)] + [str(e.value) for e in at.text]
    for frame in at.dataframe:
        parts.append(frame.value.to_csv(index=False))
    return "\n".join(parts)


def errors(at: AppTest) -> list[str]:
    return [str(e.value) for e in at.error]


def newest_value(store: Store, runner_id: int, target: str) -> Any:
    """The target's field in the newest record of its kind."""
    kind, field = target.split(".")
    if kind == "runner":
        runner = max(store.list_runners(LOCAL_OWNER), key=lambda r: r.id)
        return {"name": runner.name, "birth_year": runner.birth_year}[field]
    if kind == "share":
        return max(store.list_share_links(LOCAL_OWNER, runner_id), key=lambda link: link.id).label
    if kind == "log":
        entry = max(store.list_routine_logs(LOCAL_OWNER, runner_id), key=lambda e: e.id)
        return {"notes": entry.notes, "sets": entry.sets, "reps": entry.reps, "load": entry.load_kg}[field]
    if kind == "symptom":
        entry = max(store.list_symptoms(LOCAL_OWNER, runner_id), key=lambda e: e.id)
        return {"side": entry.side.value, "pain_during": entry.pain_during}[field]
    test = max(store.list_tests(LOCAL_OWNER, runner_id), key=lambda t: t.id)
    return {"straight_left": test.straight_reps.left, "notes": test.notes, "date": test.tested_on.isoformat()}[field]
