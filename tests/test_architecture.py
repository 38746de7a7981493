"""The house rules of the code base, checked: a functional core without Streamlit or a database, SQL only in the
store package (calfstore), one store interface made of one interface per group that both backends implement, each
group with its own module of queries, pages that render nothing unless app.py runs them."""

from __future__ import annotations

import ast
import importlib.util
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORE = sorted((REPO / "calfcore").glob("*.py"))
PAGES = sorted((REPO / "pages").glob("*_page.py"))
SQL = re.compile(
    r"\b(SELECT\s.+\sFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+(TABLE|SEQUENCE))\b",
    re.IGNORECASE | re.DOTALL,
)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", CORE, ids=lambda p: p.name)
def test_core_never_imports_streamlit(path: Path) -> None:
    assert "streamlit" not in _imports(path)


STORE = sorted((REPO / "calfstore").rglob("*.py"))
DRIVERS = {"duckdb", "psycopg", "psycopg_pool"}


@pytest.mark.parametrize("path", CORE, ids=lambda p: p.name)
def test_core_touches_no_database_or_sql(path: Path) -> None:
    assert not DRIVERS & _imports(path)
    assert not SQL.search(path.read_text()), f"SQL outside calfstore/ in calfcore/{path.name}"
    assert "calfstore" not in _imports(path), "calfcore stays pure: the store depends on it, never the reverse"


@pytest.mark.parametrize("path", STORE, ids=lambda p: str(p.relative_to(REPO / "calfstore")))
def test_the_store_never_imports_the_ui(path: Path) -> None:
    assert not {"streamlit", "calfui", "pages"} & _imports(path)


def test_each_driver_is_imported_only_by_its_own_backend_modules() -> None:
    importers = {path.name: DRIVERS & _imports(path) for path in STORE if DRIVERS & _imports(path)}
    assert all(
        name.startswith("duckdb_") or name == "bulk.py" for name, drivers in importers.items() if "duckdb" in drivers
    ), importers
    assert {name for name, drivers in importers.items() if drivers & {"psycopg", "psycopg_pool"}} == {
        "postgres_store.py"
    }, importers


def test_both_backends_implement_every_operation_of_the_interface() -> None:
    from calfstore.duckdb_store import DuckDBStore
    from calfstore.postgres_store import PostgresStore

    for backend in (DuckDBStore, PostgresStore):
        assert not backend.__abstractmethods__, f"{backend.__name__} lacks {sorted(backend.__abstractmethods__)}"


# -- the store by aggregate: one interface and one module of queries per group (issue 26) ---------------------------

FACES = sorted(p for p in (REPO / "calfstore" / "faces").glob("*.py") if p.name != "__init__.py")
QUERIES = sorted(p for p in (REPO / "calfstore" / "queries").glob("*.py") if p.name not in {"__init__.py", "common.py"})
# What Store declares itself, beside its groups: the operations on the store as a whole.
STORE_ITSELF = {"close", "closed", "data_version", "migrate", "schema_versions"}
# "No module over about 400 lines": the groups keep the store's modules short. duckdb_store.py gave its failure
# messages to duckdb_messages.py (418 -> 328 lines); duckdb_backup.py, the longest left (the backup command and the
# app's worker answering it, one file), stands at 405: none may grow past it.
MAX_STORE_MODULE_LINES = 405
# Operations that read across the groups, written once where they meet (calfstore.sql.SqlStore), with why.
ACROSS_GROUPS = {
    "load_records": "a runner's records, their stored warning signs (planning) and runs, from one snapshot",
    "records_with_test": "load_records' answer with a test just saved added, as load_records would give it",
    "records_with_log": "load_records' answer with a training log entry just added, as load_records would give it",
}
# The one module that puts the groups' queries together: the base both backends build on.
COMPOSES_THE_QUERIES = REPO / "calfstore" / "sql.py"


def _group_interface(face: Path) -> type:
    """The one interface a module of calfstore/faces declares."""
    import inspect
    from abc import ABC

    module = importlib.import_module(f"calfstore.faces.{face.stem}")
    declared = [
        value
        for value in vars(module).values()
        if inspect.isclass(value) and value.__module__ == module.__name__ and issubclass(value, ABC)
    ]
    assert len(declared) == 1, f"calfstore/faces/{face.name} declares one group's interface: {declared}"
    return declared[0]


