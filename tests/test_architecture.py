"""The house rules of the code base, checked: a functional core without Streamlit, SQL in one module, pages that
render nothing unless app.py runs them."""

from __future__ import annotations

import ast
import importlib.util
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORE = sorted((REPO / "calfcore").glob("*.py"))
PAGES = sorted((REPO / "pages").glob("*_page.py"))
SQL = re.compile(r"\b(SELECT\s.+\sFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+(TABLE|SEQUENCE))\b",
                 re.IGNORECASE | re.DOTALL)


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


@pytest.mark.parametrize("path", [p for p in CORE if p.name != "storage.py"], ids=lambda p: p.name)
def test_only_storage_touches_duckdb_or_sql(path: Path) -> None:
    assert "duckdb" not in _imports(path)
    assert not SQL.search(path.read_text()), f"SQL outside calfcore/storage.py in {path.name}"


@pytest.mark.parametrize("path", [*PAGES, *sorted((REPO / "calfui").glob("*.py")), REPO / "app.py"],
                         ids=lambda p: p.name)
def test_shell_has_no_sql_or_duckdb(path: Path) -> None:
    assert "duckdb" not in _imports(path)
    assert not SQL.search(path.read_text())


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_page_modules_render_nothing_without_app_py(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run a page file the way a fresh server would (no app.py): it must not call any Streamlit element."""
    import streamlit as st

    calls: list[str] = []
    for name in ("title", "markdown", "write", "dataframe", "altair_chart", "metric", "form", "button", "info",
                 "error", "caption", "header", "subheader", "tabs", "columns", "text"):
        monkeypatch.setattr(st, name, lambda *a, _n=name, **k: calls.append(_n))
    spec = importlib.util.spec_from_file_location(f"page_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    assert calls == []
    assert callable(module.render)
