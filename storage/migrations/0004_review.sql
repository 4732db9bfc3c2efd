-- The administrative check's decision on an application: first decision wins.
ALTER TABLE applications ADD COLUMN decided_by INTEGER;
ALTER TABLE applications ADD COLUMN decided_by_name TEXT;
ALTER TABLE applications ADD COLUMN decided_at TEXT;
ALTER TABLE applications ADD COLUMN decision_reason TEXT;
