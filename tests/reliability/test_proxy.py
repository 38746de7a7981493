"""deploy/haproxy.cfg as shipped (only its `server` lines rewritten for the ports here), run by Debian's haproxy in
front of real `streamlit run` processes: sticky sessions by cookie, a dead process's visitors moved to a live one,
websockets, the request-body limit, Referrer-Policy, X-Forwarded-For, and logs without query strings.

haproxy is required (never skipped): `make test` installs it (scripts/ensure_postgres.sh).
"""

from __future__ import annotations

import base64
import http.client
import http.server
import os
import re
import ssl
import subprocess
import threading
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.server import REPO, StreamlitServer, free_port, start_server, stop_process
from tests.scaleout import (
    HAPROXY_CONFIG,
    STICKY_COOKIE,
    Proxy,
    _haproxy,
    haproxy_config,
    self_signed_certificate,
    start_proxy,
)

pytestmark = pytest.mark.e2e
BARE_APP = 'import streamlit as st\nst.write("bare")\n'


def _request(
    proxy: Proxy, method: str, path: str, headers: dict[str, str] | None = None, body: bytes | None = None
) -> tuple[int, dict[str, str]]:
    port = int(proxy.url.rsplit(":", 1)[1])
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        response.read()
        return response.status, {name.lower(): value for name, value in response.getheaders()}
    finally:
        connection.close()


