"""An axe-core scan of what a page shows now (axe-playwright-python's bundled axe-core), reduced to findings that
can be compared across apps: which rule, on which kind of Streamlit element, and for contrast with which colours.

A finding that a plain Streamlit page (tests/e2e/a11y_baseline_app.py, default theme) also has at the same screen
size is Streamlit's own; any other is the app's. The same rule decides it every time: the finding's fingerprint.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from axe_playwright_python.base import AXE_SCRIPT
from playwright.sync_api import Page

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]  # the WCAG 2.1 AA rules; best practices left out
SEVERE = ("serious", "critical")

# Runs axe in the page and describes each severe node by the nearest Streamlit element around it (data-testid),
# which is what ties it to an element kind rather than to the app's own text. Nodes inside a shadow root (our
# components) are found through their host.
_RUN = """async ({options, severe}) => {
  const results = await axe.run(document, options);
  const find = (target) => {
    let root = document, node = null;
    for (const part of target) {
      node = root.querySelector(Array.isArray(part) ? part[0] : part);
      if (!node) return null;
      root = node.shadowRoot || node;
    }
    return node;
  };
  const kindOf = (node) => {
    let at = node;
    while (at) {
      const hit = at.closest && at.closest('[data-testid]');
      if (hit) return hit.getAttribute('data-testid');
      at = at.getRootNode && at.getRootNode().host;
    }
    return node ? node.tagName.toLowerCase() : 'unknown';
  };
  return results.violations.filter(v => severe.includes(v.impact)).flatMap(v => v.nodes.map(n => {
    const node = find(n.target);
    const check = [...n.any, ...n.all, ...n.none].find(c => c.data && typeof c.data === 'object') || {};
    const data = check.data || {};
    return {rule: v.id, impact: v.impact, kind: kindOf(node), fg: data.fgColor || '', bg: data.bgColor || '',
            ratio: data.contrastRatio || 0, html: n.html.slice(0, 160), help: v.help};
  }));
}"""

_SCROLL_TO = """(fraction) => {
  const scrollers = [document.scrollingElement, ...document.querySelectorAll('*')].filter(el => el && (
    el === document.scrollingElement ||
    (/(auto|scroll)/.test(getComputedStyle(el).overflowY) && el.scrollHeight > el.clientHeight + 4)));
  let more = false;
  for (const el of scrollers) {
    const top = Math.min(el.scrollHeight - el.clientHeight, Math.round(fraction * el.clientHeight));
    el.scrollTop = Math.max(0, top);
    if (el.scrollHeight - el.clientHeight > fraction * el.clientHeight) more = true;
  }
  return more;
}"""


@dataclass(frozen=True)
class Finding:
    rule: str
    impact: str
    kind: str  # the Streamlit element kind (data-testid) the node sits in
    fg: str
    bg: str
    ratio: float
    html: str
    help: str

    @property
    def fingerprint(self) -> tuple[str, str, str, str]:
        """What makes two findings the same problem: the rule, the element kind and, for contrast, the colours."""
        return (self.rule, self.kind, self.fg, self.bg)


def scan(page: Page) -> list[Finding]:
    """Every serious or critical WCAG 2.1 AA violation on the page: all rules at the top, then contrast again at
    each screenful down every scrolling area (axe can't tell the background of text scrolled out of view)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT)
    rules = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    contrast = {"runOnly": {"type": "rule", "values": ["color-contrast"]}, "resultTypes": ["violations"]}
    page.evaluate(_SCROLL_TO, 0)
    found = {json.dumps(asdict(f)): f for f in _run(page, rules)}
    step = 1
    while page.evaluate(_SCROLL_TO, step * 0.9) and step < 15:
        page.wait_for_timeout(250)
        found.update({json.dumps(asdict(f)): f for f in _run(page, contrast)})
        step += 1
    page.evaluate(_SCROLL_TO, 0)
    return list(found.values())


def _run(page: Page, options: dict) -> list[Finding]:
    return [Finding(**row) for row in page.evaluate(_RUN, {"options": options, "severe": list(SEVERE)})]
