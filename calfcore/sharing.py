"""Share links: a runner gives a coach a read-only link to their dashboard, and can take it back.

The link carries a random token (secrets.token_urlsafe(32): 256 bits). Only the token's SHA-256 is stored, so a
copy of the database can't be turned back into working links. A link stops working when it is revoked, when it
expires, or when the runner is deleted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeGuard

TOKEN_BYTES = 32
TOKEN_LENGTH = 43  # base64url of 32 bytes, no padding
EXPIRY_CHOICES_DAYS: tuple[int | None, ...] = (7, 30, 90, None)  # None: until revoked
MAX_LABEL_LENGTH = 60
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{43}$")


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def well_formed(token: object) -> TypeGuard[str]:
    """Cheap shape check before any lookup: truncated, padded or foreign strings never reach the database."""
    return isinstance(token, str) and bool(_TOKEN_SHAPE.match(token))


def expires_at(days: int | None, now: dt.datetime) -> dt.datetime | None:
    if days is None:
        return None
    if days not in EXPIRY_CHOICES_DAYS:
        raise ValueError(f"expiry must be one of {EXPIRY_CHOICES_DAYS}")
    return now + dt.timedelta(days=days)


class LinkStatus(StrEnum):
    ACTIVE = "active"
    EXPIRED = "expired"
    REVOKED = "revoked"


@dataclass(frozen=True)
class ShareLink:
    id: int
    runner_id: int
    label: str
    created_at: dt.datetime
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None
    last_used_at: dt.datetime | None
    coach_may_comment: bool = False  # the runner lets whoever holds the link comment on tests (off until they say)

    def status(self, now: dt.datetime) -> LinkStatus:
        return link_status(self.revoked_at, self.expires_at, now)


def link_status(revoked_at: dt.datetime | None, expires_at: dt.datetime | None, now: dt.datetime) -> LinkStatus:
    """A token's state (a coach link's or a calendar feed's): revoked wins over expired."""
    if revoked_at is not None:
        return LinkStatus.REVOKED
    if expires_at is not None and expires_at <= now:
        return LinkStatus.EXPIRED
    return LinkStatus.ACTIVE


@dataclass(frozen=True)
class ResolvedShare:
    """What a valid link opens: one runner of one owner, read-only."""

    owner_key: str
    runner_id: int
    link: ShareLink


def share_url(base_url: str, token: str) -> str:
    """The link the coach opens: the app's root with the token as `share`."""
    return f"{base_url.rstrip('/')}/?share={token}"
