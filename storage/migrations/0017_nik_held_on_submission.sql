-- A NIK is held by a submitted application, not by whoever types it: typing someone else's
-- NIK in a draft no longer locks that person out, nor tells anyone that the NIK is
-- registered. The NIK is copied to the application when it is submitted, and is unique
-- among the applications of a recruitment that still count (withdrawn or failed ones free
-- it: staff release a squatted NIK by failing that application).
CREATE TABLE profiles_new (
    applicant_id      INTEGER PRIMARY KEY REFERENCES applicants (id) ON DELETE CASCADE,
    full_name         TEXT,
    nik               TEXT CHECK (nik IS NULL OR length(nik) = 16),
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
    devices_draft     TEXT,
    updated_at        TEXT NOT NULL
);
INSERT INTO profiles_new SELECT applicant_id, full_name, nik, sex, birth_place, birth_date,
    phone, email, address, district, education, occupation, experience, experience_detail,
    motorbike, devices, devices_draft, updated_at FROM profiles;
DROP TABLE profiles;
ALTER TABLE profiles_new RENAME TO profiles;
CREATE INDEX profiles_by_nik ON profiles (nik);

ALTER TABLE applications ADD COLUMN nik TEXT;
UPDATE applications SET nik = (SELECT nik FROM profiles WHERE profiles.applicant_id =
    applications.applicant_id) WHERE submitted_at IS NOT NULL
    AND status NOT IN ('withdrawn', 'admin_failed');
CREATE UNIQUE INDEX applications_nik ON applications (recruitment, nik)
    WHERE nik IS NOT NULL AND status NOT IN ('withdrawn', 'admin_failed');
