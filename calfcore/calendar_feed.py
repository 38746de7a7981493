"""The personal calendar feed (iCalendar, RFC 5545): this week's training days and the next retest.

A phone's calendar subscribes to it, often beside a work calendar, so by default an event says only "Calf Check:
training" or "Calf Check: retest": no exercise, stage, pain or injury. With "show exercise names" the training days
list the week's exercises and the retest names the protocol to repeat.

Events are all-day dates: a date has no time zone, so a session planned for Wednesday shows on Wednesday wherever
the phone is. Only the stamp of when the feed was made is a time, in UTC as RFC 5545 asks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import icalendar

from calfcore.sharing import LinkStatus, link_status

PRODUCT_ID = "-//Calf Check//Calendar feed//EN"
TRAINING_SUMMARY = "Calf Check: training"
RETEST_SUMMARY = "Calf Check: retest"
FEED_NAME = "Calf Check"
REFRESH_HOURS = 12  # how often a subscribed calendar should fetch the feed again (a hint; phones decide)

# Which weekdays (Monday = 0) carry the week's sessions: spread out, with a rest day between where the count allows.
TRAINING_WEEKDAYS: dict[int, tuple[int, ...]] = {
    1: (2,),
    2: (1, 4),
    3: (0, 2, 4),
    4: (0, 1, 3, 5),
    5: (0, 1, 2, 4, 5),
    6: (0, 1, 2, 3, 4, 5),
    7: (0, 1, 2, 3, 4, 5, 6),
}


def training_days(week_of: dt.date, sessions_per_week: int, away: Collection[dt.date] = ()) -> list[dt.date]:
    """The week's training days (the week holding `week_of`, Monday first), leaving out days away."""
    monday = week_of - dt.timedelta(days=week_of.weekday())
    weekdays = TRAINING_WEEKDAYS[max(0, min(sessions_per_week, 7))] if sessions_per_week > 0 else ()
    return [day for offset in weekdays if (day := monday + dt.timedelta(days=offset)) not in away]


def coming_training_days(today: dt.date, sessions_per_week: int, away: Collection[dt.date] = ()) -> list[dt.date]:
    """The training days still ahead: the rest of this week (today included) while a session is left in it,
    otherwise next week's. A download on a Saturday after a Monday-Wednesday-Friday week holds next week's sessions,
    not three days already past."""
    rest_of_week = [day for day in training_days(today, sessions_per_week, away) if day >= today]
    if rest_of_week:
        return rest_of_week
    next_monday = today + dt.timedelta(days=7 - today.weekday())
    return training_days(next_monday, sessions_per_week, away)


def retest_day(due_on: dt.date, today: dt.date) -> dt.date:
    """The retest's day in the calendar: its due date, or today once it is overdue (a date already past would sit
    unseen in last week's calendar)."""
    return max(due_on, today)


def days_held(days: Sequence[dt.date], retest_on: dt.date | None) -> str:
    """What a download holds, in a few words: "Wed 10, Fri 12 Dec and the retest on 22 Dec"."""
    # The month after the last day of each month named: "Mon 30 Nov, Wed 2, Fri 4 Dec".
    parts = [
        f"{day:%a} {day.day}" + (f" {day:%b}" if index == len(days) - 1 or days[index + 1].month != day.month else "")
        for index, day in enumerate(days)
    ]
    held = ", ".join(parts) if parts else "no training days"
    if retest_on is not None:
        held += f" and the retest on {retest_on.day} {retest_on:%b}"
    return held


def _event(uid: str, day: dt.date, summary: str, description: str | None, stamp: dt.datetime) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("dtend", day + dt.timedelta(days=1))
    event.add("summary", summary)
    event.add("transp", "TRANSPARENT")  # a reminder, not a busy slot in a shared work calendar
    if description:
        event.add("description", description)
    return event


def build_feed(
    uid_tag: str,
    days: Sequence[dt.date],
    retest_on: dt.date | None,
    now: dt.datetime,
    *,
    show_exercise_names: bool = False,
    exercise_names: Sequence[str] = (),
    retest_protocol: str = "",
) -> bytes:
    """The feed's iCalendar text. `uid_tag` (one per feed) keeps event ids stable between fetches, so a calendar
    updates an event instead of doubling it; `now` is naive UTC, as stored."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", FEED_NAME)
    calendar.add("refresh-interval", dt.timedelta(hours=REFRESH_HOURS), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", f"PT{REFRESH_HOURS}H")
    stamp = now.replace(tzinfo=dt.UTC)
    training = "This week: " + ", ".join(exercise_names) if show_exercise_names and exercise_names else None
    for day in days:
        calendar.add_component(
            _event(f"training-{day:%Y%m%d}-{uid_tag}@calfcheck", day, TRAINING_SUMMARY, training, stamp)
        )
    if retest_on is not None:
        retest = f"Repeat: {retest_protocol}" if show_exercise_names and retest_protocol else None
        calendar.add_component(_event(f"retest-{uid_tag}@calfcheck", retest_on, RETEST_SUMMARY, retest, stamp))
    return bytes(calendar.to_ical())


@dataclass(frozen=True)
class CalendarFeed:
    """A calendar feed's stored row: its token is kept only as a SHA-256 (calfcore.sharing.token_hash)."""

    id: int
    runner_id: int
    show_exercise_names: bool
    created_at: dt.datetime
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None

    def status(self, now: dt.datetime) -> LinkStatus:
        return link_status(self.revoked_at, self.expires_at, now)


@dataclass(frozen=True)
class ResolvedFeed:
    owner_key: str
    feed: CalendarFeed


FEED_PATH = "/calendar"  # the feed's URL is <app>/calendar/<token>.ics


def feed_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}{FEED_PATH}/{token}.ics"
