"""Where a rerun's time goes: a small sampling profiler (standard library only) that splits it between our code
and Streamlit's own.

Every millisecond or so it reads the stack of each thread (sys._current_frames) and files the sample under
the innermost frame that is either ours (app.py, pages/, calfui/, calfcore/, calfstore/) or Streamlit's:
- "ours": the innermost such frame is our code; the work below it (DuckDB, altair chart building, pandas)
  is done on our behalf. Sub-filed by our module (storage = SQL and row conversion, charts, progress...).
- "Streamlit": the innermost such frame is Streamlit's (its script runner, navigation, element building,
  and the libraries it calls: altair's to_dict and schema validation for st.altair_chart, Arrow conversion).
- "AppTest harness": AppTest reading the run's messages back (on both sides of every comparison).
A sampling profiler adds little overhead and sees time in C code (DuckDB) under the Python frame that called it.
"""

from __future__ import annotations

import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

from benchmarks.common import REPO

_OURS = tuple(str(REPO / p) for p in ("calfcore", "calfstore", "calfui", "pages", "app.py"))
_BASELINE = (str(REPO / "benchmarks" / "replica.py"),)
_SITE = "site-packages/"


def _package(filename: str) -> str:
    if _SITE in filename:
        return filename.split(_SITE, 1)[1].split("/", 1)[0].removesuffix(".py")
    return "python"


@dataclass
class Profile:
    samples: Counter = field(default_factory=Counter)  # category -> samples
    hot: Counter = field(default_factory=Counter)  # (our frame, category) -> samples
    interval: float = 0.0  # mean seconds between samples
    runs: int = 1
    scale: float = 1.0  # set to spread a measured time (without the sampler) over the sampled shares

    def ms(self, samples: int) -> float:
        return samples * self.interval * 1000 / max(self.runs, 1) * self.scale

    def by_category(self) -> dict[str, float]:
        return {category: self.ms(n) for category, n in self.samples.most_common()}

    def total(self, prefix: str = "") -> float:
        return self.ms(sum(n for c, n in self.samples.items() if c.startswith(prefix)))


def classify(frame: FrameType | None, scripts_only: bool = True) -> tuple[str, str] | None:
    """(category, our innermost frame as file:function:line) for one thread's stack, or None when the thread is
    not running a script (idle threads, background pollers, AppTest's main thread waiting for the script).
    With scripts_only=False, any stack is classified (a thread that calls our code directly)."""
    stack = []
    while frame is not None:
        stack.append(frame)
        frame = frame.f_back
    names = [f.f_code.co_filename for f in stack]
    if scripts_only:
        if any("/streamlit/testing/" in n for n in names) and not any("/scriptrunner" in n for n in names):
            if any(f.f_code.co_name == "require_widgets_deltas" for f in stack):
                return None  # AppTest's main thread waiting for the script thread
            return "AppTest harness", ""
        if not any("/streamlit/runtime/scriptrunner" in n for n in names):
            return None  # not a script thread
    ours = next((f for f in stack if f.f_code.co_filename.startswith(_OURS)), None)
    where = ""
    if ours is not None:
        where = f"{Path(ours.f_code.co_filename).relative_to(REPO)}:{ours.f_code.co_name}:{ours.f_lineno}"
    for index, name in enumerate(names):
        if name.startswith(_OURS):
            module = Path(name).relative_to(REPO).with_suffix("").as_posix()
            below = {_package(n) for n in names[:index] if _SITE in n}
            # DuckDB is C code (no frames of its own): under calfstore, time with no Python library below is DuckDB's.
            lib = next(
                (p for p in ("psycopg_pool", "psycopg", "altair", "pandas", "numpy") if p in below),
                "duckdb" if module.startswith("calfstore/") else "",
            )
            return f"ours: {module}" + (f" ({lib})" if lib else ""), where
        if name.startswith(_BASELINE):
            return "baseline script", where
        if "/streamlit/" in name:
            below = {_package(n) for n in names[:index] if _SITE in n}
            if "altair" in below:
                return "Streamlit: altair to_dict + validation (st.altair_chart)", where
            if "pyarrow" in below or "pandas" in below:
                return "Streamlit: data to Arrow", where
            return "Streamlit: own", where
    return "other", where


def snapshot_sources() -> None:
    """Read our source files now, so hot spots show the lines that were loaded even if a file changes later."""
    import linecache

    for path in [
        REPO / "app.py",
        *(REPO / "calfcore").glob("*.py"),
        *(REPO / "calfstore").glob("*.py"),
        *(REPO / "calfui").glob("*.py"),
        *(REPO / "pages").glob("*.py"),
    ]:
        linecache.getlines(str(path))


@contextmanager
def sampling(interval: float = 0.001, thread: int | None = None) -> Iterator[Profile]:
    """Sample every other thread's stack (the script threads), or only `thread`'s, until the block ends."""
    profile = Profile()
    stop = threading.Event()
    me: list[int] = []
    ticks = [0]

    def sample() -> None:
        me.append(threading.get_ident())
        while not stop.is_set():
            for ident, frame in sys._current_frames().items():
                if ident == me[0] or (thread is not None and ident != thread):
                    continue
                found = classify(frame, scripts_only=thread is None)
                if found is not None:
                    category, where = found
                    profile.samples[category] += 1
                    if where:
                        profile.hot[(where, category)] += 1
            ticks[0] += 1
            time.sleep(interval)

    old_switch = sys.getswitchinterval()
    sys.setswitchinterval(0.001)  # let the sampler in between Python bytecodes more often
    sampler = threading.Thread(target=sample, name="calf-bench-sampler", daemon=True)
    started = time.perf_counter()
    sampler.start()
    try:
        yield profile
    finally:
        stop.set()
        sampler.join()
        sys.setswitchinterval(old_switch)
        profile.interval = (time.perf_counter() - started) / max(ticks[0], 1)


def profile_runs(at: object, runs: int) -> Profile:
    """Sample `runs` reruns of an AppTest session."""
    with sampling() as profile:
        for _ in range(runs):
            at.run()  # type: ignore[attr-defined]
    profile.runs = runs
    return profile


def split(profile: Profile) -> dict[str, float]:
    """ms per run: ours, Streamlit's own, and the rest (harness, baseline script, other)."""
    ours = profile.total("ours")
    streamlit = profile.total("Streamlit")
    return {"ours": ours, "streamlit": streamlit, "rest": profile.total() - ours - streamlit}


def source_line(where: str) -> str:
    """The source text of a 'path:function:line' hot spot."""
    import linecache

    path, _, line = where.rsplit(":", 2)
    return linecache.getline(str(REPO / path), int(line)).strip()  # from the snapshot, when one was taken
