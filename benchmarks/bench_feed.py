"""The calendar feed's cost on a real server (issue 15): GET /calendar/<token>.ics for the twelve-week demo runner,
and a random token's 404, against Streamlit's own /_stcore/health on the same server in the same run (the bare
baseline: one round trip through the same st.App and uvicorn). Requests alternate kind by kind, one at a time,
over loopback. Also the resolver alone (hash and lookup of a random token), in process.
Usage: python -m benchmarks.bench_feed [--requests N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from calfcore.calendar_feed import feed_url
from calfcore.demo import demo_data
from calfcore.sharing import new_token, token_hash
from calfstore import LOCAL_OWNER
from calfstore.duckdb_store import DuckDBStore
from tests.e2e.server import start_server


def _ms(url: str) -> float:
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            response.read()
    except urllib.error.HTTPError as error:
        error.read()
    return (time.perf_counter() - started) * 1000


def _summary(name: str, values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"{name:<28} median {statistics.median(values):7.2f} ms   p95 {p95:7.2f} ms   n={len(values)}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="calf-bench-feed-"))
    db = folder / "calfcheck.duckdb"
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    store = DuckDBStore.open(db)
    demo = demo_data(dt.date.today())
    runner = store.create_runner(LOCAL_OWNER, demo.runner)
    store.import_records(LOCAL_OWNER, runner.id, demo.tests, demo.symptoms, demo.routine_logs)
    token = new_token()
    store.create_calendar_feed(LOCAL_OWNER, runner.id, token_hash(token), True, None, now)
    started = time.perf_counter()
    lookups = 10_000
    for _ in range(lookups):
        store.resolve_calendar_feed(token_hash(new_token()), now)
    resolver_us = (time.perf_counter() - started) / lookups * 1e6
    store.close()

    server = start_server(db, folder)
    try:
        urls = {
            "health (baseline)": f"{server.url}/_stcore/health",
            "feed, demo runner": feed_url(server.url, token),
            "random token (404)": feed_url(server.url, new_token()),
        }
        for url in urls.values():  # warm up: first store open, first feed, caches
            _ms(url)
        timings: dict[str, list[float]] = {name: [] for name in urls}
        for _ in range(args.requests):
            for name, url in urls.items():
                timings[name].append(_ms(url))
    finally:
        server.stop()
    print(f"resolver alone (in process)  {resolver_us:7.1f} µs per random token (n={lookups})")
    for name, values in timings.items():
        print(_summary(name, values))


if __name__ == "__main__":
    main()
