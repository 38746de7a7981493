"""Labels a person can tell apart, for pickers over stored items.

Streamlit sends the choice in a drop-down back as its label text and maps it to the first option with that text,
so two items with the same label (two links for "Coach Sam", two profiles called "Alex") would act on the wrong one. Every
picker over stored items shows labels made distinct here, and picks by id.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping
from typing import TypeVar

Id = TypeVar("Id", bound=Hashable)


def distinct_labels(labels: Mapping[Id, str]) -> dict[Id, str]:
    """The same labels, in the same order, with repeats numbered in order of appearance: "Coach Sam",
    "Coach Sam (2)". A numbered label that would clash with another item's own label is numbered further."""
    counts = Counter(labels.values())
    taken = set(labels.values())
    seen: Counter[str] = Counter()
    result: dict[Id, str] = {}
    for item, label in labels.items():
        seen[label] += 1
        if counts[label] == 1 or seen[label] == 1:
            result[item] = label
            continue
        number = seen[label]
        candidate = f"{label} ({number})"
        while candidate in taken:
            number += 1
            candidate = f"{label} ({number})"
        taken.add(candidate)
        result[item] = candidate
    return result
