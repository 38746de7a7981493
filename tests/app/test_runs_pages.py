"""Issue 27 through the pages: a run typed by hand, refused input that stores nothing, a run corrected and deleted
by its id, and the weekly running bars and the jump flag on the dashboard, the coach's view and the coach's roster."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from calfcore.clock import TODAY_ENV
from calfcore.models import Run, RunSource, Side, SymptomEntry
from calfstore import LOCAL_OWNER
from calfui.viewer import owner_key_for
from tests.app.conftest import create_runner, go, peek_store, record_test, texts
from tests.app.test_sharing_pages import _coach, _create_link, _hosted, _login
from tests.keys import keyed

DAY = dt.date(2026, 12, 16)  # the app's fixed today, a Wednesday: this week began on Monday 14 Dec
MONDAY = dt.date(2026, 12, 14)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    monkeypatch.setenv(TODAY_ENV, DAY.isoformat())
    return DAY


def _runner_id(db_path: Path) -> int:
    return int(peek_store(db_path).list_runners(LOCAL_OWNER)[0].saved_id)


def test_a_run_typed_by_hand_is_listed_corrected_and_deleted(app: AppTest, clock, db_path) -> None:
    create_runner(app)
    go(app, "runs")
    keyed(app, "number_input", "km").set_value(8.5)
    keyed(app, "button", "add").click().run()
    assert "Run added." in texts(app)
    [run] = peek_store(db_path).list_runs(LOCAL_OWNER, _runner_id(db_path))
    assert (run.run_on, run.distance_km, run.source) == (DAY, 8.5, RunSource.HAND)
    [listed] = app.dataframe[0].value.to_dict("records")  # a run with no time or climb: dashes, never "None"
    assert (listed["km"], listed["minutes"], listed["climb (m)"]) == ("8.50", "–", "–"), listed

    keyed(app, "selectbox", "run_pick").set_value(run.id).run()
    keyed(app, "number_input", f"run_edit_{run.id}_km").set_value(9.0)
    keyed(app, "button", f"run_edit_{run.id}_save").click().run()
    assert "Run corrected." in texts(app)
    assert peek_store(db_path).list_runs(LOCAL_OWNER, _runner_id(db_path))[0].distance_km == 9.0

    keyed(app, "selectbox", "run_pick").set_value(run.id).run()
    keyed(app, "button", f"run_delete_{run.id}").click().run()
    assert "This can't be undone." in texts(app)  # asked once more, as every deletion
    assert len(peek_store(db_path).list_runs(LOCAL_OWNER, _runner_id(db_path))) == 1  # nothing removed yet
    keyed(app, "button", f"run_delete_{run.id}_confirm").click().run()
    assert "Run deleted." in texts(app)
    assert peek_store(db_path).list_runs(LOCAL_OWNER, _runner_id(db_path)) == []


def test_a_run_with_no_distance_or_time_or_in_the_future_stores_nothing(app: AppTest, clock, db_path) -> None:
    create_runner(app)
    go(app, "runs")
    keyed(app, "button", "add").click().run()
    assert "Nothing was saved. Give the distance, the time, or both." in texts(app)
    keyed(app, "date_input", "day").set_value(DAY + dt.timedelta(days=1))
    keyed(app, "number_input", "km").set_value(5)
    keyed(app, "button", "add").click().run()
    assert "is in the future" in texts(app)
    assert peek_store(db_path).list_runs(LOCAL_OWNER, _runner_id(db_path)) == []


def _three_weeks(db_path: Path) -> None:
    """24 km last week and 38 km this week (+58%), after 20 km the week before."""
    runs = [
        Run(MONDAY - dt.timedelta(weeks=weeks_back), km, round(km * 330), None, None, RunSource.HAND)
        for weeks_back, km in ((2, 20.0), (1, 24.0), (0, 38.0))
    ]
    peek_store(db_path).save_runs(LOCAL_OWNER, _runner_id(db_path), runs)


def test_the_dashboard_shows_the_weekly_bars_and_the_jump_with_its_source(app: AppTest, clock, db_path) -> None:
    create_runner(app)
    record_test(app, 25, 24, tested_on=DAY)
    _three_weeks(db_path)
    page = texts(go(app, "dashboard"))
    assert "Your running went from 24 to 38 km this week (+58%)." in page
    assert "Nielsen et al. 2014 (quoted second-hand, so approximate)" in page
    charts = [c for c in app.get("vega_lite_chart") if "Running per week" in str(c.proto.alt)]
    assert charts, "the running bars, named by their text alternative"
    assert "Distance jumped in the week of 14 Dec 2026" in charts[0].proto.alt


def test_the_coach_sees_the_same_flag(app: AppTest, clock, db_path) -> None:
    create_runner(app)
    record_test(app, 25, 24, tested_on=DAY)
    _three_weeks(db_path)
    coach = _coach(_create_link(app))
    assert "Your running went from 24 to 38 km this week (+58%)." in texts(coach)


def test_the_coachs_roster_flags_the_jump_with_its_reason_and_source(clock, db_path) -> None:
    ann = _hosted(_login("ann-123", "Ann"))
    create_runner(ann, "Ann")
    record_test(ann, 25, 24, tested_on=DAY)
    owner = owner_key_for("https://id.example.org", "ann-123")
    runner_id = int(peek_store(db_path).list_runners(owner)[0].saved_id)
    runs = [
        Run(MONDAY - dt.timedelta(weeks=weeks_back), km, None, None, None, RunSource.HAND)
        for weeks_back, km in ((1, 24.0), (0, 38.0))
    ]
    peek_store(db_path).save_runs(owner, runner_id, runs)
    token = _create_link(ann)

    coach = _hosted(_login("coach-9", "Coach Kim"))
    coach.query_params["share"] = token
    coach.run()
    keyed(coach, "button", r"roster_add_link\d+").click().run()
    coach = _hosted(_login("coach-9", "Coach Kim"))  # the coach opens Calf Check without the link
    go(coach, "roster")
    page = texts(coach).replace("\\", "")  # the card escapes Markdown in the flag's words
    assert "Running jump over 30%" in page and "Needs attention" in page
    assert "Running went from 24 to 38 km this week (+58%). Weeks that rise by more than 30%" in page
    assert "Source: Nielsen et al. 2014 (quoted second-hand, so approximate)" in page
    # The roster's filter by that flag keeps her.
    keyed(coach, "segmented_control", "roster_filter").set_value("Running jump over 30%").run()
    assert "Running went from 24 to 38 km" in texts(coach).replace("\\", "")


def test_pain_that_rose_with_the_running_is_on_the_dashboard_and_the_roster_in_the_same_words(clock, db_path) -> None:
    """Next-morning pain 2 last week and 4 this week, running 24 then 26 km (up, but no jump): the runner's dashboard
    and the coach's roster say so, from one rule, each with its basis; the roster's filter finds her by it."""
    ann = _hosted(_login("ann-123", "Ann"))
    create_runner(ann, "Ann")
    record_test(ann, 25, 24, tested_on=DAY)
    owner = owner_key_for("https://id.example.org", "ann-123")
    store = peek_store(db_path)
    runner_id = int(store.list_runners(owner)[0].saved_id)
    store.save_runs(
        owner,
        runner_id,
        [Run(MONDAY - dt.timedelta(days=5), 24.0, None), Run(MONDAY, 26.0, None)],  # +8%: no jump
    )
    store.add_symptoms(owner, runner_id, [SymptomEntry(MONDAY - dt.timedelta(days=5), Side.LEFT, None, 2, None)])
    store.add_symptoms(owner, runner_id, [SymptomEntry(DAY, Side.LEFT, None, 4, None)])
    said = "rose from 2 to 4/10 in the week of 14 Dec, a week {} running rose too."
    page = texts(go(ann, "dashboard"))
    assert "Next-morning pain " + said.format("your") in page and "Your running went from" not in page  # no jump
    assert "Source: Silbernagel" in page and "our convention" in page
    token = _create_link(ann)

    coach = _hosted(_login("coach-9", "Coach Kim"))
    coach.query_params["share"] = token
    coach.run()
    keyed(coach, "button", r"roster_add_link\d+").click().run()
    coach = _hosted(_login("coach-9", "Coach Kim"))
    go(coach, "roster")
    page = texts(coach).replace("\\", "")
    assert "Pain rose with running" in page and "Needs attention" in page
    assert "Next-morning pain " + said.format("their") in page
    assert "Source: Silbernagel" in page and "Running jump over 30%:" not in page
    keyed(coach, "segmented_control", "roster_filter").set_value("Pain rose with running").run()
    assert said.format("their") in texts(coach).replace("\\", "")
