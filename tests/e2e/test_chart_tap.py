"""Issue 24: a phone has no hover, so a chart's tooltip never shows there. Tapping a point names its values in a line
under the chart (Streamlit's selection on the chart, calfcore.charts.point_words): tested with touch in Chromium."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

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
