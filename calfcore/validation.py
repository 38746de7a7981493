"""Turns raw input (widget values or CSV cells) into model values, or field-by-field error messages.

Nothing reaches the database without passing through here. Limits are plausibility bounds (ours, not from a
study): wide enough for any real runner, narrow enough to catch a typo.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from enum import StrEnum
from typing import Any, TypeVar

from calfcore.models import (
    ClinicianAllClear,
    HeelRaiseTest,
    LegPair,
    PainLocation,
    Protocol,
    RoutineLogEntry,
    RunnerProfile,
    Sex,
    Side,
    SoleusTest,
    Surface,
    SymptomEntry,
    Units,
)
from calfcore.readiness import MAX_HOPS, HopTest, ReadinessCheck
from calfcore.units import in_units, to_kg

MAX_REPS = 150  # single-leg raises to fatigue; 100+ is already exceptional
MAX_HEEL_HEIGHT_CM = 30
MAX_KNEE_TO_WALL_CM = 30  # healthy adults average about 12 cm
MAX_LOAD_KG = 500
MIN_BODY_WEIGHT_KG, MAX_BODY_WEIGHT_KG = 25, 300
ALLOWED_CADENCES = (0, *range(30, 121))  # 0 = self-paced
MAX_PAIN = 10
MAX_STIFFNESS_MINUTES = 24 * 60
MAX_SETS, MAX_ROUTINE_REPS = 20, 500
MAX_NAME_LENGTH, MAX_NOTES_LENGTH = 60, 500
OLDEST_AGE, YOUNGEST_AGE = 100, 10
EARLIEST_DATE = dt.date(1990, 1, 1)
# What a count counts, for the sentence a fraction gets ("12.5 is not a whole number of raises").
_RAISES, _HOPS, _MINUTES = "a whole number of raises", "a whole number of hops", "a whole number of minutes"

# An HTML tag (or comment, or doctype): never stored, so it can never reach a page or a spreadsheet as markup.
_TAG = re.compile(r"<(?:[/?]?[a-zA-Z]|!)")  # "<b", "</b", "<?x", "<!--"; "left < right" is fine
# Bidirectional override characters can disguise text; other right-to-left text is welcome.
# Text that starts as formula syntax (=, @): refused, although the CSV export would neutralise it too. A note that
# merely starts with a sign ("- felt tight on the left", "+1 on the left") is ordinary text: the export neutralises it
# (calfcore.exchange.neutralise_formula) and the import gives it back as typed.
_FORMULA_START = re.compile(r"^[=@]")
# Characters a spreadsheet may read as = + - @ although they are others: what Unicode folds into them (full-width
# ＝ ＋ － ＠, small ﹦ ﹢ ﹣ ﹫, super- and subscript ⁼ ₌ ⁺ ₊) and the MINUS SIGN, which ⁻ ₋ fold into.
_MINUS_SIGN = "\u2212"


def formula_view(text: str) -> str:
    """The start of `text` as a spreadsheet may read it: look-alikes of = + - @ folded into them."""
    return unicodedata.normalize("NFKC", text[:8]).replace(_MINUS_SIGN, "-")


_BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


class InputErrors(ValueError):
    """Field name → message for every field that failed. Nothing is saved when this is raised."""

    def __init__(self, errors: Mapping[str, str]):
        self.errors = dict(errors)
        super().__init__("; ".join(f"{field}: {message}" for field, message in self.errors.items()))


E = TypeVar("E", bound=StrEnum)


class _Fields:
    """Reads fields one by one, collecting every error instead of stopping at the first."""

    def __init__(self, raw: Mapping[str, Any]):
        self.raw = raw
        self.errors: dict[str, str] = {}

    def _value(self, name: str) -> Any:
        value = self.raw.get(name)
        if isinstance(value, str):
            value = value.strip()
            return None if value == "" else value
        if isinstance(value, float) and math.isnan(value):
            return None  # pandas reads an empty CSV cell as NaN
        return value

    def number(
        self,
        name: str,
        label: str,
        low: float,
        high: float,
        *,
        required: bool = False,
        whole: bool = False,
        whole_as: str = "a whole number",
    ) -> float | None:
        value = self._value(name)
        if value is None:
            if required:
                self.errors[name] = f"{label} is required."
            return None
        if isinstance(value, bool):
            self.errors[name] = f"{label} must be a number."
            return None
        try:
            number = float(value)
        except (TypeError, ValueError):
            self.errors[name] = f"{label} must be a number, not {str(value)[:20]!r}."
            return None
        if not math.isfinite(number):
            self.errors[name] = f"{label} must be a real number."
            return None
        if whole and not number.is_integer():  # checked first: 2024.5 is not a whole year, whatever the range
            self.errors[name] = f"{label}: {number:g} is not {whole_as}."
            return None
        if not low <= number <= high:
            self.errors[name] = f"{label} must be between {low:g} and {high:g}; {number:g} is out of range."
            return None
        return number

    def whole(
        self, name: str, label: str, low: int, high: int, *, required: bool = False, whole_as: str = "a whole number"
    ) -> int | None:
        """A count: `whole_as` says what it counts when a fraction arrives ("a whole number of raises")."""
        number = self.number(name, label, low, high, required=required, whole=True, whole_as=whole_as)
        return None if number is None else int(number)

    def mass(
        self, name: str, label: str, low_kg: float, high_kg: float, units: Units, *, required: bool = False
    ) -> float | None:
        """A mass typed in the runner's units, returned in kilograms."""
        number = self.number(
            name, f"{label} ({units.value})", in_units(low_kg, units), in_units(high_kg, units), required=required
        )
        return None if number is None else to_kg(number, units)

    def text(self, name: str, label: str, max_length: int, *, required: bool = False, multiline: bool = False) -> str:
        value = self.raw.get(name)
        if value is None or (isinstance(value, float) and math.isnan(value)):
            value = ""
        if not isinstance(value, str):
            self.errors[name] = f"{label} must be text."
            return ""
        value = unicodedata.normalize("NFC", value.strip())
        problem = text_problem(value, label, max_length, multiline=multiline)
        if problem is None and required and not value:
            problem = f"{label} can't be empty."
        if problem:
            self.errors[name] = problem
            return ""
        return value

    def day(self, name: str, label: str, today: dt.date, *, required: bool = True) -> dt.date | None:
        value = self._value(name)
        if value is None:
            if required:
                self.errors[name] = f"{label} is required."
            return None
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                self.errors[name] = f"{label} must be a real date written as YYYY-MM-DD, not {value[:20]!r}."
                return None
        if not isinstance(value, dt.date):
            self.errors[name] = f"{label} must be a date."
            return None
        if value > today:
            self.errors[name] = f"{label} can't be in the future."
            return None
        if value < EARLIEST_DATE:
            self.errors[name] = f"{label} can't be before {EARLIEST_DATE.isoformat()}."
            return None
        return value

    def choice(self, name: str, label: str, enum: type[E], *, default: E | None = None) -> E | None:
        value = self._value(name)
        if value is None:
            if default is None:
                self.errors[name] = f"{label} is required."
            return default
        if isinstance(value, enum):
            return value
        try:
            return enum(str(value).lower())
        except ValueError:
            options = ", ".join(member.value for member in enum)
            self.errors[name] = f"{label} must be one of: {options}."
            return default

    def flag(self, name: str, label: str, *, default: bool = False) -> bool:
        value = self._value(name)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        text = str(value).lower()
        if text in {"true", "yes", "1", "y"}:
            return True
        if text in {"false", "no", "0", "n"}:
            return False
        self.errors[name] = f"{label} must be yes or no."
        return default

    def leg_pair(self, prefix: str, label: str, read: Callable[[str, str], float | None]) -> LegPair | None:
        left = read(f"{prefix}_left", f"{label}, left")
        right = read(f"{prefix}_right", f"{label}, right")
        if left is None and right is None:
            return None
        return LegPair(left, right)

    def raise_if_any(self) -> None:
        if self.errors:
            raise InputErrors(self.errors)


