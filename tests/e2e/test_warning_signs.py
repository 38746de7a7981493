"""Issue 22 in a real browser, hosted mode (oidc-provider-mock, `streamlit run`, Debian Chromium at phone size
390×844): a warning sign ticked in the daily check-in lasts. After a reload it leads the runner's Routine and
Dashboard, the PDF report, the coach's share link and the coach's roster card, each in place of the routine; once the
runner records a clinician's all-clear, the routine comes back everywhere."""

from __future__ import annotations

import io
import re
from pathlib import Path

from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from tests.e2e.helpers import (
    ARTIFACTS,
    click,
    create_profile,
    create_profile_and_test,
    create_share_link,
    fill_number,
    log_in,
    main_text,
    open_page,
    person,
    reload,
    screenshot,
    wait_for_app,
)
from tests.e2e.server import StreamlitServer

SIGN = "Is a calf swollen, warm to the touch or red?"
MESSAGE = "Please get medical care today"
STANDS = re.compile(r"Warning sign in the daily check-in of \d\d \w\w\w \d{4}\.")
NOTE = "Seen by Dr Ng: a calf strain, no clot. Back to training."


def _open(page: Page, server: StreamlitServer, path: str) -> None:
    page.goto(f"{server.url}/{path}")
    wait_for_app(page)


def _tab(page: Page, name: str) -> None:
    page.get_by_role("tab", name=name).click()
    wait_for_app(page)


def _routine_shown(page: Page) -> None:
    expect(page.get_by_text(re.compile(r"^Stage: ")).first).to_be_visible()
    assert MESSAGE not in main_text(page)


def _warning_shown(page: Page) -> None:
    main = page.get_by_test_id("stMain")
    expect(main.get_by_text(MESSAGE, exact=False).first).to_be_visible()
    expect(main.get_by_text(STANDS).first).to_be_visible()
    text = main.inner_text()
    for routine_words in ("Stage: ", "Next retest", "Retest due"):
        assert routine_words not in text, routine_words


def _report_text(page: Page, name: str) -> str:
    """Tap the report button; the PDF's text (kept in tests/artifacts as `name`.pdf, to look at)."""
    button = page.get_by_role("button", name="Download report (PDF)")
    expect(button).to_be_visible()
    with page.expect_download(timeout=60_000) as info:
        button.click()
    data = Path(info.value.path()).read_bytes()
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"{name}.pdf").write_bytes(data)
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", reader.pages[0].extract_text())


