"""Finds the published reference that fits a runner and a protocol (data/norms.toml).

Only the knee-straight test with no added load has published references. A reference applies only to the
protocol (cueing included) and the ages and population it was measured with; when none fits, the result is compared
with the runner target, between legs and with the runner's own history only. The band around a reference is the
spread between healthy people (a standard deviation), not the test's measurement noise.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any

from calfcore.evidence import TRUST_WORDS, Source, read_toml, source
from calfcore.models import Protocol, Sex, Surface
from calfcore.thresholds import TYPICAL_SPREADS

# No reference measured children or adolescents doing this test as runners: under 18, no band at all.
ADULT_AGE = 18


@dataclass(frozen=True)
class TypicalRange:
    """The typical band in whole raises, edges included: the one comparison behind "below", "typical" and "above"
    and the range printed beside them, so a count equal to an edge is inside the band wherever it is named."""

    low: int
    high: int

    def contains(self, reps: float) -> bool:
        return self.low <= reps <= self.high

    @property
    def text(self) -> str:
        return f"{self.low}–{self.high}"


@dataclass(frozen=True)
class NormReference:
    """The reference value (or narrow range) a leg's reps are compared with, and the spread around it."""

    reference_id: str
    source_id: str
    reps_low: float
    reps_high: float
    approximate: bool
    population: str
    sex: str  # "female", "male" or "any"
    age_min: int | None  # None: the sources read do not record the sample's ages
    age_max: int | None
    spread_sd: float = 10.0  # standard deviation between healthy people, in raises
    spread_source_id: str = "green_2024"
    spread_tag: str = "READ-PRIMARY"
    cued: bool = False
    pace_confirmed: bool = True
    cadence_bpm: int = 60  # the pace it applies at (0: self-paced)
    cueing_stated: bool = True  # False: the source does not say; matched only to the protocol it describes
    spread_cv: float | None = None  # set when the spread is a borrowed coefficient of variation scaled to this mean

    @property
    def source(self) -> Source:
        return source(self.source_id)

    @property
    def spread_source(self) -> Source:
        return source(self.spread_source_id)

    @property
    def label(self) -> str:
        """'about 30-31 reps' for second-hand tables or unconfirmed paces, '21.9 reps' for figures read in the paper."""
        low, high = format_reps(self.reps_low), format_reps(self.reps_high)
        value = low if low == high else f"{low}–{high}"
        return f"{'about ' if self.approximate else ''}{value} reps"

    @property
    def ages(self) -> str:
        if self.age_min is None or self.age_max is None:
            return "ages not recorded"
        return f"age {self.age_min}–{self.age_max}"

    @property
    def group(self) -> str:
        """Who the reference describes, as sentences name it: "women aged 30–39", or "adults aged 20–59" for a
        reference that pools men and women (never "your age and sex")."""
        people = {"female": "women", "male": "men"}.get(self.sex, "adults")
        if self.age_min is None or self.age_max is None:
            return people
        return f"{people} aged {self.age_min}–{self.age_max}"

    @property
    def spread_label(self) -> str:
        """'±10 raises (one standard deviation between healthy people: Green et al. 2024, read in the study
        itself)', or for a borrowed spread scaled to this group's mean, the scaling and whose convention it is."""
        if self.spread_cv is not None:
            return (
                f"±{format_reps(self.spread_sd)} raises (one standard deviation between healthy people, "
                f"{self.spread_cv * 100:.0f}% of the reference: the ratio of spread to mean in "
                f"{self.spread_source.short}, {TRUST_WORDS[self.spread_tag]}; scaling it to each age group's mean "
                "is Calf Check's convention)"
            )
        return (
            f"±{format_reps(self.spread_sd)} raises (one standard deviation between healthy people: "
            f"{self.spread_source.short}, {TRUST_WORDS[self.spread_tag]})"
        )

    @property
    def typical(self) -> TypicalRange:
        """Reference ± one spread, rounded inwards to whole raises (a count is whole: 17.5–38.5 holds 18 to 38)."""
        spread = TYPICAL_SPREADS * self.spread_sd
        low = max(math.ceil(round(self.reps_low - spread, 6)), 0)
        return TypicalRange(low, math.floor(round(self.reps_high + spread, 6)))

    @property
    def typical_low(self) -> int:
        return self.typical.low

    @property
    def typical_high(self) -> int:
        return self.typical.high

    @property
    def midpoint(self) -> float:
        return (self.reps_low + self.reps_high) / 2


