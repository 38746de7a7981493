"""WCAG 2.1 AA in a real browser (issue 18): an axe-core scan of every page and state a runner's and a coach's
journey reaches, at 390x844 and 1280x800, scrolled so that contrast is checked on all text.

Each finding is either Streamlit's (a plain Streamlit app with the same kinds of element, default theme, scanned the
same way at the same size, has it too: tests/e2e/axe_scan.py says how they are matched) or the app's; the app's
must be none. Both lists are written to tests/artifacts/axe-<size>.json; docs/accessibility.md has the figures.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.axe_scan import Finding, scan
from tests.e2e.helpers import (
    ARTIFACTS,
    PHONE,
    choose,
    click,
    fill_number,
    load_demo,
    navigate,
    open_page,
    options_of,
    record_test,
    screenshot,
    wait_for_app,
)
from tests.e2e.server import start_server

DESKTOP = {"width": 1280, "height": 800}
SIZES = {"phone": PHONE, "desktop": DESKTOP}
BASELINE_APP = Path(__file__).resolve().parent / "a11y_baseline_app.py"


def _context(browser: Browser, size: str):
    phone = size == "phone"
    return browser.new_context(
        viewport=SIZES[size], device_scale_factor=2 if phone else 1, is_mobile=phone, has_touch=phone
    )


@pytest.fixture(scope="module")
def streamlit_findings(browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, list]]:
    """What axe finds on the plain Streamlit app, per screen size: Streamlit's own findings."""
    folder = tmp_path_factory.mktemp("plain_streamlit")
    app = folder / "plain_app.py"
    shutil.copy(BASELINE_APP, app)
    server = start_server(folder / "unused.duckdb", folder, app=app, cwd=folder)
    found: dict[str, list] = {}
    try:
        for size in SIZES:
            context = _context(browser, size)
            page = context.new_page()
            page.set_default_timeout(30_000)
            page.goto(server.url)
            wait_for_app(page)
            expect(page.get_by_test_id("stVegaLiteChart").locator("svg, canvas").first).to_be_attached()
            found[size] = scan(page)
            context.close()
    finally:
        server.stop()
    yield found


_WATCH_RUNS = """() => {
  window.__calfRunSeen = false;
  if (window.__calfRunWatch) window.__calfRunWatch.disconnect();
  const seen = () => document.querySelector('[data-testid="stStatusWidget"], [data-stale="true"]');
  window.__calfRunWatch = new MutationObserver(() => { if (seen()) window.__calfRunSeen = true; });
  window.__calfRunWatch.observe(document.body, {childList: true, subtree: true, attributes: true,
                                                attributeFilter: ['data-stale']});
}"""


class Scanner:
    """Scans each state, keeps the app's findings apart from Streamlit's, and writes the record at the end."""

    def __init__(self, page: Page, size: str, streamlit: list[Finding]) -> None:
        self.page, self.size = page, size
        self.baseline = streamlit
        self.streamlit = {f.fingerprint for f in streamlit}
        self.states: dict[str, dict[str, list]] = {}

    def check(self, state: str) -> None:
        for _ in range(3):
            wait_for_app(self.page)
            self.page.wait_for_timeout(400)  # charts and components draw a moment after the script run ends
            # A script run that starts during the scan fades the page and shows Streamlit's running indicator for
            # a moment: what a person reads is the page at rest, so such a scan is done again.
            self.page.evaluate(_WATCH_RUNS)
            findings = scan(self.page)
            if not self.page.evaluate("() => window.__calfRunSeen"):
                break
        else:
            raise AssertionError(f"{state}: the page never came to rest for a whole scan")
        self.states[state] = {
            "app": [asdict(f) for f in findings if f.fingerprint not in self.streamlit],
            "streamlit": [asdict(f) for f in findings if f.fingerprint in self.streamlit],
        }
        screenshot(self.page, f"a11y-{self.size}-{state}")

    def write(self) -> dict[str, list]:
        ARTIFACTS.mkdir(exist_ok=True)
        record = {"plain streamlit app": [asdict(f) for f in self.baseline], **self.states}
        (ARTIFACTS / f"axe-{self.size}.json").write_text(json.dumps(record, indent=1))
        return {state: found["app"] for state, found in self.states.items() if found["app"]}


def _open_expanders(page: Page, label: str) -> None:
    """Open every visible chart table, and wait for each table: opening one starts the rerun that draws it."""
    for expander in page.get_by_test_id("stExpander").filter(has_text=label).all():
        summary = expander.locator("summary")
        if summary.is_visible():
            summary.click()
            expect(expander.get_by_test_id("stTable")).to_be_visible()


