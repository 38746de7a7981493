"""The retest schedule: when to test again, like for like, and the days a runner is away (ill, injured, travelling).

Progress only shows between tests done the same way (Green 2024: cued and uncued counts differ by about 12), so the
plan names the protocol to repeat. Days away neither count against training adherence nor bring a retest due:
the interval counts only days the runner is available, and no reminder shows on a day away.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from enum import StrEnum

from calfcore.assessment import Scored, assess, latest_test
from calfcore.models import HeelRaiseTest, RunnerProfile, SymptomEntry
from calfcore.norms import describe_protocol
from calfcore.routine import EquipmentAccess, Routine, Stage
from calfcore.warning_signs import ActiveWarning

# Our convention (issue 15), not a published interval: retest every 2 weeks while calming down or building (the
# picture changes quickly and decides when load can rise), every 4 weeks once loading (strength changes slowly).
# A change of 6 raises or fewer is noise anyway (Hébert-Losier 2017), so testing more often shows little.
RETEST_EVERY_DAYS: dict[Stage, int] = {Stage.CALM_DOWN: 14, Stage.BUILD: 14, Stage.LOAD: 28, Stage.POWER: 28}
OWN_CHOICE_DAYS: tuple[int, ...] = (7, 14, 21, 28, 42)  # a runner's own interval, in whole weeks


class AwayReason(StrEnum):
    ILL = "ill"
    INJURED = "injured"
    TRAVELLING = "travelling"


@dataclass(frozen=True)
class AwayDay:
    """A day the runner can't train or test. It leaves the adherence count and the retest reminder alone."""

    day: dt.date
    reason: AwayReason
    id: int | None = None


def weeks_words(days: int) -> str:
    weeks = days // 7
    return "every week" if weeks == 1 else f"every {weeks} weeks"


@dataclass(frozen=True)
class RetestPlan:
    last_tested_on: dt.date
    every_days: int
    own_choice: bool
    stage: Stage
    due_on: dt.date  # the interval counted in days the runner is available
    protocol: str  # the set-up to repeat, in words
    knee_angles: tuple[str, ...]

    @property
    def why(self) -> str:
        stage = self.stage.value.replace("_", " ")
        return (
            f"{weeks_words(self.every_days)}, your choice"
            if self.own_choice
            else f"{weeks_words(self.every_days)} in the {stage} stage"
        )

    @property
    def repeat(self) -> str:
        """The protocol to repeat: same cadence, surface, cueing, support, load and knee angles."""
        return f"{self.protocol}; {' and '.join(self.knee_angles)}"

    def is_due(self, today: dt.date, away: Collection[dt.date] = ()) -> bool:
        """Due from its day on, except on a day away."""
        return today >= self.due_on and today not in away


def due_date(last: dt.date, every_days: int, away: Collection[dt.date] = ()) -> dt.date:
    """`every_days` available days after `last`: each day away within the interval moves the date one day on."""
    if every_days < 1:
        raise ValueError("the retest interval is at least one day")
    day, counted = last, 0
    while counted < every_days:
        day += dt.timedelta(days=1)
        if day not in away:
            counted += 1
    return day


def plan_retest(
    latest: HeelRaiseTest, stage: Stage | None, own_every_days: int | None = None, away: Collection[dt.date] = ()
) -> RetestPlan | None:
    """The next test after `latest`, or None when there is no stage (a warning sign: a clinician comes first)."""
    if stage is None:
        return None
    if own_every_days is not None and own_every_days not in OWN_CHOICE_DAYS:
        raise ValueError(f"own retest interval must be one of {OWN_CHOICE_DAYS} days")
    every = own_every_days or RETEST_EVERY_DAYS[stage]
    knees = ("knee straight",) + (("knee bent",) if latest.bent_reps is not None else ())
    return RetestPlan(
        last_tested_on=latest.tested_on,
        every_days=every,
        own_choice=own_every_days is not None,
        stage=stage,
        due_on=due_date(latest.tested_on, every, away),
        protocol=describe_protocol(latest.protocol),
        knee_angles=knees,
    )


def planned_sessions(sessions_per_week: int, week_start: dt.date, away: Collection[dt.date]) -> int:
    """The sessions a week asks for, scaled to the days the runner was available (a week away asks for none)."""
    available = sum(1 for offset in range(7) if week_start + dt.timedelta(days=offset) not in away)
    return round(sessions_per_week * available / 7)


def next_retest(
    runner: RunnerProfile,
    tests: Sequence[HeelRaiseTest],
    symptoms: Sequence[SymptomEntry],
    today: dt.date,
    own_every_days: int | None = None,
    away: Collection[dt.date] = (),
    access: EquipmentAccess = EquipmentAccess.HOME,
    *,
    warning: ActiveWarning | None = None,
) -> tuple[Routine | None, RetestPlan | None]:
    """This week's routine and the next retest, from the latest test (none before a first test, and none after a
    warning sign, the test's own or a check-in's still standing (`warning`): a clinician comes first)."""
    latest = latest_test(tests)
    if latest is None:
        return None, None
    result = assess(latest, runner, tests, symptoms, today, access, warning=warning)
    routine = result.routine if isinstance(result, Scored) else None
    return routine, plan_retest(latest, routine.stage if routine else None, own_every_days, away)
