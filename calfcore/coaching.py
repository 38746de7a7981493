"""A coach's side of a share link: the roster entries they keep, the comments they leave on a runner's tests, and
their private notes. The runner stays in control: comments need the link's permission (off by default), any comment
can be hidden by the runner, and revoking the link ends everything at the coach's next click.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# Ours, not from a study: a comment is a few sentences about one test; notes are a coach's working memory.
MAX_COMMENT_LENGTH = 500
MAX_NOTE_LENGTH = 2000
ACCESS_ENDED = "Access ended: the runner withdrew this link, or it expired. Ask them for a new one."


@dataclass(frozen=True)
class RosterEntry:
    """One link on a coach's roster, as it stands now. Which runner it opens (`runner_id`, `runner_owner`) is given
    only while the link is live: an ended link tells the coach nothing about the runner."""

    id: int
    link_id: int
    label: str  # the runner's label for the link ("Coach Sam")
    added_at: dt.datetime
    live: bool
    runner_id: int | None = None
    runner_owner: str | None = None
    expires_at: dt.datetime | None = None

    @property
    def live_runner_id(self) -> int | None:
        """The runner this entry opens while its link is live; None once it has ended."""
        return self.runner_id if self.live else None


@dataclass(frozen=True)
class TestComment:
    """A coach's comment on one of the runner's tests, sent through a link that allows comments."""

    id: int
    test_id: int
    link_id: int
    author: str  # the coach's name as their login gives it (or the link's label)
    body: str
    created_at: dt.datetime
    hidden_at: dt.datetime | None = None
    read_at: dt.datetime | None = None  # when the runner marked it read

    @property
    def hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def unread(self) -> bool:
        """Still to be seen by the runner: neither marked read nor hidden."""
        return self.read_at is None and self.hidden_at is None
