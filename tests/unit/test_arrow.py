"""calfui.arrow: chart data in Arrow form is exactly Streamlit's own conversion, also when a constant layer's rows
are taken from the process's store of them."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from streamlit import dataframe_util

from calfui.arrow import arrow_datasets


def _spec(target: int) -> dict:
    frame = pd.DataFrame({"tested_on": ["2026-12-01", "2026-12-05"], "reps": [24, 26]})
    return {"datasets": {"runner_data": frame, "target": [{"target": target, "label": "runner target"}]}}


def test_every_dataset_is_streamlits_own_conversion() -> None:
    original = _spec(30)
    expected = {
        name: dataframe_util.convert_anything_to_arrow_bytes(rows) for name, rows in original["datasets"].items()
    }
    assert arrow_datasets(_spec(30))["datasets"] == expected


def test_a_constant_layer_seen_before_gives_the_same_bytes_and_other_rows_their_own() -> None:
    first = arrow_datasets(_spec(30))["datasets"]["target"]
    again = arrow_datasets(_spec(30))["datasets"]["target"]
    other = arrow_datasets(_spec(29))["datasets"]["target"]
    assert again == first
    assert other == dataframe_util.convert_anything_to_arrow_bytes([{"target": 29, "label": "runner target"}])
    assert other != first
    # Values JSON can't write (a date) are told apart too.
    days = [
        arrow_datasets({"datasets": {"d": [{"day": day}]}})["datasets"]["d"]
        for day in (dt.date(2026, 1, 1), dt.date(2026, 1, 2))
    ]
    assert days[0] != days[1]
