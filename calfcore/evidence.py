"""Loads the evidence data files in data/: sources, norms, red flags, exercises and routines.

The files are read once per process; they are part of the release, not user data.
"""

from __future__ import annotations

import functools
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DATA_DIR = Path(os.environ.get("CALF_DATA_DIR", Path(__file__).resolve().parent.parent / "data"))


@dataclass(frozen=True)
class Source:
    id: str
    short: str
    citation: str
    doi: str
    tag: str  # READ-PRIMARY, READ-SECONDARY, EXPERT OPINION or SEED
    note: str

    @property
    def trust(self) -> str:
        """How far to trust the figure, in a runner's words (TRUST_WORDS)."""
        return TRUST_WORDS[self.tag]

    @property
    def label(self) -> str:
        """How the app names a source next to a figure: who, and how far to trust it."""
        return f"{self.short} ({self.trust})"


# The evidence tags of data/sources.toml as a runner reads them: where the figure was read, and what it is.
TRUST_WORDS = {
    "READ-PRIMARY": "read in the study itself",
    "READ-SECONDARY": "quoted second-hand, so approximate",
    "EXPERT OPINION": "expert opinion, not a measured norm",
    "SEED": "a coaching article",
}
TRUST_EXPLAINED = (
    "Next to each source: *read in the study itself* means the figure was checked in the paper; "
    "*quoted second-hand* means another text reports it, so it is shown as approximate; *expert "
    "opinion* is a goal agreed by clinicians, not a measured norm; *a coaching article* is one of the "
    "articles Calf Check's routines come from."
)


def read_toml(name: str) -> dict[str, Any]:
    with (DATA_DIR / name).open("rb") as handle:
        return tomllib.load(handle)


@functools.cache
def sources() -> dict[str, Source]:
    return {key: Source(id=key, **value) for key, value in read_toml("sources.toml").items()}


def source(source_id: str) -> Source:
    try:
        return sources()[source_id]
    except KeyError as missing:
        raise KeyError(f"unknown source id {source_id!r}: add it to data/sources.toml") from missing