def _imported_modules(path: Path) -> set[str]:
    """Full names of every module a file imports, `from package import module` included."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_every_group_is_a_pair_of_files_a_face_and_its_queries() -> None:
    assert FACES, "calfstore/faces holds the groups of the store's face"
    assert [p.name for p in FACES] == [p.name for p in QUERIES], (
        "each group is calfstore/faces/<group>.py with its queries in calfstore/queries/<group>.py"
    )


def test_the_store_is_its_groups_and_the_operations_on_the_store_itself() -> None:
    from calfstore import Store

    groups = [_group_interface(face) for face in FACES]
    assert set(Store.__bases__) == set(groups), "Store is composed of every group's interface, and only of them"
    declared = [name for group in groups for name in group.__abstractmethods__]
    twice = {name for name in declared if declared.count(name) > 1}
    assert not twice, f"an operation belongs to one group: {sorted(twice)}"
    assert Store.__abstractmethods__ == set(declared) | STORE_ITSELF, (
        "every operation of Store is in a group (calfstore/faces), or on the store itself"
    )


@pytest.mark.parametrize("face", FACES, ids=lambda p: p.stem)
def test_both_backends_implement_every_operation_of_each_group(face: Path) -> None:
    from calfstore.duckdb_store import DuckDBStore
    from calfstore.postgres_store import PostgresStore

    group = _group_interface(face)
    assert group.__abstractmethods__, f"{group.__name__} declares its operations"
    for backend in (DuckDBStore, PostgresStore):
        assert issubclass(backend, group)
        missing = sorted(
            name for name in group.__abstractmethods__ if getattr(getattr(backend, name), "__isabstractmethod__", False)
        )
        assert not missing, f"{backend.__name__} lacks {group.__name__}'s {missing}"


@pytest.mark.parametrize("face", FACES, ids=lambda p: p.stem)
def test_each_groups_queries_implement_that_group(face: Path) -> None:
    """calfstore/queries/<group>.py holds the group's queries: every operation of calfstore/faces/<group>.py, but
    those that read across the groups, written once where they meet (calfstore.sql.SqlStore)."""
    from calfstore.sql import SqlStore

    group = _group_interface(face)
    module = importlib.import_module(f"calfstore.queries.{face.stem}")
    queries = [
        value
        for value in vars(module).values()
        if isinstance(value, type) and value.__module__ == module.__name__ and issubclass(value, group)
    ]
    assert len(queries) == 1, f"calfstore/queries/{face.name} has one class of {group.__name__}'s queries"
    left = group.__abstractmethods__ & queries[0].__abstractmethods__
    assert left <= set(ACROSS_GROUPS), f"{queries[0].__name__} lacks {sorted(left - set(ACROSS_GROUPS))}"
    assert all(name in vars(SqlStore) for name in left), f"SqlStore writes {sorted(left)} where the groups meet"


@pytest.mark.parametrize("path", STORE, ids=lambda p: str(p.relative_to(REPO / "calfstore")))
def test_no_store_module_is_long(path: Path) -> None:
    lines = len(path.read_text().splitlines())
    assert lines <= MAX_STORE_MODULE_LINES, (
        f"calfstore/{path.relative_to(REPO / 'calfstore')} has {lines} lines: a new group of operations is a new "
        "pair of files (calfstore/faces/<group>.py, calfstore/queries/<group>.py; docs/architecture.md)"
    )


def test_each_groups_queries_are_used_only_by_the_store_backends() -> None:
    """A group's queries are reached through the store (calfstore.sql.SqlStore, the backends' base), never imported
    by another group's queries, the shell, pages or tests: they call the operations on the face."""
    groups = {f"calfstore.queries.{path.stem}" for path in QUERIES}
    files = [
        REPO / "app.py",
        *(
            p
            for floor in ("calfcore", "calfstore", "calfui", "pages", "benchmarks", "scripts", "tests")
            for p in (REPO / floor).rglob("*.py")
        ),
    ]
    importers = {
        str(path.relative_to(REPO)): sorted(groups & _imported_modules(path))
        for path in files
        if groups & _imported_modules(path)
    }
    assert set(importers) == {str(COMPOSES_THE_QUERIES.relative_to(REPO))}, importers
    assert importers[str(COMPOSES_THE_QUERIES.relative_to(REPO))] == sorted(groups), (
        "SqlStore puts every group together"
    )


