-- A person who talks to the bot, independent of any one recruitment.
CREATE TABLE applicants (
    id          INTEGER PRIMARY KEY,
    telegram_id INTEGER NOT NULL UNIQUE,
    username    TEXT,
    language    TEXT NOT NULL DEFAULT 'id' CHECK (language IN ('id', 'en')),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

-- One person's application to one recruitment (see DESIGN.md, "The recruitment, as states").
CREATE TABLE applications (
    id           INTEGER PRIMARY KEY,
    applicant_id INTEGER NOT NULL REFERENCES applicants (id) ON DELETE CASCADE,
    recruitment  TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'registering' CHECK (status IN (
        'registering', 'submitted', 'needs_fix', 'admin_passed', 'admin_failed',
        'session_booked', 'testing', 'tested', 'absent', 'accepted', 'not_accepted',
        'withdrawn'
    )),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    UNIQUE (applicant_id, recruitment)
);

CREATE INDEX applications_by_status ON applications (recruitment, status);