def text_problem(value: str, label: str, max_length: int, *, multiline: bool = False) -> str | None:
    """Why a piece of free text can't be stored, or None. Markdown characters are fine: text is shown as text."""
    if len(value) > max_length:
        return f"{label} is too long ({len(value)} characters; at most {max_length})."
    allowed_controls = {"\n", "\t"} if multiline else set()
    for char in value:
        if (unicodedata.category(char) == "Cc" and char not in allowed_controls) or char in _BIDI_CONTROLS:
            return f"{label} contains an invisible control character; please retype it."
        if unicodedata.category(char) in {"Cs", "Co", "Cn"}:
            return f"{label} contains a character that can't be stored; please retype it."
    if _TAG.search(value):
        return f"{label} can't contain HTML tags such as <b> or <script>."
    if _FORMULA_START.match(formula_view(value)):
        return f"{label} can't start with = or @ (spreadsheets would run it as a formula)."
    return None


def parse_runner(raw: Mapping[str, Any], today: dt.date) -> RunnerProfile:
    fields = _Fields(raw)
    name = fields.text("name", "Name", MAX_NAME_LENGTH, required=True)
    birth_year = fields.whole(
        "birth_year",
        "Birth year",
        today.year - OLDEST_AGE,
        today.year - YOUNGEST_AGE,
        required=True,
        whole_as="a whole year",
    )
    sex = fields.choice("sex", "Sex", Sex, default=Sex.UNSPECIFIED)
    units = fields.choice("units", "Units", Units, default=Units.KG)
    injured = fields._value("injured_side")
    injured_side = None
    if injured not in (None, "none", "None", "neither"):
        injured_side = fields.choice("injured_side", "Injured side", Side)
    body_weight = fields.mass(
        "body_weight",
        "Body weight",
        MIN_BODY_WEIGHT_KG,
        MAX_BODY_WEIGHT_KG,
        units if isinstance(units, Units) else Units.KG,
    )
    fields.raise_if_any()
    assert birth_year is not None and sex is not None and units is not None  # None only with an error, raised above
    return RunnerProfile(
        name=name,
        birth_year=int(birth_year),
        sex=sex,
        units=units,
        injured_side=injured_side,
        id=raw.get("id"),
        body_weight_kg=body_weight,
    )


