"""Planning the way back: days away, the runner's own retest interval, hop tests and readiness checks before running
again, and warning signs that last (ticked in a daily check-in, cleared by a clean test or a clinician's all-clear)."""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Sequence

from calfcore.models import CheckinWarning, ClinicianAllClear
from calfcore.readiness import HopTest, ReadinessCheck
from calfcore.retest import AwayDay


class PlanningStore(ABC):
    """Retests, return to run, and stored warning signs of one runner."""

    # -- retests and return to run ----------------------------------------------------------------------------------

    @abstractmethod
    def set_away_days(self, owner: str, runner_id: int, days: Sequence[AwayDay]) -> None: ...

    @abstractmethod
    def list_away_days(self, owner: str, runner_id: int) -> list[AwayDay]: ...

    @abstractmethod
    def delete_away_day(self, owner: str, runner_id: int, away_id: int) -> None: ...

    @abstractmethod
    def set_retest_choice(self, owner: str, runner_id: int, every_days: int | None) -> None: ...

    @abstractmethod
    def retest_choice(self, owner: str, runner_id: int) -> int | None: ...

    @abstractmethod
    def save_hop_test(self, owner: str, runner_id: int, test: HopTest) -> int: ...

    @abstractmethod
    def list_hop_tests(self, owner: str, runner_id: int) -> list[HopTest]: ...

    @abstractmethod
    def delete_hop_test(self, owner: str, runner_id: int, hop_test_id: int) -> None: ...

    @abstractmethod
    def save_readiness_check(self, owner: str, runner_id: int, check: ReadinessCheck) -> int: ...

    @abstractmethod
    def list_readiness_checks(self, owner: str, runner_id: int) -> list[ReadinessCheck]: ...

    @abstractmethod
    def delete_readiness_check(self, owner: str, runner_id: int, check_id: int) -> None: ...

    # -- warning signs that last --------------------------------------------------------------------------------------
    # A warning sign ticked in a daily check-in stands until a clean test on a later day or a clinician's all-clear
    # (calfcore.warning_signs); load_records returns both kinds of record with the rest.

    @abstractmethod
    def save_checkin_warning(self, owner: str, runner_id: int, warning: CheckinWarning) -> int: ...

    @abstractmethod
    def list_checkin_warnings(self, owner: str, runner_id: int) -> list[CheckinWarning]:
        """Oldest first, those marked mistaken too (marked)."""

    @abstractmethod
    def mark_checkin_warning_mistaken(self, owner: str, runner_id: int, warning_id: int, now: dt.datetime) -> None:
        """The runner says the tick was a mistake: it stays on record, marked, and counts for nothing."""

    @abstractmethod
    def save_all_clear(self, owner: str, runner_id: int, clear: ClinicianAllClear) -> int: ...

    @abstractmethod
    def list_all_clears(self, owner: str, runner_id: int) -> list[ClinicianAllClear]: ...

    @abstractmethod
    def delete_all_clear(self, owner: str, runner_id: int, clear_id: int) -> None:
        """Take back an all-clear recorded by mistake."""
