"""calfstore.schema: one list of migrations for both databases, each dialect's types and PostgreSQL's own extras."""

from __future__ import annotations

from calfstore.schema import ID_SEQUENCES, MIGRATIONS, RUNNER_TABLES, statements_for


def test_versions_are_numbered_once_in_order() -> None:
    versions = [migration.version for migration in MIGRATIONS]
    assert versions == list(range(1, len(versions) + 1))


def test_postgresql_gets_double_precision_and_duckdb_keeps_double() -> None:
    for migration in MIGRATIONS:
        for statement in statements_for(migration, "postgresql"):
            assert " DOUBLE " not in statement.replace("DOUBLE PRECISION", "")
        assert statements_for(migration, "duckdb") == migration.statements  # no PostgreSQL-only statement


def test_postgresql_indexes_every_runner_table_by_runner() -> None:
    everything = " ".join(s for m in MIGRATIONS for s in statements_for(m, "postgresql"))
    for table in RUNNER_TABLES:
        assert f"ON {table} (runner_id)" in everything, table
    assert "CREATE TABLE data_versions" in everything


def test_every_table_with_ids_names_its_sequence() -> None:
    created = " ".join(s for m in MIGRATIONS for s in m.statements)
    for table, sequence in ID_SEQUENCES.items():
        assert f"CREATE SEQUENCE {sequence}" in created and f"nextval('{sequence}')" in created, table
    assert set(RUNNER_TABLES) <= set(ID_SEQUENCES)
