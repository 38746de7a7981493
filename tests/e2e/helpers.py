"""What a person does in the browser, in one place for every journey (like Streamlit's e2e_playwright/shared/)."""

from __future__ import annotations

import re

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import wait_for_app


def open_page(page: Page, url: str, path: str = "") -> None:
    page.goto(f"{url}/{path}")
    wait_for_app(page)


def reload(page: Page) -> None:
    page.reload()
    wait_for_app(page)


def fill_number(page: Page, label: str, value: float, *, within: Locator | None = None) -> None:
    field = (within or page).get_by_label(label, exact=True)
    field.fill(str(value))
    field.press("Tab")


def click(page: Page, name: str, *, exact: bool = True) -> None:
    """Click a button by its text and wait for the run it starts."""
    page.get_by_role("button", name=name, exact=exact).click()
    page.wait_for_timeout(150)  # the click's rerun starts: the status widget shows before it ends
    wait_for_app(page)


def select_box(page: Page, label: str, *, within: Locator | Page | None = None) -> Locator:
    """A select box (a combo box in Streamlit 1.67) by its label."""
    return (within or page).get_by_role("combobox", name=label, exact=True)


def open_list(page: Page, box: Locator) -> Locator:
    """Tap the select box's arrow and wait for its list (retried once: a rerun may close a list as it opens)."""
    options = page.get_by_role("option")
    for _ in range(3):
        wait_for_app(page)
        try:
            box.scroll_into_view_if_needed()
            box.locator("xpath=following-sibling::button[1]").click()
            expect(options.first).to_be_visible(timeout=3_000)
            return options
        except (AssertionError, PlaywrightError):  # the page was drawn again meanwhile: try once more
            page.wait_for_timeout(300)
    expect(options.first).to_be_visible()
    return options


def choose(page: Page, label: str, option: str, *, within: Locator | Page | None = None) -> None:
    """Pick `option` (its full text) in the select box called `label`, as a finger would: open the list, tap."""
    box = select_box(page, label, within=within)
    open_list(page, box)
    page.get_by_role("option", name=option, exact=True).click()
    expect(box).to_have_value(option)
    page.wait_for_timeout(150)
    wait_for_app(page)


def options_of(page: Page, label: str, *, within: Locator | Page | None = None) -> list[str]:
    """Every choice the select box offers, as shown."""
    box = select_box(page, label, within=within)
    options = open_list(page, box)
    found = [text.strip() for text in options.all_inner_texts()]
    page.keyboard.press("Escape")
    expect(options).to_have_count(0)
    return found


def open_sidebar(page: Page) -> Locator:
    """The sidebar, opened from its ☰ button if the phone's screen has it collapsed."""
    sidebar = page.get_by_test_id("stSidebar")
    expand = page.get_by_test_id("stExpandSidebarButton")
    if expand.is_visible():
        expand.click()
    expect(sidebar.get_by_test_id("stSidebarNavLink").first).to_be_visible()
    return sidebar


def close_sidebar(page: Page) -> None:
    collapse = page.get_by_test_id("stSidebarCollapseButton")
    if page.viewport_size and page.viewport_size["width"] < 700 and collapse.count():
        collapse.first.click()


def navigate(page: Page, title: str) -> None:
    """Go to a page by the sidebar's menu, within the same session (page.goto would start a new one)."""
    sidebar = open_sidebar(page)
    sidebar.get_by_test_id("stSidebarNavLink").filter(has_text=title).first.click()
    page.wait_for_timeout(150)
    wait_for_app(page)
    close_sidebar(page)
    expect(page.get_by_test_id("stSidebar").get_by_test_id("stSidebarNavLink").first).to_be_attached()


def pick_runner(page: Page, label: str) -> None:
    sidebar = open_sidebar(page)
    choose(page, "Runner", label, within=sidebar)
    close_sidebar(page)


def create_profile(
    page: Page, url: str | None, name: str, birth_year: int, sex: str = "Female", same_name_again: bool = False
) -> None:
    """Create a profile on the Profile page (opened from `url`, or by the menu in this session)."""
    if url is not None:
        open_page(page, url, "profile")
    else:
        navigate(page, "Profile")
    form = page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Create profile"))
    form.get_by_label("Name", exact=True).fill(name)
    fill_number(page, "Birth year", birth_year, within=form)
    form.get_by_text(sex, exact=True).click()
    form.get_by_role("button", name="Create profile").click()
    if same_name_again:  # the page asks first; the same values again mean yes
        expect(page.get_by_text(f"You already have a profile called {name}")).to_be_visible()
        wait_for_app(page)
        form.get_by_role("button", name="Create profile").click()
    expect(page.get_by_text(f"Profile created for {name}")).to_be_visible()
    wait_for_app(page)


def load_demo(page: Page, url: str) -> None:
    open_page(page, url, "profile")
    click(page, "Load the demo runner")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()


def record_test(page: Page, url: str | None, left: int, right: int) -> None:
    """Record a knee-straight test on the Record page (opened from `url`, or where the page already is)."""
    if url is not None:
        open_page(page, url, "record")
    another = page.get_by_role("button", name="Record another test")
    if another.is_visible():
        click(page, "Record another test")
    fill_number(page, "Raises: left", left)
    fill_number(page, "Raises: right", right)
    page.get_by_role("button", name="Save test").click()
    expect(page.get_by_text("Saved.", exact=True)).to_be_visible()
    wait_for_app(page)


def main_text(page: Page) -> str:
    return page.get_by_test_id("stMain").inner_text()


def runner_in_url(page: Page) -> str | None:
    found = re.search(r"[?&]runner=(\d+)", page.url)
    return found.group(1) if found else None


# -- the guided test -------------------------------------------------------------------------------------------

FAST_CADENCE = 120  # beats/min: one beat every 0.5 s keeps a guided test short

# Taps Stop from inside the page on the beat the count reaches the target. A tap sent from the test process arrives
# one round trip later, which on a loaded machine can be after the next beat (0.5 s at 120 beats/min).
STOP_ON_BEAT_JS = """(root, target) => new Promise(resolve => {
  const observer = new MutationObserver(() => {
    if (Number(root.getAttribute('data-beats')) >= target) {
      observer.disconnect();
      root.querySelector("[data-testid='calfButton']").click();
      resolve();
    }
  });
  observer.observe(root, {attributes: true, attributeFilter: ['data-beats']});
})"""


def guided_leg(page: Page, stop_after_beats: int) -> None:
    """Start, wait for the warm-up and countdown, then stop once the counted beats reach the target."""
    # The metronome, not the rest clock (also "calfGuided"), which may still be on screen for a moment after Skip.
    component = page.locator("[data-testid='calfGuided'][data-phase]")
    expect(component).to_have_attribute("data-phase", "ready")
    page.get_by_test_id("calfButton").click()
    expect(component).to_have_attribute("data-phase", "warm-up", timeout=5_000)
    component.evaluate(STOP_ON_BEAT_JS, stop_after_beats)  # the runner taps Stop on that beat
    expect(component).to_have_attribute("data-beats", str(stop_after_beats))
