"""The schema, as numbered migrations (sqlite-utils' Migrations), each in a transaction.

Add a migration at the end and its name to db.SCHEMA; never edit one that shipped.
"""

from __future__ import annotations

import sqlite_utils
from sqlite_utils.migrations import Migrations

migrations = Migrations("advocate")


@migrations()
def m001_initial(db: sqlite_utils.Database) -> None:
    db.execute("""
        CREATE TABLE cases (
            id INTEGER PRIMARY KEY,
            ua_number TEXT, index_number TEXT, title TEXT,
            person TEXT, persons TEXT NOT NULL DEFAULT '[]', pronouns TEXT, country TEXT,
            timezone TEXT NOT NULL DEFAULT 'UTC',
            issued TEXT, deadline TEXT, deadline_at TEXT,
            status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
            closed_reason TEXT, closed_at TEXT, closed_by_document INTEGER,
            paused INTEGER NOT NULL DEFAULT 0,
            hashtags TEXT NOT NULL DEFAULT '[]', handles TEXT NOT NULL DEFAULT '[]',
            languages TEXT NOT NULL DEFAULT '[]',
            suggested_message TEXT, url TEXT,
            sources TEXT NOT NULL DEFAULT '{}', overrides TEXT NOT NULL DEFAULT '{}',
            created_at TEXT NOT NULL, updated_at TEXT NOT NULL
        )""")
    db.execute("""
        CREATE TABLE targets (
            id INTEGER PRIMARY KEY,
            case_id INTEGER NOT NULL REFERENCES cases(id),
            position INTEGER NOT NULL,
            name TEXT, title TEXT, email TEXT, fax TEXT, handle TEXT,
            address TEXT, salutation TEXT, additional INTEGER NOT NULL DEFAULT 0
        )""")
    db.execute("""
        CREATE TABLE documents (
            id INTEGER PRIMARY KEY,
            sha256 TEXT NOT NULL UNIQUE,
            filename TEXT, format TEXT, kind TEXT NOT NULL, language TEXT,
            text TEXT NOT NULL,
            case_id INTEGER REFERENCES cases(id),
            action TEXT NOT NULL, changes TEXT NOT NULL DEFAULT '{}',
            link_reason TEXT, ingested_at TEXT NOT NULL
        )""")
    db.execute("""
        CREATE TABLE posts (
            id INTEGER PRIMARY KEY,
            case_id INTEGER NOT NULL REFERENCES cases(id),
            account TEXT NOT NULL, network TEXT NOT NULL,
            template TEXT, language TEXT, kind TEXT,
            text TEXT NOT NULL, dedupe_key TEXT NOT NULL,
            scheduled_at TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN
                ('draft', 'scheduled', 'sending', 'sent', 'failed', 'cancelled', 'unknown')),
            approved INTEGER NOT NULL DEFAULT 0, edited INTEGER NOT NULL DEFAULT 0,
            needs_review_reason TEXT,
            attempts INTEGER NOT NULL DEFAULT 0, retry_at TEXT,
            remote_id TEXT, url TEXT, error TEXT, cancel_reason TEXT,
            claimed_at TEXT, sent_at TEXT,
            created_at TEXT NOT NULL, updated_at TEXT NOT NULL
        )""")
    # The same text never goes out twice from one account for one case.
    db.execute("""
        CREATE UNIQUE INDEX posts_no_duplicate_text ON posts (case_id, account, dedupe_key)
        WHERE status != 'cancelled'""")
    db.execute("CREATE INDEX posts_due ON posts (status, scheduled_at)")
    db.execute("CREATE INDEX posts_case ON posts (case_id, status)")
    db.execute("""
        CREATE TABLE events (
            id INTEGER PRIMARY KEY, at TEXT NOT NULL, kind TEXT NOT NULL,
            case_id INTEGER, post_id INTEGER, document_id INTEGER, account TEXT,
            message TEXT NOT NULL
        )""")
    db.execute("CREATE INDEX events_post ON events (post_id)")
    db.execute("""
        CREATE TABLE accounts (
            name TEXT PRIMARY KEY,
            paused INTEGER NOT NULL DEFAULT 0, paused_reason TEXT,
            blocked_until TEXT
        )""")
    db.execute("CREATE TABLE daemon (key TEXT PRIMARY KEY, value TEXT)")


@migrations()
def m002_target_handles_per_network(db: sqlite_utils.Database) -> None:
    # {"mastodon": "@x@example.social", "bluesky": "@x.bsky.social"}; `handle` stays X's.
    db.execute("ALTER TABLE targets ADD COLUMN handles TEXT NOT NULL DEFAULT '{}'")


