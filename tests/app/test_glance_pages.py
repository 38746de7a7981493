"""Issue 24, "where you stand, at a glance", through the pages: the record result after Save, the dashboard's latest
test and the coach's view each draw one picture of the legs (calfcore.charts.leg_bars: each leg's bar against the
typical band, the runner target and the other leg) named by its text alternative, with each leg's one short line
under it and the long explanation (reference, spread, sources) folded into an expander; a roster card draws it too.

A man of 45 on the standard protocol: typical range 20–36 (issue 22), so 18 is below it and 26 in it.
"""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
from streamlit.testing.v1 import AppTest

from calfcore.glance import ALT_START
from calfcore.models import Sex
from calfcore.roster import roster_row
from calfcore.scoring import score_test
from tests.app.conftest import TODAY, create_runner, go, record_test, texts
from tests.app.test_sharing_pages import _coach, _create_link
from tests.keys import keyed

LEFT = "Left 18: under the runner target of 30; below the typical range for men aged 40–49"
RIGHT = "Right 26: under the runner target of 30; in the typical range for men aged 40–49"
DETAILS = "Reference, spread and sources"


def _glance_rows(at: AppTest) -> list[dict]:
    """The rows of the page's one at-a-glance picture, found by its text alternative."""
    [chart] = [chart for chart in at.get("vega_lite_chart") if chart.proto.alt.startswith(ALT_START)]
    tables = [pa.ipc.open_stream(d.data.data).read_all().to_pylist() for d in chart.proto.datasets]
    return [row for table in tables for row in table if "leg" in row]


def _shows_the_glance(at: AppTest) -> None:
    page = texts(at)
    assert LEFT in page and RIGHT in page
    [chart] = [chart for chart in at.get("vega_lite_chart") if chart.proto.alt.startswith(ALT_START)]
    alt = chart.proto.alt
    assert "left 18, right 26" in alt and "typical range, 20–36 raises for men aged 40–49" in alt and LEFT in alt
    rows = {row["leg"]: row for row in _glance_rows(at)}
    assert (rows["Left"]["reps"], rows["Right"]["reps"]) == (18, 26)
    assert (rows["Left"]["typical_low"], rows["Left"]["typical_high"]) == (20, 36)
    assert rows["Left"]["target"] == 30
    # The long explanation is one tap away, not on the page's face.
    [details] = [expander for expander in at.expander if expander.label == DETAILS]
    inside = "\n".join(e.value for e in details.markdown) + "\n".join(e.value for e in details.caption)
    assert "**Reference:**" in inside and "Typical range:** 20–36 raises" in inside and "Green et al. 2024" in inside
    assert "Green et al. 2022" in inside  # the runner target's source
    outside = [e.value for e in at.markdown if "**Reference:**" in e.value]
    assert len(outside) == 1  # only the one in the expander


def test_the_result_dashboard_and_coach_view_show_each_leg_at_a_glance(app: AppTest) -> None:
    create_runner(app, "Omar", birth_year=TODAY.year - 45, sex="male")
    record_test(app, 18, 26)
    assert "Saved." in texts(app)
    _shows_the_glance(app)

    go(app, "dashboard")
    _shows_the_glance(app)

    coach = _coach(_create_link(app))
    assert "Read-only" in texts(coach)
    _shows_the_glance(coach)


def test_history_draws_the_glance_of_the_test_opened_and_of_its_correction(app: AppTest) -> None:
    """The picture is kept between runs (calfui.result.glance_chart): it must follow the test picked and a correction."""
    create_runner(app, "Omar", birth_year=TODAY.year - 45, sex="male")
    record_test(app, 18, 26, tested_on=TODAY - dt.timedelta(days=14))
    record_test(app, 24, 28)
    go(app, "history")

    def legs() -> tuple[int, int]:
        rows = {row["leg"]: row for row in _glance_rows(app)}
        return rows["Left"]["reps"], rows["Right"]["reps"]

    newer, older = keyed(app, "selectbox", "history_open_test").options  # newest first
    assert legs() == (24, 28) and newer.endswith("left 24 / right 28")
    keyed(app, "selectbox", "history_open_test").select(older).run()
    assert legs() == (18, 26)
    keyed(app, "button", "edit_test").click().run()
    keyed(app, "number_input", r"edit_test\d+_rev\d+_straight_left").set_value(19)
    keyed(app, "button", "save").click().run()
    assert "Correction saved" in texts(app)
    assert legs() == (19, 26)
    keyed(app, "selectbox", "history_open_test").select(newer).run()
    assert legs() == (24, 28)


