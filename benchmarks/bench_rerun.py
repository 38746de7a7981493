"""Figure 1: rerun time per page, server side, with AppTest from app.py, against a bare baseline per page.

The runner has three years of history (benchmarks.history.three_years). Each page is opened in its own AppTest
session of app.py; its element tree is captured (benchmarks.replica) into a baseline script that draws the same
elements from memory. Then app and baseline reruns alternate, page by page, and each is timed around
`AppTest.run()` (the same harness cost on both sides). Every page is timed twice, on the DuckDB file (the default)
and on PostgreSQL (the same rows in a throwaway cluster, issue 13), against the same baseline. Usage: python -m benchmarks.bench_rerun [--smoke]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks import history, postgres
from benchmarks.common import REPO, Row, Section, Series, table
from benchmarks.replica import capture, media_sizes
from calfstore.duckdb_store import DuckDBStore

PAGES = ("home", "record", "dashboard", "routine", "history", "share", "coach")
GOAL = 1.25
TIMEOUT = 120


@dataclass
class Fixture:
    db_path: Path
    token: str
    runner_id: int
    folder: Path


def prepare(folder: Path, today: dt.date, smoke: bool = False) -> Fixture:
    """A database with the three-year runner and two share links (one of them opened by the coach view)."""
    from calfcore.sharing import new_token, token_hash
    from calfstore import LOCAL_OWNER

    db_path = folder / "rerun.duckdb"
    store = DuckDBStore.open(db_path)
    data = history.three_years(today)
    if smoke:  # the same shape, a tenth of the rows
        data = history.History(
            data.runner, data.tests[-16:], data.symptoms[-80:], data.routine_logs[-60:], data.runs[-64:]
        )
    runner = history.load_into(store, LOCAL_OWNER, data)
    token = new_token()
    stamp = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    store.create_share_link(LOCAL_OWNER, int(runner.id), "Coach Sam", token_hash(token), None, stamp)
    store.create_share_link(
        LOCAL_OWNER, int(runner.id), "Physio Kim", token_hash(new_token()), stamp + dt.timedelta(days=30), stamp
    )
    store.close()
    return Fixture(db_path, token, int(runner.id), folder)


def _check(at: Any, what: str) -> Any:
    if at.exception:
        raise RuntimeError(f"{what} raised: {[e.value for e in at.exception]}")
    return at


def app_session(page: str, fixture: Fixture) -> Any:
    """An AppTest session of app.py showing `page` (the coach view through its share link)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=TIMEOUT)
    if page == "coach":
        at.query_params["share"] = fixture.token
        return _check(at.run(), "coach view")
    _check(at.run(), "app.py")
    return _check(at.switch_page(f"pages/{page}_page.py").run(), f"{page} page")


def baseline_script(spec_path: Path) -> str:
    return f"from benchmarks.replica import replay\nreplay({str(spec_path)!r})\n"


def baseline_session(spec_path: Path) -> Any:
    from streamlit.testing.v1 import AppTest

    return _check(AppTest.from_string(baseline_script(spec_path), default_timeout=TIMEOUT).run(), "baseline")


def capture_page(at: Any, folder: Path, name: str) -> tuple[Path, dict[str, int]]:
    """Rerun once with the media manager watched (download sizes), then capture what the page drew."""
    with media_sizes() as sizes:
        _check(at.run(), name)
    return capture(at, folder, name, sizes)


def share_script_cache() -> None:
    """Compile each script once, as a server does: AppTest otherwise compiles app.py and the page file (with
    Streamlit's 'magic' AST pass) on every run, a cost a real server doesn't pay."""
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner

    shared = ScriptCache()
    app_test.ScriptCache = lambda: shared  # type: ignore[attr-defined,assignment]
    local_script_runner.ScriptCache = lambda: shared  # type: ignore[attr-defined,assignment]


def serve_pages_like_a_server() -> None:
    """Undo one reset AppTest makes before every run and a server doesn't.

    An app with a pages/ folder starts in Streamlit's old multipage mode: a run globs pages/ and builds a Page for
    every file before app.py runs. On a server the first st.navigation call turns that mode off for the rest of
    the process (the class attribute PagesManager.uses_pages_directory). AppTest sets it back to None before
    every run, so every AppTest run of app.py would pay the folder scan again (about 4 ms here). AppTest makes
    that reset through the name it imported: pointing the name at a subclass makes the reset land on the
    subclass, and the real flag behaves as on a server (on for the very first run, off after st.navigation).
    """
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import app_test

    class ServerLikePagesManager(PagesManager):
        pass

    app_test.PagesManager = ServerLikePagesManager  # type: ignore[attr-defined,misc]