def test_a_warning_sign_lasts_until_a_clinicians_all_clear(hosted: StreamlitServer, browser: Browser) -> None:
    runner, coach = person(browser), person(browser)
    log_in(runner, hosted, "ann@example.org")
    create_profile_and_test(runner, hosted, "Ann Runner", 30, 31)
    share = create_share_link(runner, hosted, "Coach Sam")

    # Routine: this week's plan first; then a check-in with pain 7/10 asks the warning signs, and one is ticked.
    _open(runner, hosted, "routine")
    _routine_shown(runner)
    _tab(runner, "Daily check-in")
    pain = runner.get_by_role("radiogroup", name="Pain during, left (0 none – 10 worst)")
    pain.get_by_role("radio", name="7", exact=True).click()
    runner.get_by_role("button", name="Save check-in").click()
    expect(runner.get_by_text(re.compile("Before any advice: do any of these apply"))).to_be_visible()
    wait_for_app(runner)
    runner.get_by_text(SIGN, exact=True).click()
    runner.get_by_role("button", name="Answer").click()
    expect(runner.get_by_text(re.compile("Saved with your check-in of"))).to_be_visible()
    wait_for_app(runner)
    screenshot(runner, "warning-checkin-ticked-phone")

    # A reload starts a new session: the warning is stored, and leads the routine and the dashboard.
    reload(runner)
    _open(runner, hosted, "routine")
    _warning_shown(runner)
    expect(runner.get_by_text("What can you train with?")).to_be_visible()
    screenshot(runner, "warning-routine-phone")
    _open(runner, hosted, "dashboard")
    _warning_shown(runner)
    screenshot(runner, "warning-dashboard-phone")
    text = _report_text(runner, "warning-report")
    assert "Warning sign: see a clinician" in text and SIGN in text, text
    assert "daily check-in of" in text and "Current stage and routine" not in text, text

    # The coach's share link and roster card lead with it too.
    log_in(coach, hosted, "coach@example.org")
    coach.goto(share)
    wait_for_app(coach)
    _warning_shown(coach)
    assert "Routine: daily check-in" not in main_text(coach)  # the coach reads it; only the runner acts on it
    screenshot(coach, "warning-coach-link-phone")
    coach.get_by_role("button", name="Add to my roster").click()
    expect(coach.get_by_text("On your roster")).to_be_visible()
    _open(coach, hosted, "roster")
    card = coach.locator("[class*='st-key-roster_entry']").filter(has_text="Ann Runner")
    expect(card).to_contain_text("Needs attention")
    expect(card).to_contain_text(
        re.compile(r"Warning sign in the daily check-in of \d\d \w\w\w \d{4}: " + re.escape(SIGN))
    )
    expect(card).to_contain_text("Stage —")
    expect(coach.get_by_test_id("stVegaLiteChart")).to_have_count(1)  # the squad chart still draws
    screenshot(coach, "warning-roster-phone")

    # The runner records the clinician's all-clear in the check-in area: the routine comes back everywhere.
    _open(runner, hosted, "routine")
    _tab(runner, "Daily check-in")
    runner.get_by_role("textbox", name="Note (optional)").fill(NOTE)
    runner.get_by_role("button", name="Record the all-clear").click()
    expect(runner.get_by_text(re.compile("All-clear of .* recorded"))).to_be_visible()
    wait_for_app(runner)
    _tab(runner, "This week")
    _routine_shown(runner)
    screenshot(runner, "warning-cleared-routine-phone")
    _open(runner, hosted, "dashboard")
    expect(runner.get_by_text(re.compile(r"Next retest|Retest due")).first).to_be_visible()
    assert not STANDS.search(main_text(runner))
    text = _report_text(runner, "warning-cleared-report")
    assert "Current stage and routine" in text and "Warning sign: see a clinician" not in text, text
    coach.goto(share)
    wait_for_app(coach)
    _routine_shown(coach)
    _open(coach, hosted, "roster")
    card = coach.locator("[class*='st-key-roster_entry']").filter(has_text="Ann Runner")
    expect(card).not_to_contain_text("Warning sign")
    expect(coach.get_by_test_id("stVegaLiteChart")).to_have_count(2)  # the squad chart, and Ann's legs at a glance
    screenshot(coach, "warning-cleared-roster-phone")


def test_a_zero_is_asked_about_before_anything_is_saved(server: StreamlitServer, phone: Page) -> None:
    """Record page at phone size: 0 raises on a leg asks first; corrected, the test is scored; confirmed, it is saved
    with the clinician message."""
    create_profile(phone, server.url, "Zed Runner", 1990)
    open_page(phone, server.url, "record")
    fill_number(phone, "Raises: left", 0)
    fill_number(phone, "Raises: right", 25)
    phone.get_by_role("button", name="Save test").click()
    question = phone.get_by_text("0 raises on the left leg: is that right?", exact=False)
    expect(question).to_be_visible()
    wait_for_app(phone)
    assert "Saved." not in main_text(phone)
    question.scroll_into_view_if_needed()
    screenshot(phone, "zero-question-phone")

    click(phone, "No, let me correct it")  # a slip of the thumb: the form keeps what was typed
    expect(question).to_have_count(0)
    expect(phone.get_by_label("Raises: right", exact=True)).to_have_value("25")
    fill_number(phone, "Raises: left", 20)
    phone.get_by_role("button", name="Save test").click()
    expect(phone.get_by_text("Saved.", exact=True)).to_be_visible()
    expect(phone.get_by_text("20 raises", exact=True)).to_be_visible()

    click(phone, "Record another test")
    fill_number(phone, "Raises: left", 0)
    fill_number(phone, "Raises: right", 25)
    phone.get_by_role("button", name="Save test").click()
    expect(question).to_be_visible()
    wait_for_app(phone)
    click(phone, "Yes, 0 is right: save")
    expect(phone.get_by_text("Saved.", exact=True)).to_be_visible()
    expect(phone.get_by_text(MESSAGE, exact=False).first).to_be_visible()
    screenshot(phone, "zero-confirmed-phone")
