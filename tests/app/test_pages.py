"""Every page, driven from app.py the way a runner uses it."""

from __future__ import annotations

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from calfcore.glance import ALT_START
from calfstore import LOCAL_OWNER
from calfstore.tables import count_rows
from tests.app.conftest import (
    TODAY,
    create_runner,
    fill_test,
    go,
    open_chart_tables,
    peek_store,
    record_test,
    texts,
)
from tests.keys import keyed

PAGES = ["home", "profile", "record", "guided", "dashboard", "routine", "schedule", "return_to_run", "history", "share"]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_for_a_new_visitor(app: AppTest, page: str) -> None:
    go(app, page)
    assert app.title, f"{page} shows a title"
    if page not in {"home", "profile"}:
        assert "Create or pick a runner profile first" in texts(app)


def test_home_explains_the_test_and_the_stop_rules(app: AppTest) -> None:
    page = texts(app)
    assert "How to do the test" in page
    assert "60 beats a minute" in page
    assert "can't keep up with the beat" in page  # a stop rule
    assert "informs; it does not diagnose" in page


def test_creating_a_profile_selects_it(app: AppTest, db_path) -> None:
    create_runner(app, "Sam Runner")
    runners = peek_store(db_path).list_runners(LOCAL_OWNER)
    assert [r.name for r in runners] == ["Sam Runner"]
    assert keyed(app, "selectbox", "runner_picker", where=app.sidebar).value == runners[0].id


@pytest.mark.parametrize(
    "name, message",
    [
        ("", "Name can't be empty"),
        ("<script>alert(1)</script>", "HTML tags"),
        ("x" * 61, "too long"),
        ("=cmd|' /C calc'!A0", "formula"),
    ],
)
def test_bad_profile_name_is_refused_and_nothing_is_stored(app: AppTest, db_path, name: str, message: str) -> None:
    create_runner(app, name)
    assert message in texts(app)
    assert "Nothing was saved" in texts(app)
    assert peek_store(db_path).list_runners(LOCAL_OWNER) == []


def test_markdown_in_a_name_is_shown_as_typed(app: AppTest) -> None:
    create_runner(app, "**Bold** _Sam_ [x](y)")
    go(app, "dashboard")
    # Escaped for markdown, so the page shows the characters and not bold text or a link.
    assert any("\\*\\*Bold\\*\\*" in c.value for c in app.caption)


def test_runner_records_a_test_and_sees_it_scored_and_on_the_dashboard(app: AppTest, db_path) -> None:
    create_runner(app, birth_year=TODAY.year - 34, sex="female")  # 30-39 F: about 27-28 on the incline
    record_test(app, 16, 29, pain_during_left=3, pain_during_right=1)
    page = texts(app)
    assert "Saved." in page
    assert "16 raises" in page and "29 raises" in page
    # Typical is the reference ± the healthy spread (8.4 here, issue 22): 16 is under 19-36, below; 29 is within it.
    assert "Left 16: under the runner target of 30; below the typical range for women aged 30–39" in page
    assert "Right 29: under the runner target of 30; in the typical range for women aged 30–39" in page
    assert "about 27–28 reps" in page and "Typical range:** 19–36 raises" in page
    assert "Hébert-Losier" in page and "quoted second-hand" in page and "[read-secondary]" not in page
    assert "expert opinion" in page  # runner target is labelled as opinion
    assert "55%" in page and "under the 90% line" in page  # 16/29
    assert "Build stage" in page

    runner = peek_store(db_path).list_runners(LOCAL_OWNER)[0]
    [test] = peek_store(db_path).list_tests(LOCAL_OWNER, runner.id)
    assert (test.straight_reps.left, test.straight_reps.right) == (16, 29)
    assert {s.side.value: s.pain_during for s in peek_store(db_path).list_symptoms(LOCAL_OWNER, runner.id)} == {
        "left": 3,
        "right": 1,
    }

    go(app, "dashboard")
    assert "16 raises" in texts(app)
    assert len(app.get("vega_lite_chart")) >= 3


