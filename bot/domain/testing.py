"""The timed test as pure rules: deadlines, what may happen when, warnings, scoring."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

WARNING_MINUTES = (10, 5, 1)


def deadline(started: datetime, minutes: int, extra_minutes: int,
             hard_end: datetime | None) -> datetime:
    """`min(start + duration (+ extra), session end)`: the clock starts at first delivery.
    Extra minutes given by staff for an incident may pass the session's end."""
    natural = started + timedelta(minutes=minutes)
    if hard_end is not None:
        natural = min(natural, hard_end)
    return natural + timedelta(minutes=extra_minutes)


def remaining(deadline_at: datetime, now: datetime) -> timedelta:
    return max(timedelta(0), deadline_at - now)


def format_remaining(left: timedelta) -> str:
    """`42:13`, `60:00`, `75:00`: minutes and seconds (a test is never many hours long)."""
    minutes, seconds = divmod(int(left.total_seconds()), 60)
    return f"{minutes:02d}:{seconds:02d}"


def warnings_due(deadline_at: datetime, now: datetime, sent: list[int],
                 span: timedelta) -> list[int]:
    """The minutes-left warning to send now (at most one), true to the time actually left:

    - only warnings shorter than the attempt's whole time (`span`, start to deadline): a
      5-minute practice gets no "5 minutes left", a 3-minute test only "1 minute left";
    - a warning for m minutes only while between m-1 and m minutes are left, so it never states
      more time than is left (a tick that comes late, e.g. after a restart, skips it);
    - never a larger warning after a smaller one, and none twice (`sent`)."""
    left = deadline_at - now
    if left <= timedelta(0):
        return []
    smallest_sent = min(sent, default=None)
    for minutes in sorted(WARNING_MINUTES):
        if timedelta(minutes=minutes) >= span:
            continue
        if smallest_sent is not None and minutes >= smallest_sent:
            continue
        if timedelta(minutes=minutes - 1) < left <= timedelta(minutes=minutes):
            return [minutes]
    return []


@dataclass(frozen=True)
class SessionWindow:
    start: datetime
    end: datetime

    def can_start(self, now: datetime) -> bool:
        return self.start <= now < self.end


def reminder_times(start: datetime, zone_start_local: datetime) -> dict[str, datetime]:
    """When each session reminder is due: the evening before (19:00 local), 60 and 10 minutes
    before, and at the start."""
    evening = (zone_start_local - timedelta(days=1)).replace(hour=19, minute=0, second=0,
                                                              microsecond=0)
    return {
        "evening": evening,
        "60min": start - timedelta(minutes=60),
        "10min": start - timedelta(minutes=10),
        "start": start,
    }
