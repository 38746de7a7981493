"""Return-to-run readiness: the checklist a runner records like a test, and the hop test that feeds it.

The published return-to-run guidance answers "can I run yet?" with load tests, not dates (data/return_to_run.toml,
each item with its sources). It is expert guidance, not trial evidence. Calf Check shows which items were met and
when; it informs and does not clear anyone to run. A warning sign in a hop test or a checklist stops everything
with the same message the heel-raise test gives (calfcore.triage).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

import pandas as pd

from calfcore.evidence import Source, read_toml, source
from calfcore.models import HeelRaiseTest, LegPair, RunnerProfile, Side
from calfcore.scoring import gate_symmetry, limb_symmetry_index, symmetry_text
from calfcore.thresholds import RETURN_HOPS_MIN, RETURN_HOPS_PAIN_MAX, RUNNER_TARGET_REPS, SYMMETRY_FLAG_PERCENT
from calfcore.triage import Triage, triage

MAX_HOPS = 200  # a count beyond this is a typing slip, not hops on the spot
INFORMS_ONLY = (
    "This checklist informs: it does not clear anyone to run. The items are expert guidance, not results "
    "of trials. If you are coming back from an injury, your clinician decides when you run."
)


@dataclass(frozen=True)
class HopTest:
    """Hops on the spot per leg, and the pain (0-10) on each leg while hopping."""

    tested_on: dt.date
    hops: LegPair
    pain: LegPair
    red_flags: frozenset[str] = field(default_factory=frozenset)
    id: int | None = None

    @property
    def worst_pain(self) -> int:
        return int(max(v for v in (self.pain.left, self.pain.right, 0) if v is not None))


@dataclass(frozen=True)
class ReadinessCheck:
    """The runner's own answers to the items no test measures."""

    checked_on: dt.date
    walked_pain_free: bool  # walked 30 minutes without pain
    settled_next_morning: bool  # any pain had settled by the next morning
    red_flags: frozenset[str] = field(default_factory=frozenset)
    id: int | None = None


@dataclass(frozen=True)
class ChecklistItem:
    id: str
    text: str
    sources: tuple[Source, ...]


@functools.cache
def checklist_items() -> tuple[ChecklistItem, ...]:
    return tuple(
        ChecklistItem(id=item["id"], text=item["text"], sources=tuple(source(s) for s in item["sources"]))
        for item in read_toml("return_to_run.toml")["item"]
    )


def hops_met(test: HopTest) -> bool:
    """At least 10 hops on each leg, pain at 2/10 or less on both."""
    counts = (test.hops.left, test.hops.right)
    return (
        all(c is not None and c >= RETURN_HOPS_MIN.value for c in counts)
        and test.worst_pain <= RETURN_HOPS_PAIN_MAX.value
    )


def hop_symmetry(test: HopTest, runner: RunnerProfile) -> float | None:
    """Hop symmetry as the heel-raise test shows it: injured ÷ uninjured when a side is marked, else weaker ÷
    stronger (Silbernagel 2010)."""
    return limb_symmetry_index(test.hops, runner.injured_side)


def raises_met(test: HeelRaiseTest) -> bool:
    return all((test.straight_reps.get(side) or 0) >= RUNNER_TARGET_REPS.value for side in Side)


def _symmetric(pair: LegPair | None) -> bool:
    value = gate_symmetry(pair)
    return value is not None and value >= SYMMETRY_FLAG_PERCENT.value


@dataclass(frozen=True)
class ItemStatus:
    item: ChecklistItem
    met: bool | None  # by the latest records; None: nothing recorded yet
    last_met: dt.date | None
    detail: str


@dataclass(frozen=True)
class Readiness:
    triage: Triage  # stop: show its message and nothing else
    items: tuple[ItemStatus, ...]

    @property
    def all_met(self) -> bool:
        return not self.triage.stop and all(status.met for status in self.items)


class _Identified(Protocol):
    @property
    def id(self) -> int | None: ...


_Dated = TypeVar("_Dated", bound=_Identified)


def _latest(records: Sequence[_Dated], day_of: Callable[[_Dated], dt.date]) -> _Dated | None:
    return max(records, key=lambda r: (day_of(r), r.id or 0), default=None)