def _red_flags(raw: Any, fields: _Fields) -> frozenset[str]:
    from calfcore.triage import red_flag_ids  # local: triage loads data files

    if raw is None or (isinstance(raw, float) and math.isnan(raw)):
        return frozenset()
    items: Iterable[str] = raw.split("|") if isinstance(raw, str) else raw
    if not isinstance(items, (list, tuple, set, frozenset)) or not all(isinstance(item, str) for item in items):
        fields.errors["red_flags"] = "Red-flag answers must be a list of answer ids."
        return frozenset()
    flags = frozenset(item.strip() for item in items if item and item.strip())
    unknown = flags - red_flag_ids()
    if unknown:
        fields.errors["red_flags"] = f"Unknown red-flag answers: {', '.join(sorted(unknown))[:80]}."
        return frozenset()
    return flags


def parse_protocol(fields: _Fields, units: Units) -> Protocol:
    cadence = fields.whole(
        "cadence_bpm",
        "Metronome (beats/min, 0 = none)",
        0,
        max(ALLOWED_CADENCES),
        required=True,
        whole_as="a whole number of beats",
    )
    if cadence is not None and cadence not in ALLOWED_CADENCES:
        fields.errors["cadence_bpm"] = "Metronome must be 0 (self-paced) or between 30 and 120 beats/min."
    surface = fields.choice("surface", "Surface", Surface, default=Surface.INCLINE_10)
    cued = fields.flag("cued", "Cued")
    support = fields.flag("fingertip_support", "Fingertip support", default=True)
    added = fields.mass("added_load", "Added load", 0, MAX_LOAD_KG, units) or 0.0
    return Protocol(
        cadence_bpm=cadence or 0,
        surface=surface or Surface.INCLINE_10,
        cued=cued,
        fingertip_support=support,
        added_load_kg=added,
    )


def parse_symptoms(fields: _Fields, day: dt.date | None) -> list[SymptomEntry]:
    entries = []
    for side in Side:
        s = side.value
        during = fields.whole(f"pain_during_{s}", f"Pain during, {s}", 0, MAX_PAIN)
        morning = fields.whole(f"pain_next_morning_{s}", f"Pain next morning, {s}", 0, MAX_PAIN)
        stiffness = fields.whole(
            f"stiffness_minutes_{s}", f"Morning stiffness (min), {s}", 0, MAX_STIFFNESS_MINUTES, whole_as=_MINUTES
        )
        location = fields.choice(f"location_{s}", f"Where it hurts, {s}", PainLocation, default=PainLocation.NONE)
        if day is not None and any(v is not None for v in (during, morning, stiffness)):
            entries.append(SymptomEntry(day, side, during, morning, stiffness, location or PainLocation.NONE))
        elif location not in (None, PainLocation.NONE) and day is not None:
            entries.append(SymptomEntry(day, side, None, None, None, location))
    return entries