def test_the_save_itself_shows_the_result_and_the_new_point_in_the_trend_without_the_form(app: AppTest) -> None:
    """One run after Save: the form gives way to the result and the raises chart holding the new test."""
    create_runner(app)
    record_test(app, 20, 24, tested_on=TODAY - dt.timedelta(days=14))
    keyed(app, "button", "record_another").click().run()
    [before] = app.get("vega_lite_chart")  # the raises so far, under the form
    fill_test(app, 23, 26)
    keyed(app, "button", "save").click().run()
    assert not app.exception, [e.value for e in app.exception]
    page = texts(app)
    assert "Saved." in page and "23 raises" in page and "26 raises" in page
    assert not any(b.key == "save" for b in app.get("button") + app.get("form_submit_button") if hasattr(b, "key"))
    glance, chart = app.get("vega_lite_chart")  # each leg at a glance, then the trend
    assert chart.key == before.key  # the chart the form had: new points added after the ones it drew
    # Only the data changed: the browser keeps a Vega view while the spec and name it was drawn from are the same
    # (a name holding the figures changed at every Save, and the chart was drawn again from scratch).
    assert (chart.proto.spec, chart.proto.alt) == (before.proto.spec, before.proto.alt)
    assert "2 tests from" in page and "left leg 20 to 23, right leg 24 to 26" in page  # its figures, above it
    assert glance.proto.alt.startswith(ALT_START)
    import pyarrow as pa

    rows = [pa.ipc.open_stream(d.data.data).read_all().to_pylist() for d in chart.proto.datasets]
    reps = sorted(row["reps"] for table in rows for row in table if "reps" in row and row["reps"] is not None)
    assert reps == [20, 23, 24, 26]  # both tests, both legs

    keyed(app, "button", "record_another").click().run()
    assert keyed(app, "number_input", "straight_left").value != 23  # a fresh form, not the last test's numbers
    [trend] = app.get("vega_lite_chart")  # the trend stays under the fresh form...
    assert trend.key == chart.key  # ...as the same chart (issue 25: the browser updates it in place)


def test_a_warning_sign_shows_the_advice_and_no_chart_after_saving(app: AppTest) -> None:
    create_runner(app)
    record_test(app, 20, 24, flag_sudden_pop=True)
    assert "Saved." in texts(app)
    assert not app.get("vega_lite_chart")


def test_second_test_shows_change_within_noise(app: AppTest) -> None:
    create_runner(app)
    record_test(app, 20, 24, tested_on=TODAY - dt.timedelta(days=14))
    record_test(app, 23, 25)
    page = texts(app)
    assert "+3 since last (within noise)" in page


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"straight_left": 500}, "between 0 and 150"),
        ({"straight_left": -3}, "between 0 and 150"),
        ({"tested_on": TODAY + dt.timedelta(days=3)}, "can't be in the future"),
        ({"notes": "<img src=x onerror=alert(1)>"}, "HTML tags"),
        ({"cadence_bpm": 500}, "Metronome"),
        ({"stiffness_minutes_left": 100000}, "stiffness"),
        ({"soleus_load": 40}, "Body weight is needed"),
    ],
)
def test_bad_test_input_shows_a_message_and_stores_nothing(app: AppTest, db_path, fields: dict, message: str) -> None:
    create_runner(app)
    left = fields.pop("straight_left", 25)
    record_test(app, left, 25, **fields)
    page = texts(app)
    assert message in page
    assert "Nothing was saved" in page
    runner = peek_store(db_path).list_runners(LOCAL_OWNER)[0]
    assert count_rows(peek_store(db_path), runner.id) == {
        "test_sessions": 0,
        "symptom_entries": 0,
        "routine_logs": 0,
        "share_links": 0,
        "away_days": 0,
        "retest_choices": 0,
        "hop_tests": 0,
        "readiness_checks": 0,
        "calendar_feeds": 0,
        "roster_entries": 0,
        "test_comments": 0,
        "coach_notes": 0,
        "checkin_warnings": 0,
        "clinician_all_clears": 0,
        "runs": 0,
        "test_raise_marks": 0,
        "runners": 1,
    }


def test_missing_reps_is_refused(app: AppTest, db_path) -> None:
    create_runner(app)
    record_test(app, None, None)
    assert "Knee-straight raises, left is required" in texts(app)