def _symmetry_days(tests: Sequence[HeelRaiseTest], hops: Sequence[HopTest]) -> list[tuple[dt.date, bool]]:
    """Each day a heel-raise or hop test was recorded: were the latest of both (up to that day) within 90%?"""
    days = sorted({t.tested_on for t in tests} | {h.tested_on for h in hops})
    found = []
    for day in days:
        test = _latest([t for t in tests if t.tested_on <= day], lambda t: t.tested_on)
        hop = _latest([h for h in hops if h.tested_on <= day], lambda h: h.tested_on)
        if test is not None and hop is not None:
            found.append((day, _symmetric(test.straight_reps) and _symmetric(hop.hops)))
    return found


def assess_readiness(
    runner: RunnerProfile, checks: Sequence[ReadinessCheck], hops: Sequence[HopTest], tests: Sequence[HeelRaiseTest]
) -> Readiness:
    """Each checklist item: met by the latest records, and the last day it was met."""
    latest_check = _latest(checks, lambda c: c.checked_on)
    latest_hops = _latest(hops, lambda h: h.tested_on)
    latest_test = _latest(tests, lambda t: t.tested_on)
    flags: set[str] = set()
    for record in (latest_check, latest_hops, latest_test):
        if record is not None:
            flags |= record.red_flags
    reps = latest_test.straight_reps if isinstance(latest_test, HeelRaiseTest) else None
    result = triage(flags, reps)
    if result.stop:
        return Readiness(result, ())

    def history(met_on: list[tuple[dt.date, bool]]) -> tuple[bool | None, dt.date | None]:
        if not met_on:
            return None, None
        met_on = sorted(met_on, key=lambda pair: pair[0])
        return met_on[-1][1], max((day for day, met in met_on if met), default=None)

    statuses = []
    for item in checklist_items():
        if item.id == "walk":
            met, last = history([(c.checked_on, c.walked_pain_free) for c in checks])
            detail = "your answer in the checklist"
        elif item.id == "settled":
            met, last = history([(c.checked_on, c.settled_next_morning) for c in checks])
            detail = "your answer in the checklist"
        elif item.id == "hops":
            met, last = history([(h.tested_on, hops_met(h)) for h in hops])
            detail = (
                f"latest hop test: {_pair_words(latest_hops.hops, 'hops')}, pain up to {latest_hops.worst_pain}/10"
                if latest_hops
                else "no hop test yet"
            )
        elif item.id == "raises":
            met, last = history([(t.tested_on, raises_met(t)) for t in tests if not t.red_flags])
            detail = f"latest test: {_pair_words(reps, 'raises')}" if reps is not None else "no heel-raise test yet"
        else:  # symmetry
            met, last = history(_symmetry_days([t for t in tests if not t.red_flags], hops))
            parts = []
            if reps is not None and (value := gate_symmetry(reps)) is not None:
                parts.append(f"heel raises {symmetry_text(value)}")
            if latest_hops is not None and (value := gate_symmetry(latest_hops.hops)) is not None:
                parts.append(f"hops {symmetry_text(value)}")
            detail = ("weaker ÷ stronger: " + ", ".join(parts)) if parts else "needs a heel-raise test and a hop test"
        statuses.append(ItemStatus(item, met, last, detail))
    return Readiness(result, tuple(statuses))


def _pair_words(pair: LegPair, unit: str) -> str:
    return f"left {_count(pair.left)}, right {_count(pair.right)} {unit}"


def _count(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


HOPS_COLUMNS = ["tested_on", "side", "hops", "pain", "symmetry_percent"]


def hops_frame(hops: Sequence[HopTest], runner: RunnerProfile) -> pd.DataFrame:
    """One row per hop test and leg, with that test's symmetry: the hop chart's rows."""
    rows = []
    for test in sorted(hops, key=lambda h: (h.tested_on, h.id or 0)):
        symmetry = hop_symmetry(test, runner)
        for side in Side:
            count = test.hops.get(side)
            if count is not None:
                rows.append(
                    {
                        "tested_on": pd.Timestamp(test.tested_on),
                        "side": side.value,
                        "hops": int(count),
                        "pain": test.pain.get(side),
                        "symmetry_percent": symmetry,
                    }
                )
    return pd.DataFrame(rows, columns=HOPS_COLUMNS)
