"""calfcore.readiness: the return-to-run checklist (hops, raises, symmetry, pain), met by the latest records, stopped by any warning sign."""

from __future__ import annotations

import datetime as dt

import pytest

from calfcore.models import (
    Side,
)
from calfcore.readiness import (
    ReadinessCheck,
    assess_readiness,
    hop_symmetry,
    hops_frame,
    hops_met,
)
from tests.unit.helpers import TODAY, heel_test, hop, runner

MONDAY = TODAY  # 16 June 2025


MONDAY = TODAY  # 16 June 2025


def _status(readiness, item_id):
    return next(s for s in readiness.items if s.item.id == item_id)


@pytest.mark.parametrize(
    "hops, pain, met",
    [
        ((10, 10), (2, 2), True),  # the boundaries themselves count
        ((15, 12), (0, 1), True),
        ((9, 15), (0, 0), False),  # one leg under 10
        ((10, 10), (3, 0), False),  # pain over 2 on one leg
    ],
)
def test_hops_item_boundaries(hops, pain, met) -> None:
    assert hops_met(hop(*hops, pain=pain)) is met


def test_checklist_items_met_by_the_latest_records_with_the_day_they_were_last_met() -> None:
    sam = runner()
    earlier, later = MONDAY - dt.timedelta(days=7), MONDAY
    checks = [ReadinessCheck(earlier, True, True), ReadinessCheck(later, True, False)]
    hops = [hop(12, 12, day=earlier), hop(12, 9, day=later)]
    tests = [heel_test(30, 27, day=earlier), heel_test(30, 30, day=later)]
    readiness = assess_readiness(sam, checks, hops, tests)
    assert not readiness.triage.stop
    assert (_status(readiness, "walk").met, _status(readiness, "walk").last_met) == (True, later)
    assert (_status(readiness, "settled").met, _status(readiness, "settled").last_met) == (False, earlier)
    assert (_status(readiness, "hops").met, _status(readiness, "hops").last_met) == (False, earlier)
    assert (_status(readiness, "raises").met, _status(readiness, "raises").last_met) == (True, later)
    # 27 ÷ 30 = 90% with hops 12/12 on the earlier day; 9 ÷ 12 = 75% hops on the later one.
    assert (_status(readiness, "symmetry").met, _status(readiness, "symmetry").last_met) == (False, earlier)
    assert not readiness.all_met
    for status in readiness.items:
        assert status.item.sources and all(source.tag for source in status.item.sources)


def test_raises_item_boundary_is_the_runner_target_on_each_leg() -> None:
    sam = runner()
    assert _status(assess_readiness(sam, [], [], [heel_test(30, 30)]), "raises").met is True
    assert _status(assess_readiness(sam, [], [], [heel_test(29, 40)]), "raises").met is False
    assert _status(assess_readiness(sam, [], [], []), "raises").met is None


def test_symmetry_boundary_is_90_percent_in_raises_and_hops() -> None:
    sam = runner()
    assert _status(assess_readiness(sam, [], [hop(9, 10)], [heel_test(27, 30)]), "symmetry").met is True
    assert _status(assess_readiness(sam, [], [hop(9, 10)], [heel_test(26, 30)]), "symmetry").met is False
    assert _status(assess_readiness(sam, [], [hop(8, 10)], [heel_test(30, 30)]), "symmetry").met is False


def test_all_met_when_every_item_is() -> None:
    readiness = assess_readiness(
        runner(), [ReadinessCheck(MONDAY, True, True)], [hop(12, 12, (1, 2))], [heel_test(31, 32)]
    )
    assert readiness.all_met


@pytest.mark.parametrize("where", ["check", "hops", "test"])
def test_a_warning_sign_anywhere_gives_the_tests_message_and_no_checklist(where) -> None:
    flags = frozenset({"sudden_pop"})
    checks = [ReadinessCheck(MONDAY, True, True, red_flags=flags if where == "check" else frozenset())]
    hops = [hop(12, 12, flags=flags if where == "hops" else frozenset())]
    tests = [heel_test(31, 31, red_flags=flags if where == "test" else frozenset())]
    readiness = assess_readiness(runner(), checks, hops, tests)
    assert readiness.triage.stop and readiness.items == () and not readiness.all_met
    assert "medical care today" in readiness.triage.message


def test_hop_symmetry_and_chart_rows() -> None:
    sam = runner(injured_side=Side.RIGHT)
    assert hop_symmetry(hop(10, 8), sam) == 80.0
    frame = hops_frame([hop(10, 8, pain=(0, 3))], sam)
    assert list(frame["hops"]) == [10, 8] and list(frame["pain"]) == [0, 3]
    assert list(frame["symmetry_percent"]) == [80.0, 80.0]
