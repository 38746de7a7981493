"""Issue 24, "where you stand, at a glance", in Chromium at phone size (390×844): the record result after Save, the
dashboard's latest test and the coach's share view each draw the per-leg bars (each leg against the typical band,
the runner target and the other leg), named for a screen reader by their text alternative, with each leg's one
short line under them and the reference, spread and sources one tap away. Screenshots: tests/artifacts/glance-*.png.

A man of 45 on the standard protocol: typical range 20–36 (issue 22), so 18 is below it and 26 in it.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
from pathlib import Path

from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from calfcore.glance import ALT_START
from tests.e2e.helpers import (
    ARTIFACTS,
    PHONE,
    create_profile,
    create_share_link,
    navigate,
    open_page,
    record_test,
    screenshot,
    wait_for_app,
)

LEFT = "Left 18: under the runner target of 30; below the typical range for men aged 40–49"
RIGHT = "Right 26: under the runner target of 30; in the typical range for men aged 40–49"
DETAILS = "Reference, spread and sources"


def _shows_the_glance(page: Page, name: str) -> None:
    """The bars drawn inside the phone's width, named by their text alternative, each leg's line under them, and the
    long explanation folded away until tapped."""
    glance = page.locator(".st-key-at_a_glance")
    chart = glance.get_by_test_id("stVegaLiteChart")
    expect(chart).to_have_count(1)
    chart.scroll_into_view_if_needed()
    expect(chart.locator("canvas, svg").first).to_be_visible()
    box = chart.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box  # fits 390 px
    assert 100 <= box["height"] < 200, box  # a strip, names and axis included, not a full chart
    # The text alternative a screen reader announces, as the chart's accessible name.
    expect(chart).to_have_attribute("aria-label", re.compile("^" + re.escape(ALT_START)))
    alt = chart.get_attribute("aria-label") or ""
    assert "left 18, right 26" in alt and "typical range, 20–36 raises for men aged 40–49" in alt, alt
    line_left, line_right = glance.get_by_text(LEFT, exact=True), glance.get_by_text(RIGHT, exact=True)
    expect(line_left).to_be_visible()
    expect(line_right).to_be_visible()
    assert line_left.bounding_box()["y"] > box["y"] + box["height"] - 1  # under the picture
    details = page.get_by_test_id("stExpander").filter(has_text=DETAILS)
    expect(details.get_by_text("Typical range:", exact=False)).not_to_be_visible()  # one tap away, not on the face
    line_right.scroll_into_view_if_needed()  # the picture and both lines on screen
    screenshot(page, f"glance-{name}-phone")
    details.get_by_text(DETAILS).click()
    expect(details.get_by_text("Typical range:", exact=False)).to_be_visible()
    expect(details).to_contain_text("Typical range: 20–36 raises")
    expect(details).to_contain_text("Green et al. 2022")  # the runner target's source
    details.get_by_text(DETAILS).click()  # folded again


def test_each_leg_at_a_glance_on_the_result_dashboard_and_coach_view(server, phone: Page, browser: Browser) -> None:
    open_page(phone, server.url)
    create_profile(phone, None, "Omar", dt.date.today().year - 45, sex="Male")
    navigate(phone, "Record")
    record_test(phone, None, 18, 26)
    _shows_the_glance(phone, "result")

    navigate(phone, "Dashboard")
    _shows_the_glance(phone, "dashboard")

    link = create_share_link(phone, server, "Coach Sam")
    coach = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True).new_page()
    coach.set_default_timeout(30_000)
    coach.goto(link)
    wait_for_app(coach)
    expect(coach.get_by_text("Read-only", exact=False)).to_be_visible()
    _shows_the_glance(coach, "coach")

    # The report the coach downloads prints the same picture, with each leg's line beside it.
    button = coach.get_by_role("button", name="Download report (PDF)")
    button.scroll_into_view_if_needed()
    with coach.expect_download(timeout=60_000) as info:
        button.click()
    pdf = Path(info.value.path()).read_bytes()
    coach.context.close()
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    text = re.sub(r"\s+", " ", reader.pages[0].extract_text())
    assert LEFT in text and RIGHT in text, text
    assert len(list(reader.pages[0].images)) == 2  # each leg at a glance, and the raises chart
    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm, "pdftoppm is missing: run scripts/ensure_chromium.sh (installs poppler-utils)"
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "glance-report.pdf").write_bytes(pdf)
    subprocess.run(
        [
            pdftoppm,
            "-png",
            "-r",
            "110",
            "-singlefile",
            str(ARTIFACTS / "glance-report.pdf"),
            str(ARTIFACTS / "glance-report"),
        ],
        check=True,
        timeout=60,
    )
