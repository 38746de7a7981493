"""The store's operations with the owner filled in, by group, as the store's face groups them (calfstore.faces).

`OwnerData` and `CoachData` (calfui.cache) are made of these: `data.save_test(runner_id, test)` is
`store.save_test(owner, runner_id, test)` on the store they hold (its backend's own method). Each group forwards
only what pages call; a new operation a page calls is one line in its group's class, a new group a new class here.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Concatenate, Generic, ParamSpec, Protocol, TypeVar

from calfstore import CoachingStore, PlanningStore, RunnerRecordsStore, RunsStore, SharingStore, Store
from calfui import run_versions

P = ParamSpec("P")
R = TypeVar("R")


class Bound(Protocol):
    """Whoever a forward is for: a store and the owner to fill in."""

    @property
    def store(self) -> Store: ...

    @property
    def owner(self) -> str: ...


class ForOwner(Generic[P, R]):
    """A store operation with the owner filled in, looked up on the store the instance holds. Unless it only reads
    (`reads=True`), the run forgets the data versions it has seen once the operation is over (calfui.run_versions):
    its next cached read asks again, so it shows what the run just wrote."""

    def __init__(self, operation: Callable[Concatenate[Store, str, P], R], *, reads: bool = False):
        self._name = operation.__name__
        self._reads = reads

    def __get__(self, data: Bound, kind: type | None = None) -> Callable[P, R]:
        bound: Callable[Concatenate[str, P], R] = getattr(data.store, self._name)
        if self._reads:
            return functools.partial(bound, data.owner)
        owner = data.owner

        def write(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return bound(owner, *args, **kwargs)
            finally:  # a refused write changed nothing, but forgetting costs one question at most
                run_versions.forget()

        return write


class RunnerRecordsForOwner:
    """A runner and their records (calfstore.faces.records)."""

    # Writes (each one transaction; every one changes this owner's data version, so cached reads start afresh).
    create_runner = ForOwner(RunnerRecordsStore.create_runner)
    update_runner = ForOwner(RunnerRecordsStore.update_runner)
    delete_runner = ForOwner(RunnerRecordsStore.delete_runner)
    delete_owner = ForOwner(RunnerRecordsStore.delete_owner)
    save_test = ForOwner(RunnerRecordsStore.save_test)
    update_test = ForOwner(RunnerRecordsStore.update_test)
    delete_test = ForOwner(RunnerRecordsStore.delete_test)
    add_symptoms = ForOwner(RunnerRecordsStore.add_symptoms)
    delete_symptom = ForOwner(RunnerRecordsStore.delete_symptom)
    add_routine_log = ForOwner(RunnerRecordsStore.add_routine_log)
    delete_routine_log = ForOwner(RunnerRecordsStore.delete_routine_log)
    import_records = ForOwner(RunnerRecordsStore.import_records)
    # Reads straight from the store: wrap them in `cached` where a page reads them on every rerun.
    list_runners = ForOwner(RunnerRecordsStore.list_runners, reads=True)
    get_runner = ForOwner(RunnerRecordsStore.get_runner, reads=True)
    test_revision = ForOwner(RunnerRecordsStore.test_revision, reads=True)  # never cached: checked just before an edit


class SharingForOwner:
    """The runner's share links and calendar feeds (calfstore.faces.sharing)."""

    create_share_link = ForOwner(SharingStore.create_share_link)
    revoke_share_link = ForOwner(SharingStore.revoke_share_link)
    set_link_comments = ForOwner(SharingStore.set_link_comments)
    create_calendar_feed = ForOwner(SharingStore.create_calendar_feed)
    revoke_calendar_feed = ForOwner(SharingStore.revoke_calendar_feed)
    list_share_links = ForOwner(SharingStore.list_share_links, reads=True)
    list_calendar_feeds = ForOwner(SharingStore.list_calendar_feeds, reads=True)


class CommentsForOwner:
    """The runner's side of coaching: the comments on their tests (calfstore.faces.coaching)."""

    hide_comment = ForOwner(CoachingStore.hide_comment)
    mark_comment_read = ForOwner(CoachingStore.mark_comment_read)
    list_comments = ForOwner(CoachingStore.list_comments, reads=True)


class PlanningForOwner:
    """Days away, retests, return to run and stored warning signs (calfstore.faces.planning)."""

    set_away_days = ForOwner(PlanningStore.set_away_days)
    delete_away_day = ForOwner(PlanningStore.delete_away_day)
    set_retest_choice = ForOwner(PlanningStore.set_retest_choice)
    save_hop_test = ForOwner(PlanningStore.save_hop_test)
    delete_hop_test = ForOwner(PlanningStore.delete_hop_test)
    save_readiness_check = ForOwner(PlanningStore.save_readiness_check)
    delete_readiness_check = ForOwner(PlanningStore.delete_readiness_check)
    save_checkin_warning = ForOwner(PlanningStore.save_checkin_warning)
    mark_checkin_warning_mistaken = ForOwner(PlanningStore.mark_checkin_warning_mistaken)
    save_all_clear = ForOwner(PlanningStore.save_all_clear)
    delete_all_clear = ForOwner(PlanningStore.delete_all_clear)
    list_away_days = ForOwner(PlanningStore.list_away_days, reads=True)
    retest_choice = ForOwner(PlanningStore.retest_choice, reads=True)
    list_hop_tests = ForOwner(PlanningStore.list_hop_tests, reads=True)
    list_readiness_checks = ForOwner(PlanningStore.list_readiness_checks, reads=True)
    # records() carries them too, cached
    list_checkin_warnings = ForOwner(PlanningStore.list_checkin_warnings, reads=True)
    list_all_clears = ForOwner(PlanningStore.list_all_clears, reads=True)


class RunsForOwner:
    """The runner's runs (calfstore.faces.runs); records() carries them too, cached."""

    save_runs = ForOwner(RunsStore.save_runs)
    update_run = ForOwner(RunsStore.update_run)
    delete_run = ForOwner(RunsStore.delete_run)
    list_runs = ForOwner(RunsStore.list_runs, reads=True)


class CoachingForCoach:
    """A coach's roster, comments and notes, with the coach's own key filled in (calfstore.faces.coaching)."""

    list_roster = ForOwner(CoachingStore.list_roster, reads=True)  # never cached: a revoked link ends at the next click
    add_to_roster = ForOwner(CoachingStore.add_to_roster)
    remove_from_roster = ForOwner(CoachingStore.remove_from_roster)
    add_comment = ForOwner(CoachingStore.add_comment)
    comments_through_link = ForOwner(CoachingStore.comments_through_link, reads=True)
    coach_note = ForOwner(CoachingStore.coach_note, reads=True)
    save_coach_note = ForOwner(CoachingStore.save_coach_note)