def test_red_flag_replaces_the_score_with_a_clinician_message(app: AppTest) -> None:
    create_runner(app)
    record_test(app, 25, 25, flag_sudden_pop=True)
    page = texts(app)
    assert "See a clinician" in page
    assert "Reference:" not in page and "raises" not in page.split("You told us")[0]
    go(app, "routine")
    assert "See a clinician" in texts(app)
    assert "Stage:" not in texts(app)


@pytest.mark.parametrize("flagged", [True, False])
def test_a_reading_shows_the_clinician_message_or_the_score_and_routine_never_both(app: AppTest, flagged: bool) -> None:
    """The pages branch on the reading's type (calfcore.assessment: Stopped or Scored), not on a score of None."""
    create_runner(app)
    record_test(app, 25, 25, flag_sudden_pop=flagged)
    for page, scored_marker in (("record", "25 raises"), ("dashboard", "This week:"), ("routine", "Stage:")):
        if page != "record":
            go(app, page)
        assert not app.exception, [e.value for e in app.exception]
        shown = texts(app)
        assert ("See a clinician" in shown) is flagged, page
        assert (scored_marker in shown) is not flagged, page


def test_chest_symptoms_send_to_emergency_services(app: AppTest) -> None:
    create_runner(app)
    record_test(app, 25, 25, flag_chest_pain_or_breathless=True)
    assert "emergency" in texts(app).lower()
    assert "call your local emergency number" in texts(app)


def test_zero_raises_on_one_leg_is_asked_about_then_a_warning_sign(app: AppTest, db_path) -> None:
    create_runner(app)
    record_test(app, 0, 25)
    page = texts(app)
    assert "0 raises on the left leg: is that right?" in page and "Saved." not in page
    store = peek_store(db_path)
    runner_id = int(store.list_runners(LOCAL_OWNER)[0].id)
    assert store.list_tests(LOCAL_OWNER, runner_id) == []  # nothing is saved before the answer
    keyed(app, "button", "zero_confirm").click().run()
    assert not app.exception, [e.value for e in app.exception]
    page = texts(app)
    assert "Saved." in page and "See a clinician" in page and "Please get medical care today" in page
    [saved] = store.list_tests(LOCAL_OWNER, runner_id)
    assert saved.straight_reps.left == 0 and saved.tested_on == TODAY


def test_a_zero_typed_by_mistake_is_corrected_before_anything_is_saved(app: AppTest, db_path) -> None:
    create_runner(app)
    record_test(app, 25, 0)
    assert "0 raises on the right leg: is that right?" in texts(app)
    keyed(app, "button", "zero_correct").click().run()
    assert "is that right?" not in texts(app)
    store = peek_store(db_path)
    runner_id = int(store.list_runners(LOCAL_OWNER)[0].id)
    assert store.list_tests(LOCAL_OWNER, runner_id) == []
    keyed(app, "number_input", "straight_right").set_value(24)
    keyed(app, "button", "save").click().run()
    page = texts(app)
    assert "Saved." in page and "See a clinician" not in page and "24 raises" in page
    assert [t.straight_reps.right for t in store.list_tests(LOCAL_OWNER, runner_id)] == [24]


def test_routine_page_shows_stage_exercises_and_exit_criteria(app: AppTest) -> None:
    create_runner(app, birth_year=TODAY.year - 34, sex="female")
    record_test(app, 34, 35)
    go(app, "routine")
    page = texts(app)
    assert "Stage: Power" in page
    assert "Move on when" in page
    assert any("pogo" in e.label.lower() or "hop" in e.label.lower() for e in app.expander)
    keyed(app, "radio", "equipment_access").set_value("body_weight").run()
    labels = " ".join(e.label for e in app.expander)
    assert "Barbell" not in labels and "Smith" not in labels


def test_logging_training_and_a_check_in(app: AppTest, db_path) -> None:
    create_runner(app)
    record_test(app, 20, 26)
    go(app, "routine")
    keyed(app, "number_input", r"log_t\d+_sets").set_value(3)
    keyed(app, "number_input", r"log_t\d+_reps").set_value(15)
    keyed(app, "button", r"log_t\d+_submit").click().run()
    assert "Logged 3 × 15" in texts(app)
    keyed(app, "pills", r"checkin_t\d+_pain_next_morning_left").set_value(2)
    keyed(app, "button", r"checkin_t\d+_submit").click().run()
    assert "Check-in saved" in texts(app)
    runner = peek_store(db_path).list_runners(LOCAL_OWNER)[0]
    counts = count_rows(peek_store(db_path), runner.id)
    assert counts["routine_logs"] == 1
    assert counts["symptom_entries"] == 1  # the check-in (the test had no symptoms)


