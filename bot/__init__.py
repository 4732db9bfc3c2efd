"""The Mitra Statistik recruitment bot."""

import os

# Opt in to python-telegram-bot's future behaviour now: RetryAfter.retry_after and friends are
# datetime.timedelta (PTB 22 warns on every 429 otherwise). Must be set before PTB is imported.
os.environ.setdefault("PTB_TIMEDELTA", "1")
