"""Export a runner's records as CSV or JSON, and import a CSV: validated row by row, all or nothing.

The CSV is one file with a `record_type` column (test, symptom, routine_log) so that a whole history moves in
one download. Masses are always in kilograms in files. Text a spreadsheet could run as a formula is neutralised
on export with a leading apostrophe, which the importer removes again: also when blanks, tabs or line breaks come
before the formula (" =1+1", "\n=HYPERLINK(...)"), since a spreadsheet may trim them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from calfcore.coaching import TestComment
from calfcore.models import (
    CheckinWarning,
    ClinicianAllClear,
    HeelRaiseTest,
    LegPair,
    RoutineLogEntry,
    Run,
    RunnerProfile,
    SymptomEntry,
    Units,
)
from calfcore.readiness import HopTest, ReadinessCheck
from calfcore.retest import AwayDay
from calfcore.routine import exercise_library
from calfcore.runs import run_fields
from calfcore.validation import InputErrors, formula_view, parse_routine_log, parse_symptom_entry, parse_test

EXPORT_FORMAT = "calf-check-export"
EXPORT_VERSION = 1
MAX_IMPORT_BYTES = 5 * 1024 * 1024  # three years of daily entries is well under 1 MB
MAX_IMPORT_MB = MAX_IMPORT_BYTES // 1_048_576  # the uploader's cap (and server.maxUploadSize in config.toml)
MAX_IMPORT_ROWS = 20_000

TEST_FIELDS = (
    "cadence_bpm",
    "surface",
    "cued",
    "fingertip_support",
    "added_load_kg",
    "straight_left",
    "straight_right",
    "bent_left",
    "bent_right",
    "height_left_cm",
    "height_right_cm",
    "soleus_load_kg",
    "soleus_reps_left",
    "soleus_reps_right",
    "body_weight_kg",
    "knee_to_wall_left_cm",
    "knee_to_wall_right_cm",
    "red_flags",
    "notes",
)
SYMPTOM_FIELDS = ("test_ref", "side", "pain_during", "pain_next_morning", "stiffness_minutes", "location")
ROUTINE_FIELDS = ("exercise_id", "sets", "reps", "load_kg", "pain")
CSV_COLUMNS = ("record_type", "record_ref", "date", *TEST_FIELDS, *SYMPTOM_FIELDS, *ROUTINE_FIELDS)
RECORD_TYPES = ("test", "symptom", "routine_log")
_FORMULA_CHARS = ("=", "+", "-", "@")


def _after_blanks(text: str) -> str:
    """`text` without the blanks, tabs, line breaks and invisible format characters (such as a zero-width space)
    before its first visible character: what a spreadsheet that trims a cell may read as its start."""
    for index, char in enumerate(text):
        if not (char.isspace() or unicodedata.category(char) in {"Cc", "Cf"}):
            return text[index:]
    return ""


def neutralise_formula(text: str) -> str:
    """Prefix text that a spreadsheet would evaluate (=, +, -, @ ..., or a look-alike such as ＝, also after blanks,
    tabs or line breaks) with an apostrophe.

    Text that already starts with an apostrophe gets one too, so that importing always removes exactly one.
    """
    opens = formula_view(_after_blanks(text)).startswith(_FORMULA_CHARS)
    return "'" + text if opens or text.startswith(("'", "\t", "\r")) else text


def _restore(text: str) -> str:
    return text[1:] if text.startswith("'") else text


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return repr(value) if not value.is_integer() else str(int(value))
    if isinstance(value, str):
        # A bare carriage return would end the row early (the writer only quotes fields holding "\n") and start
        # the next line with whatever follows it, formulas included: write it as a line feed.
        return neutralise_formula(value).replace("\r\n", "\n").replace("\r", "\n")
    return str(value)


def _test_cells(test: HeelRaiseTest) -> dict[str, object]:
    p = test.protocol
    bent = test.bent_reps or LegPair(None, None)
    height = test.heel_height_cm or LegPair(None, None)
    ktw = test.knee_to_wall_cm or LegPair(None, None)
    soleus = test.soleus
    return {
        "record_type": "test",
        "record_ref": f"t{test.id}",
        "date": test.tested_on.isoformat(),
        "cadence_bpm": p.cadence_bpm,
        "surface": p.surface.value,
        "cued": p.cued,
        "fingertip_support": p.fingertip_support,
        "added_load_kg": p.added_load_kg,
        "straight_left": test.straight_reps.left,
        "straight_right": test.straight_reps.right,
        "bent_left": bent.left,
        "bent_right": bent.right,
        "height_left_cm": height.left,
        "height_right_cm": height.right,
        "soleus_load_kg": soleus.load_kg if soleus else None,
        "soleus_reps_left": soleus.reps.left if soleus else None,
        "soleus_reps_right": soleus.reps.right if soleus else None,
        "body_weight_kg": soleus.body_weight_kg if soleus else None,
        "knee_to_wall_left_cm": ktw.left,
        "knee_to_wall_right_cm": ktw.right,
        "red_flags": "|".join(sorted(test.red_flags)),
        "notes": test.notes,
    }


def _motion_fields(test: HeelRaiseTest) -> dict[str, object]:
    """How a test's counts were made, and each raise the phone's motion saw (JSON only: the CSV has one cell per
    field)."""
    return {
        "counted_by_motion": sorted(test.counted_by_motion),
        "raise_marks": [
            {
                "knee": m.knee.value,
                "leg": m.leg.value,
                "raise": m.number,
                "at_ms": m.at_ms,
                "relative_size": m.relative_size,
                "on_beat": m.on_beat,
                "counted": m.counted,
            }
            for m in test.raise_marks
        ],
    }


def _symptom_cells(entry: SymptomEntry) -> dict[str, object]:
    return {
        "record_type": "symptom",
        "record_ref": f"s{entry.id}",
        "date": entry.logged_on.isoformat(),
        "test_ref": f"t{entry.test_id}" if entry.test_id is not None else None,
        "side": entry.side.value,
        "pain_during": entry.pain_during,
        "pain_next_morning": entry.pain_next_morning,
        "stiffness_minutes": entry.stiffness_minutes,
        "location": entry.location.value,
    }


def _routine_cells(entry: RoutineLogEntry) -> dict[str, object]:
    return {
        "record_type": "routine_log",
        "record_ref": f"r{entry.id}",
        "date": entry.logged_on.isoformat(),
        "exercise_id": entry.exercise_id,
        "sets": entry.sets,
        "reps": entry.reps,
        "load_kg": entry.load_kg,
        "pain": entry.pain,
        "notes": entry.notes,
    }


def export_csv(
    tests: Sequence[HeelRaiseTest], symptoms: Sequence[SymptomEntry], routine_logs: Sequence[RoutineLogEntry]
) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    rows = (
        [_test_cells(t) for t in tests]
        + [_symptom_cells(s) for s in symptoms]
        + [_routine_cells(r) for r in routine_logs]
    )
    for row in rows:
        writer.writerow({column: _cell(row.get(column)) for column in CSV_COLUMNS})
    return buffer.getvalue()


def export_json(
    runner: RunnerProfile,
    tests: Sequence[HeelRaiseTest],
    symptoms: Sequence[SymptomEntry],
    routine_logs: Sequence[RoutineLogEntry],
    exported_at: dt.datetime,
    *,
    hop_tests: Sequence[HopTest] = (),
    readiness_checks: Sequence[ReadinessCheck] = (),
    away_days: Sequence[AwayDay] = (),
    comments: Sequence[TestComment] = (),
    checkin_warnings: Sequence[CheckinWarning] = (),
    all_clears: Sequence[ClinicianAllClear] = (),
    runs: Sequence[Run] = (),
) -> str:
    """Everything the runner recorded, as one JSON document (the CSV carries tests, symptoms and training only;
    the return-to-run records, days away, coaches' comments on tests, warning signs ticked in daily check-ins,
    clinicians' all-clears, runs, and which counts the phone's motion made with each raise it saw come in the JSON)."""
    test_days = {t.id: t.tested_on.isoformat() for t in tests}

    def plain(cells: dict[str, object]) -> dict[str, object]:
        return {key: value for key, value in cells.items() if key != "record_type"}

    document = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": exported_at.isoformat(),
        "units_in_file": "kg",
        "runner": {
            "name": runner.name,
            "birth_year": runner.birth_year,
            "sex": runner.sex.value,
            "units": runner.units.value,
            "injured_side": runner.injured_side.value if runner.injured_side else None,
            "body_weight_kg": runner.body_weight_kg,
        },
        "tests": [plain(_test_cells(t)) | _motion_fields(t) for t in tests],
        "symptoms": [plain(_symptom_cells(s)) for s in symptoms],
        "routine_logs": [plain(_routine_cells(r)) for r in routine_logs],
        "hop_tests": [
            {
                "date": h.tested_on.isoformat(),
                "hops_left": h.hops.left,
                "hops_right": h.hops.right,
                "pain_left": h.pain.left,
                "pain_right": h.pain.right,
                "red_flags": sorted(h.red_flags),
            }
            for h in hop_tests
        ],
        "readiness_checks": [
            {
                "date": c.checked_on.isoformat(),
                "walked_pain_free": c.walked_pain_free,
                "settled_next_morning": c.settled_next_morning,
                "red_flags": sorted(c.red_flags),
            }
            for c in readiness_checks
        ],
        "away_days": [{"date": a.day.isoformat(), "reason": a.reason.value} for a in away_days],
        "comments": [
            {
                "test_date": test_days.get(c.test_id),
                "author": c.author,
                "comment": c.body,
                "written_at": c.created_at.isoformat(),
                "hidden": c.hidden,
            }
            for c in comments
        ],
        "checkin_warning_signs": [
            {
                "date": w.flagged_on.isoformat(),
                "red_flags": sorted(w.red_flags),
                "marked_mistaken_at": w.mistaken_at.isoformat() if w.mistaken_at else None,
            }
            for w in checkin_warnings
        ],
        "clinician_all_clears": [{"date": c.seen_on.isoformat(), "note": c.note} for c in all_clears],
        "runs": [run_fields(r) for r in runs],
    }
    return json.dumps(document, indent=2, ensure_ascii=False, default=str)


@dataclass(frozen=True)
class RowProblem:
    row: int  # line number in the file, header = 1
    record_type: str
    message: str


@dataclass
class ImportPlan:
    """A fully validated import, or the problems that stop it. Nothing is saved unless `problems` is empty."""

    tests: list[tuple[HeelRaiseTest, list[SymptomEntry]]] = field(default_factory=list)
    symptoms: list[SymptomEntry] = field(default_factory=list)
    routine_logs: list[RoutineLogEntry] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    skipped_duplicates: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def record_count(self) -> int:
        return len(self.tests) + sum(len(s) for _, s in self.tests) + len(self.symptoms) + len(self.routine_logs)


def _decode(data: bytes) -> str:
    if len(data) > MAX_IMPORT_BYTES:
        raise InputErrors(
            {
                "file": f"The file is {len(data) / 1_048_576:.1f} MB; imports are limited to "
                f"{MAX_IMPORT_BYTES // 1_048_576} MB. Split it into smaller files."
            }
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputErrors({"file": "The file is not UTF-8 text. Save it as 'CSV UTF-8' and try again."}) from None
    if "\x00" in text:
        raise InputErrors({"file": "The file contains binary data; it is not a CSV export."})
    return text


def _row_fingerprint(row: dict[str, str]) -> tuple[str, ...]:
    return tuple(row.get(column, "") for column in CSV_COLUMNS if column != "record_ref")


def plan_import(data: bytes, today: dt.date, existing: Iterable[tuple[str, ...]] = ()) -> ImportPlan:
    """Validate a CSV export. `existing` holds fingerprints of records already stored: those rows are skipped."""
    text = _decode(data)
    # strict: a quote that is never closed is an error, instead of silently swallowing the rows after it.
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    try:
        header = reader.fieldnames or []
    except csv.Error as error:
        raise InputErrors({"file": f"The CSV is malformed: {error}."}) from None
    plan = ImportPlan()
    missing = [c for c in ("record_type", "date") if c not in header]
    unknown = [c for c in header if c not in CSV_COLUMNS]
    if not header:
        raise InputErrors({"file": "The file is empty."})
    if missing or unknown:
        parts = []
        if missing:
            parts.append("missing column(s): " + ", ".join(missing))
        if unknown:
            parts.append("unknown column(s): " + ", ".join(str(c)[:30] for c in unknown[:5]))
        raise InputErrors(
            {
                "file": "This is not a Calf Check CSV (" + "; ".join(parts) + "). Export one from the "
                "History page to see the expected columns."
            }
        )
    if len(set(header)) != len(header):
        raise InputErrors({"file": "The header names a column twice."})

    seen: set[tuple[str, ...]] = set()
    existing_set = set(existing)
    test_positions: dict[str, int] = {}
    pending_symptoms: list[tuple[int, str, SymptomEntry]] = []
    try:
        # Never read past the limit: 5 MB of two-byte rows would be millions of dicts (gigabytes) otherwise.
        rows = list(itertools.islice(reader, MAX_IMPORT_ROWS + 1))
    except csv.Error as error:
        raise InputErrors({"file": f"The CSV is malformed: {error}."}) from None
    if len(rows) > MAX_IMPORT_ROWS:
        raise InputErrors(
            {
                "file": f"The file has more than {MAX_IMPORT_ROWS} rows; at most {MAX_IMPORT_ROWS} can "
                f"be imported. Split it into smaller files."
            }
        )
    if not rows:
        raise InputErrors({"file": "The file has a header but no records."})

    for number, row in enumerate(rows, start=2):
        if None in row:
            plan.problems.append(RowProblem(number, "?", "This row has more cells than the header."))
            continue
        row = {key: _restore(value or "") for key, value in row.items()}
        kind = row.get("record_type", "").strip()
        whole_row = tuple(row.get(column, "") for column in CSV_COLUMNS)
        if whole_row in seen:  # record_ref included: two identical sessions on one day are two records
            plan.problems.append(RowProblem(number, kind, "This row repeats an earlier row of the file."))
            continue
        seen.add(whole_row)
        if _row_fingerprint(row) in existing_set:
            plan.skipped_duplicates += 1
            continue
        try:
            if kind == "test":
                raw = {**{k: row.get(k) for k in TEST_FIELDS}, "tested_on": row.get("date")}
                raw |= {
                    "added_load": row.get("added_load_kg"),
                    "height_left": row.get("height_left_cm"),
                    "height_right": row.get("height_right_cm"),
                    "soleus_load": row.get("soleus_load_kg"),
                    "body_weight": row.get("body_weight_kg"),
                    "knee_to_wall_left": row.get("knee_to_wall_left_cm"),
                    "knee_to_wall_right": row.get("knee_to_wall_right_cm"),
                }
                test, _ = parse_test(raw, today, Units.KG)
                ref = row.get("record_ref", "").strip()
                if ref:
                    if ref in test_positions:
                        raise InputErrors({"record_ref": f"record_ref {ref[:20]!r} is used twice."})
                    test_positions[ref] = len(plan.tests)
                plan.tests.append((test, []))
            elif kind == "symptom":
                entry = parse_symptom_entry({**row, "logged_on": row.get("date")}, today)
                pending_symptoms.append((number, row.get("test_ref", "").strip(), entry))
            elif kind == "routine_log":
                plan.routine_logs.append(
                    parse_routine_log(
                        {**row, "logged_on": row.get("date"), "load": row.get("load_kg")},
                        today,
                        Units.KG,
                        exercise_library(),
                    )
                )
            else:
                plan.problems.append(
                    RowProblem(number, kind[:20], "record_type must be one of: " + ", ".join(RECORD_TYPES) + ".")
                )
        except InputErrors as errors:
            plan.problems.append(RowProblem(number, kind, " ".join(errors.errors.values())))

    for number, test_ref, entry in pending_symptoms:
        if not test_ref:
            plan.symptoms.append(entry)
        elif test_ref in test_positions:
            plan.tests[test_positions[test_ref]][1].append(entry)
        else:
            plan.problems.append(
                RowProblem(number, "symptom", f"test_ref {test_ref[:20]!r} names no test row in this file.")
            )
    if plan.problems:
        plan.tests, plan.symptoms, plan.routine_logs = [], [], []
    return plan


def fingerprints(
    tests: Sequence[HeelRaiseTest], symptoms: Sequence[SymptomEntry], routine_logs: Sequence[RoutineLogEntry]
) -> set[tuple[str, ...]]:
    """Fingerprints of stored records, as export rows would have them: re-importing them is skipped."""
    text = export_csv(tests, symptoms, routine_logs)
    return {_row_fingerprint({k: _restore(v) for k, v in row.items()}) for row in csv.DictReader(io.StringIO(text))}