def test_a_runner_without_a_reference_sees_bars_without_a_band_that_say_so(app: AppTest) -> None:
    create_runner(app, "Kim", birth_year=TODAY.year - 16, sex="female")
    record_test(app, 25, 31)
    page = texts(app)
    assert "Left 25: under the runner target of 30; no typical range (no published reference fits this test)" in page
    assert "Right 31: over the runner target of 30; no typical range" in page
    rows = _glance_rows(app)
    assert all(row["typical_low"] is None for row in rows)  # no band drawn
    assert rows[0]["note"] == "no typical range: no published reference fits"
    [details] = [expander for expander in app.expander if expander.label == DETAILS]
    assert any("No band for this test: no published reference covers runners under 18" in e.value for e in details.info)


def test_a_count_at_the_target_reads_at_the_runner_target(app: AppTest) -> None:
    create_runner(app, "Ana", birth_year=TODAY.year - 45, sex="male")
    record_test(app, 30, 36)
    page = texts(app)
    assert "Left 30: at the runner target of 30; in the typical range for men aged 40–49" in page
    assert "Right 36: over the runner target of 30; in the typical range for men aged 40–49" in page  # on the edge


def _roster_card_page(left: int, right: int, age: int) -> None:
    """A roster card of a runner whose latest test is left/right (the roster page draws these, one per runner)."""
    import datetime as dt

    from calfcore.coaching import RosterEntry
    from calfcore.models import HeelRaiseTest, LegPair, Protocol, RunnerProfile, Sex, Surface
    from calfcore.roster import roster_row
    from calfui.roster_cards import card_for, draw

    today = dt.date(2025, 6, 16)
    runner = RunnerProfile(name="Omar", birth_year=today.year - age, sex=Sex.MALE, id=7)
    protocol = Protocol(cadence_bpm=60, surface=Surface.INCLINE_10, cued=False, fingertip_support=True)
    test = HeelRaiseTest(tested_on=today, protocol=protocol, straight_reps=LegPair(left, right), id=1)
    entry = RosterEntry(1, 1, "Coach Sam", dt.datetime(2025, 6, 1), True, 7, "owner")
    draw(card_for(roster_row(runner, [test], [], [], today)), entry)


def test_a_roster_card_draws_the_latest_tests_legs_at_a_glance() -> None:
    at = AppTest.from_function(_roster_card_page, args=(18, 26, 45), default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    captions = [e.value for e in at.caption]
    assert LEFT in captions and RIGHT in captions
    [chart] = at.get("vega_lite_chart")
    assert chart.proto.alt.startswith(ALT_START) and "left 18, right 26" in chart.proto.alt
    assert "raises Left 18" not in texts(at)  # the bars and their lines say it, not a third time in the figures


def test_the_roster_row_keeps_the_latest_score_for_its_bars() -> None:
    from calfcore.models import HeelRaiseTest, LegPair, Protocol, RunnerProfile, Side, Surface

    today = dt.date(2025, 6, 16)
    runner = RunnerProfile(name="Omar", birth_year=today.year - 45, sex=Sex.MALE, injured_side=Side.LEFT)
    protocol = Protocol(cadence_bpm=60, surface=Surface.INCLINE_10, cued=False, fingertip_support=True)
    test = HeelRaiseTest(tested_on=today, protocol=protocol, straight_reps=LegPair(18, 26), id=1)
    row = roster_row(runner, [test], [], [], today)
    assert row.score == score_test(test, runner, [test])
    assert row.injured_side is Side.LEFT
