"""calfcore.checkin: a daily check-in asks the warning signs on pain over 5 or a new pain; a sign replaces advice."""

from __future__ import annotations

import datetime as dt

from calfcore.checkin import NEW_PAIN_LOOKBACK_DAYS, advise, read_checkin
from calfcore.models import PainLocation, Side
from tests.unit.helpers import TODAY, symptom


def test_pain_over_five_asks_the_warning_signs_and_five_does_not() -> None:
    assert read_checkin([symptom(TODAY, Side.LEFT, during=6)], []).too_much_pain
    calm = read_checkin(
        [symptom(TODAY, Side.LEFT, during=5)], [symptom(TODAY - dt.timedelta(days=3), Side.LEFT, during=5)]
    )
    assert not calm.ask_warning_signs


def test_a_pain_is_new_when_that_leg_had_none_in_the_two_weeks_before() -> None:
    long_ago = symptom(TODAY - dt.timedelta(days=NEW_PAIN_LOOKBACK_DAYS + 1), Side.RIGHT, during=3)
    recent = symptom(TODAY - dt.timedelta(days=2), Side.RIGHT, during=3)
    assert read_checkin([symptom(TODAY, Side.RIGHT, during=3)], [long_ago]).new_pain
    assert not read_checkin([symptom(TODAY, Side.RIGHT, during=3)], [recent]).new_pain


def test_a_warning_sign_replaces_the_advice_and_none_gives_advice() -> None:
    reading = read_checkin([symptom(TODAY, Side.LEFT, during=7)], [])
    stopped = advise(reading, ["sudden_pop"])
    assert stopped.triage.stop and stopped.advice == ()
    told = advise(reading, [])
    assert not told.triage.stop and any("ease off" in line for line in told.advice)


def test_the_reason_names_the_leg_and_the_place() -> None:
    entry = symptom(TODAY, Side.LEFT, during=3)
    entry = entry.__class__(**{**entry.__dict__, "location": PainLocation.ACHILLES})
    assert "left" in read_checkin([entry], []).reasons[0] and "achilles" in read_checkin([entry], []).reasons[0]
