-- Registration: the person's profile and documents (kept across recruitments), and what belongs
-- to one application (consent, declarations, the field being edited, submission).

CREATE TABLE profiles (
    applicant_id      INTEGER PRIMARY KEY REFERENCES applicants (id) ON DELETE CASCADE,
    full_name         TEXT,
    nik               TEXT UNIQUE CHECK (nik IS NULL OR length(nik) = 16),
    sex               TEXT CHECK (sex IN ('M', 'F')),
    birth_place       TEXT,
    birth_date        TEXT,
    phone             TEXT,
    email             TEXT,
    address           TEXT,
    district          TEXT,
    education         TEXT,
    occupation        TEXT,
    experience        INTEGER CHECK (experience IN (0, 1)),
    experience_detail TEXT,
    motorbike         INTEGER CHECK (motorbike IN (0, 1)),
    devices           TEXT,
    devices_draft     TEXT,  -- the ticks of the device question before it is confirmed
    updated_at        TEXT NOT NULL
);

CREATE TABLE documents (
    applicant_id   INTEGER NOT NULL REFERENCES applicants (id) ON DELETE CASCADE,
    kind           TEXT NOT NULL CHECK (kind IN ('ktp', 'photo', 'ijazah')),
    file_id        TEXT NOT NULL,
    file_unique_id TEXT NOT NULL,
    media_type     TEXT NOT NULL,
    file_size      INTEGER,
    uploaded_at    TEXT NOT NULL,
    PRIMARY KEY (applicant_id, kind)
);
CREATE INDEX documents_by_unique_id ON documents (file_unique_id);

ALTER TABLE applications ADD COLUMN consent_at TEXT;
ALTER TABLE applications ADD COLUMN declarations TEXT NOT NULL DEFAULT '{}';
ALTER TABLE applications ADD COLUMN editing TEXT;
ALTER TABLE applications ADD COLUMN submitted_at TEXT;
ALTER TABLE applications ADD COLUMN reopened TEXT NOT NULL DEFAULT '[]';

-- Hand-set switches of a recruitment (e.g. registration closed early by staff).
CREATE TABLE recruitment_flags (
    recruitment TEXT NOT NULL,
    name        TEXT NOT NULL,
    value       TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (recruitment, name)
);
