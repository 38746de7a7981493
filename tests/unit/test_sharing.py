"""Share tokens: unguessable, stored only as hashes, and never resolving once wrong, revoked or expired."""

from __future__ import annotations

import datetime as dt
import secrets
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calfcore.models import RunnerProfile, Sex
from calfcore.sharing import (
    TOKEN_LENGTH,
    LinkStatus,
    expires_at,
    new_token,
    share_url,
    token_hash,
    well_formed,
)
from calfstore.duckdb_store import DuckDBStore
from calfstore.tables import table_text

NOW = dt.datetime(2026, 11, 22, 12, 0)


@pytest.fixture
def linked(tmp_path):
    """A store with one runner and one live link; yields (store, token, runner)."""
    store = DuckDBStore.open(tmp_path / "share.duckdb")
    runner = store.create_runner("owner-a", RunnerProfile("Robin", 1990, Sex.FEMALE))
    token = new_token()
    store.create_share_link("owner-a", runner.id, "Coach", token_hash(token), expires_at(30, NOW), NOW)
    yield store, token, runner
    store.close()


def test_tokens_are_long_random_and_url_safe() -> None:
    tokens = {new_token() for _ in range(1000)}
    assert len(tokens) == 1000
    assert all(len(t) == TOKEN_LENGTH and well_formed(t) for t in tokens)
    assert share_url("https://calf.example.org/", "abc") == "https://calf.example.org/?share=abc"


def test_ten_thousand_random_tokens_never_resolve(linked) -> None:
    store, token, _ = linked
    assert store.resolve_share(token_hash(token), NOW) is not None
    alphabet = string.ascii_letters + string.digits + "-_"
    for _ in range(10_000):
        guess = "".join(secrets.choice(alphabet) for _ in range(TOKEN_LENGTH))
        assert store.resolve_share(token_hash(guess), NOW) is None


@given(st.text(max_size=80))
@settings(max_examples=300, deadline=None)
def test_malformed_tokens_are_refused_before_any_lookup(text: str) -> None:
    if len(text) != TOKEN_LENGTH or any(c not in string.ascii_letters + string.digits + "-_" for c in text):
        assert not well_formed(text)


def test_truncated_tampered_and_padded_tokens_never_resolve(linked) -> None:
    store, token, _ = linked
    flipped = token[:-1] + ("A" if token[-1] != "A" else "B")
    for wrong in (
        token[:-1],
        token[1:],
        flipped,
        token + "A",
        token.upper() if token.upper() != token else token[::-1],
    ):
        assert store.resolve_share(token_hash(wrong), NOW) is None


def test_expiry_revocation_and_deletion_end_a_link(linked) -> None:
    store, token, runner = linked
    [link] = store.list_share_links("owner-a", runner.id)
    assert link.status(NOW) is LinkStatus.ACTIVE
    assert store.resolve_share(token_hash(token), NOW + dt.timedelta(days=30)) is None  # expired at the second
    assert link.status(NOW + dt.timedelta(days=30)) is LinkStatus.EXPIRED
    store.revoke_share_link("owner-a", runner.id, link.id, NOW)
    assert store.resolve_share(token_hash(token), NOW) is None
    assert store.list_share_links("owner-a", runner.id)[0].status(NOW) is LinkStatus.REVOKED


def test_another_owner_cannot_list_or_revoke_a_link(linked) -> None:
    from calfstore import NotFound

    store, token, runner = linked
    [link] = store.list_share_links("owner-a", runner.id)
    with pytest.raises(NotFound):
        store.list_share_links("owner-b", runner.id)
    with pytest.raises(NotFound):
        store.revoke_share_link("owner-b", runner.id, link.id, NOW)
    assert store.resolve_share(token_hash(token), NOW) is not None


def test_only_the_hash_is_stored(linked) -> None:
    store, token, _ = linked
    text = table_text(store, "share_links")
    assert token not in text and token_hash(token) in text


def test_deleting_the_runner_deletes_the_link(linked) -> None:
    store, token, runner = linked
    store.delete_runner("owner-a", runner.id)
    assert store.resolve_share(token_hash(token), NOW) is None
    assert table_text(store, "share_links") == ""


def test_expiry_choices() -> None:
    assert expires_at(None, NOW) is None
    assert expires_at(7, NOW) == NOW + dt.timedelta(days=7)
    with pytest.raises(ValueError):
        expires_at(5, NOW)
