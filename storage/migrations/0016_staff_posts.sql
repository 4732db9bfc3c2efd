-- Everything posted to staff about an application, documents included (card_copies held only
-- cards): /hapus deletes those messages and scrubs what the outbox kept of them. `count`: the
-- messages of an album (consecutive ids from its first).
ALTER TABLE card_copies ADD COLUMN is_card INTEGER NOT NULL DEFAULT 1 CHECK (is_card IN (0, 1));
ALTER TABLE card_copies ADD COLUMN count INTEGER NOT NULL DEFAULT 1 CHECK (count >= 1);
