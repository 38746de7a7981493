"""Start a real `streamlit run` of the app on a free loopback port, and wait until it is ready."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CALF_CHROMIUM", "/usr/bin/chromium")
# Flags for a closed network: no background connections, no sandbox as root, no GPU.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop_process(process: subprocess.Popen) -> None:
    """SIGTERM, then SIGKILL if it has not gone after 10 s."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@dataclass
class StreamlitServer:
    process: subprocess.Popen
    url: str
    log_path: Path
    db_path: Path | None = None

    def stop(self) -> None:
        stop_process(self.process)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def start_server(
    db_path: Path,
    log_dir: Path,
    env: Mapping[str, str] | None = None,
    timeout: float = 60,
    port: int | None = None,
    args: tuple[str, ...] = (),
    address: str = "127.0.0.1",
    wrapper: tuple[str, ...] = (),
    app: Path = REPO / "app.py",
    cwd: Path = REPO,
    new_session: bool = False,
) -> StreamlitServer:
    """`wrapper` runs the server inside something, e.g. `ip netns exec <name>` for a test host of its own. `app` and
    `cwd` run another script (from a folder without the app's .streamlit/config.toml, its default theme).
    `new_session` keeps a terminal's Ctrl+C from reaching the server: its starter stops it (make hosted)."""
    port = port or free_port()
    log_path = log_dir / f"streamlit-{port}.log"
    environment = {**os.environ, "CALF_DB_PATH": str(db_path), **(env or {})}
    process = subprocess.Popen(
        [
            *wrapper,
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(app),
            "--server.port",
            str(port),
            "--server.address",
            address,
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
            *args,
        ],
        cwd=cwd,
        env=environment,
        stdout=log_path.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=new_session,
    )
    url = f"http://{address}:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited early ({process.returncode}):\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return StreamlitServer(process, url, log_path, db_path)
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"streamlit did not become healthy in {timeout}s:\n{log_path.read_text()}")


def hosted_server(tmp_path: Path, issuer: str) -> StreamlitServer:
    """One app process in hosted mode: an [auth] secret naming the identity provider at `issuer`."""
    from tests.scaleout import write_secrets  # scaleout starts servers with this module: no import back at load

    port = free_port()
    secrets_file = write_secrets(tmp_path / "secrets.toml", f"http://127.0.0.1:{port}", issuer)
    return start_server(tmp_path / "hosted.duckdb", tmp_path, port=port, args=("--secrets.files", str(secrets_file)))
