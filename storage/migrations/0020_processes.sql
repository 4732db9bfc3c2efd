-- Several bot processes on one database (PostgreSQL). Each process is a `holder` (host, pid and
-- a random part), alive while its heartbeat is fresh; a process that dies stops renewing, and
-- what it held returns to the others when its leases run out. Times are wall-clock seconds.
CREATE TABLE processes (
    holder TEXT PRIMARY KEY,
    seen   REAL NOT NULL
);

-- Who sends a chat's queued messages ('outbox') or handles its updates ('inbox') now: one
-- process per chat at a time, so each chat's order holds across processes.
CREATE TABLE chat_claims (
    kind    TEXT NOT NULL CHECK (kind IN ('outbox', 'inbox')),
    chat_id INTEGER NOT NULL,
    holder  TEXT NOT NULL,
    until   REAL NOT NULL,
    PRIMARY KEY (kind, chat_id)
);
CREATE INDEX chat_claims_by_holder ON chat_claims (holder);

-- Updates received by a webhook. Telegram's update_id orders them; a retried or replayed POST
-- is stored (and handled) once: a taken update keeps its row a day, its payload emptied (it
-- holds what a person typed).
CREATE TABLE inbox (
    update_id   INTEGER PRIMARY KEY,
    chat_id     INTEGER NOT NULL,   -- the chat (or user) whose order it keeps; 0: none
    payload     TEXT NOT NULL,
    received_at REAL NOT NULL,
    taken       REAL                -- when its handling started; NULL: waiting
);
CREATE INDEX inbox_waiting ON inbox (chat_id, update_id) WHERE taken IS NULL;
CREATE INDEX inbox_taken ON inbox (taken) WHERE taken IS NOT NULL;

-- A periodic job that must run once per period whichever process runs it.
CREATE TABLE job_runs (
    name TEXT PRIMARY KEY,
    at   REAL NOT NULL
);
