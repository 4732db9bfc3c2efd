"""Minutes-left warnings tell the truth: never more time than is left, none twice, none larger
after a smaller one, scaled to short tests (a tick every 5 s, as the bot runs it)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.testing import warnings_due

START = datetime(2023, 11, 20, 0, 0, tzinfo=UTC)


def run(minutes: int, tick: timedelta = timedelta(seconds=5),
        pause: tuple[int, int] | None = None) -> list[tuple[int, timedelta]]:
    """Every warning sent over a whole attempt, with the time left when it went out.
    `pause`: (from, to) seconds after the start during which no tick runs (the bot is down)."""
    deadline = START + timedelta(minutes=minutes)
    sent: list[int] = []
    out = []
    now = START
    while now < deadline:
        elapsed = (now - START).total_seconds()
        if pause is None or not pause[0] <= elapsed < pause[1]:
            for m in warnings_due(deadline, now, sent, deadline - START):
                sent.append(m)
                out.append((m, deadline - now))
        now += tick
    return out


@pytest.mark.parametrize(("minutes", "expected"), [(60, [10, 5, 1]), (30, [10, 5, 1]),
                                                    (5, [1]), (3, [1]), (1, [])])
def test_each_warning_once_in_order_and_never_more_than_is_left(
        minutes: int, expected: list[int]) -> None:
    sent = run(minutes)
    assert [m for m, _ in sent] == expected
    for stated, left in sent:
        assert left <= timedelta(minutes=stated)  # never more time than is left
        assert left > timedelta(minutes=stated - 1)  # and not stale


def test_a_late_tick_skips_a_warning_rather_than_overstate_the_time() -> None:
    # Down from 49:00 to 56:30 of a 60-minute test: "10" and "5" minutes have gone stale.
    sent = run(60, pause=(49 * 60, 56 * 60 + 30))
    assert [m for m, _ in sent] == [1]
    # Down from 49:00 to 50:30: the 10-minute warning comes late but true (9:30 left > 9).
    sent = run(60, pause=(49 * 60, 50 * 60 + 30))
    assert [m for m, _ in sent] == [10, 5, 1]
    assert sent[0][1] == timedelta(minutes=9, seconds=30)
