"""The queries of coaching (calfstore.faces.coaching): a coach's roster of links, comments on tests, private notes."""

from __future__ import annotations

import datetime as dt

from calfcore.coaching import RosterEntry, TestComment
from calfcore.sharing import LinkStatus, link_status
from calfstore.errors import NotAllowed, NotFound
from calfstore.faces.coaching import CoachingStore
from calfstore.queries.common import LIVE_LINK, Cursor, SqlQueries, one_row, retry_on_conflict, select_by_runner
from calfstore.rows import COMMENT_COLUMNS, comment_from_row

LINK_GONE = "This link doesn't work any more: the runner withdrew it or it expired. Nothing was saved."
NO_COMMENTS = "This link doesn't allow comments (the runner decides that). Nothing was saved."


class CoachingQueries(SqlQueries, CoachingStore):
    """A coach's roster, comments and notes, each reached through a live link; the runner's side of the comments."""

    def _link_owner(self, token_sha256: str, now: dt.datetime) -> tuple[str, int]:
        """The owner and runner of a live link (NotFound otherwise): read first, so a write's transaction can change
        that owner's data version. The write then checks the link again inside its transaction."""
        with self._cursor() as cursor:
            row = cursor.execute(
                f"""SELECT r.owner_key, r.id FROM share_links l JOIN runners r ON r.id = l.runner_id
                                     WHERE l.token_sha256 = ? AND {LIVE_LINK}""",
                [token_sha256, now],
            ).fetchone()
        if row is None:
            raise NotFound(LINK_GONE)
        return str(row[0]), int(row[1])

    def _live_link_in(
        self, cursor: Cursor, owner: str, runner_id: int, token_sha256: str, now: dt.datetime
    ) -> tuple[int, bool]:
        """Inside a write: lock the runner (a deletion waits or wins), then the link's id and comment right, if it is
        still live and still this runner's. NotAllowed otherwise: nothing gets written."""
        try:
            self._writing_for(cursor, owner, runner_id)
        except NotFound as gone:
            raise NotAllowed(LINK_GONE) from gone
        row = cursor.execute(
            f"""SELECT l.id, l.coach_may_comment FROM share_links l
                                 WHERE l.token_sha256 = ? AND l.runner_id = ? AND {LIVE_LINK}""",
            [token_sha256, runner_id, now],
        ).fetchone()
        if row is None:
            raise NotAllowed(LINK_GONE)
        return int(row[0]), bool(row[1])

    # -- the roster ----------------------------------------------------------------------------------------------

    @retry_on_conflict
    def add_to_roster(self, coach: str, token_sha256: str, now: dt.datetime) -> RosterEntry:
        owner, runner_id = self._link_owner(token_sha256, now)
        with self._transaction(coach) as cursor:
            link_id, _ = self._live_link_in(cursor, owner, runner_id, token_sha256, now)
            if (
                cursor.execute(
                    "SELECT 1 FROM roster_entries WHERE coach_owner_key = ? AND link_id = ?", [coach, link_id]
                ).fetchone()
                is None
            ):
                cursor.execute(
                    """INSERT INTO roster_entries (runner_id, coach_owner_key, runner_owner_key, link_id,
                                                              token_sha256, created_at) VALUES (?, ?, ?, ?, ?, ?)""",
                    [runner_id, coach, owner, link_id, token_sha256, now],
                )
        return next(entry for entry in self.list_roster(coach, now) if entry.link_id == link_id)

    def list_roster(self, coach: str, now: dt.datetime) -> list[RosterEntry]:
        with self._cursor() as cursor:
            # A link's row lives exactly as long as its runner (both go in delete_runner's transaction), so the link
            # alone says whether the runner can be read; who owns the runner was noted when the entry was made.
            rows = cursor.execute(
                """SELECT e.id, e.link_id, l.label, e.created_at, l.revoked_at, l.expires_at, e.runner_id,
                          e.runner_owner_key
                   FROM roster_entries e JOIN share_links l ON l.id = e.link_id AND l.token_sha256 = e.token_sha256
                   WHERE e.coach_owner_key = ? AND l.runner_id = e.runner_id ORDER BY e.id""",
                [coach],
            ).fetchall()
        entries = []
        for entry_id, link_id, label, added, revoked, expires, runner_id, owner in rows:
            live = link_status(revoked, expires, now) is LinkStatus.ACTIVE
            entries.append(
                RosterEntry(
                    int(entry_id), int(link_id), label, added, live, *((int(runner_id), owner, expires) if live else ())
                )
            )
        return entries

    @retry_on_conflict
    def remove_from_roster(self, coach: str, entry_id: int) -> None:
        with self._transaction(coach) as cursor:
            if not cursor.execute(
                "DELETE FROM roster_entries WHERE id = ? AND coach_owner_key = ? RETURNING id", [entry_id, coach]
            ).fetchall():
                raise NotFound("That runner is no longer on your roster.")

    # -- comments on tests -----------------------------------------------------------------------------------------

    @retry_on_conflict
    def add_comment(
        self, coach: str, author: str, token_sha256: str, test_id: int, body: str, now: dt.datetime
    ) -> TestComment:
        try:
            owner, runner_id = self._link_owner(token_sha256, now)
        except NotFound as gone:
            raise NotAllowed(LINK_GONE) from gone
        with self._transaction(owner) as cursor:  # the runner's data: their pages show it at their next click
            link_id, may_comment = self._live_link_in(cursor, owner, runner_id, token_sha256, now)
            if not may_comment:
                raise NotAllowed(NO_COMMENTS)
            if (
                cursor.execute(
                    "SELECT 1 FROM test_sessions WHERE id = ? AND runner_id = ?", [test_id, runner_id]
                ).fetchone()
                is None
            ):
                raise NotFound("That test no longer exists (the runner may have deleted it). Nothing was saved.")
            row = one_row(
                cursor.execute(
                    f"""INSERT INTO test_comments (runner_id, test_id, link_id, author_key, author, body, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING {COMMENT_COLUMNS}""",
                    [runner_id, test_id, link_id, coach, author, body, now],
                )
            )
        return comment_from_row(row)

    def comments_through_link(self, coach: str, token_sha256: str, now: dt.datetime) -> list[TestComment]:
        columns = ", ".join("c." + c.strip() for c in COMMENT_COLUMNS.split(","))
        with self._cursor() as cursor:
            rows = cursor.execute(
                f"""SELECT {columns} FROM test_comments c JOIN share_links l ON l.id = c.link_id
                    JOIN runners r ON r.id = l.runner_id
                    WHERE l.token_sha256 = ? AND {LIVE_LINK} AND c.author_key = ? AND c.runner_id = l.runner_id
                    ORDER BY c.created_at, c.id""",
                [token_sha256, now, coach],
            ).fetchall()
        return [comment_from_row(row) for row in rows]

    def list_comments(self, owner: str, runner_id: int) -> list[TestComment]:
        return self._runner_rows(
            owner,
            runner_id,
            lambda cursor, runner: select_by_runner(
                cursor, "test_comments", COMMENT_COLUMNS, "created_at, id", runner, comment_from_row
            ),
        )

    @retry_on_conflict
    def hide_comment(self, owner: str, runner_id: int, comment_id: int, now: dt.datetime) -> None:
        self._stamp_once(
            owner, runner_id, "test_comments", "hidden_at", comment_id, now, "That comment no longer exists."
        )

    @retry_on_conflict
    def mark_comment_read(self, owner: str, runner_id: int, comment_id: int, now: dt.datetime) -> None:
        self._stamp_once(
            owner, runner_id, "test_comments", "read_at", comment_id, now, "That comment no longer exists."
        )

    # -- private notes -----------------------------------------------------------------------------------------------

    def coach_note(self, coach: str, token_sha256: str, now: dt.datetime) -> str | None:
        with self._cursor() as cursor:
            row = cursor.execute(
                f"SELECT l.runner_id FROM share_links l WHERE l.token_sha256 = ? AND {LIVE_LINK}", [token_sha256, now]
            ).fetchone()
            if row is None:
                return None
            note = cursor.execute(
                "SELECT body FROM coach_notes WHERE runner_id = ? AND coach_owner_key = ?", [row[0], coach]
            ).fetchone()
        return "" if note is None else str(note[0])

    @retry_on_conflict
    def save_coach_note(self, coach: str, token_sha256: str, body: str, now: dt.datetime) -> None:
        owner, runner_id = self._link_owner(token_sha256, now)
        with self._transaction(coach) as cursor:  # the coach's own data: the runner's pages never read it
            self._live_link_in(cursor, owner, runner_id, token_sha256, now)
            cursor.execute("DELETE FROM coach_notes WHERE runner_id = ? AND coach_owner_key = ?", [runner_id, coach])
            if body:
                cursor.execute(
                    "INSERT INTO coach_notes (runner_id, coach_owner_key, body, created_at) VALUES (?, ?, ?, ?)",
                    [runner_id, coach, body, now],
                )
