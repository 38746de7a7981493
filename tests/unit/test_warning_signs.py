"""calfcore.warning_signs: a warning sign ticked in a daily check-in stands until a clean test on a later day or a
clinician's all-clear dated that day or later; while it stands, the routine, the retest, the training days, the
report's routine and the roster's stage give way to the clinician message."""

from __future__ import annotations

import datetime as dt

import pytest

from calfcore.assessment import Scored, Stopped, assess
from calfcore.calendar_feed import training_days
from calfcore.models import CheckinWarning, ClinicianAllClear, RunnerRecords
from calfcore.report import build_report
from calfcore.retest import next_retest
from calfcore.roster import FlagKind, roster_row
from calfcore.triage import Urgency
from calfcore.warning_signs import active_warning, is_cleared, warning_of
from tests.unit.helpers import TODAY, heel_test, runner

TICKED = TODAY - dt.timedelta(days=3)
DAY = dt.timedelta(days=1)


def ticked(day: dt.date = TICKED, *flags: str, id: int = 1, mistaken: bool = False) -> CheckinWarning:
    return CheckinWarning(
        flagged_on=day,
        red_flags=frozenset(flags or ("calf_swollen_warm_red",)),
        mistaken_at=dt.datetime(2025, 6, 15, 9, 0) if mistaken else None,
        id=id,
    )


def clear(day: dt.date, note: str = "") -> ClinicianAllClear:
    return ClinicianAllClear(seen_on=day, note=note, id=1)


def test_no_warning_without_a_tick() -> None:
    assert active_warning([], [clear(TODAY)], [heel_test(30, 30)]) is None


def test_a_tick_stands_with_its_date_signs_and_message() -> None:
    found = active_warning([ticked()], [], [heel_test(30, 30, day=TICKED - 10 * DAY)])
    assert found is not None
    assert found.flagged_on == TICKED and found.since == TICKED
    assert found.flag_ids == {"calf_swollen_warm_red"}
    assert found.triage.urgency is Urgency.SAME_DAY
    assert "medical care today" in found.message
    assert found.reported() == f"in the daily check-in of {TICKED:%d %b %Y}"


def test_a_clean_test_on_a_later_day_clears_it() -> None:
    assert active_warning([ticked()], [], [heel_test(30, 30, day=TICKED + DAY)]) is None


def test_a_test_the_same_day_as_the_tick_does_not_clear_it() -> None:
    """A test the same day may have come before the tick: only a later day counts."""
    assert active_warning([ticked()], [], [heel_test(30, 30, day=TICKED)]) is not None


def test_a_test_before_the_tick_does_not_clear_it() -> None:
    assert active_warning([ticked()], [], [heel_test(30, 30, day=TICKED - DAY)]) is not None


def test_a_later_test_with_its_own_warning_sign_does_not_clear_it() -> None:
    flagged = heel_test(30, 30, day=TICKED + DAY, red_flags=frozenset({"sudden_pop"}))
    assert active_warning([ticked()], [], [flagged]) is not None
    # A leg with 0 raises is a warning sign of its own (cannot rise), so it does not clear it either.
    assert active_warning([ticked()], [], [heel_test(0, 30, day=TICKED + DAY)]) is not None


def test_an_all_clear_the_same_day_or_later_clears_it() -> None:
    assert active_warning([ticked()], [clear(TICKED)], []) is None
    assert active_warning([ticked()], [clear(TICKED + 2 * DAY, "Seen by Dr Ng")], []) is None


def test_an_all_clear_dated_before_the_tick_does_not_clear_it() -> None:
    assert active_warning([ticked()], [clear(TICKED - DAY)], []) is not None


def test_a_tick_marked_mistaken_counts_for_nothing() -> None:
    assert active_warning([ticked(mistaken=True)], [], []) is None


def test_a_newer_tick_stands_after_an_older_one_was_cleared() -> None:
    older, newer = ticked(TICKED - 5 * DAY, id=1), ticked(TICKED, "sudden_pop", id=2)
    found = active_warning([newer, older], [clear(TICKED - 4 * DAY)], [])
    assert found is not None
    assert found.standing == (newer,)
    assert found.flag_ids == {"sudden_pop"}


