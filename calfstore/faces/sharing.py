"""Sharing: links that let someone else (a coach, a physio) see a runner, and calendar feeds of their plan. Both are
resolved by the hash of their token, the one way into a runner's data without their owner."""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod

from calfcore.calendar_feed import CalendarFeed, ResolvedFeed
from calfcore.sharing import ResolvedShare, ShareLink


class SharingStore(ABC):
    """A runner's share links and calendar feeds."""

    # -- share links ----------------------------------------------------------------------------------------------

    @abstractmethod
    def create_share_link(
        self,
        owner: str,
        runner_id: int,
        label: str,
        token_sha256: str,
        expires_at: dt.datetime | None,
        now: dt.datetime,
    ) -> ShareLink: ...

    @abstractmethod
    def list_share_links(self, owner: str, runner_id: int) -> list[ShareLink]: ...

    @abstractmethod
    def revoke_share_link(self, owner: str, runner_id: int, link_id: int, now: dt.datetime) -> None: ...

    @abstractmethod
    def resolve_share(self, token_sha256: str, now: dt.datetime) -> ResolvedShare | None: ...

    @abstractmethod
    def mark_share_used(self, owner: str, runner_id: int, link_id: int, now: dt.datetime) -> None: ...

    @abstractmethod
    def set_link_comments(self, owner: str, runner_id: int, link_id: int, allowed: bool) -> None:
        """The runner lets (or stops) whoever holds one of their links comment on their tests."""

    # -- calendar feeds ------------------------------------------------------------------------------------------------

    @abstractmethod
    def create_calendar_feed(
        self,
        owner: str,
        runner_id: int,
        token_sha256: str,
        show_exercise_names: bool,
        expires_at: dt.datetime | None,
        now: dt.datetime,
    ) -> CalendarFeed: ...

    @abstractmethod
    def list_calendar_feeds(self, owner: str, runner_id: int) -> list[CalendarFeed]: ...

    @abstractmethod
    def revoke_calendar_feed(self, owner: str, runner_id: int, feed_id: int, now: dt.datetime) -> None: ...

    @abstractmethod
    def resolve_calendar_feed(self, token_sha256: str, now: dt.datetime) -> ResolvedFeed | None: ...
