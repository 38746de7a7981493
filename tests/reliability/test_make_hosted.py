"""`make hosted` (scripts/hosted.py) for real: it serves the app through HAProxy, and Ctrl+C or SIGTERM leaves
nothing behind: no app process, proxy or PostgreSQL running, no temp dir, no secrets file.

PostgreSQL and haproxy are required (never skipped): `make test` installs them (scripts/ensure_postgres.sh).
"""

from __future__ import annotations

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
        assert f"Open  http://127.0.0.1:{port}" in output and "DEVELOPMENT identity provider" in output, output
        app_pids = [int(pid) for pid in re.findall(r"pid (\d+)", output)]
        app_ports = [int(p) for p in re.findall(r"app\d: http://127\.0\.0\.1:(\d+)", output)]
        database = re.search(r"PostgreSQL on 127\.0\.0\.1:(\d+) in (\S+) ", output)
        database_port, database_dir = int(database.group(1)), Path(database.group(2))
        secrets_file = Path(re.search(r"Secrets\s+(\S+secrets\.toml)", output).group(1))
        assert len(app_pids) == len(app_ports) == 2, output
        assert not secrets_file.is_relative_to(REPO) and "cookie_secret" in secrets_file.read_text()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=20) as response:
            assert response.status == 200 and "CALFSERVER=app" in response.headers["Set-Cookie"]
        assert all(_alive(pid) for pid in app_pids) and _listening(database_port)
    finally:
        if script.poll() is None:
            script.send_signal(stop_signal)
        script.wait(timeout=60)
    assert script.returncode == 0
    assert not any(_alive(pid) for pid in app_pids), "an app process was left running"
    for left_open in (port, database_port, *app_ports):
        assert not _listening(left_open), f"something still listens on {left_open}"
    assert not secrets_file.parent.exists(), "the temp dir (with the secrets file) was left behind"
    assert not database_dir.exists(), "the PostgreSQL cluster's dir was left behind"
