-- The progress text last shown in the staff group (edited only when it changes).
ALTER TABLE broadcasts ADD COLUMN progress_text TEXT;
