"""The guided test in a real browser: the app keeps the beat and counts; both counts land in the record form."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.helpers import FAST_CADENCE, METRONOME_STARTED, guided_leg, screenshot, trend_chart, wait_for_app


def _create_profile(page: Page, url: str) -> None:
    page.goto(url)  # the first visit to a fresh server (a deep link would show Streamlit's one-off notice)
    wait_for_app(page)
    page.goto(f"{url}/profile")
    wait_for_app(page)
    page.get_by_label("Name").first.fill("Guided Gail")
    field = page.get_by_label("Birth year", exact=True).first
    field.fill("1985")
    field.press("Tab")
    page.get_by_role("button", name="Create profile").click()
    expect(page.get_by_text("Profile created for")).to_be_visible()


def test_guided_test_fills_the_record_form_and_saves(server, phone: Page) -> None:
    _create_profile(phone, server.url)
    phone.goto(f"{server.url}/guided")
    wait_for_app(phone)
    expect(phone.get_by_text("Stop when")).to_be_visible()
    metronome = phone.get_by_role("spinbutton", name="Metronome (beats/min)")
    metronome.fill(str(FAST_CADENCE))
    metronome.press("Tab")
    phone.get_by_text("Click sound").click()  # sound off: the visual beat alone
    phone.get_by_role("button", name="Start the guided test").click()
    screenshot(phone, "guided-ready")

    # Left leg: stop after 9 beats = 4 complete raises (the 5th was only an up-beat).
    left = guided_leg(phone, "Left", 9)
    screenshot(phone, "guided-stopped")
    phone.get_by_role("button", name="Confirm").click()
    expect(phone.get_by_test_id("calfRestClock")).to_be_visible()
    phone.get_by_role("button", name="Skip rest").click()

    # Right leg: 12 beats = 6 raises; the runner corrects it one down (a raise wasn't full height).
    right = guided_leg(phone, "Right", 12) - 1
    raises = phone.get_by_label("Raises", exact=True)
    raises.fill(str(right))
    raises.press("Tab")
    phone.get_by_role("button", name="Confirm").click()
    expect(phone.get_by_text("Both legs done")).to_be_visible()
    expect(phone.get_by_text("Beat timing on this device")).to_be_visible()
    phone.get_by_role("button", name="Continue to the record form").click()

    wait_for_app(phone)
    expect(phone.get_by_text("Filled in from your guided test")).to_be_visible()
    expect(phone.get_by_label("Raises: left", exact=True)).to_have_value(str(left))
    expect(phone.get_by_label("Raises: right", exact=True)).to_have_value(str(right))
    phone.get_by_text("How you tested (protocol)").click()
    expect(phone.get_by_role("spinbutton", name="Metronome (beats/min, 0 if none)")).to_have_value(str(FAST_CADENCE))
    screenshot(phone, "guided-record")
    phone.get_by_role("button", name="Save test").click()
    expect(phone.get_by_text("Saved.")).to_be_visible()
    expect(phone.get_by_text(f"{left} raises", exact=True)).to_be_visible()  # the left leg's score

    phone.goto(f"{server.url}/dashboard")
    wait_for_app(phone)
    expect(phone.get_by_text("120 beats/min").first).to_be_visible()
    points = trend_chart(phone).locator("[aria-roledescription='point']")
    expect(points).to_have_count(2)


def test_leaving_midway_saves_nothing(server, phone: Page) -> None:
    _create_profile(phone, server.url)
    phone.goto(f"{server.url}/guided")
    wait_for_app(phone)
    phone.get_by_role("button", name="Start the guided test").click()
    component = phone.get_by_test_id("calfGuided")
    phone.get_by_test_id("calfButton").click()
    expect(component).to_have_attribute("data-phase", METRONOME_STARTED, timeout=5_000)
    phone.goto(f"{server.url}/history")  # walk away mid-test
    wait_for_app(phone)
    expect(phone.get_by_text("No tests yet.")).to_be_visible()
