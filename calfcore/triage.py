"""The red-flag check (data/red_flags.toml). Any red flag stops scoring and training advice.

The app informs and never diagnoses: it does not score these signs, it sends the runner to a clinician.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum

from calfcore.evidence import read_toml
from calfcore.models import LegPair, Side


class Urgency(IntEnum):
    """Ordered so that the most urgent flag decides the message."""

    SOON = 1
    SAME_DAY = 2
    EMERGENCY = 3


@dataclass(frozen=True)
class RedFlag:
    id: str
    question: str
    urgency: Urgency
    source_id: str


# A leg that cannot rise even once is itself a warning sign of a rupture (AAOS 2009): raised automatically.
CANNOT_RISE_FLAG_ID = "cannot_rise_single_leg"


@functools.cache
def red_flags() -> tuple[RedFlag, ...]:
    return tuple(
        RedFlag(
            id=item["id"],
            question=item["question"],
            urgency=Urgency[item["urgency"].upper()],
            source_id=item["source"],
        )
        for item in read_toml("red_flags.toml")["flag"]
    )


def red_flag_ids() -> frozenset[str]:
    return frozenset(flag.id for flag in red_flags())


@dataclass(frozen=True)
class Triage:
    flags: tuple[RedFlag, ...]

    @property
    def stop(self) -> bool:
        return bool(self.flags)

    @property
    def urgency(self) -> Urgency | None:
        return max((flag.urgency for flag in self.flags), default=None)

    @property
    def message(self) -> str:
        """One plain message. Chest symptoms always lead to emergency services."""
        if self.urgency is Urgency.EMERGENCY:
            return (
                "Stop and call your local emergency number now. Chest pain or sudden breathlessness, "
                "especially with a painful or swollen calf, needs emergency care. Do not test or train."
            )
        if self.urgency is Urgency.SAME_DAY:
            return (
                "Please get medical care today, before any more testing or training. What you reported can be a "
                "sign of an injury or condition that a clinician needs to examine. Calf Check will not score "
                "this test or suggest exercises."
            )
        if self.urgency is Urgency.SOON:
            return (
                "Please see a doctor or physiotherapist before you test or train again. What you reported needs "
                "a clinician's view first, so Calf Check will not score this test or suggest exercises."
            )
        return ""


def triage(reported: Iterable[str], straight_reps: LegPair | None = None) -> Triage:
    """Red flags the runner ticked, plus 'cannot rise' when a leg managed zero knee-straight raises."""
    ids = set(reported)
    unknown = ids - red_flag_ids()
    if unknown:
        raise ValueError(f"unknown red flag ids: {sorted(unknown)}")
    if straight_reps is not None and any(straight_reps.get(side) == 0 for side in Side):
        ids.add(CANNOT_RISE_FLAG_ID)
    return Triage(tuple(flag for flag in red_flags() if flag.id in ids))


def zero_raise_sides(straight_reps: LegPair) -> tuple[Side, ...]:
    """The legs entered with 0 knee-straight raises. Each is a warning sign of its own (cannot rise), and may also
    be a slip of the thumb: the record page asks before it saves (zero_raises_question)."""
    return tuple(side for side in Side if straight_reps.get(side) == 0)


def zero_raises_question(sides: Iterable[Side]) -> str:
    """'0 raises on the left leg: is that right?', asked before a test with a zero is saved."""
    names = [side.value for side in sides]
    if not names:
        return ""
    legs = "the left and right legs" if len(names) == 2 else f"the {names[0]} leg"
    return (
        f"0 raises on {legs}: is that right? A leg that can't rise even once is a warning sign, and the test will "
        "give the advice to see a clinician instead of a score. If it was a slip, correct the number above and save "
        "again."
    )
