"""Instants are stored as UTC text that sorts as time does, and come back as the same instant."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from storage.timestamps import from_db, to_db
from tests.storage.conftest import WITA

WIB = timezone(timedelta(hours=7), "WIB")


def test_a_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        to_db(datetime(2024, 3, 1, 9, 0))


def test_an_instant_in_any_zone_comes_back_as_the_same_instant_in_utc() -> None:
    local = datetime(2024, 3, 1, 9, 0, 0, 250, tzinfo=WITA)  # 01:00:00.000250 UTC
    text = to_db(local)
    assert text == "2024-03-01T01:00:00.000250+00:00"
    back = from_db(text)
    assert back == local and back.tzinfo is UTC and back.microsecond == 250
    # a value written with another offset (by hand, or by an older version) is read right too
    assert from_db("2024-03-01T09:00:00+08:00") == datetime(2024, 3, 1, 1, 0, tzinfo=UTC)


def test_the_stored_text_sorts_as_the_instants_do() -> None:
    """SQL compares these strings (deadlines, leases, session starts): the order must be time's,
    whatever zone each instant was given in, with or without microseconds."""
    instants = [
        datetime(2024, 3, 1, 8, 59, 59, 999999, tzinfo=WITA),
        datetime(2024, 3, 1, 1, 0, tzinfo=UTC),
        datetime(2024, 3, 1, 8, 0, 0, 1, tzinfo=WIB),
        datetime(2024, 2, 29, 23, 30, tzinfo=timezone(timedelta(hours=-2))),
        datetime(2024, 3, 1, 0, 59, tzinfo=UTC),
    ]
    assert sorted(instants, key=to_db) == sorted(instants)
    assert len({len(to_db(when)) for when in instants}) == 1  # fixed width
