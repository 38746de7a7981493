"""calfcore.units: the one conversion between kilograms and pounds."""

from __future__ import annotations

import pytest

from calfcore.models import Units
from calfcore.units import KG_PER_LB, in_units, to_kg
from calfcore.validation import parse_routine_log


def test_a_pound_is_exactly_the_international_pound() -> None:
    assert KG_PER_LB == 0.45359237
    assert to_kg(100, Units.LB) == pytest.approx(45.359, abs=0.001)
    assert in_units(45.359237, Units.LB) == pytest.approx(100)


@pytest.mark.parametrize("typed", [0, 2.5, 10, 22.5, 100, 331])
def test_a_load_typed_in_pounds_reads_back_as_typed(typed: float) -> None:
    assert in_units(to_kg(typed, Units.LB), Units.LB) == pytest.approx(typed, abs=0.01)


def test_kilograms_are_kept_as_they_are() -> None:
    assert to_kg(42.5, Units.KG) == 42.5 and in_units(42.5, Units.KG) == 42.5


def test_a_form_in_pounds_stores_kilograms() -> None:
    import datetime as dt

    entry = parse_routine_log(
        {"logged_on": dt.date(2025, 6, 1), "exercise_id": "single_leg_calf_raise", "sets": 3, "reps": 10, "load": 22},
        dt.date(2025, 6, 2),
        Units.LB,
    )
    assert entry.load_kg == pytest.approx(9.979, abs=0.001)


@pytest.mark.parametrize(
    ("kg", "units", "shown"),
    [
        (20.0, Units.KG, "20 kg"),
        (22.5, Units.KG, "22.5 kg"),
        (to_kg(45, Units.LB), Units.LB, "45 lb"),
        (0.0, Units.LB, "0 lb"),
    ],
)
def test_a_mass_reads_in_the_runners_units(kg: float, units: Units, shown: str) -> None:
    from calfcore.units import mass_text

    assert mass_text(kg, units) == shown