def test_several_standing_ticks_give_the_most_urgent_message_and_every_day() -> None:
    first, second = ticked(TICKED - DAY, id=1), ticked(TICKED, "chest_pain_or_breathless", id=2)
    found = active_warning([second, first], [], [])
    assert found is not None
    assert found.since == TICKED - DAY and found.flagged_on == TICKED
    assert found.triage.urgency is Urgency.EMERGENCY
    assert found.reported() == f"in the daily check-ins of {TICKED - DAY:%d %b %Y} and {TICKED:%d %b %Y}"


def test_is_cleared_boundaries() -> None:
    tick = ticked()
    assert not is_cleared(tick, [clear(TICKED - DAY)], [heel_test(30, 30, day=TICKED)])
    assert is_cleared(tick, [clear(TICKED)], [])
    assert is_cleared(tick, [], [heel_test(30, 30, day=TICKED + DAY)])


def test_an_unknown_sign_is_refused() -> None:
    with pytest.raises(ValueError):
        active_warning([ticked(TICKED, "not_a_flag")], [], [])


# --- where the warning is routed -----------------------------------------------------------------------------------


def _records(*, cleared: bool = False) -> RunnerRecords:
    tests = [heel_test(32, 31, day=TICKED - 7 * DAY, id=1)]
    return RunnerRecords(
        runner(),
        tests,
        [],
        [],
        checkin_warnings=[ticked()],
        all_clears=[clear(TODAY)] if cleared else [],
    )


def test_the_assessment_gives_way_to_a_standing_warning() -> None:
    records = _records()
    latest = records.tests[-1]
    before = assess(latest, records.runner, records.tests, [], TODAY)
    assert isinstance(before, Scored)
    result = assess(latest, records.runner, records.tests, [], TODAY, warning=warning_of(records))
    assert isinstance(result, Stopped) and result.triage.stop
    assert result.warning is not None and result.warning.flagged_on == TICKED


def test_no_routine_retest_or_training_days_while_it_stands_and_they_come_back_after_an_all_clear() -> None:
    records = _records()
    routine, plan = next_retest(records.runner, records.tests, [], TODAY, warning=warning_of(records))
    assert routine is None and plan is None
    cleared = _records(cleared=True)
    assert warning_of(cleared) is None
    routine, plan = next_retest(cleared.runner, cleared.tests, [], TODAY, warning=warning_of(cleared))
    assert routine is not None and plan is not None
    assert training_days(TODAY, routine.sessions_per_week) != []


def test_the_report_shows_the_warning_instead_of_the_routine() -> None:
    records = _records()
    report = build_report(records.runner, records.tests, [], TODAY, warning=warning_of(records))
    headings = [section.heading for section in report.sections]
    assert "Warning sign: see a clinician" in headings
    assert "Current stage and routine" not in headings
    alert = next(section for section in report.sections if section.alert)
    assert any(f"daily check-in of {TICKED:%d %b %Y}" in line for line in alert.lines)
    assert any("Is a calf swollen" in line for line in alert.lines)
    cleared = _records(cleared=True)
    headings = [s.heading for s in build_report(cleared.runner, cleared.tests, [], TODAY).sections]
    assert "Current stage and routine" in headings


def test_the_report_without_a_test_still_leads_with_the_warning() -> None:
    records = RunnerRecords(runner(), [], [], [], checkin_warnings=[ticked()])
    report = build_report(records.runner, [], [], TODAY, warning=warning_of(records))
    assert any(section.alert for section in report.sections)


def test_the_roster_flags_it_first_with_its_date_and_no_stage_or_retest() -> None:
    records = _records()
    row = roster_row(records.runner, records.tests, [], [], TODAY + 30 * DAY, warning=warning_of(records))
    assert row.flags[0].kind is FlagKind.WARNING_SIGN
    assert f"daily check-in of {TICKED:%d %b %Y}" in row.flags[0].reason
    assert row.stage is None
    assert not any(flag.kind is FlagKind.RETEST_DUE for flag in row.flags)
    clean = roster_row(records.runner, records.tests, [], [], TODAY + 30 * DAY)
    assert clean.stage is not None and not any(f.kind is FlagKind.WARNING_SIGN for f in clean.flags)