@pytest.mark.parametrize("size", list(SIZES))
def test_every_page_and_state_has_no_serious_or_critical_violation_of_the_apps_own(
    server, browser: Browser, streamlit_findings: dict[str, list], size: str
) -> None:
    context = _context(browser, size)
    page = context.new_page()
    page.set_default_timeout(30_000)
    scanner = Scanner(page, size, streamlit_findings[size])
    try:
        open_page(page, server.url)
        scanner.check("home-first-visit")
        load_demo(page, server.url)
        _open_expanders(page, "Chart as a table")
        scanner.check("dashboard-raises")
        for tab in ("Symmetry", "Pain", "Training"):
            page.get_by_role("tab", name=tab).click()
            _open_expanders(page, "Chart as a table")
            scanner.check(f"dashboard-{tab.lower()}")

        navigate(page, "Record")
        scanner.check("record-form")
        record_test(page, None, 22, 27)
        scanner.check("record-saved")

        navigate(page, "Guided test")
        scanner.check("guided-setup")
        metronome = page.get_by_role("spinbutton", name="Metronome (beats/min)")
        metronome.fill("120")
        metronome.press("Tab")
        page.get_by_text("Click sound").click()
        page.get_by_role("button", name="Start the guided test").click()
        component = page.locator("[data-testid='calfGuided'][data-phase]")
        expect(component).to_have_attribute("data-phase", "ready")
        scanner.check("guided-ready")
        page.get_by_test_id("calfButton").click()
        # Warm-up and countdown come first, by design; a loaded machine slows their beat clock (a CI run took > 20 s).
        expect(component).to_have_attribute("data-phase", "test", timeout=45_000)
        scanner.check("guided-running")
        page.get_by_test_id("calfButton").click()
        expect(page.get_by_role("spinbutton", name="Raises")).to_be_visible()
        scanner.check("guided-confirm")
        click(page, "Cancel the guided test")

        navigate(page, "Routine")
        scanner.check("routine-week")
        for tab in ("Log training", "Daily check-in"):
            page.get_by_role("tab", name=tab).click()
            scanner.check(f"routine-{tab.split()[-1].lower()}")

        navigate(page, "Retests")
        scanner.check("retests")
        click(page, "Mark days away")  # today, ill: the days-away table and the picker to unmark one
        expect(page.get_by_text("Marked 1 day away.")).to_be_visible()
        scanner.check("retests-days-away")
        navigate(page, "Return to run")
        scanner.check("return-to-run")
        page.get_by_role("tab", name="Hop test").click()
        fill_number(page, "Hops: left", 12)
        fill_number(page, "Hops: right", 11)
        click(page, "Save hop test")
        expect(page.get_by_text("Hop test saved.")).to_be_visible()
        page.get_by_role("tab", name="Hop test").click()
        scanner.check("return-to-run-hops")  # the hop symmetry and chart
        choose(page, "Entry to remove", next(o for o in options_of(page, "Entry to remove") if "hop test" in o))
        click(page, "Remove it")
        expect(page.get_by_role("button", name="Yes, remove it")).to_be_visible()
        scanner.check("return-to-run-remove")  # the confirmation
        click(page, "Cancel")

        navigate(page, "History")
        scanner.check("history")

        navigate(page, "Share")
        scanner.check("share-no-links")
        page.get_by_label("Who is it for?", exact=True).fill("Coach Sam")
        page.get_by_role("button", name="Create link").click()
        expect(page.get_by_text("Link for Coach Sam created")).to_be_visible()
        link = page.get_by_test_id("stCode").inner_text().strip()
        page.get_by_text("Show as a QR code").click()
        expect(page.get_by_test_id("stImage").locator("img")).to_be_visible()  # its text alternative: axe's image-alt
        scanner.check("share-new-link-qr")
        click(page, "Done")
        scanner.check("share-links")

        navigate(page, "Profile")
        scanner.check("profile")

        # Running load (issue 27): the Runs page before and after a run typed by hand, and the dashboard's bars.
        navigate(page, "Runs")
        scanner.check("runs-none")
        fill_number(page, "Distance (km)", 8.5)
        click(page, "Add run")
        expect(page.get_by_text("Run added.")).to_be_visible()
        scanner.check("runs-one")
        navigate(page, "Dashboard")
        page.get_by_role("tab", name="Running").click()
        _open_expanders(page, "Chart as a table")
        scanner.check("dashboard-running")

        coach = _context(browser, size).new_page()
        coach.set_default_timeout(30_000)
        coach_scanner = Scanner(coach, size, streamlit_findings[size])
        coach.goto(link)
        wait_for_app(coach)
        expect(coach.get_by_test_id("stMetricValue").first).to_be_visible()
        coach_scanner.check("coach-view")
        scanner.states.update(
            {f"coach-{k}" if not k.startswith("coach") else k: v for k, v in coach_scanner.states.items()}
        )
        coach.context.close()
    finally:
        app_findings = scanner.write()
        context.close()
    assert not app_findings, json.dumps(app_findings, indent=1)
    # Every state was scanned, and Streamlit's own findings (if any) are on the record, not hidden.
    assert len(scanner.states) == 28, list(scanner.states)
