-- A staff member's unfinished decision on a card: the items ticked for fixing, or a fail
-- reason they are about to type. Kept in the database so a restart loses nothing.
CREATE TABLE review_drafts (
    application_id  INTEGER NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    actor_id        INTEGER NOT NULL,
    items           TEXT NOT NULL DEFAULT '[]',
    awaiting_reason INTEGER NOT NULL DEFAULT 0 CHECK (awaiting_reason IN (0, 1)),
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (application_id, actor_id)
);
