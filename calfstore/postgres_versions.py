"""PostgreSQL's data versions (Store.data_version): the `data_versions` rows every write changes in its own
transaction, read by every cached page, and the write step a cache can take a Save into (Store.last_write_step).

Each scope's version is the largest of a few rows: the owner's own row (any change of theirs), a runner's row, the
owner's every-runner row (a change that names no runner) and the every-owner row (migrations, a transfer). Numbers
come from one sequence, so they never repeat. Every write of an owner first locks the owner's row and holds it to
its commit (`queue_behind_the_owners_writes`): the owner's writes, from any process, queue whole and in one lock order,
so a runner's versions read at a write's start are still the versions just before it at its commit.
"""

from __future__ import annotations

from collections.abc import Collection

from calfstore.interface import WriteStep
from calfstore.queries.common import Cursor

EVERY_OWNER = "*"  # the data_versions row changed by migrations: a change for every owner


def version_key(owner: str, runner_id: int | None) -> str:
    """The data_versions row of one runner's data (None: of a change that names no runner, so of every runner of
    the owner), beside the owner's own row (any change of theirs). Store.data_version reads the largest of a
    scope's rows. Should an owner key ever end like one of these, two scopes would share a row: more changes seen
    than made, never fewer."""
    return f"{owner}\x1frunner {'*' if runner_id is None else runner_id}"


def version_rows(owner: str, runner_id: int | None) -> tuple[str, ...]:
    """The data_versions rows whose largest version is this scope's data version (Store.data_version): the owner's
    own row, or the runner's and the every-runner row of its owner; and the every-owner row of migrations."""
    if runner_id is None:
        return (owner, EVERY_OWNER)
    return (version_key(owner, runner_id), version_key(owner, None), EVERY_OWNER)


def _rows(cursor: Cursor, keys: Collection[str], lock: str = "") -> dict[str, int]:
    """The version of each of these rows that exists."""
    found = cursor.execute(
        f"SELECT owner_key, version FROM data_versions WHERE owner_key IN ({', '.join('?' for _ in keys)}){lock}",
        list(keys),
    ).fetchall()
    return {key: int(version) for key, version in found}


def read_versions(cursor: Cursor, scopes: Collection[tuple[str, int | None]]) -> dict[tuple[str, int | None], int]:
    """Store.data_versions: one statement reads the rows of every scope."""
    rows_of = {scope: version_rows(*scope) for scope in scopes}
    if not rows_of:
        return {}
    found = _rows(cursor, sorted({key for rows in rows_of.values() for key in rows}))
    return {scope: max(found.get(key, 0) for key in rows) for scope, rows in rows_of.items()}


def queue_behind_the_owners_writes(cursor: Cursor, owner: str | None, runner_id: int | None) -> dict[str, int] | None:
    """A write's first statement: hold the owner's row until the commit, so that the owner's writes queue whole, in
    the order they start (every write of an owner ends by changing that row, so one lock order for all of them:
    none waits for another that waits for it). With `runner_id`: the owner's row and the runner's version rows as
    they stand now, which no write of the owner can change before this one commits (the runner's own row and its
    owner's every-runner row only change with the owner's row); None when the owner has no row yet (a first write:
    nothing cached)."""
    owners_row = {} if owner is None else _rows(cursor, [owner], " FOR UPDATE")
    if owner is None or not owners_row or runner_id is None:
        return None
    keys = version_rows(owner, runner_id)
    return owners_row | {key: 0 for key in keys} | _rows(cursor, keys)


def count_the_change(cursor: Cursor, owner: str | None, runner_id: int | None) -> dict[str, int]:
    """A write's last statement, in its transaction (the new version is seen exactly when the write is): new numbers
    for the owner's row and the runner's (or the every-runner row; None for the owner: the every-owner row)."""
    keys = [EVERY_OWNER] if owner is None else [owner, version_key(owner, runner_id)]
    numbers = cursor.execute(
        f"""INSERT INTO data_versions (owner_key, version)
            VALUES {", ".join("(?, nextval('data_version_numbers'))" for _ in keys)}
            ON CONFLICT (owner_key) DO UPDATE SET version = EXCLUDED.version
            RETURNING owner_key, version""",
        keys,
    ).fetchall()
    return {key: int(version) for key, version in numbers}


def write_step(
    cursor: Cursor, owner: str, runner_id: int, before: dict[str, int], written: dict[str, int]
) -> WriteStep | None:
    """The runner's and the owner's data versions on each side of this write (Store.last_write_step), or None if a
    change of every owner (a migration, a transfer) committed meanwhile. That row is read with a share lock: a
    migration under way is waited for (and seen), one not yet started waits for this commit, so no change of every
    owner can land between the two versions unseen."""
    if _rows(cursor, [EVERY_OWNER], " FOR SHARE").get(EVERY_OWNER, 0) != before[EVERY_OWNER]:
        return None
    after = before | written

    def step(rows: tuple[str, ...]) -> tuple[int, int]:
        return max(before[key] for key in rows), max(after[key] for key in rows)

    return WriteStep(step(version_rows(owner, runner_id)), step(version_rows(owner, None)))
