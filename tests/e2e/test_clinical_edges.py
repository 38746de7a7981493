"""Issue 22 in a real browser at phone size: the band word agrees with the range printed beside it at the range's
edges, and a symmetry that fails the 90% line is never shown as 90%.

A man of 45 on the standard protocol: Hébert-Losier 2017 (second-hand) 28 raises, spread 30.4% of it (Green 2024's
10.3 in 33.9, scaled: our convention) = 8.5, so the typical range is 19.5-36.5: 20 to 36 whole raises.
"""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import Page, expect

from tests.e2e.helpers import create_profile, main_text, navigate, open_page, record_test, screenshot

NAME = "عمر"  # a right-to-left name: Omar


def _leg_words(page: Page) -> str:
    return " ".join(main_text(page).split())


def test_band_edges_and_symmetry_read_as_decided(server, phone: Page) -> None:
    open_page(phone, server.url)
    create_profile(phone, None, NAME, dt.date.today().year - 45, sex="Male")

    # At the lower edge (20) and one under it (19).
    navigate(phone, "Record")
    record_test(phone, None, 19, 20)
    expect(
        phone.get_by_text("Left 19: under the runner target of 30; below the typical range for men aged 40–49")
    ).to_be_visible()
    expect(
        phone.get_by_text("Right 20: under the runner target of 30; in the typical range for men aged 40–49")
    ).to_be_visible()
    phone.get_by_text("Reference, spread and sources").click()  # the range itself, one tap away
    text = _leg_words(phone)
    assert "Typical range: 20–36 raises" in text, text
    assert "your age and sex" not in text
    screenshot(phone, "edges-lower-phone")

    navigate(phone, "Routine")
    expect(phone.get_by_text("below the typical range (20–36)")).to_be_visible()

    # At the upper edge (36) and one over it (37).
    navigate(phone, "Record")
    record_test(phone, None, 36, 37)
    expect(
        phone.get_by_text("Left 36: over the runner target of 30; in the typical range for men aged 40–49")
    ).to_be_visible()
    expect(
        phone.get_by_text("Right 37: over the runner target of 30; above the typical range for men aged 40–49")
    ).to_be_visible()
    screenshot(phone, "edges-upper-phone")

    # 26 of 29 is 89.7%: under the line, and shown as under it.
    navigate(phone, "Record")
    record_test(phone, None, 26, 29)
    text = _leg_words(phone)
    assert "Limb symmetry: 89.7% (weaker ÷ stronger), under the 90% line" in text, text
    assert "90% (weaker" not in text
    screenshot(phone, "edges-symmetry-phone")