@pytest.mark.parametrize(
    "path", [*PAGES, *sorted((REPO / "calfui").glob("*.py")), REPO / "app.py"], ids=lambda p: p.name
)
def test_shell_has_no_sql_or_database_driver(path: Path) -> None:
    assert not DRIVERS & _imports(path)
    assert not SQL.search(path.read_text())


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_page_modules_render_nothing_without_app_py(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run a page file the way a fresh server would (no app.py): it must not call any Streamlit element."""
    import streamlit as st

    calls: list[str] = []
    for name in (
        "title",
        "markdown",
        "write",
        "dataframe",
        "altair_chart",
        "metric",
        "form",
        "button",
        "info",
        "error",
        "caption",
        "header",
        "subheader",
        "tabs",
        "columns",
        "text",
    ):
        monkeypatch.setattr(st, name, lambda *a, _n=name, **k: calls.append(_n))
    spec = importlib.util.spec_from_file_location(f"page_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    assert calls == []
    assert callable(module.render)


# -- UI state is tied to the record it acts on (design §3, issue 10) ---------------------------------------------

SHELL_FILES = [*PAGES, *sorted((REPO / "calfui").glob("*.py"))]
WIDGETS = {
    "button",
    "form_submit_button",
    "download_button",
    "text_input",
    "text_area",
    "number_input",
    "date_input",
    "selectbox",
    "multiselect",
    "radio",
    "checkbox",
    "toggle",
    "pills",
    "segmented_control",
    "file_uploader",
    "slider",
    "select_slider",
    "form",
}
# Widgets with a fixed key, each touching no stored record (the reason beside it). A new fixed key must be added
# here with its reason, or carry the runner's and record's ids (calfui.state.runner_key).
FIXED_KEYS = {
    "new_profile": "the form that creates a new runner (cleared after each one)",
    "logout": "logs the viewer out",
    "login": "logs the viewer in",
    "load_demo": "creates a new runner",
    "delete_login": "deletes everything of the login, after a confirmation (keys delete_login_confirm/_cancel)",
    "progress_period": "changes only what the charts show",
    "running_measure": "changes only whether the running bars count distance or time",
    "roster_filter": "changes only which of the coach's roster rows show",
    "equipment_access": "which equipment the routine is chosen for, this session only",
    "export_csv": "a download of the runner shown",
    "export_json": "a download of the runner shown",
    "guided_test": "a guided test's setting",
    "guided_first_leg": "a guided test's setting",
    "guided_cadence": "a guided test's setting",
    "guided_surface": "a guided test's setting",
    "guided_sound": "a guided test's setting",
    "guided_start": "starts this runner's guided test",
    "guided_confirm": "confirms a count in this runner's guided state (calfui.state.runner_state)",
    "guided_redo": "redoes a leg in this runner's guided state",
    "guided_cancel": "clears this runner's guided state",
    "guided_to_record": "hands this runner's counts to their record form",
}
# Select boxes over fixed choices (not stored items): they may return a choice by its label.
FIXED_CHOICE_SELECT_BOXES = {
    ("forms.py", "symptom_fields"): "where it hurts: a fixed list",
    ("routine_page.py", "_log_training"): "the exercise library, a data file",
}


def _constants(path: Path) -> dict[str, str]:
    """A module's (and its imports') string constants by name, as far as a key could come from one."""
    found: dict[str, str] = {}
    for file in [path, *sorted((REPO / "calfui").glob("*.py"))]:
        for node in ast.parse(file.read_text()).body:
            if (
                isinstance(node, ast.Assign)
                and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)
            ):
                found.update({target.id: node.value.value for target in node.targets if isinstance(target, ast.Name)})
    return found


def _widget_calls(path: Path) -> Iterator[tuple[str, str, ast.Call]]:
    """(function, widget, call) for every Streamlit widget call in a file."""
    tree = ast.parse(path.read_text())
    for function in [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)]:
        for node in ast.walk(function):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in WIDGETS:
                yield function.name, node.func.attr, node


@pytest.mark.parametrize("path", SHELL_FILES, ids=lambda p: p.name)
def test_widgets_that_can_touch_stored_records_carry_ids_in_their_keys(path: Path) -> None:
    """A fixed key keeps one runner's value for the next runner: every key is built from ids, or listed above."""
    for function, widget, call in _widget_calls(path):
        key = next((k.value for k in call.keywords if k.arg == "key"), None)
        if key is None and widget == "form" and call.args:
            key = call.args[0]
        if isinstance(key, ast.Name) and key.id in _constants(path):  # key=EQUIPMENT_KEY
            key = ast.Constant(_constants(path)[key.id])
        if isinstance(key, ast.Constant):
            assert key.value in FIXED_KEYS, f"{path.name}:{call.lineno} {widget} key {key.value!r} names no record"


@pytest.mark.parametrize("path", SHELL_FILES, ids=lambda p: p.name)
def test_every_number_box_is_unbounded_and_made_by_number_field(path: Path) -> None:
    """Out of a number_input's min/max the browser keeps the earlier value and Save sends that (issue 24); an integer
    box truncates 12.5 to 12. Every box is calfui.forms.number_field: no bounds, a float, checked by validation."""
    for function, widget, call in _widget_calls(path):
        if widget == "number_input":
            assert (path.name, function) == ("forms.py", "number_field"), f"{path.name}:{call.lineno} use number_field"
            bounds = {k.arg for k in call.keywords} & {"min_value", "max_value"}
            assert not bounds, f"{path.name}:{call.lineno} a number box with {bounds}"


