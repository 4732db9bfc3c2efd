-- The messages in which an attempt's screen is shown (the first copy, each /lanjut copy, a
-- screen that replaced another), so that when the attempt ends every copy still in the chat is
-- edited into its final, button-less state, also after a restart.
CREATE TABLE attempt_screens (
    attempt_id INTEGER NOT NULL REFERENCES attempts (id) ON DELETE CASCADE,
    chat_id    INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    is_photo   INTEGER NOT NULL DEFAULT 0 CHECK (is_photo IN (0, 1)), -- edited as a caption
    PRIMARY KEY (attempt_id, chat_id, message_id)
);
