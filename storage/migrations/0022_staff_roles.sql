-- What Telegram last said of a person's place in the staff group ('admin', 'member', 'none'),
-- shared by every bot process: believed until `until` (wall-clock seconds), then asked again;
-- a chat_member update changes it at once, whichever process receives it.
CREATE TABLE staff_roles (
    user_id INTEGER PRIMARY KEY,
    role    TEXT NOT NULL CHECK (role IN ('admin', 'member', 'none')),
    until   REAL NOT NULL
);