def look_clients_up_like_a_server() -> None:
    """Give AppTest's stand-in runtime a client lookup as cheap as a server's.

    AppTest builds a new `MagicMock(spec=Runtime)` for every run. `st.context` (the app asks for the visitor's
    address on every run: calfui.viewer) calls `runtime.get_client(session_id)`, and on a fresh mock that call
    builds spec-checked child mocks (Python's inspect over Runtime's methods): about 1-2 ms a run here, which a
    server, whose lookup is a dict read, doesn't pay. The stand-in's lookup answers None, "no client context",
    which st.context reads as a browser that sent nothing (the same as a server's loopback visitor for the app)."""
    from unittest.mock import MagicMock

    from streamlit.testing.v1 import app_test

    def runtime_stand_in(*args: Any, **kwargs: Any) -> MagicMock:
        stand_in = MagicMock(*args, **kwargs)
        stand_in.get_client = lambda session_id: None
        return stand_in

    app_test.MagicMock = runtime_stand_in  # type: ignore[attr-defined]


def like_a_server() -> None:
    """Every AppTest cost a server doesn't pay, taken out on both sides of every comparison (app and baseline)."""
    share_script_cache()
    serve_pages_like_a_server()
    look_clients_up_like_a_server()


@contextlib.contextmanager
def database(url: str | None) -> Iterator[None]:
    """The app's runs inside this use PostgreSQL at `url` (CALF_DATABASE_URL, read by calfui.context on every run),
    or, with None, the DuckDB file in CALF_DB_PATH; the setting is put back afterwards."""
    from calfstore.url import URL_SETTING

    before = os.environ.pop(URL_SETTING, None)
    if url is not None:
        os.environ[URL_SETTING] = url
    try:
        yield
    finally:
        os.environ.pop(URL_SETTING, None)
        if before is not None:
            os.environ[URL_SETTING] = before


def timed(at: Any, what: str, url: str | None = None) -> float:
    with database(url):
        started = time.perf_counter()
        at.run()
        elapsed = time.perf_counter() - started
    _check(at, what)
    return elapsed


def against_baseline(
    app: Any, spec: Path, counts: dict[str, int], folder: Path, name: str, reps: int
) -> tuple[Series, Series]:
    """One page's captured elements replayed by a bare baseline (checked to draw the same), then app and baseline
    reruns alternating, `reps` each after one uncounted warm-up round: (app times, baseline times)."""
    (app_times,), base_times = sides_against_baseline([(app, name, None)], spec, counts, folder, name, reps)
    return app_times, base_times


def sides_against_baseline(
    apps: list[tuple[Any, str, str | None]], spec: Path, counts: dict[str, int], folder: Path, name: str, reps: int
) -> tuple[list[Series], Series]:
    """As `against_baseline` for several app sessions of one page (each `(session, label, database URL or None)`:
    the same page on DuckDB and on PostgreSQL), every side taking its turn in each round, the order reversed every
    other round: (each app's times, baseline times)."""
    baseline = baseline_session(spec)
    _, replayed = capture(baseline, folder / "check", name)
    if replayed != counts:
        raise RuntimeError(f"the {name} baseline drew {replayed}, the page drew {counts}")
    app_times, base_times = [Series() for _ in apps], Series()
    sides = [(at, series, what, url) for (at, what, url), series in zip(apps, app_times, strict=True)]
    sides.append((baseline, base_times, f"{name} baseline", None))
    for rep in range(reps + 1):  # the first round warms both sides up and is not counted
        for at, series, what, url in sides if rep % 2 else reversed(sides):
            elapsed = timed(at, what, url)
            if rep:
                series.add(elapsed)
    return app_times, base_times


