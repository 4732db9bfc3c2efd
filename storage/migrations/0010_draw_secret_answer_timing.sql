-- Secrets of this deployment, made at first use and never shown, logged or exported. The seed
-- of every scored form is keyed with the one named 'draw', so that nobody can compute a form
-- from the public bank and a guessed application id.
CREATE TABLE deployment_secrets (
    name       TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- Answer timing: when the question was on screen before it was answered (answered_at is when).
ALTER TABLE answers ADD COLUMN shown_at TEXT;
-- When the question now on screen (attempts.current) was shown.
ALTER TABLE attempts ADD COLUMN shown_at TEXT;
