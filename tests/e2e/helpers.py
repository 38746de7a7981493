"""What a person does in the browser, in one place for every journey (like Streamlit's e2e_playwright/shared/)."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Protocol

from playwright.sync_api import Browser, Locator, Page, expect
from playwright.sync_api import Error as PlaywrightError
from pypdf import PdfReader

from calfcore.protocol import BEATS_PER_RAISE

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
PHONE = {"width": 390, "height": 844}


class Served(Protocol):
    """A running app a person opens: one `streamlit run`, or several behind the proxy (tests/scaleout.py)."""

    url: str


# The page at rest, as a person sees it before tapping: no run in flight (the app's own script state, as Streamlit's
# e2e tests read it: the status widget shows only once a run has lasted a while, so a message drawn early in a run,
# "Saved.", came before the button drawn at its end), no element left over from the previous run, the title drawn,
# every chart on screen drawn, and nothing sliding. A tap is a press and a release: if what is under the finger moves
# between the two, the browser sends the click to what holds both points (the form around the button) and the button
# never fires. Seen with both cores busy: the coach's notes, Save pressed 90 ms after the expander was tapped open
# (Streamlit animates its height for 500 ms), the release landing on the form. A chart drawn late above a button
# would move it the same way.
_AT_REST = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  if (!main || !main.querySelector('h1')) return false;
  if (!document.querySelector('[data-testid="stApp"][data-test-script-state="notRunning"]')) return false;
  if (document.querySelector('[data-testid="stStatusWidget"], [data-stale="true"]')) return false;
  const sliding = document.getAnimations().filter((animation) => animation.playState === 'running'
    && animation.effect && animation.effect.getTiming().iterations !== Infinity);
  const charts = [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
    .filter((chart) => chart.getClientRects().length > 0);
  return sliding.length === 0 && charts.every((chart) => chart.querySelector('svg, canvas'));
}"""


def wait_for_app(page: Page) -> None:
    """Ready when the page is at rest (above). (A fresh server's first page, on a loaded machine, can take well over
    the usual wait: this is readiness, not a check of speed.)"""
    expect(page.get_by_test_id("stApp")).to_be_visible(timeout=60_000)
    page.wait_for_function(_AT_REST, timeout=60_000)


def screenshot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def assert_no_runner_data(page: Page, where: str) -> None:
    """No runner's name, scores, metrics, tables or charts on the page (public text is fine)."""
    body = page.get_by_test_id("stMain").inner_text()
    for marker in ("Demo runner", "Latest test", "Limb symmetry:", "since last"):
        assert marker not in body, (where, marker, body)
    for test_id in ("stMetric", "stVegaLiteChart"):  # (the public home page has a table of norms)
        assert page.get_by_test_id(test_id).count() == 0, (where, test_id)


# -- forms that say what they did (issue 24) ---------------------------------------------------------------


def by_the_button(page: Page, button: str, sentence: str, *, within: Locator | None = None) -> None:
    """The refusal is an alert right under the form's button (not at the top of the page) and says `sentence`."""
    alert = page.get_by_test_id("stAlert").filter(has_text=sentence).last  # (a field may say it too, above)
    expect(alert).to_be_visible()
    alert.scroll_into_view_if_needed()
    under = alert.bounding_box()
    above = (within or page).get_by_role("button", name=button, exact=True).bounding_box()
    assert under and above, (under, above)
    gap = under["y"] - (above["y"] + above["height"])
    assert 0 <= gap < 80, f"{sentence!r} is {gap:.0f} px from the {button!r} button"


def no_success(page: Page) -> None:
    """No confirmation of a save on screen (one the browser hid after a change to the form counts as gone)."""
    expect(page.locator("[data-testid='stAlertContentSuccess']:visible")).to_have_count(0)


# -- the PDF report --------------------------------------------------------------------------------------------

REPORT_BUTTON = "Download report (PDF)"


def download_report(page: Page) -> tuple[str, str]:
    """Tap the report button; the file's name and its text (white space made single spaces)."""
    button = page.get_by_role("button", name=REPORT_BUTTON)
    expect(button).to_be_visible()
    with page.expect_download(timeout=60_000) as info:
        button.click()
    data = Path(info.value.path()).read_bytes()
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    return info.value.suggested_filename, re.sub(r"\s+", " ", reader.pages[0].extract_text())


# -- hosted mode: a person with a login ------------------------------------------------------------------------


def person(browser: Browser) -> Page:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(30_000)
    return page


def log_in(page: Page, server: Served, subject: str) -> None:
    page.goto(server.url)
    wait_for_app(page)
    page.get_by_role("button", name="Log in").click()
    page.locator("input[name=sub]").fill(subject)  # the identity provider's own form
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(re.compile(re.escape(server.url) + r"/?(home)?$"))
    wait_for_app(page)
    expect(page.get_by_text("Logged in")).to_be_attached()


def create_profile_and_test(page: Page, server: Served, name: str, left: int, right: int) -> None:
    page.goto(f"{server.url}/profile")
    wait_for_app(page)
    page.get_by_label("Name").first.fill(name)
    field = page.get_by_label("Birth year", exact=True).first
    field.fill("1990")
    field.press("Tab")
    page.get_by_role("button", name="Create profile").click()
    expect(page.get_by_text("Profile created for")).to_be_visible()
    page.goto(f"{server.url}/record")
    wait_for_app(page)
    for label, value in (("Raises: left", left), ("Raises: right", right)):
        number = page.get_by_label(label, exact=True)
        number.fill(str(value))
        number.press("Tab")
    page.get_by_role("button", name="Save test").click()
    expect(page.get_by_text("Saved.")).to_be_visible()


