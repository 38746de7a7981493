"""Issue 24: a phone has no hover, so a chart's tooltip never shows there. Tapping a point names its values in a line
under the chart (Streamlit's selection on the chart, calfcore.charts.point_words): tested with touch in Chromium."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from calfcore.charts import BAND_COLOUR
from tests.e2e.helpers import load_demo, screenshot, wait_for_app

TAPPED = re.compile(r"^Tapped: Date: \d\d \w{3} \d{4} · Leg: (left|right) · Raises: \d+ · Protocol: ")


def _tap(page: Page, chart: Locator, across: float, down: float) -> None:
    """A finger on the chart's plot, a fraction of the way across and down it."""
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    assert box is not None
    chart.tap(position={"x": box["width"] * across, "y": box["height"] * down})
    page.wait_for_timeout(300)  # the selection is sent a moment after the tap; then the page runs
    wait_for_app(page)


def test_tapping_a_point_on_the_phone_shows_its_values_under_the_chart(server, phone: Page) -> None:
    load_demo(phone, server.url)
    raises = phone.get_by_role("tabpanel", name="Raises")
    chart = raises.get_by_test_id("stVegaLiteChart").first
    expect(chart.locator("canvas, svg").first).to_be_visible()
    line = raises.locator("[class*='_chart_straight_'][class*='_tapped']")
    expect(line).to_contain_text("Tap a point to see its values here.")

    _tap(phone, chart, 0.9, 0.5)  # the latest tests sit at the right
    expect(line).to_have_text(TAPPED)
    latest = line.inner_text()
    screenshot(phone, "chart-tapped-latest")

    _tap(phone, chart, 0.2, 0.5)  # the earliest at the left
    expect(line).to_have_text(TAPPED)
    expect(line).not_to_have_text(latest)
    earliest = line.inner_text()
    day = lambda text: re.search(r"Date: (\d\d \w{3} \d{4})", text).group(1)  # noqa: E731
    assert day(earliest) != day(latest), (earliest, latest)
    # The line reads what the chart's table holds for that day and leg.
    table = raises.get_by_test_id("stExpander").filter(has_text="Chart as a table").first  # knee straight's
    table.locator("summary").tap()
    expect(table.get_by_test_id("stTable")).to_contain_text(day(earliest).split()[0])
    screenshot(phone, "chart-tapped-earliest")


def test_a_save_adds_its_points_to_the_chart_under_the_form_and_a_tap_keeps_naming_its_point(
    server, phone: Page
) -> None:
    """Issue 25: the Record page's raises chart sits under the form and stays under the result after Save: the
    browser adds the new test's points to the chart it already has (the same Vega view, not a new drawing), and a
    point tapped before the save is still the one named after it."""
    from tests.e2e.helpers import create_profile, fill_number, main_text, record_test, trend_chart

    create_profile(phone, server.url, "Ines", 1990)
    record_test(phone, server.url, 20, 24)
    phone.get_by_role("button", name="Record another test").click()
    wait_for_app(phone)
    chart = trend_chart(phone)
    points = chart.locator("[aria-roledescription='point']")
    expect(points).to_have_count(2)
    # One date only: the typical band is a bar from its low edge to its high edge (an area of one date has no width
    # and was not drawn at all, under a heading that names the band).
    band = chart.locator(f"g.mark-rule line[stroke='{BAND_COLOUR}']")
    expect(band).to_have_count(1)
    band_box = band.bounding_box()
    assert band_box and band_box["height"] > 40, band_box  # 19 to 36 raises on a chart of 0 to 40
    line = phone.locator("[class*='_raises_chart_'][class*='_tapped']")
    _tap(phone, chart, 0.5, 0.5)
    expect(line).to_have_text(TAPPED)
    tapped = line.inner_text()
    # Vega's own drawing, not only Streamlit's box around it: the box stayed while a new view was drawn inside it.
    chart.locator("svg.marks").element_handle().evaluate("node => { node.dataset.calfDrawnBefore = 'yes'; }")

    fill_number(phone, "Raises: left", 22)
    fill_number(phone, "Raises: right", 25)
    phone.get_by_role("button", name="Save test").click()
    expect(phone.get_by_text("Saved.", exact=True)).to_be_visible()
    wait_for_app(phone)
    expect(points).to_have_count(4)  # both tests, both legs
    expect(chart.locator("svg.marks[data-calf-drawn-before='yes']")).to_have_count(1)  # Vega's view, updated in place
    expect(line).to_have_text(tapped)  # the tapped point is still the one named
    assert "data-testid" not in main_text(phone)  # the app's style sheets are applied, never shown as text
    chart.scroll_into_view_if_needed()
    screenshot(phone, "record-chart-after-save-phone")
    # Every legend (the legs', and the runner target's dash with its tag) is drawn whole inside the chart at 390 px.
    frame = chart.bounding_box()
    legends = chart.locator(".role-legend")
    assert frame and legends.count() >= 2
    for index in range(legends.count()):
        box = legends.nth(index).bounding_box()
        assert box and frame["x"] <= box["x"] and box["x"] + box["width"] <= frame["x"] + frame["width"], (box, frame)


