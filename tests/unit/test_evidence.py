"""calfcore.evidence: the data files and their sources, and how far to trust each source in a runner's words."""

from __future__ import annotations

import pytest

from calfcore.evidence import TRUST_WORDS, read_toml, source, sources


def test_every_source_has_a_tag_the_app_can_put_into_words() -> None:
    for item in sources().values():
        assert item.tag in TRUST_WORDS, item.id
        assert item.label == f"{item.short} ({TRUST_WORDS[item.tag]})"


def test_an_unknown_source_id_is_an_error_not_a_blank() -> None:
    with pytest.raises(KeyError):
        source("no_such_study_2099")


def test_data_files_are_read_as_tables() -> None:
    assert read_toml("red_flags.toml")["flag"]
