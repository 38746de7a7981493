"""Issue 15: the retest schedule per stage, days away, the calendar feed's contents, and the return-to-run checklist
with its boundaries. Pure rules on fixed dates, and the store's new records on a real DuckDB file."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest

from calfcore.calendar_feed import (
    RETEST_SUMMARY,
    TRAINING_SUMMARY,
    build_feed,
    training_days,
)
from calfcore.models import (
    LegPair,
    Protocol,
    RoutineLogEntry,
    RunnerProfile,
    Sex,
    Side,
    Surface,
)
from calfcore.progress import weekly_routine
from calfcore.readiness import (
    HopTest,
    ReadinessCheck,
    assess_readiness,
    hop_symmetry,
    hops_frame,
    hops_met,
)
from calfcore.retest import AwayDay, AwayReason, due_date, plan_retest, planned_sessions
from calfcore.routine import Stage, exercise_library
from calfcore.sharing import token_hash
from calfstore import Store
from calfstore.tables import count_rows, table_text
from tests.unit.helpers import TODAY, heel_test, runner

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


# -- the calendar feed ----------------------------------------------------------------------------------------------

NOW = dt.datetime(2025, 6, 16, 9, 30)
HEALTH_WORDS = (
    "pain",
    "injur",
    "achilles",
    "calf raise",
    "heel",
    "tendon",
    "stage",
    "hop",
    "incline",
    "ill",
    "symptom",
    "rehab",
    "physio",
)


def _events(feed: bytes) -> list[icalendar.Event]:
    return icalendar.Calendar.from_ical(feed).walk("VEVENT")


def test_training_days_spread_over_the_week_and_skip_days_away() -> None:
    assert training_days(MONDAY + dt.timedelta(days=3), 3) == [
        MONDAY,
        MONDAY + dt.timedelta(days=2),
        MONDAY + dt.timedelta(days=4),
    ]
    assert training_days(MONDAY, 2) == [MONDAY + dt.timedelta(days=1), MONDAY + dt.timedelta(days=4)]
    assert training_days(MONDAY, 3, away={MONDAY + dt.timedelta(days=2)}) == [MONDAY, MONDAY + dt.timedelta(days=4)]


def test_the_feed_has_the_weeks_training_and_the_retest_as_all_day_events_without_health_words() -> None:
    days = training_days(MONDAY, 3)
    feed = build_feed(
        "feed7",
        days,
        MONDAY + dt.timedelta(days=14),
        NOW,
        exercise_names=["Single-leg calf raise"],
        retest_protocol="10° incline, 60 beats/min, not cued; knee straight",
    )
    calendar = icalendar.Calendar.from_ical(feed)
    assert str(calendar["VERSION"]) == "2.0"
    events = _events(feed)
    assert [(str(e["SUMMARY"]), e["DTSTART"].dt) for e in events] == [
        *((TRAINING_SUMMARY, day) for day in days),
        (RETEST_SUMMARY, MONDAY + dt.timedelta(days=14)),
    ]
    for event in events:
        # A date, not a time: the same day in every time zone; the stamp is UTC.
        assert type(event["DTSTART"].dt) is dt.date and type(event["DTEND"].dt) is dt.date
        assert event["DTEND"].dt - event["DTSTART"].dt == dt.timedelta(days=1)
        assert event["DTSTAMP"].dt == NOW.replace(tzinfo=dt.UTC)
        assert "DESCRIPTION" not in event
    text = feed.decode().lower()
    for word in HEALTH_WORDS:
        assert word not in text, word
    for exercise in exercise_library().values():
        assert exercise.name.lower() not in text
    assert len({str(e["UID"]) for e in events}) == len(events)


def test_exercise_names_only_when_the_runner_chooses() -> None:
    feed = build_feed(
        "feed7",
        training_days(MONDAY, 3),
        MONDAY,
        NOW,
        show_exercise_names=True,
        exercise_names=["Single-leg calf raise", "Seated calf raise"],
        retest_protocol="10° incline, 60 beats/min, not cued; knee straight",
    )
    training, *_, retest = _events(feed)
    assert str(training["DESCRIPTION"]) == "This week: Single-leg calf raise, Seated calf raise"
    assert "10° incline" in str(retest["DESCRIPTION"])


def test_the_same_feed_keeps_its_event_ids_between_fetches() -> None:
    first = build_feed("feed7", training_days(MONDAY, 3), MONDAY, NOW)
    again = build_feed("feed7", training_days(MONDAY, 3), MONDAY, NOW + dt.timedelta(hours=5))
    assert [str(e["UID"]) for e in _events(first)] == [str(e["UID"]) for e in _events(again)]


# -- return-to-run checklist ----------------------------------------------------------------------------------------


def hop(left: int, right: int, pain: tuple[int, int] = (0, 0), day: dt.date = MONDAY, flags=frozenset()) -> HopTest:
    return HopTest(day, LegPair(left, right), LegPair(*pain), red_flags=frozenset(flags))


@pytest.mark.parametrize(
    "hops, pain, met",
    [
        ((10, 10), (2, 2), True),  # the boundaries themselves count
        ((15, 12), (0, 1), True),
        ((9, 15), (0, 0), False),  # one leg under 10
        ((10, 10), (3, 0), False),  # pain over 2 on one leg
    ],
)
def test_hops_item_boundaries(hops, pain, met) -> None:
    assert hops_met(hop(*hops, pain=pain)) is met


def _status(readiness, item_id):
    return next(s for s in readiness.items if s.item.id == item_id)


def test_checklist_items_met_by_the_latest_records_with_the_day_they_were_last_met() -> None:
    sam = runner()
    earlier, later = MONDAY - dt.timedelta(days=7), MONDAY
    checks = [ReadinessCheck(earlier, True, True), ReadinessCheck(later, True, False)]
    hops = [hop(12, 12, day=earlier), hop(12, 9, day=later)]
    tests = [heel_test(30, 27, day=earlier), heel_test(30, 30, day=later)]
    readiness = assess_readiness(sam, checks, hops, tests)
    assert not readiness.triage.stop
    assert (_status(readiness, "walk").met, _status(readiness, "walk").last_met) == (True, later)
    assert (_status(readiness, "settled").met, _status(readiness, "settled").last_met) == (False, earlier)
    assert (_status(readiness, "hops").met, _status(readiness, "hops").last_met) == (False, earlier)
    assert (_status(readiness, "raises").met, _status(readiness, "raises").last_met) == (True, later)
    # 27 ÷ 30 = 90% with hops 12/12 on the earlier day; 9 ÷ 12 = 75% hops on the later one.
    assert (_status(readiness, "symmetry").met, _status(readiness, "symmetry").last_met) == (False, earlier)
    assert not readiness.all_met
    for status in readiness.items:
        assert status.item.sources and all(source.tag for source in status.item.sources)


def test_raises_item_boundary_is_the_runner_target_on_each_leg() -> None:
    sam = runner()
    assert _status(assess_readiness(sam, [], [], [heel_test(30, 30)]), "raises").met is True
    assert _status(assess_readiness(sam, [], [], [heel_test(29, 40)]), "raises").met is False
    assert _status(assess_readiness(sam, [], [], []), "raises").met is None


def test_symmetry_boundary_is_90_percent_in_raises_and_hops() -> None:
    sam = runner()
    assert _status(assess_readiness(sam, [], [hop(9, 10)], [heel_test(27, 30)]), "symmetry").met is True
    assert _status(assess_readiness(sam, [], [hop(9, 10)], [heel_test(26, 30)]), "symmetry").met is False
    assert _status(assess_readiness(sam, [], [hop(8, 10)], [heel_test(30, 30)]), "symmetry").met is False


def test_all_met_when_every_item_is() -> None:
    readiness = assess_readiness(
        runner(), [ReadinessCheck(MONDAY, True, True)], [hop(12, 12, (1, 2))], [heel_test(31, 32)]
    )
    assert readiness.all_met


@pytest.mark.parametrize("where", ["check", "hops", "test"])
def test_a_warning_sign_anywhere_gives_the_tests_message_and_no_checklist(where) -> None:
    flags = frozenset({"sudden_pop"})
    checks = [ReadinessCheck(MONDAY, True, True, red_flags=flags if where == "check" else frozenset())]
    hops = [hop(12, 12, flags=flags if where == "hops" else frozenset())]
    tests = [heel_test(31, 31, red_flags=flags if where == "test" else frozenset())]
    readiness = assess_readiness(runner(), checks, hops, tests)
    assert readiness.triage.stop and readiness.items == () and not readiness.all_met
    assert "medical care today" in readiness.triage.message


def test_hop_symmetry_and_chart_rows() -> None:
    sam = runner(injured_side=Side.RIGHT)
    assert hop_symmetry(hop(10, 8), sam) == 80.0
    frame = hops_frame([hop(10, 8, pain=(0, 3))], sam)
    assert list(frame["hops"]) == [10, 8] and list(frame["pain"]) == [0, 3]
    assert list(frame["symmetry_percent"]) == [80.0, 80.0]


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
