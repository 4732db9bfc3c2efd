"""The log's last line of defence: NIK- and phone-like numbers and the token never get through."""

from __future__ import annotations

import logging

import pytest

from bot.logredact import RedactingFilter, redact


@pytest.mark.parametrize(("line", "shown"), [
    ("NIK 5207014508950003 ditolak", "NIK [angka] ditolak"),
    ("HP +62 812-3456-7890", "HP [angka]"),
    ("0812 3456 7890", "[angka]"),
    ("https://api.telegram.org/bot123456:ABCdefGHIjklMNOpqrSTUvwxYZ012345/getMe",
     "https://api.telegram.org/bot[token]/getMe"),
    ("outbox row 12 refused, attempt 3 of 8", "outbox row 12 refused, attempt 3 of 8"),
])
def test_numbers_and_tokens_are_redacted(line: str, shown: str) -> None:
    assert redact(line) == shown


def test_the_filter_redacts_arguments_and_tracebacks() -> None:
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "row %s for %s",
                               (7, "5207014508950003"), None)
    try:
        raise ValueError("phone 081234567890 invalid")
    except ValueError as exc:
        record.exc_info = (type(exc), exc, exc.__traceback__)
    assert RedactingFilter().filter(record)
    assert record.getMessage() == "row 7 for [angka]"
    assert record.exc_text and "081234567890" not in record.exc_text
    assert "[angka]" in record.exc_text
