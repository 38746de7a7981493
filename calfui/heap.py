"""Keep the process's long-lived objects out of the garbage collector's full collections.

A full collection holds the GIL, and its cost grows with every object the collector tracks. Streamlit runs one
after every script run by default (`runner.postScriptGC`); the app turns that off (.streamlit/config.toml: with 50
runners' records in the cache, it cost 26 ms a run), and Python's own collector still makes one now and then as the
heap grows. The app's modules (DuckDB, pandas, altair, calfcore) and what it
keeps for the whole process (the store, chart templates, the references table) about double the heap of bare
Streamlit, and none of it ever becomes garbage. `gc.freeze()` moves every tracked object into a permanent
generation that collections skip; reference counting still frees them as usual.

The young generation is collected after 10,000 more tracked objects instead of Python's 700 (YOUNG_OBJECTS): a
collection moves what is alive at that moment into an older generation, and with 50 sessions running their scripts at
once that is mostly other runs' temporaries (frames, dicts, a chart's rows) that die a moment later. Counted as
promoted all the same, they set off a full collection of the whole heap (120-170 ms holding the GIL) 20-22 times in a
45-second level of figure 4; at 10,000, 3 times, and the collector's time in such a level fell from 3.9-6.1 s to
1.7-1.8 s (docs/benchmarks.md). A young collection then takes 8-9 ms instead of 0.3-0.4 ms.

Pages import their modules on first use, so the heap is frozen again after any run that imported something new:
a handful of times per process, never once every page has been opened. What was alive at that moment and later
becomes garbage in a reference cycle is not collected (a few of that run's objects per freeze).
"""

from __future__ import annotations

import atexit
import gc
import sys
import threading

YOUNG_OBJECTS = 10_000  # tracked objects allocated (net) before a young collection; Python's default is 700
_lock = threading.Lock()
_modules_when_frozen = 0


def freeze_after_imports() -> None:
    """At the end of a run: if modules were imported since the last freeze, collect once and freeze the rest."""
    global _modules_when_frozen  # noqa: PLW0603 - one process-wide counter
    if len(sys.modules) == _modules_when_frozen:  # the usual case: a length check, nothing else
        return
    with _lock:  # sessions run their scripts in threads of their own
        modules = len(sys.modules)
        if modules == _modules_when_frozen:
            return
        if not _modules_when_frozen:
            # Let the interpreter's last collection at exit see everything again, so native libraries (DuckDB)
            # can release their objects and do not report them as leaked.
            atexit.register(gc.unfreeze)
            gc.set_threshold(YOUNG_OBJECTS, *gc.get_threshold()[1:])  # once per process, as the heap is first frozen
        gc.collect()
        gc.freeze()
        _modules_when_frozen = modules
