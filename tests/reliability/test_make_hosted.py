"""`make hosted` (scripts/hosted.py) for real: it serves the app through HAProxy, prints (again on Enter, and in a file
it names) where to log in and how, every process's id and a database URL that `psql` opens, and Ctrl+C or SIGTERM
leaves nothing behind: no app process, proxy or PostgreSQL running, no temp dir, no secrets or summary file.

PostgreSQL and haproxy are required (never skipped): `make test` installs them (scripts/ensure_postgres.sh).
"""

from __future__ import annotations

import contextlib
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from tests.e2e.server import REPO, free_port

pytestmark = pytest.mark.e2e
START_TIMEOUT_S = 120


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:  # a zombie has exited; only its parent has not reaped it yet
        return stat.read().split(") ", 1)[1][0] != "Z"


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_make_hosted_serves_then_stops_cleanly(stop_signal: signal.Signals) -> None:
    port = free_port()
    script = subprocess.Popen(
        [sys.executable, str(REPO / "scripts" / "hosted.py"), "--port", str(port)],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    assert script.stdout is not None
    threading.Thread(target=lambda: [lines.put(line) for line in script.stdout], daemon=True).start()
    output = ""
    deadline = time.monotonic() + START_TIMEOUT_S
    try:
        while "Ctrl+C stops everything" not in output:
            assert script.poll() is None and time.monotonic() < deadline, output
            try:
                output += lines.get(timeout=1)
            except queue.Empty:
                pass
        start = output.index("Calf Check, hosted set-up")
        summary = output[start : output.index("Ctrl+C stops everything.", start) + len("Ctrl+C stops everything.")]
        assert re.search(rf"Open +http://127\.0\.0\.1:{port}\n", summary), summary
        # How the development provider logs someone in: which button, which box, what to type, which button.
        for step in ('press "Log in"', '"Authorize Client"', 'type any name in its one box (it shows "sub")'):
            assert step in summary, (step, summary)
        assert 'press "Authorize"' in summary and "DEVELOPMENT identity provider" in summary, summary
        issuer = re.search(r"oidc-provider-mock at (http://127\.0\.0\.1:\d+)", summary).group(1)
        with urllib.request.urlopen(f"{issuer}/.well-known/openid-configuration", timeout=20) as response:
            assert response.status == 200
        # The provider's page, as a login opens it: its request log, in this terminal, never shows the login's state.
        state = "St4teOfALoginUnderWay_abcdefghijklmnop"
        authorize = (
            f"{issuer}/oauth2/authorize?response_type=code&client_id=calf-check-hosted&scope=openid"
            f"&redirect_uri=http%3A%2F%2F127.0.0.1%3A{port}%2Foauth2callback&state={state}"
        )
        with urllib.request.urlopen(authorize, timeout=20) as response:
            assert response.status == 200 and b'name="sub"' in response.read()
        app_pids = [int(pid) for pid in re.findall(r"app\d: \S+ +pid (\d+)", summary)]
        app_ports = [int(p) for p in re.findall(r"app\d: http://127\.0\.0\.1:(\d+)", summary)]
        processes = re.search(r"this script pid (\d+), HAProxy pid (\d+), PostgreSQL pid (\d+)", summary)
        script_pid, proxy_pid, postgres_pid = (int(pid) for pid in processes.groups())
        assert script_pid == script.pid and len(app_pids) == len(app_ports) == 2, summary
        assert all(_alive(pid) for pid in (*app_pids, proxy_pid, postgres_pid))
        database_url = re.search(r"psql '(postgresql://[^']+)'", summary).group(1)
        database = re.search(r"PostgreSQL on 127\.0\.0\.1:(\d+) in (\S+) ", summary)
        database_port, database_dir = int(database.group(1)), Path(database.group(2))
        assert f"127.0.0.1:{database_port}/" in database_url
        secrets_file = Path(re.search(r"Secrets\s+(\S+secrets\.toml)", summary).group(1))
        assert not secrets_file.is_relative_to(REPO) and "cookie_secret" in secrets_file.read_text()
        summary_file = Path(re.search(r"it is also in (\S+)", summary).group(1))
        assert summary_file.read_text().strip() == summary.strip() and summary_file.stat().st_mode & 0o077 == 0
        # The database URL works in psql as printed: the app's tables are there (migrated once).
        tables = subprocess.run(
            [
                "psql",
                database_url,
                "-At",
                "-c",
                "select count(*) from information_schema.tables where table_schema = 'public'",
            ],
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert tables.returncode == 0 and int(tables.stdout) > 5, tables
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=20) as response:
            assert response.status == 200 and "CALFSERVER=app" in response.headers["Set-Cookie"]
        assert all(_alive(pid) for pid in app_pids) and _listening(database_port)

        # The proxy's log has scrolled the summary away: Enter prints it again, at the end of the output.
        while " GET /\n" not in output:
            assert time.monotonic() < deadline, output
            with contextlib.suppress(queue.Empty):
                output += lines.get(timeout=1)
        assert script.stdin is not None
        script.stdin.write("\n")
        script.stdin.flush()
        while output.count("Ctrl+C stops everything") < 2:
            assert script.poll() is None and time.monotonic() < deadline, output
            with contextlib.suppress(queue.Empty):
                output += lines.get(timeout=1)
        assert output.rindex(summary.strip()) > output.index(" GET /\n"), output
        assert "/oauth2/authorize?" in output and "state=<redacted>" in output, output
        assert state not in output, output
    finally:
        if script.poll() is None:
            script.send_signal(stop_signal)
        script.wait(timeout=60)
    assert script.returncode == 0
    assert not any(_alive(pid) for pid in app_pids), "an app process was left running"
    for left_open in (port, database_port, *app_ports):
        assert not _listening(left_open), f"something still listens on {left_open}"
    assert not secrets_file.parent.exists(), "the temp dir (with the secrets file) was left behind"
    assert not summary_file.exists(), "the summary file (with the database's password) was left behind"
    assert not _alive(proxy_pid) and not _alive(postgres_pid), "the proxy or PostgreSQL was left running"
    assert not database_dir.exists(), "the PostgreSQL cluster's dir was left behind"
