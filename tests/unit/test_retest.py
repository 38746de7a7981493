"""calfcore.retest: the retest schedule per stage, the runner's own interval, days away; and the store keeping those
records per owner (both backends). The calendar feed: test_calendar_feed.py; the checklist: test_readiness.py."""

from __future__ import annotations

import datetime as dt

import pytest

from calfcore.models import (
    LegPair,
    Protocol,
    RoutineLogEntry,
    RunnerProfile,
    Sex,
    Surface,
)
from calfcore.progress import weekly_routine
from calfcore.readiness import (
    ReadinessCheck,
)
from calfcore.retest import AwayDay, AwayReason, due_date, plan_retest, planned_sessions
from calfcore.routine import Stage
from calfcore.sharing import token_hash
from calfstore import Store
from calfstore.tables import count_rows, table_text
from tests.unit.helpers import TODAY, heel_test, hop

MONDAY = TODAY  # 16 June 2025


# -- retest schedule ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("stage, days", [(Stage.CALM_DOWN, 14), (Stage.BUILD, 14), (Stage.LOAD, 28), (Stage.POWER, 28)])
def test_the_next_test_is_two_weeks_on_while_calming_or_building_and_four_once_loading(stage, days) -> None:
    plan = plan_retest(heel_test(20, 22, day=MONDAY), stage)
    assert plan.due_on == MONDAY + dt.timedelta(days=days)
    assert plan.every_days == days and not plan.own_choice
    assert stage.value.replace("_", " ") in plan.why


def test_retest_due_from_its_day_on_and_not_the_day_before() -> None:
    plan = plan_retest(heel_test(20, 22, day=MONDAY), Stage.BUILD)
    assert not plan.is_due(MONDAY + dt.timedelta(days=13))
    assert plan.is_due(MONDAY + dt.timedelta(days=14))
    assert plan.is_due(MONDAY + dt.timedelta(days=20))


def test_the_runners_own_interval_wins_over_the_stage() -> None:
    plan = plan_retest(heel_test(35, 35, day=MONDAY), Stage.POWER, own_every_days=7)
    assert plan.due_on == MONDAY + dt.timedelta(days=7)
    assert plan.why == "every week, your choice"
    with pytest.raises(ValueError):
        plan_retest(heel_test(35, 35), Stage.POWER, own_every_days=3)


def test_the_plan_names_the_protocol_to_repeat_like_for_like() -> None:
    cued_flat = Protocol(cadence_bpm=60, surface=Surface.FLAT, cued=True, fingertip_support=True)
    plan = plan_retest(heel_test(20, 22, protocol=cued_flat, bent_reps=LegPair(25, 25)), Stage.BUILD)
    assert plan.repeat == "flat floor, 60 beats/min, cued; knee straight and knee bent"
    assert "incline" in plan_retest(heel_test(20, 22), Stage.BUILD).repeat


def test_no_retest_reminder_after_a_warning_sign() -> None:
    assert plan_retest(heel_test(20, 22), None) is None


def test_days_away_move_the_retest_and_silence_the_reminder() -> None:
    away = {MONDAY + dt.timedelta(days=n) for n in (3, 4, 5)}  # ill from Thursday to Saturday
    assert due_date(MONDAY, 14, away) == MONDAY + dt.timedelta(days=17)
    assert due_date(MONDAY, 14, away={MONDAY + dt.timedelta(days=30)}) == MONDAY + dt.timedelta(days=14)
    plan = plan_retest(heel_test(20, 22, day=MONDAY), Stage.BUILD, away=away)
    assert not plan.is_due(MONDAY + dt.timedelta(days=16), away)
    assert plan.is_due(MONDAY + dt.timedelta(days=17), away)
    travelling = away | {MONDAY + dt.timedelta(days=18)}
    assert not plan.is_due(MONDAY + dt.timedelta(days=18), travelling)  # no reminder on a day away


def test_days_away_leave_the_adherence_count_alone() -> None:
    assert planned_sessions(3, MONDAY, ()) == 3
    assert planned_sessions(3, MONDAY, {MONDAY + dt.timedelta(days=n) for n in range(7)}) == 0
    assert planned_sessions(3, MONDAY, {MONDAY + dt.timedelta(days=n) for n in range(4)}) == 1
    logs = [RoutineLogEntry(MONDAY, "single_leg_calf_raise", 3, 15)]
    whole_week_ill = {MONDAY + dt.timedelta(days=n) for n in range(7)}
    without = weekly_routine(logs, 3, MONDAY + dt.timedelta(days=7), weeks=2)
    assert list(without["adherence_percent"]) == [33, 0]
    ill = weekly_routine([], 3, MONDAY + dt.timedelta(days=7), weeks=2, away=whole_week_ill)
    assert list(ill["planned"]) == [0, 3] and list(ill["adherence_percent"]) == [100, 0]


NOW = dt.datetime(2025, 6, 16, 9, 30)


# -- the store ------------------------------------------------------------------------------------------------------


def test_store_keeps_days_away_choice_hops_checks_and_feeds_per_owner(store: Store) -> None:
    sam = store.create_runner("owner-a", RunnerProfile("Sam", 1990, Sex.FEMALE))
    other = store.create_runner("owner-b", RunnerProfile("Kim", 1990, Sex.FEMALE))
    store.set_away_days("owner-a", sam.id, [AwayDay(MONDAY, AwayReason.ILL)])
    store.set_away_days("owner-a", sam.id, [AwayDay(MONDAY, AwayReason.TRAVELLING)])  # replaces the reason
    assert [(a.day, a.reason) for a in store.list_away_days("owner-a", sam.id)] == [(MONDAY, AwayReason.TRAVELLING)]
    assert store.retest_choice("owner-a", sam.id) is None
    store.set_retest_choice("owner-a", sam.id, 21)
    assert store.retest_choice("owner-a", sam.id) == 21
    store.set_retest_choice("owner-a", sam.id, None)
    assert store.retest_choice("owner-a", sam.id) is None
    store.save_hop_test("owner-a", sam.id, hop(12, 11, (1, 2), flags={"sudden_pop"}))
    assert store.list_hop_tests("owner-a", sam.id)[0].hops == LegPair(12, 11)
    assert store.list_hop_tests("owner-a", sam.id)[0].red_flags == {"sudden_pop"}
    store.save_readiness_check("owner-a", sam.id, ReadinessCheck(MONDAY, True, False))
    assert store.list_readiness_checks("owner-a", sam.id)[0].settled_next_morning is False

    token = "t" * 43
    feed = store.create_calendar_feed("owner-a", sam.id, token_hash(token), False, None, NOW)
    assert store.resolve_calendar_feed(token_hash(token), NOW).owner_key == "owner-a"
    assert token not in table_text(store, "calendar_feeds")
    store.revoke_calendar_feed("owner-a", sam.id, feed.id, NOW)
    assert store.resolve_calendar_feed(token_hash(token), NOW) is None
    expiring = store.create_calendar_feed("owner-a", sam.id, token_hash("e" * 43), False, NOW, NOW)
    assert store.resolve_calendar_feed(token_hash("e" * 43), NOW) is None and expiring.status(NOW).value == "expired"

    for read in (store.list_away_days, store.list_hop_tests, store.list_readiness_checks, store.list_calendar_feeds):
        with pytest.raises(LookupError):
            read("owner-b", sam.id)  # another owner reaches nothing
    assert store.list_hop_tests("owner-b", other.id) == []
    store.delete_runner("owner-a", sam.id)
    assert all(count == 0 for count in count_rows(store, sam.id).values())
