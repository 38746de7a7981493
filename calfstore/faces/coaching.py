"""Coaching: a coach's roster of links, their comments on a runner's tests (and the runner's view of them), and
their private notes.

A coach is a logged-in owner (`coach`) holding a link's token: every operation finds the link by the token's hash and
checks, in the same transaction, that it is live (and for a comment, that it allows comments)."""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod

from calfcore.coaching import RosterEntry, TestComment


class CoachingStore(ABC):
    """A coach's roster, comments and notes; the runner's side of the comments."""

    @abstractmethod
    def add_to_roster(self, coach: str, token_sha256: str, now: dt.datetime) -> RosterEntry:
        """Keep a live link on the coach's roster (once: adding it again returns the entry). NotFound if the link
        doesn't work."""

    @abstractmethod
    def list_roster(self, coach: str, now: dt.datetime) -> list[RosterEntry]:
        """The coach's roster as it stands now: never cached, so a revoked or expired link shows as ended at once."""

    @abstractmethod
    def remove_from_roster(self, coach: str, entry_id: int) -> None: ...

    @abstractmethod
    def add_comment(
        self, coach: str, author: str, token_sha256: str, test_id: int, body: str, now: dt.datetime
    ) -> TestComment:
        """A coach's comment on one of the link's runner's tests. NotAllowed unless the link is live and allows
        comments; NotFound if the test isn't that runner's."""

    @abstractmethod
    def comments_through_link(self, coach: str, token_sha256: str, now: dt.datetime) -> list[TestComment]:
        """The comments this coach left through this (live) link, oldest first; none once it ended."""

    @abstractmethod
    def list_comments(self, owner: str, runner_id: int) -> list[TestComment]:
        """Every comment on a runner's tests (hidden ones too, marked), oldest first: the runner's view."""

    @abstractmethod
    def hide_comment(self, owner: str, runner_id: int, comment_id: int, now: dt.datetime) -> None: ...

    @abstractmethod
    def mark_comment_read(self, owner: str, runner_id: int, comment_id: int, now: dt.datetime) -> None:
        """The runner has seen this comment: it leaves the unread ones (the dashboard), and stays under its test in
        History. Marking it again keeps the first time. NotFound if it isn't a comment on this runner's tests."""

    @abstractmethod
    def coach_note(self, coach: str, token_sha256: str, now: dt.datetime) -> str | None:
        """The coach's private notes on the link's runner (None: the link doesn't work). Never the runner's to see."""

    @abstractmethod
    def save_coach_note(self, coach: str, token_sha256: str, body: str, now: dt.datetime) -> None: ...
