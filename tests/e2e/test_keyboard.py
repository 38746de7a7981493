"""Keyboard only (issue 18): every main action reached and operated with Tab, Enter, Space, arrows and typing, never
the mouse, with the focus visible at each step. Setting up the two runners is done the usual way: it is not one of
the actions under test.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.helpers import (
    METRONOME_STARTED,
    PHONE,
    create_profile,
    load_demo,
    main_text,
    open_page,
    screenshot,
    wait_for_app,
)
from tests.e2e.server import StreamlitServer, start_server

DESKTOP = {"width": 1280, "height": 800}
DEMO = "Demo runner (Alex)"

# What has the focus, looked for inside shadow roots (our components), and how it shows: its outline, and for a text
# field the border of the box around it (Streamlit marks a focused field by its border, not an outline).
_FOCUSED = r"""() => {
  let el = document.activeElement;
  while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
  if (!el || el === document.body) return null;
  const text = (node) => {  // its words, without the material icons' ligature names ("add_circle")
    const copy = node.cloneNode(true);
    copy.querySelectorAll('[data-testid="stIconMaterial"]').forEach(icon => icon.remove());
    return copy.textContent.replace(/\s+/g, ' ');
  };
  const label = (el.labels && el.labels[0] && text(el.labels[0])) || el.getAttribute('aria-label') || '';
  const style = getComputedStyle(el);
  const box = el.closest('[data-baseweb="input"], [data-baseweb="select"] > div, [data-baseweb="textarea"]');
  return {name: (label || text(el) || el.value || '').trim(), tag: el.tagName.toLowerCase(),
          role: el.getAttribute('role') || '', outline: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth),
          outlineColor: style.outlineColor, box: box ? getComputedStyle(box).borderTopColor : '',
          boxWidth: box ? parseFloat(getComputedStyle(box).borderTopWidth) : 0,
          testid: (el.closest('[data-testid]') || el).getAttribute('data-testid') || ''};
}"""
PRIMARY_RGB = "rgb(11, 110, 79)"  # the theme's primaryColor, #0b6e4f
FOCUS_LOOKS = 10  # looks at the focus, 100 ms apart


def focused(page: Page) -> dict | None:
    return page.evaluate(_FOCUSED)


# Whether the focused element, outside the sidebar, lies under the open sidebar (a drawer over the page on a phone).
_UNDER_SIDEBAR = r"""() => {
  const el = document.activeElement;
  const sidebar = document.querySelector('[data-testid="stSidebar"]');
  if (!el || !sidebar || sidebar.contains(el) || el === document.body) return false;
  const box = el.getBoundingClientRect();
  const top = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
  return !!top && sidebar.contains(top);
}"""


def assert_focus_visible(page: Page, where: str) -> dict:
    """A 2px or wider outline, or (for a text field or select box) its box's border in the primary colour; and not
    hidden under the sidebar. Looked at for up to a second: what a person sees after the key, not the frame the
    browser is still drawing (a tab's ring came a moment after its focus when the machine was busy)."""
    for _ in range(FOCUS_LOOKS):
        info = focused(page)
        assert info is not None, f"{where}: nothing has the focus"
        ring = info["outline"] not in ("none", "") and info["outlineWidth"] >= 2
        field = info["box"] == PRIMARY_RGB and info["boxWidth"] >= 1
        if ring or field:
            break
        page.wait_for_timeout(100)
    assert ring or field, f"{where}: the focus is not visible: {info}"
    assert not page.evaluate(_UNDER_SIDEBAR), f"{where}: the focus is under the open sidebar: {info}"
    return info


def tab_to(page: Page, name: str, *, role: str | None = None, limit: int = 150, back: bool = False) -> dict:
    """Press Tab (or Shift+Tab) until the focused element is called `name` (its label or its text)."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        info = focused(page)
        if info and info["name"] == name and (role is None or info["role"] == role):
            return assert_focus_visible(page, name)
    raise AssertionError(f"Tab never reached {name!r}; last focus: {focused(page)}")


def wait_for_focus_on(page: Page, name: str) -> None:
    page.wait_for_function(f"() => ({_FOCUSED})()?.name === {name!r}")
    assert_focus_visible(page, name)


def press(page: Page, key: str) -> None:
    page.keyboard.press(key)
    page.wait_for_timeout(200)  # the rerun it starts
    wait_for_app(page)


def go_to(page: Page, title: str, *, forward: bool = False) -> None:
    """Switch page with the sidebar's link, by keyboard (from the page, back to it; from the sidebar's top, on)."""
    tab_to(page, title, back=not forward)
    press(page, "Enter")
    expect(page.get_by_test_id("stSidebarNavLink").filter(has_text=title).first).to_have_attribute(
        "aria-current", "page"
    )


@pytest.fixture
def desk(browser: Browser):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def test_every_main_action_by_keyboard_with_the_focus_visible(server, desk: Page, browser: Browser) -> None:
    page = desk
    open_page(page, server.url)
    load_demo(page, server.url)
    create_profile(page, None, "Kim", 1990)  # set-up: Kim is now shown

    # Pick a runner: the sidebar's select box, by typing and Enter.
    tab_to(page, "Runner", back=True)
    page.keyboard.type("Demo")
    press(page, "Enter")
    expect(page.get_by_test_id("stSidebar").get_by_role("combobox", name="Runner")).to_have_value(DEMO)

    # Switch page and record a test; after Save the focus is on the confirmation.
    go_to(page, "Record")
    expect(page.get_by_role("heading", name="Record a test")).to_be_visible()
    tab_to(page, "Raises: left")
    page.keyboard.type("21")
    tab_to(page, "Raises: right")
    page.keyboard.type("25")
    tab_to(page, "Save test")
    press(page, "Enter")
    expect(page.get_by_text("Saved.", exact=True)).to_be_visible()
    page.wait_for_function("() => document.activeElement && document.activeElement.closest('[data-testid=stAlert]')")
    screenshot(page, "keyboard-saved")

    # Guided test: Start by Enter; the component's button takes the focus; Space starts and stops the metronome.
    go_to(page, "Guided test")
    tab_to(page, "Start the guided test")
    press(page, "Enter")
    component = page.locator("[data-testid='calfGuided'][data-phase]")
    expect(component).to_have_attribute("data-phase", "ready")
    page.wait_for_function(
        "() => (document.activeElement.shadowRoot || document).activeElement?.dataset?.testid === 'calfButton'"
    )
    assert_focus_visible(page, "Start (the metronome)")
    page.keyboard.press("Space")
    expect(component).to_have_attribute("data-phase", METRONOME_STARTED, timeout=10_000)
    page.keyboard.press("Space")
    expect(page.get_by_role("spinbutton", name="Raises")).to_be_visible()
    wait_for_focus_on(page, "Raises")  # Stop moved the focus to the count to check
    screenshot(page, "keyboard-guided-confirm")
    # Cancel with Space: it cancels (it used to start the metronome instead).
    tab_to(page, "Cancel the guided test")
    press(page, "Space")
    expect(page.get_by_role("button", name="Start the guided test")).to_be_visible()
    expect(component).to_have_count(0)
    # Start again and leave it unstarted: Cancel; then Space in another form types a space.
    wait_for_focus_on(page, "Start the guided test")  # Cancel gave the focus back to the set-up's Start button
    press(page, "Enter")
    expect(component).to_have_attribute("data-phase", "ready")
    tab_to(page, "Cancel the guided test")
    press(page, "Space")
    expect(page.get_by_role("button", name="Start the guided test")).to_be_visible()

    # Share: type a label with a space, create the link, and read it.
    go_to(page, "Share")
    tab_to(page, "Who is it for?")
    page.keyboard.type("Coach Sam")
    expect(page.get_by_label("Who is it for?", exact=True)).to_have_value("Coach Sam")
    expect(page.get_by_test_id("calfGuided")).to_have_count(0)
    tab_to(page, "Create link")
    press(page, "Enter")
    expect(page.get_by_text("Link for Coach Sam created")).to_be_visible()
    link = page.get_by_test_id("stCode").inner_text().strip()
    tab_to(page, "Done")
    press(page, "Enter")

    # The coach view's tabs, by keyboard: Tab to the first tab, arrow to the next, Enter.
    coach = browser.new_context(viewport=DESKTOP).new_page()
    coach.goto(link)
    wait_for_app(coach)
    expect(coach.get_by_test_id("stMetricValue").first).to_be_visible()
    tab_to(coach, "Raises", role="tab")
    coach.keyboard.press("ArrowRight")
    coach.keyboard.press("Enter")
    expect(coach.get_by_role("tab", name="Symmetry")).to_have_attribute("aria-selected", "true")
    assert_focus_visible(coach, "Symmetry tab")
    screenshot(coach, "keyboard-coach-tabs")
    coach.context.close()

    # Revoke the link: Revoke, then the confirmation.
    tab_to(page, "Revoke")
    press(page, "Enter")
    tab_to(page, "Yes, revoke it")
    press(page, "Enter")
    expect(page.get_by_text("revoked").first).to_be_visible()

    # Log training on the routine page: the tab by arrow keys, then Log it.
    go_to(page, "Routine")
    tab_to(page, "This week", role="tab")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    expect(page.get_by_role("tab", name="Log training")).to_have_attribute("aria-selected", "true")
    tab_to(page, "Log it")
    press(page, "Enter")
    expect(page.get_by_text("Logged", exact=False).first).to_be_visible()
    assert "Logged" in main_text(page)


@pytest.fixture
def pocket(browser: Browser):
    """A phone-sized window driven by a keyboard (a Bluetooth keyboard, or a switch device that sends keys)."""
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


@pytest.fixture
def saturday(tmp_path: Path) -> Iterator[StreamlitServer]:
    """The app on a fixed day, Saturday 5 December 2026 (CALF_TODAY): the dates typed below are known."""
    server = start_server(tmp_path / "calfcheck.duckdb", tmp_path, env={"CALF_TODAY": "2026-12-05"})
    yield server
    server.stop()
    assert "Traceback" not in server.log(), server.log()


def test_runner_picker_retests_and_return_to_run_by_keyboard_at_phone_size(saturday, pocket: Page) -> None:
    """Issue 24: the sidebar's runner picker (collapsed on a phone), every action on Retests and Return to run, and
    revoking a link with its confirmation, by keyboard alone, with the focus visible and never lost to the page's
    top after an action."""
    page, server = pocket, saturday
    open_page(page, server.url)
    load_demo(page, server.url)
    create_profile(page, None, "Kim", 1990)  # set-up: Kim is now shown
    open_page(page, server.url, "dashboard")
    screenshot(page, "keyboard-phone-start")
    # The drawer's script (calfui/assets/drawer.js), which gives the opened sidebar the focus, is installed by the
    # page's first run, after the page shows: under CI load the test's first keys came before it (a person's later).
    page.wait_for_function("() => window.__calfDrawer === true")

    # The sidebar is folded away on a phone: open it from its button, pick the demo runner by typing, and Enter.
    # Nothing of the folded sidebar is in the way: the second stop (after "Skip to main content") opens it.
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert_focus_visible(page, "Expand sidebar")
    assert focused(page)["testid"] == "stExpandSidebarButton", focused(page)
    press(page, "Enter")
    page.wait_for_function("() => document.querySelector('[data-testid=stSidebar]').contains(document.activeElement)")
    tab_to(page, "Runner", limit=20)
    page.keyboard.type("Demo")
    press(page, "Enter")
    expect(page.get_by_test_id("stSidebar").get_by_role("combobox", name="Runner")).to_have_value(DEMO)
    screenshot(page, "keyboard-phone-picked")

    screenshot(page, "keyboard-phone-picked")

    # Retests: the interval (a radio group: arrows), days away (dates typed, the reason by arrows), and unmarking.
    go_to(page, "Retests")
    expect(page.get_by_role("heading", name="Retests and days away")).to_be_visible()
    screenshot(page, "keyboard-phone-retests")
    tab_to(page, "By stage: every 2 weeks while calming down or building, every 4 once loading")
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("radio", name="Every week")).to_be_checked()
    tab_to(page, "Save")
    press(page, "Enter")
    expect(page.get_by_text("Retest interval saved.")).to_be_visible()
    expect(page.get_by_role("radio", name="Every week")).to_be_checked()
    tab_to(page, "day, To")  # two days from today
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    tab_to(page, "Ill")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("radio", name="Travelling")).to_be_checked()
    tab_to(page, "Mark days away")
    press(page, "Enter")
    expect(page.get_by_text("Marked 3 days away.")).to_be_visible()
    screenshot(page, "keyboard-phone-retests-marked")
    tab_to(page, "Unmark a day")
    page.keyboard.type("Sun 06")
    press(page, "Enter")
    expect(page.get_by_role("combobox", name="Unmark a day")).to_have_value("Sun 06 Dec 2026 (travelling)")
    tab_to(page, "Unmark")
    press(page, "Enter")
    expect(page.get_by_text("Day unmarked.")).to_be_visible()
    expect(page.get_by_role("combobox", name="Unmark a day")).not_to_have_value("Sun 06 Dec 2026 (travelling)")
    tab_to(page, "Unmark a day", back=True)  # the days still marked, read from its list (opened by a key)
    page.keyboard.press("ArrowDown")
    options = page.get_by_role("option")
    expect(options.first).to_be_visible()
    assert [o.strip() for o in options.all_inner_texts()] == [
        "Sat 05 Dec 2026 (travelling)",
        "Mon 07 Dec 2026 (travelling)",
    ]
    page.keyboard.press("Escape")

    # Return to run: the checklist's boxes by Space, the hop test's tab by arrows, and removing an entry.
    open_sidebar_by_keyboard(page)
    go_to(page, "Return to run", forward=True)
    tab_to(page, "I walked for 30 minutes without pain")
    page.keyboard.press("Space")
    tab_to(page, "Any pain had settled by the next morning")
    page.keyboard.press("Space")
    tab_to(page, "Save checklist")
    press(page, "Enter")
    expect(page.get_by_text("Checklist saved.")).to_be_visible()
    tab_to(page, "Record the checklist", role="tab")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    expect(page.get_by_role("tab", name="Hop test")).to_have_attribute("aria-selected", "true")
    tab_to(page, "Hops: left")
    page.keyboard.type("12")
    tab_to(page, "Hops: right")
    page.keyboard.type("11")
    tab_to(page, "Save hop test")
    press(page, "Enter")
    expect(page.get_by_text("Hop test saved.")).to_be_visible()
    tab_to(page, "Entry to remove")
    page.keyboard.type("hop test")
    press(page, "Enter")
    tab_to(page, "Remove it")
    press(page, "Enter")
    tab_to(page, "Yes, remove it")
    press(page, "Enter")
    expect(page.get_by_text("Entry removed.")).to_be_visible()
    assert "hop test · left 12" not in main_text(page)
    screenshot(page, "keyboard-phone-return-to-run")

    # Share: a link made and revoked, the confirmation included.
    open_sidebar_by_keyboard(page)
    go_to(page, "Share", forward=True)
    tab_to(page, "Who is it for?")
    page.keyboard.type("Coach Sam")
    tab_to(page, "Create link")
    press(page, "Enter")
    expect(page.get_by_text("Link for Coach Sam created")).to_be_visible()
    tab_to(page, "Done")
    press(page, "Enter")
    tab_to(page, "Revoke")
    press(page, "Enter")
    tab_to(page, "Yes, revoke it")
    press(page, "Enter")
    expect(page.get_by_text("revoked").first).to_be_visible()
    screenshot(page, "keyboard-phone-revoked")


def open_sidebar_by_keyboard(page: Page) -> None:
    """From anywhere: back to the top of the page and Enter on the sidebar's button, if it is folded away."""
    if page.get_by_test_id("stSidebar").get_attribute("data-collapsed") == "true":
        tab_to(page, "Expand sidebar", back=True)
        press(page, "Enter")
        expect(page.get_by_test_id("stSidebar")).to_have_attribute("data-collapsed", "false")
        # The open sidebar has the focus: the next Tab is its first link, not the page behind it.
        page.wait_for_function(
            "() => document.querySelector('[data-testid=stSidebar]').contains(document.activeElement)"
        )
        assert_focus_visible(page, "the open sidebar")
