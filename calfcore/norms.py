"""Finds the published reference that fits a runner and a protocol (data/norms.toml).

Only the knee-straight test with no added load has published references. A reference applies only to the
protocol it was measured with; when none fits, the result is compared with the runner's own history only.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from calfcore.evidence import Source, read_toml, source
from calfcore.models import Protocol, Sex, Surface


@dataclass(frozen=True)
class NormReference:
    """The reference value (or narrow range) a leg's reps are compared with."""

    reference_id: str
    source_id: str
    reps_low: float
    reps_high: float
    approximate: bool
    population: str
    sex: str  # "female", "male" or "any"
    age_min: int
    age_max: int

    @property
    def source(self) -> Source:
        return source(self.source_id)

    @property
    def label(self) -> str:
        """'about 30-31 reps' for second-hand tables, '27.9 reps' for figures read in the paper."""
        low, high = _fmt(self.reps_low), _fmt(self.reps_high)
        value = low if low == high else f"{low}–{high}"
        return f"{'about ' if self.approximate else ''}{value} reps"

    @property
    def midpoint(self) -> float:
        return (self.reps_low + self.reps_high) / 2


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


@dataclass(frozen=True)
class _ProtocolReference:
    id: str
    source: str
    population: str
    approximate: bool
    surface: Surface
    cadence_bpm: int
    cued: str  # "yes", "no" or "any"
    fingertip_support: bool | None  # None: the study did not say
    rows: tuple[dict, ...]


@functools.cache
def _references() -> tuple[_ProtocolReference, ...]:
    raw = read_toml("norms.toml")["reference"]
    return tuple(
        _ProtocolReference(
            id=item["id"],
            source=item["source"],
            population=item["population"],
            approximate=item["approximate"],
            surface=Surface(item["surface"]),
            cadence_bpm=int(item["cadence_bpm"]),
            cued=item["cued"],
            fingertip_support=item.get("fingertip_support"),
            rows=tuple(item["rows"]),
        )
        for item in raw
    )


def _protocol_fits(reference: _ProtocolReference, protocol: Protocol) -> bool:
    cued_fits = reference.cued == "any" or (reference.cued == "yes") == protocol.cued
    support_fits = reference.fingertip_support is None or reference.fingertip_support == protocol.fingertip_support
    return (
        support_fits
        and protocol.added_load_kg == 0
        and reference.surface is protocol.surface
        and reference.cadence_bpm == protocol.cadence_bpm
        and cued_fits
    )


def find_reference(protocol: Protocol, sex: Sex, age: int) -> NormReference | None:
    """The most specific reference for this protocol, sex and age, or None when nothing published fits.

    Preference: a reference whose cue condition matches exactly, then a sex-specific row, in file order.
    """
    candidates: list[tuple[tuple[int, int, int], NormReference]] = []
    for order, reference in enumerate(_references()):
        if not _protocol_fits(reference, protocol):
            continue
        for row in reference.rows:
            row_sex = row["sex"]
            if row_sex != "any" and row_sex != sex.value:
                continue
            if not row["age_min"] <= age <= row["age_max"]:
                continue
            rank = (int(reference.cued != "any"), int(row_sex != "any"), -order)
            candidates.append(
                (
                    rank,
                    NormReference(
                        reference_id=reference.id,
                        source_id=reference.source,
                        reps_low=float(row["reps_low"]),
                        reps_high=float(row["reps_high"]),
                        approximate=reference.approximate,
                        population=reference.population,
                        sex=row_sex,
                        age_min=int(row["age_min"]),
                        age_max=int(row["age_max"]),
                    ),
                )
            )
    if not candidates:
        return None
    return max(candidates, key=lambda pair: pair[0])[1]


@functools.cache
def all_reference_rows() -> tuple[NormReference, ...]:
    """Every row of every reference, for the 'where the numbers come from' table."""
    rows = []
    for reference in _references():
        for row in reference.rows:
            rows.append(
                NormReference(
                    reference_id=reference.id,
                    source_id=reference.source,
                    reps_low=float(row["reps_low"]),
                    reps_high=float(row["reps_high"]),
                    approximate=reference.approximate,
                    population=reference.population,
                    sex=row["sex"],
                    age_min=int(row["age_min"]),
                    age_max=int(row["age_max"]),
                )
            )
    return tuple(rows)


def describe_protocol(protocol: Protocol) -> str:
    surface = "10° incline" if protocol.surface is Surface.INCLINE_10 else "flat floor"
    pace = f"{protocol.cadence_bpm} beats/min" if protocol.cadence_bpm else "self-paced"
    cues = "cued" if protocol.cued else "not cued"
    load = f", +{_fmt(protocol.added_load_kg)} kg" if protocol.added_load_kg else ""
    support = "" if protocol.fingertip_support else ", no hand support"
    return f"{surface}, {pace}, {cues}{support}{load}"
