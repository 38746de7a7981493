"""The app's own HTTP routes, served beside Streamlit through `st.App` (Streamlit 1.67 on Starlette): the calendar
feed a phone's calendar subscribes to. app.py hands these to st.App; keep any other route or middleware here too.

The feed's URL carries a random token (only its SHA-256 is stored). A token that is malformed, unknown, revoked,
expired or whose runner was deleted gets the same bare 404: nothing tells a wrong token from a withdrawn one.
Uvicorn's access log is off in Streamlit's server, and nothing here logs a path, so the URL stays out of the log.
"""

from __future__ import annotations

import datetime as dt

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from calfcore.calendar_feed import FEED_PATH, build_feed, coming_training_days, retest_day
from calfcore.retest import RetestPlan, next_retest
from calfcore.routine import Routine
from calfcore.sharing import token_hash, well_formed
from calfcore.warning_signs import warning_of
from calfstore import NotFound, StoreError
from calfui.cache import OwnerData

NOT_FOUND = Response("Not Found", status_code=404, media_type="text/plain")
FEED_HEADERS = {
    "Cache-Control": "private, no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


def runner_calendar(
    data: OwnerData, runner_id: int
) -> tuple[list[dt.date], dt.date | None, RetestPlan | None, list[str]]:
    """What a runner's calendar holds now: the training days still ahead (the rest of this week, or next week's once
    this week's are past), the day of the next retest (today when it is overdue), its plan, and the week's exercise
    names."""
    from calfui.context import today

    day = today()

    def schedule() -> tuple[Routine | None, RetestPlan | None, set[dt.date]]:
        found = data.records(runner_id)
        away = {a.day for a in data.list_away_days(runner_id)}
        own = data.retest_choice(runner_id)
        # A warning sign still standing: no training days and no retest until it is cleared (calfcore.warning_signs).
        warning = warning_of(found)
        return (*next_retest(found.runner, found.tests, found.symptoms, day, own, away, warning=warning), away)

    # Read and assessed once per data version: a calendar polls, and the runner's data rarely changed meanwhile.
    routine, plan, away = data.cached(("calendar feed", runner_id, day), schedule, runner_id=runner_id)
    days = coming_training_days(day, routine.sessions_per_week, away) if routine else []
    names = [p.exercise.name for p in routine.prescriptions] if routine else []
    return days, retest_day(plan.due_on, day) if plan else None, plan, names


def runner_feed(data: OwnerData, runner_id: int, uid_tag: str, show_exercise_names: bool) -> bytes:
    """A runner's feed now (calfcore.calendar_feed). Also the one-off .ics download of local mode, which the Share
    page offers on every run: the file is made once per data version and day, and its stamp (DTSTAMP, when the file
    was made) is kept with it, since the events in it are the same until then."""
    from calfui.context import now, today

    def feed() -> bytes:
        days, retest_on, plan, names = runner_calendar(data, runner_id)
        return build_feed(
            uid_tag,
            days,
            retest_on,
            now(),
            show_exercise_names=show_exercise_names,
            exercise_names=names,
            retest_protocol=plan.repeat if plan else "",
        )

    key = ("calendar file", runner_id, today(), uid_tag, show_exercise_names)
    return data.cached(key, feed, runner_id=runner_id)


def calendar_feed(request: Request) -> Response:
    """GET <app>/calendar/<token>.ics. A plain function: Starlette runs it in a worker thread (DuckDB blocks)."""
    from calfui.context import now, process_store

    token = request.path_params.get("token")
    if not well_formed(token):
        return NOT_FOUND
    try:
        store = process_store()
        resolved = store.resolve_calendar_feed(token_hash(token), now())
        if resolved is None:
            return NOT_FOUND
        feed = resolved.feed
        body = runner_feed(
            OwnerData(store, resolved.owner_key), feed.runner_id, f"feed{feed.id}", feed.show_exercise_names
        )
    except NotFound:  # the runner went meanwhile
        return NOT_FOUND
    except StoreError:
        return Response("The calendar is unavailable; try again later.", status_code=503, media_type="text/plain")
    return Response(body, media_type="text/calendar; charset=utf-8", headers=FEED_HEADERS)


ROUTES = [Route(FEED_PATH + "/{token}.ics", calendar_feed, methods=["GET"])]
