-- The staff group's compact feed: one line per submission and per decision, posted together
-- at most once a minute (instead of every card with its documents), when review happens in
-- private chats (recruitment file: review.group_cards = false).
CREATE TABLE staff_feed (
    id         INTEGER PRIMARY KEY,
    recruitment TEXT NOT NULL,
    line       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    posted     INTEGER NOT NULL DEFAULT 0 CHECK (posted IN (0, 1))
);
CREATE INDEX staff_feed_unposted ON staff_feed (recruitment, posted, id);
