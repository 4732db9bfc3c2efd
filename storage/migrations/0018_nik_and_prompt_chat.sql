-- A withdrawn application holds no NIK (it was kept there by mistake after /hapus), and a
-- staff prompt is answered only in the chat where it was asked (message ids are per chat).
UPDATE applications SET nik = NULL WHERE status = 'withdrawn';
ALTER TABLE review_drafts ADD COLUMN prompt_chat_id INTEGER;
