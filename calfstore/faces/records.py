"""A runner and their records: the profile, heel-raise tests with their symptoms, symptoms of a day, the training
log, and an import of all of these at once."""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Sequence

from calfcore.models import HeelRaiseTest, RoutineLogEntry, RunnerProfile, RunnerRecords, SymptomEntry


class RunnerRecordsStore(ABC):
    """Runner profiles and what each runner recorded, scoped to their owner."""

    # -- runners ------------------------------------------------------------------------------------------------

    @abstractmethod
    def create_runner(self, owner: str, runner: RunnerProfile) -> RunnerProfile: ...

    @abstractmethod
    def update_runner(self, owner: str, runner: RunnerProfile) -> RunnerProfile: ...

    @abstractmethod
    def list_runners(self, owner: str) -> list[RunnerProfile]: ...

    @abstractmethod
    def get_runner(self, owner: str, runner_id: int) -> RunnerProfile: ...

    @abstractmethod
    def delete_runner(self, owner: str, runner_id: int) -> None: ...

    @abstractmethod
    def delete_owner(self, owner: str) -> int: ...

    @abstractmethod
    def load_records(self, owner: str, runner_id: int) -> RunnerRecords: ...

    @abstractmethod
    def records_with_test(self, owner: str, runner_id: int, records: RunnerRecords, test_id: int) -> RunnerRecords:
        """`records` with test `test_id` (just saved) added as load_records would give it: see SqlStore."""

    @abstractmethod
    def records_with_log(self, owner: str, runner_id: int, records: RunnerRecords, log_id: int) -> RunnerRecords:
        """`records` with training log entry `log_id` (just added) added as load_records would give it."""

    # -- heel-raise tests, symptoms, training ------------------------------------------------------------------

    @abstractmethod
    def save_test(
        self, owner: str, runner_id: int, test: HeelRaiseTest, symptoms: Sequence[SymptomEntry] = ()
    ) -> int: ...

    @abstractmethod
    def update_test(
        self, owner: str, runner_id: int, test: HeelRaiseTest, symptoms: Sequence[SymptomEntry], expected_revision: int
    ) -> int: ...

    @abstractmethod
    def test_revision(self, owner: str, runner_id: int, test_id: int) -> int: ...

    @abstractmethod
    def delete_test(self, owner: str, runner_id: int, test_id: int) -> None: ...

    @abstractmethod
    def list_tests(self, owner: str, runner_id: int) -> list[HeelRaiseTest]: ...

    @abstractmethod
    def add_symptoms(self, owner: str, runner_id: int, entries: Sequence[SymptomEntry]) -> None: ...

    @abstractmethod
    def list_symptoms(self, owner: str, runner_id: int, since: dt.date | None = None) -> list[SymptomEntry]: ...

    @abstractmethod
    def delete_symptom(self, owner: str, runner_id: int, symptom_id: int) -> None: ...

    @abstractmethod
    def add_routine_log(self, owner: str, runner_id: int, entry: RoutineLogEntry) -> int: ...

    @abstractmethod
    def list_routine_logs(self, owner: str, runner_id: int) -> list[RoutineLogEntry]: ...

    @abstractmethod
    def delete_routine_log(self, owner: str, runner_id: int, log_id: int) -> None: ...

    @abstractmethod
    def import_records(
        self,
        owner: str,
        runner_id: int,
        tests: Sequence[tuple[HeelRaiseTest, Sequence[SymptomEntry]]],
        symptoms: Sequence[SymptomEntry],
        routine_logs: Sequence[RoutineLogEntry],
    ) -> None: ...