def run(smoke: bool = False, reps: int | None = None, folder: Path | None = None) -> Section:
    """Every page on DuckDB (the default) and on PostgreSQL (issue 13: the same rows, copied with
    calfstore.transfer into a throwaway cluster), each against the same bare baseline. Call close(section) after."""
    reps = reps or (2 if smoke else 25)
    like_a_server()
    folder = folder or Path(tempfile.mkdtemp(prefix="calf-bench-rerun-"))
    fixture = prepare(folder, dt.date.today(), smoke)
    os.environ["CALF_DB_PATH"] = str(fixture.db_path)
    started = time.perf_counter()
    cluster = postgres.start_cluster()
    try:
        pg_url = postgres.copy_of(cluster, fixture.db_path)
        section = _measure(reps, folder, fixture, pg_url, smoke)
    except BaseException:
        cluster.stop()
        raise
    section.cluster, section.pg_url = cluster, pg_url  # type: ignore[attr-defined]
    section.seconds = time.perf_counter() - started
    return section


def _measure(reps: int, folder: Path, fixture: Fixture, pg_url: str, smoke: bool) -> Section:
    apps, pg_apps, baselines, counts = {}, {}, {}, {}
    for page in PAGES:
        apps[page] = app_session(page, fixture)
        spec, counts[page] = capture_page(apps[page], folder / "specs", page)
        baselines[page] = baseline_session(spec)
        _, replayed = capture(baselines[page], folder / "check", page)
        if replayed != counts[page]:
            raise RuntimeError(f"the {page} baseline drew {replayed}, the page drew {counts[page]}")
        with database(pg_url):
            pg_apps[page] = app_session(page, fixture)
            _, on_postgres = capture_page(pg_apps[page], folder / "check-postgresql", page)
        if on_postgres != counts[page]:
            raise RuntimeError(f"the {page} page drew {on_postgres} on PostgreSQL, {counts[page]} on DuckDB")
    app_times = {page: Series() for page in PAGES}
    pg_times = {page: Series() for page in PAGES}
    base_times = {page: Series() for page in PAGES}
    for rep in range(reps + 1):  # the first round warms every side up and is not counted
        for page in PAGES:
            sides = [
                (apps[page], app_times[page], page, None),
                (pg_apps[page], pg_times[page], f"{page} on PostgreSQL", pg_url),
                (baselines[page], base_times[page], f"{page} baseline", None),
            ]
            for at, series, what, url in sides if rep % 2 else reversed(sides):  # alternate which side goes first
                elapsed = timed(at, what, url)
                if rep:
                    series.add(elapsed)
    section = Section("Rerun time per page (AppTest, server side)")
    for page in PAGES:
        elements = sum(counts[page].values())
        charts = counts[page].get("vega_lite_chart", 0)
        section.rows.append(
            Row(
                "1",
                f"rerun: {page}",
                app_times[page],
                base_times[page],
                goal=GOAL,
                note=f"{elements} elements, {charts} charts",
            )
        )
    for page in PAGES:
        section.rows.append(
            Row(
                "1",
                f"rerun: {page}, PostgreSQL",
                pg_times[page],
                base_times[page],
                goal=GOAL,
                note="the same page and rows on PostgreSQL (pool over loopback TCP)",
            )
        )
    section.notes.append(
        f"Runner: {history.TESTS} tests, {history.SYMPTOMS} symptom entries, {history.ROUTINE_LOGS} routine log "
        f"entries{' (smoke: a tenth)' if smoke else ''}. {reps} timed reruns per side after one warm-up, app and "
        "baseline alternating. Timed around AppTest.run(), whose own harness cost is on both sides; scripts are "
        "compiled once and kept, as on a server (AppTest alone would recompile them on every run). Baselines "
        "draw the same elements of the same kinds (checked by capturing both trees), the same texts and widget "
        "options, tables and charts with the same data and Vega-Lite spec, from memory, through st.vega_lite_chart. AppTest does not run Streamlit's full garbage collection after each run (on by "
        "default, `runner.postScriptGC`; the app's .streamlit/config.toml turns it off), so these times leave it out "
        "on both sides; figure 6 measures a real server's CPU per run, bare Streamlit with it."
    )
    section.notes.append(
        "PostgreSQL rows (issue 13): the same AppTest sessions with CALF_DATABASE_URL set to a database in a "
        "throwaway cluster on this machine (fsync on) holding the same rows (copied with calfstore.transfer), "
        "checked to draw the same elements; DuckDB, PostgreSQL and baseline reruns take turns, against the same "
        "baseline."
    )
    section.apps, section.baselines, section.fixture = apps, baselines, fixture  # type: ignore[attr-defined]
    return section


