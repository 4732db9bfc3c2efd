-- The outbox learns two things: a guard (a message that must not go out once its reason is
-- gone is marked 'skipped') and which broadcast a row belongs to (for progress).
CREATE TABLE outbox_new (
    id           INTEGER PRIMARY KEY,
    chat_id      INTEGER NOT NULL,
    payload      TEXT NOT NULL,
    dedupe_key   TEXT UNIQUE,
    status       TEXT NOT NULL DEFAULT 'pending'
                 CHECK (status IN ('pending', 'sent', 'undeliverable', 'failed', 'skipped')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT,
    message_id   INTEGER,
    created_at   TEXT NOT NULL,
    sent_at      TEXT,
    guard        TEXT,          -- JSON {"application": id, "statuses": [...]}: send only then
    broadcast_id INTEGER
);
INSERT INTO outbox_new (id, chat_id, payload, dedupe_key, status, attempts, last_error,
                        message_id, created_at, sent_at)
SELECT id, chat_id, payload, dedupe_key, status, attempts, last_error, message_id, created_at,
       sent_at FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_pending ON outbox (status, id);
CREATE INDEX outbox_by_broadcast ON outbox (broadcast_id, status);

-- The final selection: a computed ranking (a preview until approved, then frozen).
CREATE TABLE rankings (
    id          INTEGER PRIMARY KEY,
    recruitment TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'preview'
                CHECK (status IN ('preview', 'approved', 'announced')),
    cut_off     REAL,
    created_by  INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    approved_by TEXT,
    approved_at TEXT,
    announce_at TEXT
);
CREATE UNIQUE INDEX one_approved_ranking ON rankings (recruitment)
    WHERE status IN ('approved', 'announced');

CREATE TABLE ranking_rows (
    ranking_id     INTEGER NOT NULL REFERENCES rankings (id) ON DELETE CASCADE,
    application_id INTEGER NOT NULL REFERENCES applications (id),
    rank           INTEGER NOT NULL,
    final_score    REAL NOT NULL,
    test_correct   INTEGER NOT NULL,
    breakdown      TEXT NOT NULL,
    accepted       INTEGER NOT NULL CHECK (accepted IN (0, 1)),
    reason         TEXT NOT NULL,
    PRIMARY KEY (ranking_id, application_id)
);

-- Broadcasts written by staff: the text, the segment, and its progress message.
CREATE TABLE broadcasts (
    id              INTEGER PRIMARY KEY,
    recruitment     TEXT NOT NULL,
    text            TEXT NOT NULL,
    segment         TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'queued', 'cancelled')),
    created_by      INTEGER NOT NULL,
    created_by_name TEXT,
    created_at      TEXT NOT NULL,
    recipients      INTEGER,
    progress_chat   INTEGER,
    progress_msg    INTEGER
);
