-- Messages that must arrive: written in the same transaction as the fact they announce, then
-- delivered by the sender at Telegram's rate (see DESIGN.md, "The outbox").
CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY,
    chat_id     INTEGER NOT NULL,
    payload     TEXT NOT NULL,              -- JSON: {"text": ..., "reply_markup": ...}
    dedupe_key  TEXT UNIQUE,                -- one message per fact, however often it is queued
    status      TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'sent', 'undeliverable', 'failed')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT,
    message_id  INTEGER,
    created_at  TEXT NOT NULL,
    sent_at     TEXT
);
CREATE INDEX outbox_pending ON outbox (status, id);

-- Every staff action: who, what, when, on whom.
CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY,
    at           TEXT NOT NULL,
    actor_id     INTEGER NOT NULL,           -- Telegram user id of the staff member
    actor_name   TEXT,
    action       TEXT NOT NULL,
    applicant_id INTEGER REFERENCES applicants (id) ON DELETE SET NULL,
    detail       TEXT NOT NULL DEFAULT '{}',
    allowed      INTEGER NOT NULL DEFAULT 1 CHECK (allowed IN (0, 1))
);
CREATE INDEX audit_by_applicant ON audit_log (applicant_id, id);
