"""Replies that Telegram failed to take are tried again, where that can never double them.

A handler's reply (a sendMessage, an edit, an answerCallbackQuery...) answered with a 5xx or
lost to a timeout used to be gone: the person had to ask again. bot.ratelimit's
ChatRateLimiter, the path of every Bot API request, now tries such a request again after
RETRY_DELAYS (0.5, 1 and 2 s: four tries in all) when sending it twice is harmless:

- an idempotent method (edits, answerCallbackQuery, deletes, getters and setters, a chat
  action): after any network error, a 5xx and a timeout alike. A retry after a timeout may find
  that the first try did reach Telegram: "message is not modified", "query is too old" or
  "message to delete not found" then mean done (`done_already`), and the call returns True;
- anything else, above all what makes a new message (sendMessage, sendPhoto, sendDocument,
  sendMediaGroup, copyMessage...): only when the request certainly did not take effect
  (`certainly_not_sent`): Telegram answered with an error (a 5xx says it failed), or no
  connection was made (refused, connect timeout), or no connection of the pool was free (PTB's
  pool timeout: the request was never sent). A read or write timeout, or a connection dropped
  in the middle, is NOT retried: Telegram may have delivered the message, and a second try
  would show it twice. That reply is lost; the person asks again (/lanjut, /daftar, /jadwal
  and a second tap all resume from the database).

Only replies are retried here (the default priority, URGENT). The outbox's deliveries (NORMAL
and BULK) are not: the outbox counts each attempt in the database, backs off, records a
message that keeps failing, and knows whether a message it sent before a crash went out;
retrying under it would multiply its attempts, hide failures from its count and hold its chat
worker (and a stop that waits for messages in flight) for seconds more.
"""

from __future__ import annotations

import httpx
from telegram.error import BadRequest, NetworkError, TelegramError, TimedOut

RETRY_DELAYS = (0.5, 1.0, 2.0)

# Methods that leave the same state however often they are called (by prefix or by name).
IDEMPOTENT_PREFIXES = ("get", "edit", "delete", "set", "unpin")
IDEMPOTENT = frozenset({"answercallbackquery", "sendchataction", "pinchatmessage"})

# What Telegram answers a second try of an idempotent call whose first try got through.
DONE_ALREADY = ("message is not modified", "query is too old", "query id is invalid",
                "message to delete not found", "message can't be deleted")

# Transport errors after which the request certainly never reached Telegram.
NOT_CONNECTED = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def idempotent(endpoint: str) -> bool:
    name = endpoint.lower()
    return name in IDEMPOTENT or name.startswith(IDEMPOTENT_PREFIXES)


def failed_in_transit(error: BaseException) -> bool:
    """A 5xx, a timeout or a connection error: not a refusal (PTB's BadRequest is a
    NetworkError too, but Telegram judged that request, and would judge it the same again)."""
    return isinstance(error, NetworkError) and not isinstance(error, BadRequest)


def certainly_not_sent(error: BaseException) -> bool:
    """Whether the failed request surely did not take effect at Telegram."""
    if not failed_in_transit(error):
        return False
    cause = error.__cause__
    if isinstance(error, TimedOut):  # the pool's timeout says so itself ("*not* sent")
        return isinstance(cause, NOT_CONNECTED) or "not* sent" in error.message
    if cause is None or isinstance(cause, TelegramError):
        # Telegram answered, with an error status that has no exception of its own (a 5xx;
        # 400/403/404/409/429 raise BadRequest, Forbidden...): it says it did not do it.
        return True
    return isinstance(cause, NOT_CONNECTED)  # refused; a dropped connection is ambiguous


def may_retry(endpoint: str, error: BaseException) -> bool:
    """Whether a reply that failed with `error` may be sent again."""
    if not failed_in_transit(error):  # 400, 403, 429 (bot.ratelimit's own) and kin
        return False
    return idempotent(endpoint) or certainly_not_sent(error)


def done_already(endpoint: str, error: BaseException) -> bool:
    """A retried idempotent call refused because its first try got through after all."""
    return (idempotent(endpoint) and isinstance(error, BadRequest)
            and any(words in error.message.lower() for words in DONE_ALREADY))
