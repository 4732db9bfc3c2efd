-- Every copy of a review card (the one the outbox posts, and each re-post by /antrian), so
-- that a decision edits all of them to its outcome. A copy the outbox has not sent yet is
-- known by its outbox row; once sent, the row holds its message id.
CREATE TABLE card_copies (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    chat_id        INTEGER NOT NULL,
    message_id     INTEGER,
    outbox_id      INTEGER REFERENCES outbox (id) ON DELETE SET NULL,
    CHECK (message_id IS NOT NULL OR outbox_id IS NOT NULL)
);
CREATE INDEX card_copies_by_application ON card_copies (application_id);
