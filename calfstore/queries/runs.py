"""The queries of runs (calfstore.faces.runs): a runner's runs, stored once each."""

from __future__ import annotations

import threading
from collections.abc import Sequence

from calfcore.clock import now_utc
from calfcore.models import Run
from calfcore.runs import new_runs
from calfstore.errors import NotFound
from calfstore.faces.runs import RunsStore
from calfstore.queries.common import Cursor, SqlQueries, one_row, retry_on_conflict, select_by_runner
from calfstore.rows import RUN_COLUMNS, run_from_row, run_values

RUN_GONE = "That run no longer exists (it may have been deleted)."
_ONE_IMPORT_AT_A_TIME = threading.Lock()


class RunsQueries(SqlQueries, RunsStore):
    """Runs of one runner."""

    @retry_on_conflict
    def save_runs(self, owner: str, runner_id: int, runs: Sequence[Run]) -> list[int]:
        # The copies are told apart against the rows read in this transaction, and two imports for one runner take
        # turns, so the same archive imported in two tabs at once is stored once. Across processes (PostgreSQL) each
        # import first writes the runner's row (its name, unchanged): the second waits for the first, then reads
        # its runs (each statement sees what is committed). Ordinary saves (key-share locks) don't wait for it.
        # Within a process the imports queue on a lock before they begin: DuckDB sees no conflict in a write that
        # changes nothing, and its snapshot is taken at the start. Imports are rare and short.
        with _ONE_IMPORT_AT_A_TIME, self._runner_transaction(owner, runner_id) as cursor:
            cursor.execute("UPDATE runners SET name = name WHERE id = ?", [runner_id])
            fresh, _copies = new_runs(self._select_runs(cursor, runner_id), runs)
            return [
                int(
                    one_row(
                        cursor.execute(
                            f"INSERT INTO runs (runner_id, {', '.join(RUN_COLUMNS[1:])}, created_at) "
                            f"VALUES (?, {', '.join('?' for _ in RUN_COLUMNS[1:])}, ?) RETURNING id",
                            [runner_id, *run_values(run), now_utc()],
                        )
                    )[0]
                )
                for run in fresh
            ]

    def list_runs(self, owner: str, runner_id: int) -> list[Run]:
        return self._runner_rows(owner, runner_id, self._select_runs)

    @staticmethod
    def _select_runs(cursor: Cursor, runner_id: int) -> list[Run]:
        return select_by_runner(
            cursor, "runs", ", ".join(RUN_COLUMNS), "run_on, started_at NULLS FIRST, id", runner_id, run_from_row
        )

    def update_run(self, owner: str, runner_id: int, run: Run) -> None:
        if run.id is None:
            raise NotFound(RUN_GONE)
        with self._runner_transaction(owner, runner_id) as cursor:
            assignments = ", ".join(f"{column} = ?" for column in RUN_COLUMNS[1:])
            if not cursor.execute(
                f"UPDATE runs SET {assignments} WHERE id = ? AND runner_id = ? RETURNING id",
                [*run_values(run), run.id, runner_id],
            ).fetchall():
                raise NotFound(RUN_GONE)

    @retry_on_conflict
    def delete_run(self, owner: str, runner_id: int, run_id: int) -> None:
        self._delete_one(owner, runner_id, "runs", run_id, RUN_GONE)
