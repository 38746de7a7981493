"""Issue 11, through the pages: a runner no published reference covers (under 18, or older than any sample) sees no
band and no wording that implies one on the record result, dashboard, routine and coach pages; the daily check-in
asks the warning signs when pain is over 5."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from calfstore import LOCAL_OWNER
from tests.app.conftest import TODAY, create_runner, go, peek_store, record_test, texts
from tests.app.test_sharing_pages import _coach, _create_link
from tests.keys import keyed

# Wording that implies a band or a reference the runner does not have.
IMPLIES_A_BAND = (
    "for your age and sex",
    "general median",
    "You are at the reference",
    "**Reference:**",
    ":green[typical]",
    ":orange[below]",
    "Typical range",
)

NO_REFERENCE = [
    pytest.param(16, "no published reference covers runners under 18", id="under 18"),
    pytest.param(85, "measured at ages 20–81, not 85", id="older than the sample"),
]


def _no_band_wording(page: str, why: str) -> None:
    for words in IMPLIES_A_BAND:
        assert words not in page, words
    assert why in page or "No published reference fits" in page


@pytest.mark.parametrize(("age", "why"), NO_REFERENCE)
def test_a_runner_without_a_reference_sees_no_band_anywhere(app: AppTest, age: int, why: str) -> None:
    create_runner(app, birth_year=TODAY.year - age, sex="male")
    record_test(app, 25, 26)
    page = texts(app)
    assert "Saved." in page and "25 raises" in page
    assert "No band for this test:" in page and why in page
    assert "runner target" in page and "Build stage" in page
    _no_band_wording(page, why)

    go(app, "dashboard")
    page = texts(app)
    assert "No published reference fits your latest test" in page
    assert "your stage comes from the runner target, symmetry, pain and your own trend" in page
    _no_band_wording(page, why)

    go(app, "routine")
    page = texts(app)
    assert "Stage: Build" in page and "under the runner target of 30+" in page
    assert "reaches the runner target of 30 raises" in page  # the exit criterion without a reference
    _no_band_wording(page, why)

    coach = _coach(_create_link(app))
    page = texts(coach)
    assert "No band for this test:" in page and why in page and "Stage: Build" in page
    _no_band_wording(page, why)


def test_a_runner_with_a_reference_sees_the_healthy_spread(app: AppTest) -> None:
    # The counterpart: a 35-year-old woman on the standard protocol gets the band, its spread and its source.
    create_runner(app, birth_year=TODAY.year - 35, sex="female")
    record_test(app, 21, 22)
    page = texts(app)
    assert "Left 21: under the runner target of 30; in the typical range for women aged 30–39" in page
    assert "Typical range:** 19–36 raises" in page
    assert "one standard deviation between healthy people" in page and "Green et al. 2024" in page
    assert "only beyond ±6 raises" in page


def _checkin_with_pain(app: AppTest, pain: int) -> AppTest:
    go(app, "routine")
    keyed(app, "pills", r"checkin_t\d+_pain_during_left").set_value(pain)
    keyed(app, "button", r"checkin_t\d+_submit").click().run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _runner_id(db_path: Path) -> int:
    return int(peek_store(db_path).list_runners(LOCAL_OWNER)[0].id)


def test_checkin_pain_over_5_asks_warning_signs_and_a_sign_replaces_the_advice(app: AppTest, db_path: Path) -> None:
    create_runner(app)
    record_test(app, 28, 28)
    _checkin_with_pain(app, 7)
    page = texts(app)
    assert "Check-in saved" in page and "You reported pain of 7/10 on the left" in page
    runner_id = _runner_id(db_path)
    app.checkbox(key=f"r{runner_id}_checkin_flag_sudden_pop").check()
    app.button(key=f"r{runner_id}_checkin_warnings_submit").click().run()
    page = texts(app)
    assert "See a clinician." in page and "Please get medical care today" in page  # the test's own message
    assert "Pain over 5/10 is more than the tendon should take" not in page  # the advice is replaced


def test_checkin_pain_over_5_without_warning_signs_gives_the_pain_advice(app: AppTest, db_path: Path) -> None:
    create_runner(app)
    record_test(app, 28, 28)
    _checkin_with_pain(app, 7)
    app.button(key=f"r{_runner_id(db_path)}_checkin_warnings_submit").click().run()
    page = texts(app)
    assert "Pain over 5/10 is more than the tendon should take" in page and "See a clinician." not in page
