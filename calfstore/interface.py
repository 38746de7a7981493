"""The store's face: every operation the app needs, scoped to an owner, the same for DuckDB and PostgreSQL.

The operations come in groups, one interface each, by what they own (`calfstore.faces`): a runner and their records
(`RunnerRecordsStore`), sharing (`SharingStore`), coaching (`CoachingStore`), planning (`PlanningStore`) and runs
(`RunsStore`). `Store` is
all of them together, with the operations on the store itself.

An owner is whoever the data belongs to: this machine in local mode (LOCAL_OWNER), or a logged-in person's identity.
Every operation that reads or writes a runner's rows takes the owner and refuses (NotFound) a runner that is not
theirs. Share links and calendar feeds are resolved by the hash of their token, the one way in without an owner.

Failures are `calfstore.errors.StoreError`s with a message for the person: no driver exception leaves a store.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Collection
from dataclasses import dataclass

from calfstore.faces.coaching import CoachingStore
from calfstore.faces.planning import PlanningStore
from calfstore.faces.records import RunnerRecordsStore
from calfstore.faces.runs import RunsStore
from calfstore.faces.sharing import SharingStore

LOCAL_OWNER = "local"


@dataclass(frozen=True)
class WriteStep:
    """The data versions on each side of one write of a runner's data, with no other change between them
    (Store.last_write_step): the runner's (data_version with the runner) and their owner's (data_version)."""

    runner: tuple[int, int]
    owner: tuple[int, int]


class Store(RunnerRecordsStore, SharingStore, CoachingStore, PlanningStore, RunsStore):
    """Runner data behind one interface. Open one with `calfstore.open_store(url)`."""

    backend: str  # "duckdb" or "postgresql"
    description: str  # where the data lives, for messages (a file path, or the server without its password)

    # -- the store itself ---------------------------------------------------------------------------------------

    @abstractmethod
    def close(self) -> None: ...

    @property
    @abstractmethod
    def closed(self) -> bool: ...

    @property
    def invalidated(self) -> bool:
        """The store can't be used any more and must be opened again (DuckDB after a fatal error)."""
        return False

    @abstractmethod
    def data_version(self, owner: str, runner_id: int | None = None) -> int:
        """A number that changes whenever this owner's data (profiles, records, links) changes, in any process
        that shares this database. Read caches key on it.

        With `runner_id`: a number that changes whenever that runner's data changes, and only then (a write that names
        no runner counts as a change of every runner of the owner). One owner may hold many runners (local mode: a
        club's laptop), and one runner's save then leaves every other runner's cached pages warm (issue 25)."""

    def data_versions(self, scopes: Collection[tuple[str, int | None]]) -> dict[tuple[str, int | None], int]:
        """`data_version` of several scopes, each an (owner, runner or None), read at one moment. PostgreSQL asks the
        server once for all of them: a run's sidebar needs the owner's version and its page the runner's, and each
        question is a round trip (calfui.run_versions asks for both together)."""
        return {scope: self.data_version(*scope) for scope in scopes}

    def last_write_step(self) -> WriteStep | None:
        """The data versions of the runner whose data this thread's last write changed (data_version with the
        runner), and of their owner: before the write and after it, with no other change of that runner's or owner's
        data between the two. A cache holding the runner's records at the first can add what was written and keep
        them at the second instead of reading them all again (calfui.cache). None when the store can't vouch for
        that: the last write failed, named no runner, or (PostgreSQL) a change of every owner (a migration)
        committed while it ran. Other processes' writes of the owner land before or after the write, never between
        its two versions (PostgreSQL queues an owner's writes whole, DuckDB has one process)."""
        return None

    @abstractmethod
    def migrate(self) -> list[int]:
        """Bring the schema up to date; returns the versions applied now."""

    @abstractmethod
    def schema_versions(self) -> list[int]: ...
