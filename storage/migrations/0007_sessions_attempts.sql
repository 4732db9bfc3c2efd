-- Test sessions (from the recruitment file or added by staff), bookings, attempts, answers.
CREATE TABLE sessions (
    id          INTEGER PRIMARY KEY,
    recruitment TEXT NOT NULL,
    code        TEXT NOT NULL,
    start_at    TEXT NOT NULL,
    end_at      TEXT NOT NULL,
    capacity    INTEGER NOT NULL CHECK (capacity > 0),
    booked      INTEGER NOT NULL DEFAULT 0,
    status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'cancelled')),
    closed      INTEGER NOT NULL DEFAULT 0,   -- absentees marked after the end
    reminders   TEXT NOT NULL DEFAULT '[]',   -- reminder kinds already queued
    created_at  TEXT NOT NULL,
    UNIQUE (recruitment, code),
    CHECK (booked >= 0 AND booked <= capacity)
);

ALTER TABLE applications ADD COLUMN session_id INTEGER REFERENCES sessions (id);
ALTER TABLE applications ADD COLUMN booked_at TEXT;

CREATE TABLE attempts (
    id             INTEGER PRIMARY KEY,
    applicant_id   INTEGER NOT NULL REFERENCES applicants (id) ON DELETE CASCADE,
    application_id INTEGER REFERENCES applications (id),
    kind           TEXT NOT NULL CHECK (kind IN ('test', 'practice')),
    bank_version   TEXT NOT NULL,
    questions      TEXT NOT NULL,              -- the draw: a JSON list of question snapshots
    current        INTEGER NOT NULL DEFAULT 0, -- the question shown last
    started_at     TEXT,                       -- when the first question reached the person
    deadline_at    TEXT,
    hard_end_at    TEXT,                       -- the session's end (the deadline never passes it)
    duration_min   INTEGER NOT NULL,
    extra_minutes  INTEGER NOT NULL DEFAULT 0,
    warnings       TEXT NOT NULL DEFAULT '[]', -- minutes-left warnings already queued
    status         TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'submitted')),
    submitted_at   TEXT,
    submitted_by   TEXT CHECK (submitted_by IN ('applicant', 'deadline')),
    score          INTEGER,
    created_at     TEXT NOT NULL
);
-- One real test per application, ever.
CREATE UNIQUE INDEX one_test_per_application ON attempts (application_id) WHERE kind = 'test';
CREATE INDEX attempts_active ON attempts (status, deadline_at);

CREATE TABLE answers (
    attempt_id  INTEGER NOT NULL REFERENCES attempts (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    choice      INTEGER NOT NULL,
    answered_at TEXT NOT NULL,
    PRIMARY KEY (attempt_id, position)
);
