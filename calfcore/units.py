"""Kilograms and pounds: the one place that converts. Everything is stored in kilograms; a runner types and reads in
the units of their profile."""

from __future__ import annotations

from calfcore.models import Units

KG_PER_LB = 0.45359237  # the international avoirdupois pound, exactly


def kg_per_unit(units: Units) -> float:
    return KG_PER_LB if units is Units.LB else 1.0


def in_units(kg: float, units: Units) -> float:
    """A mass in kilograms, in the runner's units."""
    return kg / kg_per_unit(units)


def to_kg(value: float, units: Units) -> float:
    """A mass typed in the runner's units, in kilograms (to the gram)."""
    return round(value * kg_per_unit(units), 3)


def mass_text(kg: float, units: Units) -> str:
    """'42.5 kg', '93.7 lb': one decimal at most, no trailing zero."""
    return f"{in_units(kg, units):.1f}".rstrip("0").rstrip(".") + f" {units.value}"
