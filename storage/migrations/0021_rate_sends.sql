-- Several bot processes on one database share the bot's Telegram budget (about 30 messages a
-- second, 20 a minute per group): every send any of them makes is recorded here, by lane
-- ('overall', or 'chat:<id>' for a group), and kept only as long as its lane's window.
-- Unused with SQLite (one process, paced in memory).
CREATE TABLE rate_sends (
    lane TEXT NOT NULL,
    at   REAL NOT NULL   -- wall-clock seconds
);
CREATE INDEX rate_sends_by_lane ON rate_sends (lane, at);
