"""The queries of sharing (calfstore.faces.sharing): share links and calendar feeds, each found by its token's hash."""

from __future__ import annotations

import datetime as dt

from calfcore.calendar_feed import CalendarFeed, ResolvedFeed
from calfcore.sharing import ResolvedShare, ShareLink
from calfstore.errors import NotFound
from calfstore.faces.sharing import SharingStore
from calfstore.queries.common import LIVE_LINK, SqlQueries, retry_on_conflict, select_by_runner
from calfstore.rows import FEED_COLUMNS, LINK_COLUMNS, calendar_feed_from_row, share_link_from_row


class SharingQueries(SqlQueries, SharingStore):
    """Share links and calendar feeds."""

    # -- share links ----------------------------------------------------------------------------------

    @retry_on_conflict
    def create_share_link(
        self,
        owner: str,
        runner_id: int,
        label: str,
        token_sha256: str,
        expires_at: dt.datetime | None,
        now: dt.datetime,
    ) -> ShareLink:
        with self._runner_transaction(owner, runner_id) as cursor:
            row = cursor.execute(
                f"""INSERT INTO share_links (runner_id, token_sha256, label, created_at, expires_at)
                    VALUES (?, ?, ?, ?, ?) RETURNING {LINK_COLUMNS}""",
                [runner_id, token_sha256, label, now, expires_at],
            ).fetchone()
        return share_link_from_row(row)

    def list_share_links(self, owner: str, runner_id: int) -> list[ShareLink]:
        return self._runner_rows(
            owner,
            runner_id,
            lambda cursor, runner: select_by_runner(
                cursor, "share_links", LINK_COLUMNS, "created_at DESC, id DESC", runner, share_link_from_row
            ),
        )

    @retry_on_conflict
    def revoke_share_link(self, owner: str, runner_id: int, link_id: int, now: dt.datetime) -> None:
        with self._queued_stamps():
            self._stamp_once(owner, runner_id, "share_links", "revoked_at", link_id, now, "That link no longer exists.")

    def resolve_share(self, token_sha256: str, now: dt.datetime) -> ResolvedShare | None:
        """The runner a live link opens, or None (unknown, revoked, expired, or runner deleted).

        Never cached: called on every rerun of the coach's page, so revoking takes effect at the next click.
        """
        columns = ", ".join("l." + c.strip() for c in LINK_COLUMNS.split(","))
        with self._cursor() as cursor:
            row = cursor.execute(
                f"""SELECT r.owner_key, {columns}
                    FROM share_links l JOIN runners r ON r.id = l.runner_id
                    WHERE l.token_sha256 = ? AND {LIVE_LINK}""",
                [token_sha256, now],
            ).fetchone()
        if row is None:
            return None
        link = share_link_from_row(row[1:])
        return ResolvedShare(owner_key=row[0], runner_id=link.runner_id, link=link)

    @retry_on_conflict
    def mark_share_used(self, owner: str, runner_id: int, link_id: int, now: dt.datetime) -> None:
        """Stamp 'last opened' on one of this owner's links (owner and runner come from resolve_share). The stamp
        shows on the runner's Share page, so it counts as a change of that runner's data (callers stamp at most once
        a minute: calfui.viewer.LAST_OPENED_RESOLUTION)."""
        with self._queued_stamps(), self._transaction(owner, runner_id=runner_id) as cursor:
            cursor.execute(
                """UPDATE share_links SET last_used_at = ?
                   WHERE id = ? AND runner_id = ? AND runner_id IN (SELECT id FROM runners WHERE owner_key = ?)""",
                [now, link_id, runner_id, owner],
            )

    @retry_on_conflict
    def set_link_comments(self, owner: str, runner_id: int, link_id: int, allowed: bool) -> None:
        with self._runner_transaction(owner, runner_id) as cursor:
            if not cursor.execute(
                "UPDATE share_links SET coach_may_comment = ? WHERE id = ? AND runner_id = ? RETURNING id",
                [allowed, link_id, runner_id],
            ).fetchall():
                raise NotFound("That link no longer exists.")

    # -- calendar feeds ------------------------------------------------------------------------------------

    @retry_on_conflict
    def create_calendar_feed(
        self,
        owner: str,
        runner_id: int,
        token_sha256: str,
        show_exercise_names: bool,
        expires_at: dt.datetime | None,
        now: dt.datetime,
    ) -> CalendarFeed:
        with self._runner_transaction(owner, runner_id) as cursor:
            row = cursor.execute(
                f"""INSERT INTO calendar_feeds (runner_id, token_sha256, show_exercise_names, created_at, expires_at)
                    VALUES (?, ?, ?, ?, ?) RETURNING {FEED_COLUMNS}""",
                [runner_id, token_sha256, show_exercise_names, now, expires_at],
            ).fetchone()
        return calendar_feed_from_row(row)

    def list_calendar_feeds(self, owner: str, runner_id: int) -> list[CalendarFeed]:
        return self._runner_rows(
            owner,
            runner_id,
            lambda cursor, runner: select_by_runner(
                cursor, "calendar_feeds", FEED_COLUMNS, "created_at DESC, id DESC", runner, calendar_feed_from_row
            ),
        )

    @retry_on_conflict
    def revoke_calendar_feed(self, owner: str, runner_id: int, feed_id: int, now: dt.datetime) -> None:
        self._stamp_once(
            owner, runner_id, "calendar_feeds", "revoked_at", feed_id, now, "That calendar feed no longer exists."
        )

    def resolve_calendar_feed(self, token_sha256: str, now: dt.datetime) -> ResolvedFeed | None:
        """The live feed of a token's hash, or None (unknown, revoked, expired, runner deleted). Never cached."""
        columns = ", ".join("f." + c.strip() for c in FEED_COLUMNS.split(","))
        with self._cursor() as cursor:
            row = cursor.execute(
                f"""SELECT r.owner_key, {columns}
                    FROM calendar_feeds f JOIN runners r ON r.id = f.runner_id
                    WHERE f.token_sha256 = ? AND f.revoked_at IS NULL AND (f.expires_at IS NULL OR f.expires_at > ?)""",
                [token_sha256, now],
            ).fetchone()
        return None if row is None else ResolvedFeed(owner_key=row[0], feed=calendar_feed_from_row(row[1:]))