def parse_test(
    raw: Mapping[str, Any], today: dt.date, units: Units = Units.KG
) -> tuple[HeelRaiseTest, list[SymptomEntry]]:
    """A test session and its per-leg symptoms, or InputErrors naming every bad field."""
    fields = _Fields(raw)
    day = fields.day("tested_on", "Test date", today)
    protocol = parse_protocol(fields, units)

    def reps_required(name: str, label: str) -> int | None:
        return fields.whole(name, label, 0, MAX_REPS, required=True, whole_as=_RAISES)

    def reps(name: str, label: str) -> float | None:
        return fields.whole(name, label, 0, MAX_REPS, whole_as=_RAISES)

    straight_left = reps_required("straight_left", "Knee-straight raises, left")
    straight_right = reps_required("straight_right", "Knee-straight raises, right")
    bent = fields.leg_pair("bent", "Knee-bent raises", reps)
    height = fields.leg_pair(
        "height", "Max heel height (cm)", lambda name, label: fields.number(name, label, 0, MAX_HEEL_HEIGHT_CM)
    )
    knee_to_wall = fields.leg_pair(
        "knee_to_wall", "Knee-to-wall (cm)", lambda name, label: fields.number(name, label, 0, MAX_KNEE_TO_WALL_CM)
    )
    soleus_reps = fields.leg_pair("soleus_reps", "Seated soleus reps", reps)
    soleus_load = fields.mass("soleus_load", "Seated soleus load", 0, MAX_LOAD_KG, units)
    body_weight = fields.mass("body_weight", "Body weight", MIN_BODY_WEIGHT_KG, MAX_BODY_WEIGHT_KG, units)
    soleus = None
    if soleus_reps is not None or soleus_load is not None:
        if soleus_load is None and "soleus_load" not in fields.errors:
            fields.errors["soleus_load"] = "Seated soleus load is needed with soleus reps (0 for body weight)."
        if body_weight is None and "body_weight" not in fields.errors:
            fields.errors["body_weight"] = "Body weight is needed to compare the soleus load with body weight."
        if soleus_reps is None and not {"soleus_reps_left", "soleus_reps_right"} & fields.errors.keys():
            fields.errors["soleus_reps_left"] = "Seated soleus reps are needed with a soleus load."
        elif soleus_reps is not None and soleus_load is not None and body_weight is not None:
            soleus = SoleusTest(soleus_load, soleus_reps, body_weight)
    red_flags = _red_flags(raw.get("red_flags"), fields)
    notes = fields.text("notes", "Notes", MAX_NOTES_LENGTH, multiline=True)
    symptoms = parse_symptoms(fields, day)
    fields.raise_if_any()
    assert day is not None  # None only with an error, raised above
    test = HeelRaiseTest(
        tested_on=day,
        protocol=protocol,
        straight_reps=LegPair(straight_left, straight_right),
        bent_reps=bent,
        heel_height_cm=height,
        soleus=soleus,
        knee_to_wall_cm=knee_to_wall,
        red_flags=red_flags,
        notes=notes,
        id=raw.get("id"),
    )
    return test, symptoms


def parse_symptom_entry(raw: Mapping[str, Any], today: dt.date) -> SymptomEntry:
    """One leg's symptoms on one day (a row of a CSV import)."""
    fields = _Fields(raw)
    day = fields.day("logged_on", "Date", today)
    side = fields.choice("side", "Leg", Side)
    during = fields.whole("pain_during", "Pain during", 0, MAX_PAIN)
    morning = fields.whole("pain_next_morning", "Pain next morning", 0, MAX_PAIN)
    stiffness = fields.whole(
        "stiffness_minutes", "Morning stiffness (min)", 0, MAX_STIFFNESS_MINUTES, whole_as=_MINUTES
    )
    location = fields.choice("location", "Where it hurts", PainLocation, default=PainLocation.NONE)
    fields.raise_if_any()
    assert day is not None and side is not None and location is not None  # None only with an error, raised above
    return SymptomEntry(day, side, during, morning, stiffness, location)


def parse_symptom_checkin(raw: Mapping[str, Any], today: dt.date) -> list[SymptomEntry]:
    """A day's symptom check-in: per-leg pain and stiffness, without a test."""
    fields = _Fields(raw)
    day = fields.day("logged_on", "Date", today)
    entries = parse_symptoms(fields, day)
    if not entries and not fields.errors:
        fields.errors["pain_during_left"] = "Enter pain or stiffness for at least one leg."
    fields.raise_if_any()
    return entries


def parse_routine_log(
    raw: Mapping[str, Any], today: dt.date, units: Units = Units.KG, exercise_ids: Iterable[str] = ()
) -> RoutineLogEntry:
    fields = _Fields(raw)
    day = fields.day("logged_on", "Date", today)
    exercise_id = fields.text("exercise_id", "Exercise", 80, required=True)
    known = set(exercise_ids)
    if known and exercise_id and exercise_id not in known:
        fields.errors["exercise_id"] = f"{exercise_id[:40]!r} is not an exercise in the library: pick one from it."
    sets = fields.whole("sets", "Sets", 1, MAX_SETS, required=True, whole_as="a whole number of sets")
    reps = fields.whole("reps", "Reps per set", 1, MAX_ROUTINE_REPS, required=True, whole_as="a whole number of reps")
    load = fields.mass("load", "Load", 0, MAX_LOAD_KG, units) or 0.0
    pain = fields.whole("pain", "Pain", 0, MAX_PAIN)
    notes = fields.text("notes", "Notes", MAX_NOTES_LENGTH, multiline=True)
    fields.raise_if_any()
    assert day is not None and sets is not None and reps is not None  # None only with an error, raised above
    return RoutineLogEntry(day, exercise_id, sets, reps, load, pain, notes, id=raw.get("id"))


