-- Versions of the question bank imported by staff. The bundled bank is in use until one is
-- activated; an attempt records the version it was drawn from (and a snapshot of its draw).
CREATE TABLE question_banks (
    id           INTEGER PRIMARY KEY,
    version      TEXT NOT NULL,
    fingerprint  TEXT NOT NULL,
    filename     TEXT NOT NULL,
    content      TEXT NOT NULL,                 -- the bank as YAML (question_bank's own format)
    status       TEXT NOT NULL DEFAULT 'pending'
                 CHECK (status IN ('pending', 'active', 'retired', 'cancelled')),
    created_by   INTEGER NOT NULL,
    created_at   TEXT NOT NULL,
    activated_at TEXT
);
CREATE UNIQUE INDEX one_active_bank ON question_banks (status) WHERE status = 'active';
