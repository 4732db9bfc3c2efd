-- A question of the scored test voided, or accepted with a corrected or second key, after
-- the item analysis (administrators, with a reason; audited). Every scored attempt that drew
-- it is rescored; the latest ruling on a question is the one that holds.
CREATE TABLE question_rulings (
    recruitment TEXT NOT NULL,
    question_id TEXT NOT NULL,
    ruling      TEXT NOT NULL CHECK (ruling IN ('void', 'rekey')),
    accepted    TEXT NOT NULL DEFAULT '[]',  -- rekey: the option texts counted correct
    reason      TEXT NOT NULL,
    actor_id    INTEGER NOT NULL,
    actor_name  TEXT,
    at          TEXT NOT NULL,
    PRIMARY KEY (recruitment, question_id),
    CHECK (ruling = 'void' OR accepted != '[]')
);
-- How many valid questions an attempt's score counts (NULL: every question it drew), so that
-- forms stay comparable as the share of valid questions answered correctly.
ALTER TABLE attempts ADD COLUMN scored_of INTEGER;
ALTER TABLE ranking_rows ADD COLUMN test_total INTEGER;
-- A preview computed before a ruling no longer shows the scores: it cannot be approved.
ALTER TABLE rankings ADD COLUMN stale INTEGER NOT NULL DEFAULT 0 CHECK (stale IN (0, 1));