def test_bad_training_log_is_refused(app: AppTest, db_path) -> None:
    create_runner(app)
    go(app, "routine")
    keyed(app, "number_input", r"log_t\d+_sets").set_value(0)
    keyed(app, "button", r"log_t\d+_submit").click().run()
    assert "Sets must be between 1 and 20" in texts(app)
    runner = peek_store(db_path).list_runners(LOCAL_OWNER)[0]
    assert count_rows(peek_store(db_path), runner.id)["routine_logs"] == 0


def test_delete_asks_for_confirmation(app: AppTest, db_path) -> None:
    create_runner(app)
    record_test(app, 20, 26)
    runner = peek_store(db_path).list_runners(LOCAL_OWNER)[0]
    go(app, "history")
    keyed(app, "button", "delete_test").click().run()
    assert "can't be undone" in texts(app)
    assert count_rows(peek_store(db_path), runner.id)["test_sessions"] == 1  # not yet
    keyed(app, "button", r"delete_test_\d+_cancel").click().run()
    assert count_rows(peek_store(db_path), runner.id)["test_sessions"] == 1
    keyed(app, "button", "delete_test").click().run()
    keyed(app, "button", r"delete_test_\d+_confirm").click().run()
    assert "Test deleted" in texts(app)
    assert count_rows(peek_store(db_path), runner.id)["test_sessions"] == 0


def test_correcting_a_test(app: AppTest, db_path) -> None:
    create_runner(app)
    record_test(app, 20, 26)
    go(app, "history")
    keyed(app, "button", "edit_test").click().run()
    test_id = peek_store(db_path).list_tests(LOCAL_OWNER, peek_store(db_path).list_runners(LOCAL_OWNER)[0].id)[0].id
    keyed(app, "number_input", rf"edit_test{test_id}_rev\d+_straight_left").set_value(21)
    keyed(app, "pills", rf"edit_test{test_id}_rev\d+_pain_next_morning_left").set_value(1)
    keyed(app, "button", "save").click().run()
    assert "Correction saved" in texts(app)
    runner = peek_store(db_path).list_runners(LOCAL_OWNER)[0]
    [test] = peek_store(db_path).list_tests(LOCAL_OWNER, runner.id)
    assert test.straight_reps.left == 21
    [symptom] = peek_store(db_path).list_symptoms(LOCAL_OWNER, runner.id)
    assert symptom.pain_next_morning == 1


def test_demo_runner_gives_a_full_dashboard(app: AppTest) -> None:
    go(app, "profile")
    keyed(app, "button", "load_demo").click().run()
    go(app, "dashboard")
    page = texts(app)
    assert "Latest test" in page and "Limb symmetry" in page
    assert len(app.get("vega_lite_chart")) >= 5  # raises x2, symmetry, pain, training
    for page_name in PAGES:
        go(app, page_name)


RAW_TAG_CODES = ("READ-PRIMARY", "READ-SECONDARY", "EXPERT OPINION", "[SEED", "SEED:")


def test_no_page_shows_an_evidence_tag_code_only_words(app: AppTest) -> None:
    """Issue 23: a physio reads what kind of source a figure comes from ('quoted second-hand', 'expert opinion', 'a
    coaching article'), never the data file's codes, in any text or table of any page."""
    go(app, "profile")
    keyed(app, "button", "load_demo").click().run()
    seen = []
    for page_name in PAGES:
        open_chart_tables(go(app, page_name))
        tables = [e.value.to_csv() for e in app.dataframe] + [e.value.to_csv() for e in app.table]
        page = "\n".join([texts(app), *tables, *(e.label for e in app.expander)])
        for code in RAW_TAG_CODES:
            assert code not in page, (page_name, code)
        seen.append(page)
    everything = "\n".join(seen)
    for words in ("read in the study itself", "quoted second-hand", "expert opinion", "a coaching article"):
        assert words in everything, words


