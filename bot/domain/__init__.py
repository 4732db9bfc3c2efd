"""Domain rules: pure functions and models, no Telegram, no SQL."""
