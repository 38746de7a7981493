"""Finding a widget by what it is for, when its key also names the runner and the record (calfui.state)."""

from __future__ import annotations

import re
from typing import Any


def keyed(at: Any, kind: str, name: str, *, where: Any = None) -> Any:
    """The one widget of a kind ("button", "number_input"...) called `name` (a regular expression) in an AppTest.
    Widgets that act on a stored record carry the runner's id, the record's id and a task or revision in their key
    (`r3_record_t1_straight_left`, `r3_delete_test_12_confirm`, `r3_history_open_test_<fingerprint>`): a test names
    the field, and the runner prefix, leading context and trailing ids or fingerprints are matched for it."""
    pattern = re.compile(rf"(\w+_)?{name}(_[0-9a-f]+)*")
    widgets = [w for w in getattr(where or at, kind) if w.key]
    found = [w for w in widgets if pattern.fullmatch(re.sub(r"^r\d+_", "", w.key))]
    if len(found) != 1:
        raise KeyError(f"{kind} {name!r}: {[w.key for w in found] or 'none'} among {[w.key for w in widgets]}")
    return found[0]


def has(at: Any, kind: str, name: str) -> bool:
    try:
        keyed(at, kind, name)
    except KeyError:
        return False
    return True
