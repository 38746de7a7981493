"""Fixtures for the reliability tests: real DuckDB files, real processes, real file systems.

Figures (rows written, faults injected, inputs tried, anything lost) are collected while the tests run and
written to tests/artifacts/reliability-figures.json; docs/reliability.md reports them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FIGURES_FILE = REPO / "tests" / "artifacts" / "reliability-figures.json"


class Figures:
    """Counters per test area, e.g. figures.add("crash", faults_injected=1, saves_acknowledged=120, lost=0)."""

    def __init__(self) -> None:
        self.areas: dict[str, dict[str, int]] = {}

    def add(self, area: str, **counts: int) -> None:
        totals = self.areas.setdefault(area, {})
        for name, value in counts.items():
            totals[name] = totals.get(name, 0) + int(value)


@pytest.fixture(scope="session")
def figures() -> Iterator[Figures]:
    collected = Figures()
    yield collected
    if collected.areas:
        FIGURES_FILE.parent.mkdir(parents=True, exist_ok=True)
        previous = json.loads(FIGURES_FILE.read_text()) if FIGURES_FILE.exists() else {}
        previous.update(collected.areas)  # areas not run this time keep their last figures
        FIGURES_FILE.write_text(json.dumps(previous, indent=2, sort_keys=True) + "\n")


def run_python(
    code: str, *args: str, timeout: float = 60, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a snippet in a fresh interpreter of this venv, from the repository (so calfcore imports)."""
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def _mount(*args: str) -> None:
    done = subprocess.run(["mount", *args], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.fail(
            f"`mount {' '.join(args)}` failed ({done.stderr.strip()}). These tests put the database on a "
            f"real tiny or read-only file system and need root (CAP_SYS_ADMIN), as `make test` has when "
            f"it installs chromium. Run them as root."
        )


def _unmount(path: Path) -> None:
    subprocess.run(["umount", "-l", str(path)], capture_output=True, check=False)


@contextmanager
def tiny_disk(path: Path, size: str = "1m") -> Iterator[Path]:
    """A size-limited tmpfs at `path`: a real file system that fills up."""
    path.mkdir(parents=True, exist_ok=True)
    _mount("-t", "tmpfs", "-o", f"size={size},mode=0777", "tmpfs", str(path))
    try:
        yield path
    finally:
        _unmount(path)


@contextmanager
def read_only_folder(path: Path) -> Iterator[Path]:
    """Makes `path` (a folder, possibly holding files) read-only for this process until the block ends.

    Root ignores file permissions, so as root the folder becomes a read-only tmpfs holding a copy of its files;
    otherwise its permission bits are removed.
    """
    if os.geteuid() != 0:
        mode = path.stat().st_mode
        path.chmod(0o555)
        try:
            yield path
        finally:
            path.chmod(mode)
        return
    saved = {child.name: child.read_bytes() for child in path.iterdir() if child.is_file()}
    _mount("-t", "tmpfs", "-o", "size=16m", "tmpfs", str(path))
    try:
        for name, data in saved.items():
            (path / name).write_bytes(data)
        _mount("-o", "remount,ro", str(path))
        yield path
    finally:
        _unmount(path)


def fill_disk(folder: Path) -> Path:
    """Write a filler file until the file system is full; returns it (delete it to free the space)."""
    filler = folder / "filler.bin"
    with filler.open("wb", buffering=0) as handle:
        for chunk in (b"\0" * 65536, b"\0" * 512):
            try:
                while True:
                    handle.write(chunk)
            except OSError:
                pass
    return filler
