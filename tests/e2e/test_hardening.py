"""Findings of the outside audit (issue 12) that only a real server and browser show: text a runner typed never
becomes a link, a share link's token never leaves in a Referer header, and a fresh server's first deep link opens
its page without a "Page not found" dialog."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from calfcore.demo import demo_data
from calfcore.sharing import new_token, token_hash
from calfstore import LOCAL_OWNER
from calfstore.duckdb_store import DuckDBStore
from calfui import navigation
from tests.e2e.helpers import wait_for_app
from tests.e2e.server import StreamlitServer, start_server

HOSTILE_NAME = "http://evil.example/runner"
HOSTILE_LABEL = "coach@evil.example of www.evil.example"


@pytest.fixture
def shared(tmp_path: Path) -> Iterator[tuple[StreamlitServer, str]]:
    """A server whose one runner (named like a URL) is shared with a coach (labelled like an e-mail address)."""
    db = tmp_path / "calfcheck.duckdb"
    store = DuckDBStore.open(db)
    demo = demo_data(dt.date.today())
    runner = store.create_runner(LOCAL_OWNER, dataclasses.replace(demo.runner, name=HOSTILE_NAME))
    store.import_records(LOCAL_OWNER, int(runner.id), demo.tests, demo.symptoms, demo.routine_logs)
    token = new_token()
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    store.create_share_link(LOCAL_OWNER, int(runner.id), HOSTILE_LABEL, token_hash(token), None, now)
    store.close()
    server = start_server(db, tmp_path)
    yield server, token
    server.stop()
    assert "Traceback" not in server.log(), server.log()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    opened = context.new_page()
    opened.set_default_timeout(30_000)
    yield opened
    context.close()


def visible_text(page: Page) -> str:
    return page.get_by_test_id("stMain").inner_text().replace("\u2060", "")


def test_names_and_labels_that_look_like_addresses_stay_text_in_the_coach_view(shared, page: Page) -> None:
    server, token = shared
    page.goto(f"{server.url}/?share={token}")
    wait_for_app(page)
    expect(page.get_by_test_id("stMetricValue").first).to_be_visible()  # the whole view is drawn, not just its title
    text = visible_text(page)
    assert HOSTILE_NAME in text and HOSTILE_LABEL in text  # shown exactly as typed
    links = page.locator("a[href*='evil.example']")
    assert links.count() == 0, [links.nth(i).get_attribute("href") for i in range(links.count())]


def test_a_share_links_token_never_leaves_in_a_referer(shared, page: Page) -> None:
    server, token = shared
    sent: list[tuple[str, str]] = []
    page.on("request", lambda request: sent.append((request.url, request.headers.get("referer", ""))))
    response = page.goto(f"{server.url}/?share={token}")
    wait_for_app(page)
    page.wait_for_load_state("networkidle")
    assert len(sent) > 10  # scripts, styles, fonts, icons...
    carrying = [url for url, referer in sent if token in referer]
    assert not carrying, f"{len(carrying)} of {len(sent)} requests sent the token, e.g. {carrying[:3]}"
    assert response is not None and response.headers.get("referrer-policy") == "no-referrer"


@pytest.mark.parametrize(("path", "title"), [("history", "History"), ("record", "Record a test")])
def test_a_fresh_servers_first_deep_link_opens_its_page_without_a_not_found_dialog(
    tmp_path: Path, page: Page, path: str, title: str
) -> None:
    server = start_server(tmp_path / "calfcheck.duckdb", tmp_path)
    try:
        page.goto(f"{server.url}/{path}")  # the very first visit to this server
        wait_for_app(page)
        expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible()
        assert page.get_by_role("dialog").count() == 0, page.get_by_role("dialog").inner_text()
        assert "Page not found" not in page.content()
    finally:
        server.stop()
    assert "Traceback" not in server.log(), server.log()


CRAFTED_VALUES = ("zzz", 1e300)  # text where a number or a date goes, a huge number where a choice or text goes
WIDGETS_PER_PAGE = 8


def test_crafted_widget_values_get_a_plain_message_and_no_traceback(shared) -> None:
    """A websocket client (not a browser) sends values no control can send: each run ends with the app's own
    message, never an exception element, and the server log gets one line per refusal, no traceback."""
    import asyncio
    import concurrent.futures

    from benchmarks.ws_client import StreamlitClient
    from calfui.crafted import MESSAGE

    server, _ = shared

    async def crafted_runs() -> tuple[int, int]:
        tried = refused = 0
        for page in ("record", "dashboard", "routine"):
            async with StreamlitClient(server.url) as client:
                await client.run()
                await client.run(page=page)
                keys = sorted(client.page.widgets)
            pickers = [key for key in keys if key.startswith("runner_picker")]  # the sidebar's, on every page
            for key in pickers + [key for key in keys if key not in pickers][:WIDGETS_PER_PAGE]:
                for value in CRAFTED_VALUES:
                    async with StreamlitClient(server.url) as client:  # a fresh session each time
                        await client.run()
                        await client.run(page=page)
                        await client.run(widgets={key: value})  # raises ProtocolError on an exception element
                        tried += 1
                        refused += MESSAGE in client.page.alerts
        return tried, refused

    # In a thread of its own: Playwright's sync API (the browser of the other tests) keeps an event loop here.
    with concurrent.futures.ThreadPoolExecutor(1) as thread:
        tried, refused = thread.submit(asyncio.run, crafted_runs()).result()
    assert tried >= 30 and refused >= 10, (tried, refused)  # many of them can't be read back by Streamlit
    log = server.log()
    assert "Traceback" not in log
    assert log.count("Refused a request with a widget value") >= refused


def test_the_tab_shows_the_apps_own_icon_on_every_kind_of_page(shared, page: Page) -> None:
    """The tab's icon is the one the app ships (calfui/assets/icon.png), from the app itself (no other server is
    asked for it), and it draws (a broken one shows the browser's blank page symbol): on a runner's page and on a
    coach's link."""
    server, token = shared
    shipped = (Path(navigation.__file__).parent / "assets" / "icon.png").read_bytes()
    for address in (f"{server.url}/", f"{server.url}/?share={token}"):
        page.goto(address)
        wait_for_app(page)
        icon = page.locator("link[rel~='icon']")
        expect(icon).to_have_count(1)
        href = icon.get_attribute("href") or ""
        assert href.startswith(("data:", server.url, "/", "./")), href  # nothing from another host
        served, width = page.evaluate(
            """async href => {
                const bytes = Array.from(new Uint8Array(await (await fetch(href)).arrayBuffer()));
                const image = new Image();
                const width = await new Promise(done => {
                    image.onload = () => done(image.naturalWidth);
                    image.onerror = () => done(0);
                    image.src = href;
                });
                return [bytes, width];
            }""",
            href,
        )
        assert bytes(served) == shipped
        assert width > 0
