"""The store's own errors. Pages catch `StoreError` and show its message: never a driver's exception.

Every message is written for the person using the app: what happened, whether anything was saved (a failed write is
one rolled-back transaction, so nothing was), and what to do. Backends turn their driver's errors into these at the
store's edge (see `DuckDBStore._translated` and `PostgresStore._translated`).
"""

from __future__ import annotations


class StoreError(RuntimeError):
    """Anything a store operation can fail with that a page should explain instead of showing a traceback."""


class StoreUnavailable(StoreError):
    """The database can't be used (missing, locked, unreachable, refused the password...). The message names the
    setting or the file, and the fix."""


class DataUnreachable(StoreUnavailable):
    """A read could not reach the data right now (the database server is down or restarting, the connection was
    closed). Nothing was changed; the same read works again once the database answers. The message is written for a
    runner: it names no database user, host or port (the store logs those for the admin)."""


class NotSaved(StoreError):
    """A write failed and was rolled back whole: nothing of it was saved. The message says why."""


class WriteConflict(NotSaved):
    """A concurrent transaction changed the same rows, so this write was refused (and may be run again)."""


class NotFound(StoreError, LookupError):
    """No such row for this owner (it was deleted, or belongs to someone else)."""


class EditConflict(StoreError):
    """Someone else changed the entry since it was loaded; nothing was overwritten."""


class NotAllowed(StoreError):
    """The link does not give this right (a coach commenting through a link the runner has not opened to comments,
    or one that ended). Nothing was saved."""