@migrations()
def m003_confirmation_and_feeds(db: sqlite_utils.Database) -> None:
    # News saying the person was released flags the case until a human closes or keeps it.
    db.execute("ALTER TABLE cases ADD COLUMN needs_confirmation INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE cases ADD COLUMN confirmation_reason TEXT")
    db.execute("ALTER TABLE cases ADD COLUMN confirmation_document INTEGER")
    # Feed entries already handled: 'ingested', 'rejected' (not a UA) or 'failed' (gave up); 'retry' is tried again.
    db.execute("""
        CREATE TABLE feed_entries (
            feed TEXT NOT NULL, entry_id TEXT NOT NULL,
            link TEXT, title TEXT,
            status TEXT NOT NULL CHECK (status IN ('ingested', 'rejected', 'retry', 'failed')),
            attempts INTEGER NOT NULL DEFAULT 0, error TEXT, document_id INTEGER,
            first_seen TEXT NOT NULL, updated_at TEXT NOT NULL,
            PRIMARY KEY (feed, entry_id)
        )""")


@migrations()
def m004_due_posts_index(db: sqlite_utils.Database) -> None:
    # The claim and the next wake-up order scheduled posts by when they are due;
    # without this, every poll sorts the whole queue (34 ms + 64 ms at 100,000 posts).
    db.execute("CREATE INDEX posts_due_at ON posts (coalesce(retry_at, scheduled_at), id) WHERE status = 'scheduled'")


@migrations()
def m005_posts_used_by_account(db: sqlite_utils.Database) -> None:
    # The claim counts each account's posts of the last 24 hours (X's caps are rolling).
    db.execute("""CREATE INDEX posts_used_by_account ON posts (account, coalesce(sent_at, claimed_at))
                  WHERE status IN ('sent', 'sending', 'unknown')""")


@migrations()
def m006_subjects_and_orphans(db: sqlite_utils.Database) -> None:
    # Who a case is for: a person, a group ("twelve protesters") or an organisation;
    # the name posts use; the person's role ("journalist", "lawyer"...).
    db.execute("ALTER TABLE cases ADD COLUMN subject_kind TEXT")
    db.execute("ALTER TABLE cases ADD COLUMN subject_name TEXT")
    db.execute("ALTER TABLE cases ADD COLUMN role TEXT")
    # 1 when the deadline was not in the UA but assumed from [posting] default_campaign_days.
    db.execute("ALTER TABLE cases ADD COLUMN deadline_assumed INTEGER NOT NULL DEFAULT 0")
    # What a document recorded without a case says about its case (UA number, index, names),
    # so that a case created later finds the final update or news that came first.
    db.execute("ALTER TABLE documents ADD COLUMN case_key TEXT")


@migrations()
def m007_case_photos(db: sqlite_utils.Database) -> None:
    # The case's photo: a file under photos/ beside the database, stored without metadata;
    # its alt text (NULL: not written yet, so never posted), digest, size, and the UA's caption or credit.
    db.execute("ALTER TABLE cases ADD COLUMN photo TEXT")
    db.execute("ALTER TABLE cases ADD COLUMN photo_alt TEXT")
    db.execute("ALTER TABLE cases ADD COLUMN photo_digest TEXT")
    db.execute("ALTER TABLE cases ADD COLUMN photo_width INTEGER")
    db.execute("ALTER TABLE cases ADD COLUMN photo_height INTEGER")
    db.execute("ALTER TABLE cases ADD COLUMN photo_credit TEXT")
    # 1 when the post's template wants the case photo (front matter `photo = true`).
    db.execute("ALTER TABLE posts ADD COLUMN with_photo INTEGER NOT NULL DEFAULT 0")
    # 1 when it wants the action link as a card where the network needs one (Bluesky; `link = true`).
    db.execute("ALTER TABLE posts ADD COLUMN with_link INTEGER NOT NULL DEFAULT 0")


@migrations()
def m008_link_index(db: sqlite_utils.Database) -> None:
    # Linking looks a document's candidate cases up by key (index number, UA serial, each
    # folded name word: ingest.link.link_keys) instead of reading every case for every
    # document (a tenth batch of 100 UAs took twice as long as the first). The keys are
    # computed in Python, so triggers only list the cases whose keys are to be redone,
    # whatever writes them; advocate.link_index redoes them before each look-up.
    db.execute("CREATE TABLE link_keys (key TEXT NOT NULL, case_id INTEGER NOT NULL, PRIMARY KEY (key, case_id)) WITHOUT ROWID")
    db.execute("CREATE INDEX link_keys_case ON link_keys (case_id)")
    db.execute("CREATE TABLE link_stale (case_id INTEGER PRIMARY KEY)")
    db.execute("INSERT INTO link_stale SELECT id FROM cases")
    db.execute("CREATE TRIGGER link_case_added AFTER INSERT ON cases BEGIN "
               "INSERT OR IGNORE INTO link_stale VALUES (NEW.id); END")
    db.execute("CREATE TRIGGER link_case_changed AFTER UPDATE OF ua_number, index_number, person, persons, subject_name "
               "ON cases BEGIN INSERT OR IGNORE INTO link_stale VALUES (NEW.id); END")
    db.execute("CREATE TRIGGER link_case_removed AFTER DELETE ON cases BEGIN "
               "DELETE FROM link_keys WHERE case_id = OLD.id; DELETE FROM link_stale WHERE case_id = OLD.id; END")
    # A case's documents (is it from an initial UA?) and the documents recorded without a case.
    db.execute("CREATE INDEX documents_case ON documents (case_id, kind)")
