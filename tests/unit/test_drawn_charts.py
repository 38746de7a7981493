"""calfui.drawn_charts: a chart is drawn again exactly when its rows changed, and taken as it was when they didn't."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest

from calfcore import dashboard
from calfcore.demo import demo_data
from calfcore.models import HeelRaiseTest, LegPair, RunnerRecords
from calfui import drawn_charts
from calfui.drawn_charts import draw, rows_key

TODAY = dt.date(2026, 6, 15)


def _records() -> RunnerRecords:
    demo = demo_data(TODAY)
    tests = [dataclasses.replace(test, id=number) for number, (test, _) in enumerate(demo.tests, start=1)]
    symptoms = [entry for _, entries in demo.tests for entry in entries] + demo.symptoms
    return RunnerRecords(demo.runner, tests, symptoms, demo.routine_logs)


def _drawn(records: RunnerRecords) -> dict[str, drawn_charts.DrawnChart]:
    recent = dashboard.within(records, TODAY, dashboard.PERIODS[dashboard.DEFAULT_PERIOD])
    sources = dashboard.progress_chart_sources(recent, TODAY, 3, frozenset())
    return {name: draw(source) for name, source in sources.items()}


def _with_test(records: RunnerRecords, test: HeelRaiseTest) -> RunnerRecords:
    return dataclasses.replace(records, tests=[*records.tests, test])


@pytest.fixture(autouse=True)
def _nothing_drawn_before() -> None:
    drawn_charts._drawn.clear()
    drawn_charts._held[0] = 0


def test_equal_rows_give_the_same_chart_and_the_record_pages_raises_chart_is_the_dashboards() -> None:
    records = _records()
    first = _drawn(records)
    assert {"straight", "bent", "symmetry", "pain", "training"} <= set(first)
    again = _drawn(_records())  # the same rows read afresh, as after a restart of the cache
    assert all(again[name] is first[name] for name in first)
    assert draw(dashboard.raises_source(records, TODAY)) is first["straight"]


def test_a_test_saved_with_the_knee_straight_redraws_only_what_it_changed() -> None:
    records = _records()
    before = _drawn(records)
    latest = records.tests[-1]
    saved = HeelRaiseTest(TODAY, latest.protocol, LegPair(left=31, right=33), id=999)
    after = _drawn(_with_test(records, saved))
    assert after["bent"] is before["bent"] and after["training"] is before["training"]
    assert after["pain"] is before["pain"]  # no symptoms came with it
    for name in ("straight", "symmetry"):
        assert after[name] is not before[name], name
    assert "31" in after["straight"].text and "33" in after["straight"].text
    assert len(after["straight"].points) == len(before["straight"].points) + 2
    assert after["straight"].points[-2:] != before["straight"].points[-2:]


def test_a_correction_of_an_earlier_test_or_a_deletion_draws_the_chart_anew_with_the_new_figures() -> None:
    records = _records()
    before = _drawn(records)
    recent = dashboard.within(records, TODAY, 12).tests
    middle = recent[len(recent) // 2]
    assert middle.straight_reps.left != 7
    corrected = dataclasses.replace(middle, straight_reps=dataclasses.replace(middle.straight_reps, left=7))
    fixed = dataclasses.replace(records, tests=[corrected if t is middle else t for t in records.tests])
    after = _drawn(fixed)
    assert after["straight"] is not before["straight"]
    assert any("Raises: 7" in words for words in after["straight"].points)
    assert not any("Raises: 7" in words for words in before["straight"].points)
    deleted = dataclasses.replace(records, tests=[t for t in records.tests if t is not recent[-1]])
    assert len(_drawn(deleted)["straight"].points) == len(before["straight"].points) - 2


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda f: f.assign(reps=f["reps"].where(f.index != f.index[0], f["reps"] + 1)), id="one count"),
        pytest.param(lambda f: f.assign(tested_on=f["tested_on"] + pd.Timedelta(days=1)), id="dates a day later"),
        pytest.param(lambda f: f.assign(reps=f["reps"].astype("float64")), id="the same counts as floats"),
        pytest.param(lambda f: f.iloc[::-1], id="rows in another order"),
        pytest.param(lambda f: f.set_axis(f.index + 1), id="other row labels"),
        pytest.param(
            lambda f: f.assign(typical_low=f["typical_low"] + 1e-12 * f["typical_low"]), id="a band edge moved 1e-12"
        ),
    ],
)
def test_rows_that_differ_in_any_value_type_order_or_label_never_share_a_key(change) -> None:
    rows = dashboard.raises_source(_records(), TODAY).rows
    assert rows_key(change(rows)) != rows_key(rows)
    assert rows_key(rows.copy()) == rows_key(rows)


def test_missing_values_in_equal_rows_still_match() -> None:
    rows = pd.DataFrame({"day": pd.to_datetime(["2026-06-01", "2026-06-02"]), "value": [1.5, float("nan")]})
    assert rows_key(rows) == rows_key(rows.copy())


def test_the_least_recently_used_charts_fall_out_past_the_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    records = _records()
    names = ("straight", "bent", "symmetry", "pain")
    sources = dashboard.progress_chart_sources(records, TODAY, 3, frozenset())
    sizes = [draw(sources[name]).size for name in names]
    assert all(size > 1000 for size in sizes) and drawn_charts._held[0] == sum(sizes)
    drawn_charts._drawn.clear()
    drawn_charts._held[0] = 0
    monkeypatch.setattr(drawn_charts, "MAX_BYTES", sum(sizes) - 1)  # room for all but one
    drawn = [draw(sources[name]) for name in names]
    assert len(drawn_charts._drawn) == 3 and drawn_charts._held[0] == sum(sizes[1:])
    assert draw(sources["bent"]) is drawn[1]  # still held, and now the most recent
    assert draw(sources["straight"]) is not drawn[0]  # fell out first: drawn again, equal
    assert draw(sources["straight"]).text == drawn[0].text
    assert drawn_charts._held[0] <= sum(sizes) - 1