def format_reps(value: float) -> str:
    """27.9 stays 27.9; 28.0 reads 28."""
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


@dataclass(frozen=True)
class _ProtocolReference:
    id: str
    source: str
    population: str
    approximate: bool
    surface: Surface
    cadence_bpm: int  # the pace the study used; a reference applies only at its own pace
    pace_confirmed: bool  # False: the pace is reported second-hand, so the comparison is "about"
    cued: bool  # the cueing a test must have to be compared with this reference
    cueing_stated: bool  # False: the source does not say; `cued` is then the protocol the source describes
    fingertip_support: bool | None  # None: the study did not say
    age_min: int | None  # None: the sample's ages are not recorded, so the reference gives no band
    age_max: int | None
    spread_sd: float | None
    spread_cv: float | None  # a borrowed spread as a share of the mean, scaled to each row's own mean
    spread_source: str
    spread_tag: str
    rows: tuple[dict[str, Any], ...]

    @property
    def protocol(self) -> Protocol:
        """The protocol a runner would use to be compared with this reference."""
        return Protocol(
            cadence_bpm=self.cadence_bpm,
            surface=self.surface,
            cued=self.cued,
            fingertip_support=True if self.fingertip_support is None else self.fingertip_support,
        )

    @property
    def recorded_ages(self) -> tuple[int, int] | None:
        """The sample's youngest and oldest age, when the sources record both; None when they don't."""
        if self.age_min is None or self.age_max is None:
            return None
        return self.age_min, self.age_max

    def row_spread(self, row: dict[str, Any]) -> float:
        if "sd" in row:
            return float(row["sd"])
        if self.spread_cv is not None:  # scaled to this row's mean, so a low mean never gets a band reaching zero
            return round(self.spread_cv * (float(row["reps_low"]) + float(row["reps_high"])) / 2, 1)
        assert self.spread_sd is not None  # checked when the file is read
        return self.spread_sd

    def row_reference(self, row: dict[str, Any]) -> NormReference:
        return NormReference(
            reference_id=self.id,
            source_id=self.source,
            reps_low=float(row["reps_low"]),
            reps_high=float(row["reps_high"]),
            # A pace nobody confirmed makes the comparison approximate, whatever the figure's own tag.
            approximate=self.approximate or not self.pace_confirmed,
            population=self.population,
            sex=row["sex"],
            age_min=row.get("age_min"),
            age_max=row.get("age_max"),
            spread_sd=self.row_spread(row),
            spread_source_id=self.spread_source,
            spread_tag=self.spread_tag,
            cued=self.cued,
            pace_confirmed=self.pace_confirmed,
            cadence_bpm=self.cadence_bpm,
            cueing_stated=self.cueing_stated,
            spread_cv=None if "sd" in row else self.spread_cv,
        )


_CUED = {"yes": True, "no": False}


def _spread(item: dict[str, Any]) -> tuple[float | None, float | None]:
    """(sd, cv): exactly one is given per reference."""
    if ("spread_sd" in item) == ("spread_cv" in item):
        raise ValueError(f"reference {item['id']}: give spread_sd or spread_cv, not both or neither")
    return (
        float(item["spread_sd"]) if "spread_sd" in item else None,
        float(item["spread_cv"]) if "spread_cv" in item else None,
    )


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
            pace_confirmed=bool(item.get("pace_confirmed", True)),
            # Cueing the source does not state is matched only to the protocol it describes (`matched_cueing`).
            cued=_CUED[item["matched_cueing"] if item["cued"] == "not stated" else item["cued"]],
            cueing_stated=item["cued"] != "not stated",
            fingertip_support=item.get("fingertip_support"),
            age_min=item.get("age_min"),
            age_max=item.get("age_max"),
            spread_sd=_spread(item)[0],
            spread_cv=_spread(item)[1],
            spread_source=item["spread_source"],
            spread_tag=item["spread_tag"],
            rows=tuple(item["rows"]),
        )
        for item in raw
    )


def _protocol_fits(reference: _ProtocolReference, protocol: Protocol) -> bool:
    support_fits = reference.fingertip_support is None or reference.fingertip_support == protocol.fingertip_support
    return (
        support_fits
        and protocol.added_load_kg == 0  # no reference was measured with added load
        and reference.surface is protocol.surface
        and reference.cadence_bpm == protocol.cadence_bpm  # only at the pace it was measured at, confirmed or not
        and reference.cued == protocol.cued
    )