def create_share_link(page: Page, server: Served, label: str) -> str:
    """The Share page's new link for the runner on show, as the page gives it to be copied."""
    page.goto(f"{server.url}/share")
    wait_for_app(page)
    page.get_by_label("Who is it for?").fill(label)
    page.get_by_role("button", name="Create link").click()
    code = page.get_by_test_id("stCode")
    expect(code).to_contain_text("?share=")
    return re.search(r"http\S+\?share=[A-Za-z0-9_-]{43}", code.inner_text()).group(0)


def add_to_roster(coach: Page, link: str) -> None:
    """A logged-in coach opens a runner's share link and adds the runner to their roster."""
    coach.goto(link)
    wait_for_app(coach)
    coach.get_by_role("button", name="Add to my roster").click()
    expect(coach.get_by_text("On your roster")).to_be_visible()


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
    for _ in range(3):
        options = open_list(page, box)
        # Read while the list is open: a run that draws the page again closes it, and a closed list reads as no
        # choices at all (one journey read [] under load). Then it is opened again, as a person would.
        found = [text.strip() for text in options.all_inner_texts()]
        if found:
            break
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
    # A run that draws the page again can fold a phone's sidebar away while its list opens (CI, under load: the
    # list never showed, the sidebar was closed): open the sidebar again and pick again, as a person would.
    for attempt in range(3):
        sidebar = open_sidebar(page)
        try:
            choose(page, "Runner", label, within=sidebar)
            break
        except AssertionError:
            if attempt == 2:
                raise
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


def correct_left_raises(page: Page, left: int) -> None:
    """On History, correct the test it shows: its left leg's raises to `left`, saved."""
    click(page, "Correct this test")
    editing = page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Save correction"))
    fill_number(page, "Raises: left", left, within=editing)
    editing.get_by_role("button", name="Save correction").click()
    expect(page.get_by_text("Correction saved.")).to_be_visible()
    wait_for_app(page)


def trend_chart(page: Page) -> Locator:
    """The first chart over time on the page (its points are named for a screen reader), not the latest test's
    per-leg bars above it."""
    return page.get_by_test_id("stVegaLiteChart").filter(has=page.locator("[aria-roledescription='point']")).first


def main_text(page: Page) -> str:
    return page.get_by_test_id("stMain").inner_text()


def runner_in_url(page: Page) -> str | None:
    found = re.search(r"[?&]runner=(\d+)", page.url)
    return found.group(1) if found else None


# -- the guided test -------------------------------------------------------------------------------------------

FAST_CADENCE = 120  # beats/min: one beat every 0.5 s keeps a guided test short

# Taps Stop from inside the page on the beat the count reaches the target, and answers with the beat it stopped on.
# A tap sent from the test process arrives one round trip later, which on a loaded machine can be after the next beat
# (0.5 s at 120 beats/min). The answer comes from the page at the tap: after it the app may replace the metronome by the
# confirmation at once, so nothing may be asked of the metronome afterwards.
STOP_ON_BEAT_JS = """(root, target) => new Promise(resolve => {
  const observer = new MutationObserver(() => {
    const beats = Number(root.getAttribute('data-beats'));
    if (beats >= target) {
      observer.disconnect();
      root.querySelector("[data-testid='calfButton']").click();
      resolve(beats);
    }
  });
  observer.observe(root, {attributes: true, attributeFilter: ['data-beats']});
})"""

# Once Start is tapped the metronome moves on by itself (warm-up, countdown, test): waiting for one passing phase
# would race it.
METRONOME_STARTED = re.compile(r"^(warm-up|countdown|test)$")


def guided_leg(page: Page, leg: str, stop_after_beats: int) -> int:
    """Start the metronome for `leg` ("Left" or "Right"), tap Stop once the counted beats reach the target, and wait
    for what the runner sees next: the leg's confirmation. Returns the raises it shows (complete raises in the beats
    the stop landed on: on a loaded machine a late frame can count a beat more than asked)."""
    # The metronome, not the rest clock (also "calfGuided"), which may still be on screen for a moment after Skip.
    component = page.locator("[data-testid='calfGuided'][data-phase]")
    expect(component).to_have_attribute("data-phase", "ready")
    page.get_by_test_id("calfButton").click()
    expect(component).to_have_attribute("data-phase", METRONOME_STARTED, timeout=5_000)
    stopped_on_beat = component.evaluate(STOP_ON_BEAT_JS, stop_after_beats)  # the runner taps Stop on that beat
    confirmation = page.get_by_role("heading", name=re.compile(rf"^{leg} leg: \d+ raises$"))
    expect(confirmation).to_be_visible()
    shown = re.search(r"(\d+) raises", confirmation.inner_text())
    assert shown is not None
    raises = int(shown.group(1))
    assert raises == stopped_on_beat // BEATS_PER_RAISE, f"stopped on beat {stopped_on_beat}, shown {raises} raises"
    return raises