def test_every_dashboard_chart_says_what_it_shows_and_has_a_table(app: AppTest) -> None:
    """Issue 18: a screen reader hears each chart's own summary (its accessible name), not 'Vega visualization',
    and every chart's values are also in a table."""
    go(app, "profile")
    keyed(app, "button", "load_demo").click().run()
    go(app, "dashboard")
    charts = app.get("vega_lite_chart")
    alts = [chart.proto.alt for chart in charts]
    assert all(alts) and len(set(alts)) == len(alts), alts
    assert any(
        text.startswith("Raises per leg, knee straight") and "left leg" in text and "right leg" in text for text in alts
    ), alts
    assert any(text.startswith("Symmetry") for text in alts) and any(text.startswith("Pain") for text in alts)
    tables = [expander for expander in app.expander if expander.label == "Chart as a table"]
    # The training chart's table is the adherence table beside it; the latest test's per-leg bars have each leg's
    # short line under them instead (every value they draw).
    assert len(tables) == len(charts) - 2
    assert not app.table  # each drawn once opened (issue 25: the browser renders a table at every run)
    open_chart_tables(app)
    assert len(app.table) == len(tables) and all(len(table.value) > 0 for table in app.table)
    [glance] = [text for text in alts if text.startswith(ALT_START)]
    assert "Left " in glance and "Right " in glance


def test_deleting_a_profile_needs_confirmation_and_removes_everything(app: AppTest, db_path) -> None:
    go(app, "profile")
    keyed(app, "button", "load_demo").click().run()
    go(app, "profile")
    runner = peek_store(db_path).list_runners(LOCAL_OWNER)[0]
    keyed(app, "button", "delete_profile").click().run()
    assert count_rows(peek_store(db_path), runner.id)["runners"] == 1
    keyed(app, "button", r"delete_profile_cancel").click().run()  # changed their mind: nothing goes
    assert count_rows(peek_store(db_path), runner.id)["test_sessions"] > 0
    assert not any(b.key.endswith("delete_profile_confirm") for b in app.button)
    keyed(app, "button", "delete_profile").click().run()
    keyed(app, "button", r"delete_profile_confirm").click().run()
    assert set(count_rows(peek_store(db_path), runner.id).values()) == {0}  # every table of the runner, issue 15's too


def test_every_widget_on_a_runner_page_is_keyed_by_that_runner(app: AppTest, db_path) -> None:
    """Design §3 in a running app: with the second of two runners shown, every widget of the pages that write
    carries that runner's id in its key (or is one of the fixed keys that touch no stored record), and an edit form
    carries the record's id and revision too."""
    from tests.test_architecture import FIXED_KEYS

    create_runner(app, "First")
    create_runner(app, "Second")
    second = max(peek_store(db_path).list_runners(LOCAL_OWNER), key=lambda r: r.id)
    record_test(app, 22, 24)
    kinds = (
        "button",
        "number_input",
        "text_input",
        "text_area",
        "selectbox",
        "radio",
        "checkbox",
        "toggle",
        "pills",
        "date_input",
        "segmented_control",
    )
    for page in ("record", "profile", "routine", "history", "share", "guided", "schedule", "return_to_run"):
        go(app, page)
        keys = [w.key for kind in kinds for w in getattr(app.main, kind) if w.key]
        assert keys, page
        strays = [
            k
            for k in keys
            if not k.startswith(f"r{second.id}_")
            and k not in FIXED_KEYS
            and not k.startswith("new_profile")
            and not k.startswith("guided_confirm_")
        ]
        assert strays == [], (page, strays)
    go(app, "history")
    keyed(app, "button", "edit_test").click().run()
    test_id = peek_store(db_path).list_tests(LOCAL_OWNER, second.id)[0].id
    edit_keys = [w.key for w in app.main.number_input]
    assert edit_keys and all(k.startswith(f"r{second.id}_edit_test{test_id}_rev") for k in edit_keys), edit_keys


def test_a_knee_to_wall_result_is_set_against_the_healthy_reach_and_its_source(app: AppTest) -> None:
    create_runner(app)
    record_test(app, 26, 28, knee_to_wall_left=9.5, knee_to_wall_right=12.0)
    page = texts(app)
    assert "knee-to-wall 9.5 / 12 cm, difference 2.5 cm (healthy adults reach about 12 cm, Hoch & McKeon 2011)" in page
