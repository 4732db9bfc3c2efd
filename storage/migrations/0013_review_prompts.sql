-- Typed words on purpose: a fail reason or a fixing note is asked with a prompt that only that
-- staff member answers (a reply to it, within a few minutes); a reason is shown back for
-- confirmation before it is sent. Needs fixing may carry a note and a deadline for the
-- applicant. (review_drafts.awaiting_reason, "the next group message is the reason", is no
-- longer read: prompt_kind replaces it.)
ALTER TABLE review_drafts ADD COLUMN prompt_kind TEXT CHECK (prompt_kind IN ('reason', 'note'));
ALTER TABLE review_drafts ADD COLUMN prompt_message_id INTEGER;
ALTER TABLE review_drafts ADD COLUMN asked_at TEXT;
ALTER TABLE review_drafts ADD COLUMN typed_reason TEXT;
ALTER TABLE review_drafts ADD COLUMN note TEXT;
ALTER TABLE review_drafts ADD COLUMN deadline_days INTEGER NOT NULL DEFAULT 0
    CHECK (deadline_days >= 0);
ALTER TABLE applications ADD COLUMN fix_note TEXT;
ALTER TABLE applications ADD COLUMN fix_deadline TEXT;
