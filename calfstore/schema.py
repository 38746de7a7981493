"""The schema: ordered, append-only migrations, written once for both databases.

Each step runs in one transaction and is recorded in `schema_migrations`. Never edit a released step: add a new one.
Types are written as DuckDB spells them; `statements_for("postgresql")` swaps the one that differs (DOUBLE). A step
may add statements for PostgreSQL only: its indexes and the data versions every process shares. DuckDB takes no
secondary indexes (they block later column changes there); it stores each runner table in runner order instead
(calfstore.duckdb_layout).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Every table whose rows belong to a runner: deleting a runner empties all of them.
RUNNER_TABLES = (
    "symptom_entries",
    "routine_logs",
    "test_sessions",
    "share_links",
    "away_days",
    "retest_choices",
    "hop_tests",
    "readiness_checks",
    "calendar_feeds",
    "roster_entries",
    "test_comments",
    "coach_notes",
    "checkin_warnings",
    "clinician_all_clears",
    "runs",
    "test_raise_marks",
)

# The sequence each table takes its ids from (a copy between databases keeps the ids and moves these on).
ID_SEQUENCES = {
    "runners": "runner_ids",
    "test_sessions": "test_ids",
    "symptom_entries": "symptom_ids",
    "routine_logs": "routine_log_ids",
    "share_links": "share_link_ids",
    "away_days": "away_day_ids",
    "retest_choices": "retest_choice_ids",
    "hop_tests": "hop_test_ids",
    "readiness_checks": "readiness_check_ids",
    "calendar_feeds": "calendar_feed_ids",
    "roster_entries": "roster_entry_ids",
    "test_comments": "test_comment_ids",
    "coach_notes": "coach_note_ids",
    "checkin_warnings": "checkin_warning_ids",
    "clinician_all_clears": "clinician_all_clear_ids",
    "runs": "run_ids",
    "test_raise_marks": "raise_mark_ids",
}


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    statements: tuple[str, ...]
    postgres_only: tuple[str, ...] = ()


_STEPS: tuple[tuple[int, str, tuple[str, ...]], ...] = (
    (
        1,
        "runners, heel-raise tests, symptoms and routine logs",
        (
            "CREATE SEQUENCE runner_ids START 1",
            "CREATE SEQUENCE test_ids START 1",
            "CREATE SEQUENCE symptom_ids START 1",
            "CREATE SEQUENCE routine_log_ids START 1",
            """CREATE TABLE runners (
                id BIGINT PRIMARY KEY DEFAULT nextval('runner_ids'),
                owner_key VARCHAR NOT NULL,
                name VARCHAR NOT NULL,
                birth_year INTEGER NOT NULL,
                sex VARCHAR NOT NULL,
                units VARCHAR NOT NULL,
                injured_side VARCHAR,
                created_at TIMESTAMP NOT NULL
            )""",
            """CREATE TABLE test_sessions (
                id BIGINT PRIMARY KEY DEFAULT nextval('test_ids'),
                runner_id BIGINT NOT NULL,
                tested_on DATE NOT NULL,
                cadence_bpm INTEGER NOT NULL,
                surface VARCHAR NOT NULL,
                cued BOOLEAN NOT NULL,
                fingertip_support BOOLEAN NOT NULL,
                added_load_kg DOUBLE NOT NULL,
                straight_left INTEGER NOT NULL,
                straight_right INTEGER NOT NULL,
                bent_left INTEGER,
                bent_right INTEGER,
                height_left_cm DOUBLE,
                height_right_cm DOUBLE,
                soleus_load_kg DOUBLE,
                soleus_reps_left INTEGER,
                soleus_reps_right INTEGER,
                body_weight_kg DOUBLE,
                knee_to_wall_left_cm DOUBLE,
                knee_to_wall_right_cm DOUBLE,
                red_flags VARCHAR[] NOT NULL,
                notes VARCHAR NOT NULL,
                revision INTEGER NOT NULL DEFAULT 1,
                created_at TIMESTAMP NOT NULL
            )""",
            """CREATE TABLE symptom_entries (
                id BIGINT PRIMARY KEY DEFAULT nextval('symptom_ids'),
                runner_id BIGINT NOT NULL,
                logged_on DATE NOT NULL,
                side VARCHAR NOT NULL,
                pain_during INTEGER,
                pain_next_morning INTEGER,
                stiffness_minutes INTEGER,
                location VARCHAR NOT NULL,
                test_id BIGINT,
                created_at TIMESTAMP NOT NULL
            )""",
            """CREATE TABLE routine_logs (
                id BIGINT PRIMARY KEY DEFAULT nextval('routine_log_ids'),
                runner_id BIGINT NOT NULL,
                logged_on DATE NOT NULL,
                exercise_id VARCHAR NOT NULL,
                sets INTEGER NOT NULL,
                reps INTEGER NOT NULL,
                load_kg DOUBLE NOT NULL,
                pain INTEGER,
                notes VARCHAR NOT NULL,
                created_at TIMESTAMP NOT NULL
            )""",
        ),
    ),
    (
        2,
        "share links (only the token's SHA-256 is stored)",
        (
            "CREATE SEQUENCE share_link_ids START 1",
            """CREATE TABLE share_links (
                id BIGINT PRIMARY KEY DEFAULT nextval('share_link_ids'),
                runner_id BIGINT NOT NULL,
                token_sha256 VARCHAR NOT NULL,
                label VARCHAR NOT NULL,
                created_at TIMESTAMP NOT NULL,
                expires_at TIMESTAMP,
                revoked_at TIMESTAMP,
                last_used_at TIMESTAMP
            )""",
        ),
    ),
    (
        3,
        "how far each runner table is clustered by runner (Store.cluster_by_runner)",
        (
            """CREATE TABLE clustered_tables (
                table_name VARCHAR NOT NULL,
                through_id BIGINT NOT NULL,
                clustered_at TIMESTAMP NOT NULL
            )""",
        ),
    ),
    (
        4,
        "runner profiles: body weight, and a mark on the demo runner",
        (
            "ALTER TABLE runners ADD COLUMN body_weight_kg DOUBLE",
            "ALTER TABLE runners ADD COLUMN is_demo BOOLEAN NOT NULL DEFAULT false",
        ),
    ),
    (
        5,
        "retests and return to run: days away, own retest interval, hop tests, readiness checks, calendar feeds",
        (
            "CREATE SEQUENCE away_day_ids START 1",
            "CREATE SEQUENCE retest_choice_ids START 1",
            "CREATE SEQUENCE hop_test_ids START 1",
            "CREATE SEQUENCE readiness_check_ids START 1",
            "CREATE SEQUENCE calendar_feed_ids START 1",
            """CREATE TABLE away_days (
                id BIGINT PRIMARY KEY DEFAULT nextval('away_day_ids'),
                runner_id BIGINT NOT NULL,
                day DATE NOT NULL,
                reason VARCHAR NOT NULL,
                created_at TIMESTAMP NOT NULL
            )""",
            """CREATE TABLE retest_choices (
                id BIGINT PRIMARY KEY DEFAULT nextval('retest_choice_ids'),
                runner_id BIGINT NOT NULL,
                every_days INTEGER,
                created_at TIMESTAMP NOT NULL
            )""",
            """CREATE TABLE hop_tests (
                id BIGINT PRIMARY KEY DEFAULT nextval('hop_test_ids'),
                runner_id BIGINT NOT NULL,
                tested_on DATE NOT NULL,
                hops_left INTEGER NOT NULL,
                hops_right INTEGER NOT NULL,
                pain_left INTEGER NOT NULL,
                pain_right INTEGER NOT NULL,
                red_flags VARCHAR[] NOT NULL,
                created_at TIMESTAMP NOT NULL
            )""",
            """CREATE TABLE readiness_checks (
                id BIGINT PRIMARY KEY DEFAULT nextval('readiness_check_ids'),
                runner_id BIGINT NOT NULL,
                checked_on DATE NOT NULL,
                walked_pain_free BOOLEAN NOT NULL,
                settled_next_morning BOOLEAN NOT NULL,
                red_flags VARCHAR[] NOT NULL,
                created_at TIMESTAMP NOT NULL
            )""",
            """CREATE TABLE calendar_feeds (
                id BIGINT PRIMARY KEY DEFAULT nextval('calendar_feed_ids'),
                runner_id BIGINT NOT NULL,
                token_sha256 VARCHAR NOT NULL,
                show_exercise_names BOOLEAN NOT NULL,
                created_at TIMESTAMP NOT NULL,
                expires_at TIMESTAMP,
                revoked_at TIMESTAMP
            )""",
        ),
    ),
)

_COACH_TABLES = ("roster_entries", "test_comments", "coach_notes")  # migration 7 indexes its own
_WARNING_TABLES = ("checkin_warnings", "clinician_all_clears")  # migration 8 indexes its own
_RUN_TABLES = ("runs",)  # migration 10 indexes its own
_MARK_TABLES = ("test_raise_marks",)  # migration 11 indexes its own
_POSTGRES_INDEXES = (
    "CREATE INDEX runners_by_owner ON runners (owner_key)",
    *(
        f"CREATE INDEX {table}_by_runner ON {table} (runner_id)"
        for table in RUNNER_TABLES
        if table not in _COACH_TABLES + _WARNING_TABLES + _RUN_TABLES + _MARK_TABLES
    ),
    "CREATE INDEX share_links_by_token ON share_links (token_sha256)",
    "CREATE INDEX calendar_feeds_by_token ON calendar_feeds (token_sha256)",
)

MIGRATIONS: tuple[Migration, ...] = (
    *(Migration(version, name, statements) for version, name, statements in _STEPS),
    Migration(
        6,
        "PostgreSQL: indexes by runner, owner and token, and data versions shared by every app process",
        (),
        postgres_only=(
            *_POSTGRES_INDEXES,
            "CREATE SEQUENCE data_version_numbers START 1",
            """CREATE TABLE data_versions (
                owner_key VARCHAR PRIMARY KEY,
                version BIGINT NOT NULL
            )""",
        ),
    ),
    Migration(
        7,
        "coaches: roster entries (a link's id and token hash, never the token), comments on tests a link may allow, "
        "a coach's private notes",
        (
            "ALTER TABLE share_links ADD COLUMN coach_may_comment BOOLEAN NOT NULL DEFAULT false",
            "CREATE SEQUENCE roster_entry_ids START 1",
            "CREATE SEQUENCE test_comment_ids START 1",
            "CREATE SEQUENCE coach_note_ids START 1",
            """CREATE TABLE roster_entries (
                id BIGINT PRIMARY KEY DEFAULT nextval('roster_entry_ids'),
                runner_id BIGINT NOT NULL,
                coach_owner_key VARCHAR NOT NULL,
                runner_owner_key VARCHAR NOT NULL,
                link_id BIGINT NOT NULL,
                token_sha256 VARCHAR NOT NULL,
                created_at TIMESTAMP NOT NULL
            )""",
            """CREATE TABLE test_comments (
                id BIGINT PRIMARY KEY DEFAULT nextval('test_comment_ids'),
                runner_id BIGINT NOT NULL,
                test_id BIGINT NOT NULL,
                link_id BIGINT NOT NULL,
                author_key VARCHAR NOT NULL,
                author VARCHAR NOT NULL,
                body VARCHAR NOT NULL,
                created_at TIMESTAMP NOT NULL,
                hidden_at TIMESTAMP
            )""",
            """CREATE TABLE coach_notes (
                id BIGINT PRIMARY KEY DEFAULT nextval('coach_note_ids'),
                runner_id BIGINT NOT NULL,
                coach_owner_key VARCHAR NOT NULL,
                body VARCHAR NOT NULL,
                created_at TIMESTAMP NOT NULL
            )""",
        ),
        postgres_only=(
            *(f"CREATE INDEX {table}_by_runner ON {table} (runner_id)" for table in _COACH_TABLES),
            "CREATE INDEX roster_entries_by_coach ON roster_entries (coach_owner_key)",
            "CREATE INDEX coach_notes_by_coach ON coach_notes (coach_owner_key)",
        ),
    ),
    Migration(
        8,
        "warning signs that last: signs ticked in a daily check-in (marked when mistaken), a clinician's all-clear",
        (
            "CREATE SEQUENCE checkin_warning_ids START 1",
            "CREATE SEQUENCE clinician_all_clear_ids START 1",
            """CREATE TABLE checkin_warnings (
                id BIGINT PRIMARY KEY DEFAULT nextval('checkin_warning_ids'),
                runner_id BIGINT NOT NULL,
                flagged_on DATE NOT NULL,
                red_flags VARCHAR[] NOT NULL,
                mistaken_at TIMESTAMP,
                created_at TIMESTAMP NOT NULL
            )""",
            """CREATE TABLE clinician_all_clears (
                id BIGINT PRIMARY KEY DEFAULT nextval('clinician_all_clear_ids'),
                runner_id BIGINT NOT NULL,
                seen_on DATE NOT NULL,
                note VARCHAR NOT NULL,
                created_at TIMESTAMP NOT NULL
            )""",
        ),
        postgres_only=tuple(f"CREATE INDEX {table}_by_runner ON {table} (runner_id)" for table in _WARNING_TABLES),
    ),
    Migration(
        9,
        "comments: when the runner marked a coach's comment read (unread ones show on the dashboard)",
        ("ALTER TABLE test_comments ADD COLUMN read_at TIMESTAMP",),
    ),
    Migration(
        10,
        "runs from a watch or typed by hand: date, start, distance, moving time, elevation gain (never a route)",
        (
            "CREATE SEQUENCE run_ids START 1",
            """CREATE TABLE runs (
                id BIGINT PRIMARY KEY DEFAULT nextval('run_ids'),
                runner_id BIGINT NOT NULL,
                run_on DATE NOT NULL,
                started_at TIMESTAMP,
                distance_km DOUBLE,
                moving_seconds INTEGER,
                elevation_gain_m DOUBLE,
                source VARCHAR NOT NULL,
                created_at TIMESTAMP NOT NULL
            )""",
        ),
        postgres_only=tuple(f"CREATE INDEX {table}_by_runner ON {table} (runner_id)" for table in _RUN_TABLES),
    ),
    Migration(
        11,
        "motion-counted tests: which counts the phone's motion made, and each raise it saw (never the raw motion)",
        (
            "ALTER TABLE test_sessions ADD COLUMN counted_by_motion VARCHAR[]",
            "CREATE SEQUENCE raise_mark_ids START 1",
            """CREATE TABLE test_raise_marks (
                id BIGINT PRIMARY KEY DEFAULT nextval('raise_mark_ids'),
                runner_id BIGINT NOT NULL,
                test_id BIGINT NOT NULL,
                knee VARCHAR NOT NULL,
                leg VARCHAR NOT NULL,
                raise_number INTEGER NOT NULL,
                at_ms INTEGER NOT NULL,
                relative_size DOUBLE NOT NULL,
                on_beat BOOLEAN NOT NULL,
                counted BOOLEAN NOT NULL,
                created_at TIMESTAMP NOT NULL
            )""",
        ),
        postgres_only=(
            "CREATE INDEX test_raise_marks_by_runner ON test_raise_marks (runner_id)",
            "CREATE INDEX test_raise_marks_by_test ON test_raise_marks (test_id)",
        ),
    ),
)

_DOUBLE = re.compile(r"\bDOUBLE\b(?! PRECISION)")


def statements_for(migration: Migration, dialect: str) -> tuple[str, ...]:
    """The statements of one step in a dialect: "duckdb" or "postgresql"."""
    if dialect == "duckdb":
        return migration.statements
    return (
        *(_DOUBLE.sub("DOUBLE PRECISION", statement) for statement in migration.statements),
        *migration.postgres_only,
    )