@pytest.mark.parametrize("path", SHELL_FILES, ids=lambda p: p.name)
def test_select_boxes_over_stored_items_pick_by_id(path: Path) -> None:
    """Streamlit returns a drop-down's choice by its label text: stored items go through calfui.pickers.pick."""
    if path.name == "pickers.py":
        return
    for function, widget, call in _widget_calls(path):
        if widget in ("selectbox", "multiselect"):
            assert (path.name, function) in FIXED_CHOICE_SELECT_BOXES, (
                f"{path.name}:{call.lineno} a select box in {function}: use calfui.pickers.pick for stored items"
            )


# -- the rules' wording comes from the rules (issue 16) -----------------------------------------------------------

# Texts that state a threshold's value: they must be built from the Threshold (calfcore.thresholds, `.text`), so a
# changed threshold changes every sentence. Docstrings and comments may name the value; shown strings may not.
HARD_CODED_THRESHOLDS = re.compile(r"\b90\s?%|\b1\.5\s?[×x]\s")


def _shown_strings(path: Path) -> Iterator[tuple[int, str]]:
    tree = ast.parse(path.read_text())
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node.lineno, node.value


@pytest.mark.parametrize("path", [*CORE, *SHELL_FILES], ids=lambda p: f"{p.parent.name}/{p.name}")
def test_texts_state_thresholds_from_the_thresholds_never_as_typed_numbers(path: Path) -> None:
    typed = [(line, text) for line, text in _shown_strings(path) if HARD_CODED_THRESHOLDS.search(text)]
    assert typed == [], f"{path.name}: build these from calfcore.thresholds (Threshold.text): {typed}"


# -- who is asking is bound once (issue 16) ----------------------------------------------------------------------

# Where an owner is decided: the viewer of a page (calfui/viewer.py, handed to the page by calfui/context.py) and the
# owner of a calendar feed's token (calfui/asgi.py). Everywhere else reads and writes through PageContext.data, bound to that owner.
BINDS_THE_OWNER = {"viewer.py", "context.py", "asgi.py"}


@pytest.mark.parametrize(
    "path", [p for p in SHELL_FILES if p.name not in BINDS_THE_OWNER], ids=lambda p: f"{p.parent.name}/{p.name}"
)
def test_pages_never_name_an_owner_or_call_the_store_directly(path: Path) -> None:
    text = path.read_text()
    assert "owner_key" not in text, f"{path.name}: use context.data (calfui.cache.OwnerData), bound to the viewer"
    assert "context.store." not in text, f"{path.name}: reads and writes go through context.data"


# -- the floors: each imports only the floors below it (docs/architecture.md) ---------------------------------------

UI = sorted((REPO / "calfui").glob("*.py"))


def _first_party_imports(path: Path) -> set[str]:
    """Full module names this file imports from the project (calfcore..., calfstore..., calfui..., pages...)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return {name for name in names if name.split(".")[0] in {"calfcore", "calfstore", "calfui", "pages"}}


@pytest.mark.parametrize("path", [*PAGES, REPO / "app.py"], ids=lambda p: p.name)
def test_pages_use_the_shell_the_core_and_only_the_face_of_the_store(path: Path) -> None:
    imports = _first_party_imports(path)
    assert not {name for name in imports if name.startswith("pages")}, "a page never imports another page"
    assert {name for name in imports if name.startswith("calfstore")} <= {"calfstore"}, (
        "pages see the store's face only (calfstore), never a backend module"
    )


@pytest.mark.parametrize("path", UI, ids=lambda p: p.name)
def test_the_shell_never_imports_a_page(path: Path) -> None:
    assert not {name for name in _first_party_imports(path) if name.startswith("pages")}


def test_only_the_module_that_opens_the_store_reaches_past_its_face() -> None:
    inside = {
        path.name for path in UI if {name for name in _first_party_imports(path) if name.startswith("calfstore.")}
    }
    openers = {path.name for path in UI if "def process_store(" in path.read_text()}
    assert len(openers) == 1 and inside <= openers, inside


@pytest.mark.parametrize("path", [p for p in CORE if p.name != "__init__.py"], ids=lambda p: p.name)
def test_every_core_module_has_a_unit_test_file_named_after_it(path: Path) -> None:
    """Tests mirror the modules: whoever changes calfcore/<module>.py finds its tests in tests/unit/test_<module>.py."""
    assert (REPO / "tests" / "unit" / f"test_{path.name}").is_file()
