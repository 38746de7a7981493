"""The store's face: every operation the app needs, scoped to an owner, the same for DuckDB and PostgreSQL.

An owner is whoever the data belongs to: this machine in local mode (LOCAL_OWNER), or a logged-in person's identity.
Every operation that reads or writes a runner's rows takes the owner and refuses (NotFound) a runner that is not
theirs. Share links and calendar feeds are resolved by the hash of their token, the one way in without an owner.

Failures are `calfstore.errors.StoreError`s with a message for the person: no driver exception leaves a store.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Sequence

from calfcore.calendar_feed import CalendarFeed, ResolvedFeed
from calfcore.coaching import RosterEntry, TestComment
from calfcore.models import (
    CheckinWarning,
    ClinicianAllClear,
    HeelRaiseTest,
    RoutineLogEntry,
    RunnerProfile,
    RunnerRecords,
    SymptomEntry,
)
from calfcore.readiness import HopTest, ReadinessCheck
from calfcore.retest import AwayDay
from calfcore.sharing import ResolvedShare, ShareLink

LOCAL_OWNER = "local"


class Store(ABC):
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
    def data_version(self, owner: str) -> int:
        """A number that changes whenever this owner's data (profiles, records, links) changes, in any process
        that shares this database. Read caches key on it."""

    @abstractmethod
    def migrate(self) -> list[int]:
        """Bring the schema up to date; returns the versions applied now."""

    @abstractmethod
    def schema_versions(self) -> list[int]: ...

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
    def add_routine_log(self, owner: str, runner_id: int, entry: RoutineLogEntry) -> None: ...

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

    # -- share links ----------------------------------------------------------------------------------------------

    @abstractmethod
    def create_share_link(
        self,
        owner: str,
        runner_id: int,
        label: str,
        token_sha256: str,
        expires_at: dt.datetime | None,
        now: dt.datetime,
    ) -> ShareLink: ...

    @abstractmethod
    def list_share_links(self, owner: str, runner_id: int) -> list[ShareLink]: ...

    @abstractmethod
    def revoke_share_link(self, owner: str, runner_id: int, link_id: int, now: dt.datetime) -> None: ...

    @abstractmethod
    def resolve_share(self, token_sha256: str, now: dt.datetime) -> ResolvedShare | None: ...

    @abstractmethod
    def mark_share_used(self, owner: str, link_id: int, now: dt.datetime) -> None: ...

    @abstractmethod
    def set_link_comments(self, owner: str, runner_id: int, link_id: int, allowed: bool) -> None:
        """The runner lets (or stops) whoever holds one of their links comment on their tests."""

    # -- coaches: a roster of links, comments on tests, private notes ----------------------------------------------
    # A coach is a logged-in owner (`coach`) holding a link's token: every operation finds the link by the token's
    # hash and checks, in the same transaction, that it is live (and for a comment, that it allows comments).

    @abstractmethod
    def add_to_roster(self, coach: str, token_sha256: str, now: dt.datetime) -> RosterEntry:
        """Keep a live link on the coach's roster (once: adding it again returns the entry). NotFound if the link
        doesn't work."""

    @abstractmethod
    def list_roster(self, coach: str, now: dt.datetime) -> list[RosterEntry]:
        """The coach's roster as it stands now: never cached, so a revoked or expired link shows as ended at once."""

    @abstractmethod
    def remove_from_roster(self, coach: str, entry_id: int) -> None: ...

    @abstractmethod
    def add_comment(
        self, coach: str, author: str, token_sha256: str, test_id: int, body: str, now: dt.datetime
    ) -> TestComment:
        """A coach's comment on one of the link's runner's tests. NotAllowed unless the link is live and allows
        comments; NotFound if the test isn't that runner's."""

    @abstractmethod
    def comments_through_link(self, coach: str, token_sha256: str, now: dt.datetime) -> list[TestComment]:
        """The comments this coach left through this (live) link, oldest first; none once it ended."""

    @abstractmethod
    def list_comments(self, owner: str, runner_id: int) -> list[TestComment]:
        """Every comment on a runner's tests (hidden ones too, marked), oldest first: the runner's view."""

    @abstractmethod
    def hide_comment(self, owner: str, runner_id: int, comment_id: int, now: dt.datetime) -> None: ...

    @abstractmethod
    def mark_comment_read(self, owner: str, runner_id: int, comment_id: int, now: dt.datetime) -> None:
        """The runner has seen this comment: it leaves the unread ones (the dashboard), and stays under its test in
        History. Marking it again keeps the first time. NotFound if it isn't a comment on this runner's tests."""

    @abstractmethod
    def coach_note(self, coach: str, token_sha256: str, now: dt.datetime) -> str | None:
        """The coach's private notes on the link's runner (None: the link doesn't work). Never the runner's to see."""

    @abstractmethod
    def save_coach_note(self, coach: str, token_sha256: str, body: str, now: dt.datetime) -> None: ...

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

    # -- calendar feeds ------------------------------------------------------------------------------------------------

    @abstractmethod
    def create_calendar_feed(
        self,
        owner: str,
        runner_id: int,
        token_sha256: str,
        show_exercise_names: bool,
        expires_at: dt.datetime | None,
        now: dt.datetime,
    ) -> CalendarFeed: ...

    @abstractmethod
    def list_calendar_feeds(self, owner: str, runner_id: int) -> list[CalendarFeed]: ...

    @abstractmethod
    def revoke_calendar_feed(self, owner: str, runner_id: int, feed_id: int, now: dt.datetime) -> None: ...

    @abstractmethod
    def resolve_calendar_feed(self, token_sha256: str, now: dt.datetime) -> ResolvedFeed | None: ...
