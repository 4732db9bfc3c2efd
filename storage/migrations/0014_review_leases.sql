-- Review in a staff member's private chat: each undecided application is offered to one
-- reviewer at a time (a short lease, renewed while they work on it); an application a
-- reviewer skipped is not offered to them again.
CREATE TABLE review_leases (
    application_id INTEGER PRIMARY KEY REFERENCES applications (id) ON DELETE CASCADE,
    actor_id       INTEGER NOT NULL,
    until          TEXT NOT NULL
);
CREATE TABLE review_skips (
    application_id INTEGER NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    actor_id       INTEGER NOT NULL,
    PRIMARY KEY (application_id, actor_id)
);
