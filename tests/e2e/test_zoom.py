"""Zoom (issue 18, WCAG 1.4.4 and 1.4.10): a 1280x800 screen at 200% is a 640x400 CSS viewport at two device pixels
per CSS pixel, which is how Chromium lays out a page zoomed to 200%. On every page of the demo runner nothing may
be cut off or overlap: no sideways scrolling of the page, no clipped text, no two elements drawn over each other.
The same check holds at phone size for the longest name the Profile form accepts, in scripts drawn wide and narrow.
"""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from calfcore.validation import MAX_NAME_LENGTH
from tests.e2e.helpers import create_profile, load_demo, navigate, open_page, record_test, screenshot, wait_for_app

ZOOMED = {"width": 1280 // 2, "height": 800 // 2}

# Three checks in the page. Scrolling areas of their own (tables, code, charts' canvas) may scroll sideways: they are
# not cut off, a reader scrolls them. Elements inside them are not checked for clipping.
_PROBLEMS = r"""() => {
  const problems = [];
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth + 1) problems.push(`the page scrolls sideways: ${root.scrollWidth}px`);
  const scrolls = (el) => el.closest('[data-testid="stDataFrame"], [data-testid="stTable"], [data-testid="stCode"],' +
                                     ' [data-testid="stVegaLiteChart"], [data-testid="stTabBar"], [role="tablist"]');
  const main = document.querySelector('[data-testid="stMain"]');
  for (const el of main.querySelectorAll('p, li, label, h1, h2, h3, button, a, span, summary, [role="tab"]')) {
    if (scrolls(el) || !el.offsetParent || !el.textContent.trim()) continue;
    const style = getComputedStyle(el);
    const clips = /(hidden|clip)/.test(style.overflowX) || style.textOverflow === 'ellipsis';
    // Text wider than its own box: cut off where the box clips, else drawn past it (over its neighbours or the edge).
    if (el.scrollWidth > el.clientWidth + 1)
      problems.push(`${clips ? 'cut off' : 'runs out of its box'}: "${el.textContent.trim().slice(0, 60)}"` +
                    ` (${el.scrollWidth} > ${el.clientWidth})`);
    const box = el.getBoundingClientRect();
    if (box.right > root.clientWidth + 1 && box.width > 0)
      problems.push(`past the right edge: "${el.textContent.trim().slice(0, 60)}" (${Math.round(box.right)}px)`);
  }
  // Elements of the same block drawn over each other.
  for (const block of main.querySelectorAll('[data-testid="stVerticalBlock"]')) {
    const boxes = [...block.children].filter(c => c.offsetParent && c.getBoundingClientRect().height > 0)
      .map(c => [c, c.getBoundingClientRect()]);
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
      const [a, ra] = boxes[i], [b, rb] = boxes[j];
      const w = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
      const h = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
      if (w > 2 && h > 2)
        problems.push(`overlap: "${a.textContent.trim().slice(0, 40)}" and "${b.textContent.trim().slice(0, 40)}"`);
    }
  }
  return problems;
}"""


def _problems(page: Page) -> list[str]:
    wait_for_app(page)
    page.wait_for_timeout(400)
    return page.evaluate(_PROBLEMS)


def test_at_200_percent_nothing_is_cut_off_or_overlaps(server, browser: Browser) -> None:
    context = browser.new_context(viewport=ZOOMED, device_scale_factor=2)
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        open_page(page, server.url)
        load_demo(page, server.url)
        found = {}
        for title in ("Home", "Record", "Guided test", "Dashboard", "Routine", "History", "Share", "Profile"):
            navigate(page, title)
            found[title] = _problems(page)
            screenshot(page, f"zoom-200-{title.lower().replace(' ', '-')}")
        for tab in ("Symmetry", "Pain", "Training"):
            navigate(page, "Dashboard") if tab == "Symmetry" else None
            page.get_by_role("tab", name=tab).click()
            found[f"Dashboard {tab}"] = _problems(page)
    finally:
        context.close()
    assert not any(found.values()), {page: problems for page, problems in found.items() if problems}


# The longest names the Profile form accepts, with no space to break at: Chinese (each character a full em wide),
# Arabic (joined into one long word), Latin capitals (the widest letters) and emoji (drawn by a colour font).
LONGEST_NAMES = {
    "chinese": "王" * MAX_NAME_LENGTH,
    "arabic": "ل" * MAX_NAME_LENGTH,
    "latin": "W" * MAX_NAME_LENGTH,
    "emoji": "🏃" * MAX_NAME_LENGTH,
}


def test_the_longest_name_in_any_script_fits_a_phone_on_every_page_that_names_the_runner(server, phone: Page) -> None:
    open_page(phone, server.url)
    found = {}
    for script, name in LONGEST_NAMES.items():
        create_profile(phone, None, name, 1990)
        navigate(phone, "Record")
        record_test(phone, None, 25, 27)
        for title in ("Dashboard", "History", "Share", "Profile"):
            navigate(phone, title)
            expect(phone.get_by_text(name).first).to_be_visible()
            found[f"{script}: {title}"] = _problems(phone)
            screenshot(phone, f"longest-name-{script}-{title.lower()}")
    assert not any(found.values()), {where: problems for where, problems in found.items() if problems}
