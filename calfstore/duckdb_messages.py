"""What DuckDB's failures mean, in the runner's (or the person running the app's) words: what happened, that
nothing was changed or saved, and what to do. Pure functions of the error's type and text, used by the store
(calfstore.duckdb_store) and by the tools that open a file alone (calfstore.duckdb_files)."""

from __future__ import annotations

from pathlib import Path

import duckdb


def is_conflict(error: BaseException) -> bool:
    """DuckDB refused a write because a concurrent transaction changed the same rows (not a disk or file error)."""
    return isinstance(error, duckdb.TransactionException) and "conflict" in str(error).lower()


def _read_only(lowered: str) -> bool:
    """A refusal to write: permissions, a read-only file system, or an immutable file (EPERM, even for root)."""
    return any(words in lowered for words in ("permission", "read-only", "read only", "operation not permitted"))


def explain_open_failure(path: Path, error: BaseException) -> str:
    text = str(error)
    lowered = text.lower()
    log = path.with_name(path.name + ".wal")
    if "wal" in lowered and "lock" not in lowered:
        return (
            f"Calf Check can't open {path}: its log {log} (saves not yet written into the file) is damaged, "
            f"unreadable or belongs to another file. Nothing was changed. Restore a backup (make restore), or "
            f"move {log.name} aside to open the file without the saves it holds."
        )
    if "lock" in lowered:
        return (
            f"The database file {path} is already open in another program (another Calf Check, or a duckdb "
            f"client). DuckDB lets one process use a file at a time: close the other program, or start this "
            f"one with CALF_DB_PATH pointing at a different file. To run several app processes, use "
            f"PostgreSQL (CALF_DATABASE_URL=postgresql://...; see docs/deploy.md)."
        )
    if _read_only(lowered):
        return (
            f"Calf Check can't write to {path}: the file or its folder is read-only. Give this user write "
            f"permission, or set CALF_DB_PATH to a writable location."
        )
    if "no space" in lowered or "disk is full" in lowered or "disk full" in lowered:
        return f"The disk holding {path} is full. Free some space, then start Calf Check again."
    if "not a valid duckdb" in lowered or "corrupt" in lowered or "serializ" in lowered:
        return (
            f"{path} is not a Calf Check database it can read (damaged, or another kind of file). Restore it "
            f"from a backup, or set CALF_DB_PATH to a new file."
        )
    return f"Calf Check could not open its database {path}: {text.splitlines()[0] if text else type(error).__name__}"


def explain_read_failure(path: Path, error: BaseException, *, closed: bool) -> str:
    """Why a read failed, for the runner: nothing was changed, and what to do."""
    text = str(error)
    lowered = text.lower()
    if closed or "closed" in lowered:
        return (
            f"Your data in {path} can't be reached right now: the database was being closed or reopened. Nothing "
            f"was changed. Try again in a moment (reload the page, or click again)."
        )
    if isinstance(error, duckdb.FatalException) or "invalidated" in lowered:
        return (
            f"DuckDB stopped using {path} to protect it, so your data can't be read right now. Nothing was changed; "
            f"what you saved before is safe. Calf Check reopens it at your next click."
        )
    first_line = text.splitlines()[0] if text else type(error).__name__
    return (
        f"Your data in {path} can't be read right now: the database reported a problem ({first_line[:200]}). "
        f"Nothing was changed. Try again in a moment."
    )


def explain_failure(path: Path, error: BaseException) -> str:
    """What went wrong with an operation on an open store, for the runner: what happened and what to do.
    Every write is one transaction, so a failed write has saved nothing; the message says so."""
    text = str(error)
    lowered = text.lower()
    if is_conflict(error):
        return (
            "Someone saved a change to the same entry at the same moment, so nothing was saved. Reload the "
            "page and make your change again."
        )
    if isinstance(error, duckdb.FatalException) or "invalidated" in lowered:
        after = (
            f"DuckDB stopped using {path} to protect it, so nothing more was saved. Calf Check reopens it at "
            f"your next click; what you saved before is safe."
        )
    else:
        after = "Nothing was saved; what you saved before is safe."
    if "no space" in lowered or "disk full" in lowered or "disk is full" in lowered or "file too large" in lowered:
        return f"The disk holding {path} is full (disk full). {after} Free some space, then try again."
    if _read_only(lowered):
        return (
            f"Calf Check can't write to {path}: the file or its folder is read-only. {after} Give this user "
            f"write permission, or set CALF_DB_PATH to a writable location."
        )
    first_line = text.splitlines()[0] if text else type(error).__name__
    return f"The database {path} reported a problem ({first_line[:200]}). {after}"
