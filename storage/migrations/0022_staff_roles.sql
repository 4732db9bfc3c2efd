-- What Telegram last said of a person's place in the staff group ('admin', 'member', 'none'),
-- shared by every bot process: believed until `until`, then asked again; `learned` is when it
-- was true (a chat_member update's time, or when getChatMember was asked), and a row is only
-- replaced by something learned later. Times are wall-clock seconds.
CREATE TABLE staff_roles (
    user_id INTEGER PRIMARY KEY,
    role    TEXT NOT NULL CHECK (role IN ('admin', 'member', 'none')),
    learned REAL NOT NULL,
    until   REAL NOT NULL
);