def test_two_phones_saving_for_one_runner_each_see_every_test_after_their_own_save(
    server, phone: Page, browser
) -> None:
    """Issue 25: after a Save the app adds the test to the records it holds instead of reading them all again. Two
    phones record for the same runner in turn (a runner and their partner holding the phone, say): each Save's
    result and the form after it count every test saved from either phone, never only their own."""
    from tests.e2e.helpers import PHONE, create_profile, record_test, trend_chart

    create_profile(phone, server.url, "Ines", 1990)
    other = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True).new_page()
    other.set_default_timeout(30_000)
    line = "Raises per leg, knee straight, {} on"
    try:
        for count, (page, left, right) in enumerate(
            [(phone, 20, 24), (other, 22, 25), (phone, 26, 27), (other, 23, 28)], start=1
        ):
            record_test(page, server.url if count <= 2 else None, left, right)
            caption = page.get_by_text(line.format(f"{count} test{'s' if count > 1 else ''}"))
            expect(caption).to_be_visible()
            legs = "left leg 20, right leg 24" if count == 1 else f"left leg 20 to {left}, right leg 24 to {right}"
            expect(caption).to_contain_text(legs)  # first to latest: the latest is the last saved, from either phone
            expect(trend_chart(page).locator("[aria-roledescription='point']")).to_have_count(2 * count)
        phone.get_by_role("button", name="Record another test").click()
        wait_for_app(phone)
        under_the_form = phone.get_by_text(line.format("4 tests"))  # the form's chart: the other phone's too
        expect(under_the_form).to_be_visible()
        under_the_form.scroll_into_view_if_needed()
        screenshot(phone, "record-two-phones-one-runner")
    finally:
        other.context.close()


def test_a_correction_and_a_deletion_in_history_show_on_the_record_page_and_after_the_next_save(
    server, phone: Page
) -> None:
    """Issue 25: a Save adds its test to the records the app holds, and only when they are exactly what the database
    held just before it. A correction or a deletion in History is not a Save: the Record page after it, and the
    next Save's result, show the corrected records, never the figures from before (the first test is the one
    corrected, then deleted, so the caption's 'first to latest' shows it)."""
    import datetime as dt

    from tests.e2e.helpers import choose, click, correct_left_raises, create_profile, navigate, record_test, trend_chart

    today = dt.date.today().isoformat()
    create_profile(phone, server.url, "Noor", 1988)
    navigate(phone, "Record")
    record_test(phone, None, 20, 24)
    record_test(phone, None, 21, 25)
    line = "Raises per leg, knee straight, {} on"
    expect(phone.get_by_text(line.format("2 tests"))).to_contain_text("left leg 20 to 21, right leg 24 to 25")

    navigate(phone, "History")
    choose(phone, "Open a test", f"{today} · left 20 / right 24")
    correct_left_raises(phone, 18)

    navigate(phone, "Record")  # the form's chart: the corrected first test
    expect(phone.get_by_text(line.format("2 tests"))).to_contain_text("left leg 18 to 21, right leg 24 to 25")
    record_test(phone, None, 22, 26)
    saved = phone.get_by_text(line.format("3 tests"))
    expect(saved).to_contain_text("left leg 18 to 22, right leg 24 to 26")
    expect(trend_chart(phone).locator("[aria-roledescription='point']")).to_have_count(6)

    navigate(phone, "History")
    choose(phone, "Open a test", f"{today} · left 18 / right 24")
    click(phone, "Delete this test")
    click(phone, "Yes, delete it")
    expect(phone.get_by_text("Test deleted.")).to_be_visible()

    navigate(phone, "Record")
    expect(phone.get_by_text(line.format("2 tests"))).to_contain_text("left leg 21 to 22, right leg 25 to 26")
    record_test(phone, None, 23, 27)
    saved = phone.get_by_text(line.format("3 tests"))
    expect(saved).to_contain_text("left leg 21 to 23, right leg 25 to 27")
    expect(trend_chart(phone).locator("[aria-roledescription='point']")).to_have_count(6)
    saved.scroll_into_view_if_needed()
    screenshot(phone, "record-after-correction-and-deletion")