def _log_line(proxy: Proxy, pattern: str) -> str:
    """The proxy's log line matching `pattern` (it writes each request's line when the request ends)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        found = [line for line in proxy.log().splitlines() if re.search(pattern, line)]
        if found:
            return found[-1]
        time.sleep(0.1)
    raise AssertionError(f"no log line matches {pattern!r}:\n{proxy.log()}")


@pytest.fixture
def two_processes(tmp_path: Path) -> Iterator[tuple[Proxy, list[StreamlitServer]]]:
    (tmp_path / "bare.py").write_text(BARE_APP)
    apps: list[StreamlitServer] = []
    proxy = None
    try:
        for _ in range(2):
            apps.append(start_server(tmp_path / "unused.duckdb", tmp_path, app=tmp_path / "bare.py", cwd=tmp_path))
        proxy = start_proxy(
            [app.url.removeprefix("http://") for app in apps], tmp_path, log_path=tmp_path / "haproxy.log"
        )
        yield proxy, apps
    finally:
        if proxy is not None:
            proxy.stop()
        for app in apps:
            app.stop()


def test_the_shipped_config_is_valid_for_any_number_of_processes(tmp_path: Path) -> None:
    five = tmp_path / "five.cfg"
    five.write_text(haproxy_config([f"127.0.0.1:{8501 + i}" for i in range(5)]))
    assert five.read_text().count("\n    server app") == 5
    for config in (HAPROXY_CONFIG, five):
        result = subprocess.run([_haproxy(), "-c", "-f", str(config)], capture_output=True, text=True)
        assert result.returncode == 0, (config, result.stdout, result.stderr)


def test_a_browser_stays_on_its_process_until_that_process_dies(two_processes) -> None:
    proxy, apps = two_processes
    status, headers = _request(proxy, "GET", "/")
    assert status == 200
    pinned = re.match(rf"{STICKY_COOKIE}=(app[12]);", headers["set-cookie"]).group(1)
    assert "HttpOnly" in headers["set-cookie"]
    other = "app2" if pinned == "app1" else "app1"
    for marker in range(6):  # every later request, whatever the balance, goes to the pinned process
        _request(proxy, "GET", f"/sticky-{pinned}-{marker}", {"Cookie": f"{STICKY_COOKIE}={pinned}"})
        assert f"streamlit/{pinned} " in _log_line(proxy, f"/sticky-{pinned}-{marker}$")
    _request(proxy, "GET", "/sticky-forced", {"Cookie": f"{STICKY_COOKIE}={other}"})  # a cookie set by hand
    assert f"streamlit/{other} " in _log_line(proxy, "/sticky-forced$")

    apps[int(pinned[-1]) - 1].process.kill()  # SIGKILL: no goodbye
    apps[int(pinned[-1]) - 1].process.wait(timeout=10)
    status, headers = _request(proxy, "GET", "/_stcore/health", {"Cookie": f"{STICKY_COOKIE}={pinned}"})
    assert status == 200, "the dead process's visitor is served by the live one at once"
    assert headers["set-cookie"].startswith(f"{STICKY_COOKIE}={other};"), "and pinned to it from then on"


def test_websockets_pass_through_to_the_pinned_process(two_processes) -> None:
    proxy, _ = two_processes
    key = base64.b64encode(os.urandom(16)).decode()
    status, headers = _request(
        proxy,
        "GET",
        "/_stcore/stream",
        {
            "Cookie": f"{STICKY_COOKIE}=app2",
            "Connection": "Upgrade",
            "Upgrade": "websocket",
            "Sec-WebSocket-Version": "13",
            "Sec-WebSocket-Key": key,
            "Sec-WebSocket-Protocol": "streamlit",
        },
    )
    assert status == 101 and headers["upgrade"].lower() == "websocket", (status, headers)


def test_every_reply_says_no_referrer_and_the_log_never_has_a_token(two_processes) -> None:
    proxy, _ = two_processes
    token = "Tok3nThatMustNeverBeLogged_abcdefghijklmnopqrst"  # the shape of secrets.token_urlsafe(32)
    file_id = "b1437c197fa25c1a53778a342f0b150e"  # a download's id (Streamlit's media files)
    session = "1b4e28ba-2fa1-11d2-883f-0016d3cca427"  # an upload's session id
    for path in (
        f"/?share={token}",
        f"/dashboard?share={token}",
        f"/oauth2callback?code={token}&state={token}",
        f"/calendar/{token}.ics",  # a phone's calendar polling a feed: the token is the path
        f"/calendar/{token[:20]}.ics",  # a wrong token is masked too: nothing tells a near miss
        f"/media/{file_id}.csv",
        f"/media/{file_id}",
        f"/_stcore/upload_file/{session}/{session}",
        "/_stcore/health",
    ):
        status, headers = _request(proxy, "GET", path, {"Referer": f"http://127.0.0.1/?share={token}"})
        assert headers.get("referrer-policy") == "no-referrer", (path, headers)
    _log_line(proxy, "GET /_stcore/health$")
    log = proxy.log()
    for secret in (token, token[:20], file_id, session, "share=", "code=", "state="):
        assert secret not in log, (secret, log)
    for logged in (
        "/dashboard",
        "/oauth2callback",
        "/calendar/<token>.ics",
        "/media/<file>",
        "/_stcore/upload_file/<token>/<token>",
    ):
        assert re.search(rf" GET {re.escape(logged)}$", log, re.MULTILINE), (logged, log)


def test_bodies_over_the_limit_are_refused_at_the_proxy_and_uploads_the_app_takes_pass(two_processes) -> None:
    proxy, _ = two_processes
    app_limit_mb = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text())["server"]["maxUploadSize"]
    # The biggest upload the app takes, with its multipart form around it, must reach the app (its own answer: here
    # 403, no upload session), not the proxy's 413.
    status, _ = _request(
        proxy,
        "PUT",
        "/_stcore/upload_file/upload-at-limit/x",
        {"Content-Type": "application/octet-stream"},
        b"x" * (app_limit_mb * 1024 * 1024 + 64 * 1024),
    )
    assert "streamlit/app" in _log_line(proxy, "PUT /_stcore/upload_file/upload-at-limit/x$"), status
    port = int(proxy.url.rsplit(":", 1)[1])
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    connection.putrequest("PUT", "/_stcore/upload_file/too-big/x")
    connection.putheader("Content-Length", str(50 * 1024 * 1024))
    connection.endheaders()  # the proxy answers from the headers alone, before any of the 50 MB is sent
    assert connection.getresponse().status == 413
    connection.close()
    assert "<NOSRV>" in _log_line(proxy, "PUT /_stcore/upload_file/too-big/x$"), "it never reached an app process"


class _EchoHeaders(http.server.BaseHTTPRequestHandler):
    seen: list[dict[str, list[str]]] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        if self.path.startswith("/echo"):
            _EchoHeaders.seen.append({name.lower(): self.headers.get_all(name) for name in self.headers.keys()})
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_clients_cannot_claim_to_be_this_machine(tmp_path: Path) -> None:
    # The app treats a loopback client as "this machine" in local mode and trusts X-Forwarded-For from a proxy on
    # loopback: the proxy must drop what a client sends and give the address it saw. (A backend that shows what
    # arrives stands in for Streamlit, which does not show request headers outside a session.)
    backend = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _EchoHeaders)
    thread = threading.Thread(target=backend.serve_forever, daemon=True)
    thread.start()
    proxy = start_proxy([f"127.0.0.1:{backend.server_port}"], tmp_path, log_path=tmp_path / "haproxy.log")
    try:
        _request(proxy, "GET", "/echo", {"X-Forwarded-For": "127.0.0.1", "X-Forwarded-Proto": "https"})
    finally:
        proxy.stop()
        backend.shutdown()
    headers = _EchoHeaders.seen[-1]
    assert headers["x-forwarded-for"] == ["127.0.0.1"], headers  # one value: the address HAProxy saw, not the claim
    assert headers["x-forwarded-proto"] == ["http"], headers


class _SetsCookies(http.server.BaseHTTPRequestHandler):
    """A backend that sets cookies as Streamlit does (no Secure: it does not serve TLS itself), and one already Secure;
    on a certificate challenge's path, answers as certbot's standalone server would."""

    COOKIES = ("plain=1; Path=/; SameSite=Lax", "named=secure; Path=/", "already=2; Path=/; Secure; HttpOnly")

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        body = b"challenge-answer" if self.path.startswith("/.well-known/acme-challenge/") else b""
        self.send_response(200)
        for cookie in self.COOKIES:
            self.send_header("Set-Cookie", cookie)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def _https_get(proxy: Proxy, path: str) -> tuple[int, list[str], bytes]:
    port = int(proxy.url.rsplit(":", 1)[1])
    connection = http.client.HTTPSConnection("127.0.0.1", port, timeout=20, context=proxy.ssl_context())
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        return response.status, [v for k, v in response.getheaders() if k.lower() == "set-cookie"], body
    finally:
        connection.close()


def test_behind_tls_every_cookie_is_secure_and_plain_http_only_redirects(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    backend = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _SetsCookies)
    acme = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _SetsCookies)  # stands in for certbot --standalone
    for server in (backend, acme):
        threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("CALF_ACME", f"127.0.0.1:{acme.server_port}")
    proxy = start_proxy(
        [f"127.0.0.1:{backend.server_port}"],
        tmp_path,
        log_path=tmp_path / "haproxy.log",
        tls_cert=self_signed_certificate(tmp_path),
    )
    plain = Proxy(proxy.process, proxy.plain_url, None)
    try:
        status, cookies, _ = _https_get(proxy, "/anything")
        assert status == 200
        assert len(cookies) == 4, cookies  # the backend's three and the proxy's sticky cookie
        for cookie in cookies:
            attributes = [part.strip().lower() for part in cookie.split(";")[1:]]
            assert attributes.count("secure") == 1, cookie  # added where missing, never twice
        assert any(c.startswith(f"{STICKY_COOKIE}=") for c in cookies) and "named=secure;" in " ".join(cookies)

        status, headers = _request(plain, "GET", "/?share=x")  # plain HTTP: a redirect to HTTPS, no cookie
        assert status == 301 and headers["location"].startswith("https://"), headers
        assert "set-cookie" not in headers
        status, headers = _request(plain, "GET", "/.well-known/acme-challenge/abc")  # a renewal's challenge
        assert status == 200 and STICKY_COOKIE not in headers.get("set-cookie", ""), headers
        assert " acme/acme " in _log_line(proxy, r"GET /\.well-known/acme-challenge/abc$")
    finally:
        proxy.stop()
        backend.shutdown()
        acme.shutdown()


def test_without_tls_cookies_are_left_as_the_app_sets_them(tmp_path: Path) -> None:
    backend = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _SetsCookies)
    threading.Thread(target=backend.serve_forever, daemon=True).start()
    proxy = start_proxy([f"127.0.0.1:{backend.server_port}"], tmp_path, log_path=tmp_path / "haproxy.log")
    try:
        port = int(proxy.url.rsplit(":", 1)[1])
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
        connection.request("GET", "/anything")
        response = connection.getresponse()
        response.read()
        cookies = [v for k, v in response.getheaders() if k.lower() == "set-cookie"]
        connection.close()
    finally:
        proxy.stop()
        backend.shutdown()
    assert sorted(cookies[:3]) == sorted(_SetsCookies.COOKIES), cookies  # `make hosted` over plain HTTP still works
    assert "secure" not in cookies[3].lower(), cookies


def _certbot_lineage(lineage: Path) -> bytes:
    """What certbot leaves in /etc/letsencrypt/live/<name>/ after issuing: a new certificate (its DER form returned)."""
    lineage.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1"]
        + ["-keyout", str(lineage / "privkey.pem"), "-out", str(lineage / "fullchain.pem")],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return ssl.PEM_cert_to_DER_cert((lineage / "fullchain.pem").read_text())


def _served_certificate(port: int) -> bytes | None:
    try:
        return ssl.PEM_cert_to_DER_cert(ssl.get_server_certificate(("127.0.0.1", port), timeout=5))
    except OSError:
        return None


def test_the_deploy_hook_installs_a_renewed_certificate_and_haproxy_serves_it_after_a_reload(tmp_path: Path) -> None:
    # docs/deploy.md's TLS: certbot runs deploy/certbot-deploy-hook.sh after each issue or renewal; HAProxy (master-
    # worker, as Debian's unit runs it) loads the folder CALF_PROXY_CERT names and takes a new file on reload.
    hook, lineage, certs = (
        REPO / "deploy" / "certbot-deploy-hook.sh",
        tmp_path / "live" / "127.0.0.1",
        tmp_path / "certs",
    )
    first = _certbot_lineage(lineage)
    hook_env = {**os.environ, "RENEWED_LINEAGE": str(lineage), "CALF_CERTS_DIR": str(certs)}
    subprocess.run([str(hook)], check=True, env={**hook_env, "CALF_HAPROXY_RELOAD": "true"}, timeout=30)
    assert [p.name for p in certs.iterdir()] == ["127.0.0.1.pem"] and (
        certs / "127.0.0.1.pem"
    ).stat().st_mode & 0o077 == 0

    backend = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _SetsCookies)
    threading.Thread(target=backend.serve_forever, daemon=True).start()
    config, port = tmp_path / "haproxy.cfg", free_port()
    config.write_text(haproxy_config([f"127.0.0.1:{backend.server_port}"]))
    env = {
        **os.environ,
        "CALF_PROXY_BIND": f"127.0.0.1:{free_port()}",
        "CALF_PROXY_TLS_BIND": f"127.0.0.1:{port}",
        "CALF_PROXY_CERT": f"{certs}/",
    }
    log = (tmp_path / "haproxy.log").open("w")
    master = subprocess.Popen(
        [_haproxy(), "-W", "-db", "-f", str(config)], stdout=log, stderr=subprocess.STDOUT, env=env
    )
    try:
        deadline = time.monotonic() + 20
        while _served_certificate(port) != first:
            assert master.poll() is None and time.monotonic() < deadline, (tmp_path / "haproxy.log").read_text()
            time.sleep(0.2)
        renewed = _certbot_lineage(lineage)  # a renewal: a new certificate in the same lineage
        reload = f"kill -USR2 {master.pid}"  # what `systemctl reload haproxy` does after Debian's check
        subprocess.run([str(hook)], check=True, env={**hook_env, "CALF_HAPROXY_RELOAD": reload}, timeout=30)
        deadline = time.monotonic() + 20
        while _served_certificate(port) != renewed:
            assert master.poll() is None and time.monotonic() < deadline, (tmp_path / "haproxy.log").read_text()
            time.sleep(0.2)
    finally:
        stop_process(master)
        backend.shutdown()
        log.close()
