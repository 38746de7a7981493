"""No token reaches a log, and behind TLS every cookie is Secure (issue 23), through deploy/haproxy.cfg as shipped with
TLS on (a throwaway self-signed certificate, CALF_PROXY_CERT as docs/deploy.md sets it), in front of a real
`streamlit run app.py` in hosted mode on PostgreSQL, with logins through oidc-provider-mock and Debian's Chromium.

One journey makes a real request of every secret-bearing kind: a login (its callback carries `code=` and `state=`),
the PDF report and the CSV export (each a `/media/<file id>` download), a coach's share link (`?share=<token>`) and a
phone's poll of a calendar feed (`/calendar/<token>.ics`). Then the proxy's and the app's logs are read for every one
of those secrets (and the login's cookie values). The app runs at Streamlit's debug log level, the most it ever logs.

PostgreSQL, haproxy and chromium are required (never skipped): `make test` installs them.
"""

from __future__ import annotations

import datetime as dt
import re
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from calfcore.calendar_feed import feed_url
from calfcore.demo import demo_data
from calfcore.sharing import new_token, token_hash
from calfstore import open_store
from calfui.viewer import owner_key_for
from tests.e2e.helpers import PHONE, log_in, wait_for_app
from tests.scaleout import STICKY_COOKIE, Stack, self_signed_certificate, start_stack

pytestmark = pytest.mark.e2e
SUBJECT = "tess@example.org"
# Every cookie the app, Streamlit and the proxy set on this journey: the XSRF token, the login's state while it is
# under way, the login itself (user and tokens) and the proxy's sticky cookie.
COOKIES = {"_streamlit_xsrf", "_streamlit_session", "_streamlit_user", "_streamlit_user_tokens", STICKY_COOKIE}


def _seed(stack: Stack, issuer: str) -> tuple[int, str, str]:
    """A runner with twelve weeks of data for the login SUBJECT, a coach link and a calendar feed: (id, tokens)."""
    store = open_store(stack.database_url)
    owner = owner_key_for(issuer, SUBJECT)
    share, feed = new_token(), new_token()
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    try:
        demo = demo_data(dt.date.today())
        runner = store.create_runner(owner, demo.runner)
        store.import_records(owner, runner.id, demo.tests, demo.symptoms, demo.routine_logs)
        store.create_share_link(owner, runner.id, "Coach Sam", token_hash(share), None, now)
        store.create_calendar_feed(owner, runner.id, token_hash(feed), False, None, now)
    finally:
        store.close()
    return int(runner.id), share, feed  # type: ignore[arg-type]


def _phone(browser: Browser, requests: list[str], cookies: list[str], stack: Stack) -> tuple[BrowserContext, Page]:
    """A phone that trusts the throwaway certificate, noting every address it asks for and every Set-Cookie line
    the proxy sends it."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, ignore_https_errors=True)
    context.on("request", lambda request: requests.append(request.url))

    def note_cookies(response) -> None:  # noqa: ANN001 (playwright's Response)
        if response.url.startswith(stack.url):
            cookies.extend(h["value"] for h in response.headers_array() if h["name"].lower() == "set-cookie")

    context.on("response", note_cookies)
    page = context.new_page()
    page.set_default_timeout(30_000)
    return context, page


def _download(page: Page, url: str, button: str) -> None:
    page.goto(url)
    wait_for_app(page)
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name=button).click()
    assert Path(info.value.path()).stat().st_size > 0


def test_no_token_reaches_a_log_and_every_cookie_is_secure_behind_tls(
    tmp_path: Path, browser: Browser, identity_provider: str
) -> None:
    stack = start_stack(
        tmp_path,
        identity_provider,
        processes=1,
        proxy_log=tmp_path / "haproxy.log",
        env={"STREAMLIT_LOGGER_LEVEL": "debug"},
        tls_cert=self_signed_certificate(tmp_path),
    )
    requests: list[str] = []
    set_cookies: list[str] = []
    contexts: list[BrowserContext] = []
    try:
        assert stack.url.startswith("https://")
        runner_id, share, feed = _seed(stack, identity_provider)

        runner_context, runner = _phone(browser, requests, set_cookies, stack)
        contexts.append(runner_context)
        log_in(runner, stack, SUBJECT)
        _download(runner, f"{stack.url}/dashboard?runner={runner_id}", "Download report (PDF)")
        _download(runner, f"{stack.url}/history?runner={runner_id}", "Download CSV")
        login_cookies = [c["value"] for c in runner_context.cookies() if c["name"].startswith("_streamlit_user")]

        coach_context, coach = _phone(browser, requests, set_cookies, stack)
        contexts.append(coach_context)
        coach.goto(f"{stack.url}/?share={share}")
        wait_for_app(coach)
        expect(coach.get_by_text("Shared by")).to_be_visible()

        # A phone's calendar polls the feed (twice, as it would over a day).
        for _ in range(2):
            with urllib.request.urlopen(feed_url(stack.url, feed), timeout=20, context=stack.proxy.ssl_context()) as r:
                assert r.status == 200 and r.read().startswith(b"BEGIN:VCALENDAR")

        jar = [*runner_context.cookies(), *coach_context.cookies()]
    finally:
        for context in contexts:
            context.close()
        stack.stop()  # the proxy first: every request's line, websockets' too, is written when it ends

    # What was asked for: every secret the journey carried in an address.
    callbacks = [urlsplit(url) for url in requests if urlsplit(url).path == "/oauth2callback"]
    assert callbacks, requests
    login_secrets = [value for query in callbacks for values in parse_qs(query.query).values() for value in values]
    media = [re.match(r"/media/([^/.]+)", urlsplit(url).path) for url in requests]
    media_ids = [found.group(1) for found in media if found]
    assert len(set(media_ids)) >= 2, ("a PDF and a CSV download", requests)
    secrets = {
        "share token": [share],
        "feed token": [feed],
        "login callback code and state": login_secrets,
        "download file ids": media_ids,
        "login cookies": login_cookies,
    }
    assert len(login_secrets) >= 2 and login_cookies, secrets

    proxy_log = stack.proxy.log() if stack.proxy else ""
    # The requests were logged, their secrets masked.
    for line in (r" 200 .* GET /calendar/<token>\.ics$", r" GET /media/<file>$", r" GET /oauth2callback$"):
        assert re.search(line, proxy_log, re.MULTILINE), (line, proxy_log)
    logs = {"proxy": proxy_log, **{f"app {app.url}": app.log() for app in stack.apps}}
    assert "Adding media file" in logs[f"app {stack.apps[0].url}"], "the app logged at debug level"
    for name, text in logs.items():
        for kind, values in secrets.items():
            for value in values:
                assert value not in text, f"{kind} {value!r} in the {name} log"
        for marker in ("share=", "code=", "state=", "/calendar/" + feed[:8]):
            assert marker not in text, f"{marker!r} in the {name} log"

    # Behind TLS every cookie, whoever set it, carries Secure: on the wire and in the browser's jar.
    named = {line.split("=", 1)[0].strip() for line in set_cookies}
    assert COOKIES <= named, (named, set_cookies)
    for line in set_cookies:
        attributes = [part.strip().lower() for part in line.split(";")[1:]]
        assert "secure" in attributes, line
    assert {c["name"] for c in jar} >= {"_streamlit_xsrf", "_streamlit_user", STICKY_COOKIE}, jar
    assert all(c["secure"] for c in jar), jar