def close(section: Section) -> None:
    """Close the stores the app's sessions opened (DuckDB file, PostgreSQL pool) and stop the cluster."""
    from calfstore.url import duckdb_url
    from calfui.context import _open_store

    try:
        _open_store(duckdb_url(section.fixture.db_path)).close()  # type: ignore[attr-defined]
        _open_store(section.pg_url).close()  # type: ignore[attr-defined]
        _open_store.clear()
    finally:
        section.cluster.stop()  # type: ignore[attr-defined]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="a tenth of the data, two reruns per side")
    parser.add_argument("--reps", type=int)
    args = parser.parse_args()
    section = run(args.smoke, args.reps)
    close(section)
    print(table(section.rows))


if __name__ == "__main__":
    main()


def breakdown(section: Section, runs: int) -> list[str]:
    """Profile (sampling) the pages that missed the goal, app and baseline: markdown lines for the report."""
    from benchmarks.profile import profile_runs, source_line, split

    apps, baselines = section.apps, section.baselines  # type: ignore[attr-defined]
    missed = [row.measure.removeprefix("rerun: ") for row in section.rows if row.met is False]
    missed = [page for page in missed if page in apps]  # the default (DuckDB) rows
    if not missed:
        return ["Every page met the goal on DuckDB: no breakdown needed."]
    lines = [
        f"Sampled over {runs} reruns per page and side (a sampling profiler, benchmarks/profile.py), in ms of the "
        "median rerun measured above (sampling slows a rerun, so each side's median is spread over its sampled "
        "shares). "
        "*Ours* is time whose innermost app frame is our code, including DuckDB, altair chart building and pandas "
        "work it calls; *Streamlit* is time whose innermost frame is Streamlit's, including what it calls "
        "(altair's to_dict with schema validation for st.altair_chart, Arrow conversion of tables and chart data).",
        "",
        "| page | app | ours | Streamlit | of which altair to_dict | of which Arrow | baseline "
        "| baseline Streamlit | gap | gap: ours | gap: Streamlit's extra |",
        "|" + " --- |" * 11,
    ]
    hot: dict[tuple[str, str], float] = {}
    categories: dict[str, float] = {}
    medians = {row.measure.removeprefix("rerun: "): row for row in section.rows}
    for page in missed:
        app = profile_runs(apps[page], runs)
        base = profile_runs(baselines[page], runs)
        # Sampling slows a rerun down: spread each side's measured median over the sampled shares.
        app.scale = medians[page].app.p50 * 1000 / max(app.total(), 1e-9)
        base.scale = medians[page].baseline.p50 * 1000 / max(base.total(), 1e-9)
        a, b = split(app), split(base)
        to_dict = app.total("Streamlit: altair")
        arrow = app.total("Streamlit: data to Arrow")
        lines.append(
            f"| {page} | {app.total():.0f} | {a['ours']:.0f} | {a['streamlit']:.0f} | {to_dict:.0f} | {arrow:.0f} "
            f"| {base.total():.0f} | {b['streamlit']:.0f} | {app.total() - base.total():.0f} | {a['ours']:.0f} "
            f"| {a['streamlit'] - b['streamlit']:.0f} |"
        )
        for (where, category), samples in app.hot.items():
            key = (where, "ours" if category.startswith("ours") else category)
            hot[key] = hot.get(key, 0.0) + app.ms(samples)
        for category, value in app.by_category().items():
            categories[category] = categories.get(category, 0.0) + value
    lines += [
        "",
        f"Summed over those pages ({', '.join(missed)}), one rerun each, by where the time is spent:",
        "",
        "| where | ms |",
        "| --- | --- |",
    ]
    lines += [
        f"| {category} | {value:.0f} |"
        for category, value in sorted(categories.items(), key=lambda kv: -kv[1])
        if value >= 0.5
    ]
    lines += [
        "",
        "Hot spots: the lines of our code under which the time is spent (summed over those pages, one "
        "rerun each). A line whose time is *Streamlit* is a call into Streamlit (st.altair_chart...).",
        "",
        "| ms | kind | where | line |",
        "| --- | --- | --- | --- |",
    ]
    for (where, category), value in sorted(hot.items(), key=lambda kv: -kv[1])[:15]:
        lines.append(f"| {value:.0f} | {category} | `{where}` | `{source_line(where)[:90]}` |")
    return lines
