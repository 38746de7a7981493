"""The app's one clock: what "today" and "now" are, everywhere (pages, store, exports).

Today is the runner's calendar day (retests due, this week's training), fixed by CALF_TODAY for demos and tests.
Now is naive UTC, as the store keeps its timestamps; share links and feeds always use the real time.
"""

from __future__ import annotations

import datetime as dt
import os

TODAY_ENV = "CALF_TODAY"  # a fixed date (YYYY-MM-DD) for demos and tests; unset, the machine's date


def today() -> dt.date:
    fixed = os.environ.get(TODAY_ENV)
    return dt.date.fromisoformat(fixed) if fixed else dt.date.today()


def now_utc() -> dt.datetime:
    """UTC without a zone, as both databases' TIMESTAMP columns hold it."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)
