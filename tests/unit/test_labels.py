"""calfcore.labels: pickers show every stored item under a label of its own, in the order given."""

from __future__ import annotations

from calfcore.labels import distinct_labels


def test_repeats_are_numbered_in_order_and_unique_labels_stay_as_they_are() -> None:
    assert distinct_labels({3: "Coach Sam", 5: "Physio", 9: "Coach Sam", 11: "Coach Sam"}) == {
        3: "Coach Sam",
        5: "Physio",
        9: "Coach Sam (2)",
        11: "Coach Sam (3)",
    }


def test_a_number_never_clashes_with_another_items_own_label() -> None:
    labels = distinct_labels({1: "Sam", 2: "Sam", 3: "Sam (2)"})
    assert labels == {1: "Sam", 2: "Sam (3)", 3: "Sam (2)"} and len(set(labels.values())) == 3