def parse_share_label(raw: object) -> str:
    """Who a share link is for, as the runner typed it (trimmed). The label is shown on the coach's view."""
    from calfcore.sharing import MAX_LABEL_LENGTH

    label = (raw if isinstance(raw, str) else "").strip()
    if not label:
        raise InputErrors({"label": "Give the link a label, such as the coach's name."})
    problem = text_problem(label, "The label", MAX_LABEL_LENGTH)
    if problem:
        raise InputErrors({"label": problem})
    return label


def parse_hop_test(raw: Mapping[str, Any], today: dt.date) -> HopTest:
    """A hop test from the form: hops on the spot per leg (both required), pain while hopping per leg 0-10."""
    from calfcore.triage import red_flag_ids  # local: triage loads data files

    fields = _Fields(raw)
    day = fields.day("tested_on", "Date", today)
    hops = LegPair(
        fields.whole("hops_left", "Hops, left", 0, MAX_HOPS, required=True, whole_as=_HOPS),
        fields.whole("hops_right", "Hops, right", 0, MAX_HOPS, required=True, whole_as=_HOPS),
    )
    pain = LegPair(
        fields.whole("pain_left", "Pain while hopping, left", 0, 10, required=True),
        fields.whole("pain_right", "Pain while hopping, right", 0, 10, required=True),
    )
    flags = frozenset(raw.get("red_flags") or ())
    if flags - red_flag_ids():
        fields.errors["red_flags"] = "Unknown warning sign."
    fields.raise_if_any()
    assert day is not None  # None only with an error, raised above
    return HopTest(tested_on=day, hops=hops, pain=pain, red_flags=flags)


def parse_readiness_check(raw: Mapping[str, Any], today: dt.date) -> ReadinessCheck:
    """The return-to-run checklist's own answers (the items no test measures) and its safety check."""
    from calfcore.triage import red_flag_ids  # local: triage loads data files

    fields = _Fields(raw)
    day = fields.day("checked_on", "Date", today)
    walked = fields.flag("walked_pain_free", "Walked 30 minutes without pain")
    settled = fields.flag("settled_next_morning", "Pain settled by the next morning")
    flags = frozenset(raw.get("red_flags") or ())
    if flags - red_flag_ids():
        fields.errors["red_flags"] = "Unknown warning sign."
    fields.raise_if_any()
    assert day is not None and walked is not None and settled is not None  # None only with an error, raised above
    return ReadinessCheck(
        checked_on=day,
        walked_pain_free=walked,
        settled_next_morning=settled,
        red_flags=flags,
    )


def parse_all_clear(raw: Mapping[str, Any], today: dt.date) -> ClinicianAllClear:
    """The runner's record that a clinician has seen them: the day (not in the future) and an optional note, plain
    text like the other notes."""
    fields = _Fields(raw)
    day = fields.day("seen_on", "Date seen", today)
    note = fields.text("note", "Note", MAX_NOTES_LENGTH, multiline=True)
    fields.raise_if_any()
    assert day is not None  # None only with an error, raised above
    return ClinicianAllClear(seen_on=day, note=note)


def parse_comment(
    raw: object, label: str = "The comment", max_length: int | None = None, *, required: bool = True
) -> str:
    """A coach's comment (or, not required, private notes) as typed, trimmed: plain text, a few lines at most."""
    from calfcore.coaching import MAX_COMMENT_LENGTH

    text = (raw if isinstance(raw, str) else "").strip()
    if not text and required:
        raise InputErrors({"comment": f"{label} is empty: write something first."})
    problem = text_problem(text, label, max_length or MAX_COMMENT_LENGTH, multiline=True)
    if problem:
        raise InputErrors({"comment": problem})
    return text


def parse_count(raw: object, label: str, low: int, high: int, *, whole_as: str = "a whole number") -> int:
    """One whole number typed on its own (the guided test's metronome and its confirmed count), or InputErrors
    with the sentence under the key "value"."""
    fields = _Fields({"value": raw})
    number = fields.whole("value", label, low, high, required=True, whole_as=whole_as)
    fields.raise_if_any()
    assert number is not None  # None only with an error, raised above
    return number