def _row_fits(reference: _ProtocolReference, row: dict[str, Any], sex: Sex, age: int) -> bool:
    if row["sex"] != "any" and row["sex"] != sex.value:
        return False
    ages = reference.recorded_ages
    if ages is None or "age_min" not in row:
        return False  # never stretched to ages nobody recorded
    low, high = max(row["age_min"], ages[0]), min(row["age_max"], ages[1])
    return bool(low <= age <= high)


@functools.lru_cache(maxsize=4096)  # pure, on data read once; a chart asks it for every test (issue 25's write path)
def find_reference(protocol: Protocol, sex: Sex, age: int) -> NormReference | None:
    """The most specific reference for this protocol, sex and age, or None when nothing published fits.

    Nothing fits a runner under 18, a loaded test, a protocol (surface, pace, cueing, hand support) no reference
    used, or an age outside the sample's recorded ages. Preference: a reference with a confirmed pace before one
    without, then a sex-specific row, then file order.
    """
    if age < ADULT_AGE:
        return None
    candidates: list[tuple[tuple[int, int, int], NormReference]] = []
    for order, reference in enumerate(_references()):
        if not _protocol_fits(reference, protocol):
            continue
        for row in reference.rows:
            if not _row_fits(reference, row, sex, age):
                continue
            rank = (int(reference.pace_confirmed), int(row["sex"] != "any"), -order)
            candidates.append((rank, reference.row_reference(row)))
    if not candidates:
        return None
    return max(candidates, key=lambda pair: pair[0])[1]


def protocol_with_band(sex: Sex, age: int) -> tuple[Protocol, NormReference] | None:
    """A protocol the app supports whose reference covers this runner's age and sex, with that reference (the
    best by the same preference as `find_reference`), or None when no protocol would give a band at this age."""
    found = None
    for reference in _references():
        candidate = find_reference(reference.protocol, sex, age)
        if candidate is not None and (found is None or (candidate.pace_confirmed and not found[1].pace_confirmed)):
            found = (reference.protocol, candidate)
    return found


def _what_would_give_a_band(sex: Sex, age: int) -> str:
    found = protocol_with_band(sex, age)
    if found is None:
        return ""
    protocol, reference = found
    return (
        f". Tested on {describe_protocol(protocol)} next time, you would be compared with "
        f"{reference.source.short} ({reference.group})"
    )


def why_no_reference(protocol: Protocol, sex: Sex, age: int) -> str:
    """In plain words, why no published reference fits (for the page that says there is no band), and, when another
    protocol the app supports has a reference for this age and sex, which one would give a band."""
    if age < ADULT_AGE:
        return "no published reference covers runners under 18"
    if protocol.added_load_kg:
        return "no published reference was measured with added load" + _what_would_give_a_band(sex, age)
    fitting = [reference for reference in _references() if _protocol_fits(reference, protocol)]
    if not fitting:
        return (
            "no published reference used this protocol (surface, pace, cueing and hand support)"
            + _what_would_give_a_band(sex, age)
        )
    recorded = [ages for reference in fitting if (ages := reference.recorded_ages) is not None]
    if not any(low <= age <= high for low, high in recorded):
        spans = ", ".join(f"{low}–{high}" for low, high in recorded)
        return (
            f"the published references for this protocol were measured at ages {spans}, not {age}"
            if spans
            else "the published references for this protocol do not record their ages"
        ) + _what_would_give_a_band(sex, age)
    return "the published references for this protocol and age are given by sex, and your profile gives none"


@functools.cache
def all_reference_rows() -> tuple[NormReference, ...]:
    """Every row of every reference, for the 'where the numbers come from' table."""
    return tuple(reference.row_reference(row) for reference in _references() for row in reference.rows)


@functools.lru_cache(maxsize=1024)  # a runner repeats a few set-ups: every test's words are one of them
def describe_protocol(protocol: Protocol) -> str:
    surface = "10° incline" if protocol.surface is Surface.INCLINE_10 else "flat floor"
    pace = f"{protocol.cadence_bpm} beats/min" if protocol.cadence_bpm else "self-paced"
    cues = "cued" if protocol.cued else "not cued"
    load = f", +{format_reps(protocol.added_load_kg)} kg" if protocol.added_load_kg else ""
    support = "" if protocol.fingertip_support else ", no hand support"
    return f"{surface}, {pace}, {cues}{support}{load}"
