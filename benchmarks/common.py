"""Shared pieces of the benchmarks: statistics, result rows, the machine description, and a loopback server.

Every figure is a median and a p95 over repeated runs. Every comparison is a ratio of two series measured side by
side in the same run (app and baseline runs interleaved), because absolute times on a busy 2-core machine are not
comparable from one run to the next.
"""

from __future__ import annotations

import math
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as `python benchmarks/x.py` as well as `python -m benchmarks.x`
    sys.path.insert(0, str(REPO))

from tests.e2e.server import (  # noqa: E402  (one launch recipe for tests and benchmarks)
    CHROMIUM,
    CHROMIUM_ARGS,
)

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "REPO", "Row", "Section", "Server", "Series", "machine", "p95", "start"]


def p95(values: Sequence[float]) -> float:
    """The 95th percentile (nearest rank): with few samples, the worst one rather than an interpolation."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


@dataclass
class Series:
    """Repeated measurements of one thing, in seconds (or any unit, with `unit` and `scale` for display)."""

    values: list[float] = field(default_factory=list)

    def add(self, value: float) -> None:
        self.values.append(value)

    @property
    def p50(self) -> float:
        return statistics.median(self.values) if self.values else math.nan

    @property
    def p95(self) -> float:
        return p95(self.values) if self.values else math.nan

    def __len__(self) -> int:
        return len(self.values)


def ms(seconds: float) -> str:
    if math.isnan(seconds):
        return "–"
    value = seconds * 1000
    if value >= 1000:
        return f"{seconds:.2f} s"
    return f"{value:.0f} ms" if value >= 100 else f"{value:.1f} ms" if value >= 1 else f"{value:.2f} ms"


@dataclass
class Row:
    """One line of the table. `app` and `baseline` are series in seconds unless `text` values are given."""

    figure: str
    measure: str
    app: Series | None = None
    baseline: Series | None = None
    goal: float | None = None  # the ratio (app p50 / baseline p50) must be at or under this
    app_text: tuple[str, str] | None = None  # (p50, p95) as text, for figures that are not times
    note: str = ""
    goal_text: str = ""
    met_override: bool | None = None

    @property
    def ratio(self) -> float | None:
        if self.app is None or self.baseline is None or not self.baseline.p50:
            return None
        return self.app.p50 / self.baseline.p50

    @property
    def ratio95(self) -> float | None:
        if self.app is None or self.baseline is None or not self.baseline.p95:
            return None
        return self.app.p95 / self.baseline.p95

    @property
    def met(self) -> bool | None:
        if self.met_override is not None:
            return self.met_override
        if self.goal is None or self.ratio is None:
            return None
        return self.ratio <= self.goal

    def cells(self) -> list[str]:
        app50, app95 = self.app_text or ((ms(self.app.p50), ms(self.app.p95)) if self.app else ("–", "–"))
        base50, base95 = (ms(self.baseline.p50), ms(self.baseline.p95)) if self.baseline else ("–", "–")
        ratio = f"{self.ratio:.2f}" if self.ratio is not None else "–"
        ratio95 = f"{self.ratio95:.2f}" if self.ratio95 is not None else "–"
        goal = self.goal_text or (f"≤ {self.goal:g}" if self.goal is not None else "")
        met = {True: "yes", False: "NO", None: ""}[self.met]
        runs = str(len(self.app)) if self.app else ""
        return [self.figure, self.measure, app50, app95, base50, base95, ratio, ratio95, goal, met, runs, self.note]


HEADER = [
    "#",
    "measure",
    "app p50",
    "app p95",
    "base p50",
    "base p95",
    "ratio p50",
    "ratio p95",
    "goal",
    "met",
    "n",
    "note",
]


@dataclass
class Section:
    """What one benchmark script found: its table rows, and notes for docs/benchmarks.md."""

    title: str
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0


def table(rows: Sequence[Row], markdown: bool = False) -> str:
    lines = [HEADER, *(row.cells() for row in rows)]
    if markdown:
        out = ["| " + " | ".join(HEADER) + " |", "|" + "|".join(" --- " for _ in HEADER) + "|"]
        out += ["| " + " | ".join(cell.replace("|", "/") for cell in line) + " |" for line in lines[1:]]
        return "\n".join(out)
    widths = [max(len(line[i]) for line in lines) for i in range(len(HEADER))]
    widths[-1] = 0  # the note runs to the end of the line
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip() for line in lines
    )


def machine() -> dict[str, str]:
    """Cores, memory, CPU model and the versions that matter, for the report."""
    import duckdb
    import streamlit

    model = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    chromium = "missing"
    if os.access(CHROMIUM, os.X_OK):
        chromium = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    return {
        "cores": str(os.cpu_count()),
        "memory": memory,
        "cpu": model,
        "load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "os": platform.platform(),
        "python": platform.python_version(),
        "streamlit": streamlit.__version__,
        "duckdb": duckdb.__version__,
        "chromium": chromium,
    }


# -- a loopback streamlit server --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    process: subprocess.Popen
    url: str
    log_path: Path
    started: float  # time.perf_counter() just before the process was started

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait_healthy(self, timeout: float = 60, poll: float = 0.02) -> float:
        """Seconds from start to the first healthy answer."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited early ({self.process.returncode}):\n{self.log()}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        return time.perf_counter() - self.started
            except OSError:
                time.sleep(poll)
        self.stop()
        raise RuntimeError(f"streamlit did not become healthy in {timeout}s:\n{self.log()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    # /proc readings of the server process (Linux)
    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return math.nan

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = os.sysconf("SC_CLK_TCK")
        return (int(fields[11]) + int(fields[12])) / ticks  # utime + stime


def start(
    script: Path | str,
    db_path: Path,
    log_dir: Path,
    env: Mapping[str, str] | None = None,
    wait: bool = True,
    cwd: Path = REPO,
) -> Server:
    """`streamlit run <script>` on a free loopback port, with the repo on PYTHONPATH (baselines import it).
    Streamlit reads .streamlit/config.toml from `cwd`: the repo's for the app, none (Streamlit's defaults) for a
    baseline started elsewhere."""
    port = free_port()
    log_path = log_dir / f"streamlit-{Path(script).stem}-{port}.log"
    environment = {**os.environ, "CALF_DB_PATH": str(db_path), "PYTHONPATH": str(REPO), **(env or {})}
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=environment, stdout=log_path.open("w"), stderr=subprocess.STDOUT)
    server = Server(process, f"http://127.0.0.1:{port}", log_path, started)
    if wait:
        server.wait_healthy()
    return server
