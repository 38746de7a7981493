"""calfcore.thresholds: every number a rule uses, with its source, stated the way sentences write it."""

from __future__ import annotations

from dataclasses import fields

import calfcore.thresholds as thresholds
from calfcore.evidence import sources
from calfcore.thresholds import SEATED_SOLEUS_TARGET_BW, SYMMETRY_FLAG_PERCENT, Threshold


def test_every_threshold_names_a_known_source() -> None:
    found = [value for value in vars(thresholds).values() if isinstance(value, Threshold)]
    assert len(found) > 10
    assert {t.source_id for t in found} <= set(sources())


def test_text_writes_the_value_as_a_sentence_does() -> None:
    assert SYMMETRY_FLAG_PERCENT.text == "90%"
    assert SEATED_SOLEUS_TARGET_BW.text == "1.5 × body weight"
    assert Threshold(2.5, "cm", "powden_2015").text == "2.5 cm"
    assert [f.name for f in fields(Threshold)] == ["value", "unit", "source_id"]
