"""Runs from a watch or typed by hand (issue 27): a runner's runs, each stored once however often it is imported."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

from calfcore.models import Run


class RunsStore(ABC):
    """The runs of one runner: date and start, moving time, distance and elevation gain (never a route)."""

    @abstractmethod
    def save_runs(self, owner: str, runner_id: int, runs: Sequence[Run]) -> list[int]:
        """Store the runs that are not copies of a stored run or of one earlier in `runs` (calfcore.runs.new_runs,
        checked in the save's own transaction), all or none. Returns the new runs' ids: the copies left out are
        `len(runs) - len(ids)`."""

    @abstractmethod
    def list_runs(self, owner: str, runner_id: int) -> list[Run]:
        """Oldest first."""

    @abstractmethod
    def update_run(self, owner: str, runner_id: int, run: Run) -> None:
        """Correct a stored run (`run.id`); NotFound if it is gone."""

    @abstractmethod
    def delete_run(self, owner: str, runner_id: int, run_id: int) -> None: ...
