"""The rate limiter: a group's lane serves by priority, a 429 pauses only what it concerns, and
a reply that failed on the way is sent again where that cannot double it."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot import retry
from bot.ratelimit import (
    BULK,
    NORMAL,
    URGENT,
    ChatRateLimiter,
    Lane,
    NotWanted,
    SharedLane,
    is_group,
)


async def settle(predicate: Any) -> None:
    """Let the event loop run until `predicate()` holds (no time passes for the lane)."""
    for _ in range(1000):
        if predicate():
            return
        await asyncio.sleep(0)
    raise AssertionError("never settled")


async def test_a_group_lane_serves_by_priority_then_arrival() -> None:
    now = [0.0]
    lane = Lane(2, 60, lambda: now[0])
    await lane.acquire()
    await lane.acquire()  # the minute's budget is spent
    served: list[str] = []

    async def wait(name: str, priority: int) -> None:
        await lane.acquire(priority)
        served.append(name)

    tasks = [asyncio.create_task(wait(name, priority)) for name, priority in (
        ("queue page 1", BULK), ("card", NORMAL), ("queue page 2", BULK), ("decision", URGENT))]
    await settle(lambda: lane.waiting == 4)
    assert served == []
    now[0] = 60.0
    lane.pump()
    await settle(lambda: len(served) == 2)
    assert served == ["decision", "card"]
    now[0] = 120.0
    lane.pump()
    await asyncio.gather(*tasks)
    assert served == ["decision", "card", "queue page 1", "queue page 2"]


async def test_a_cancelled_waiter_takes_no_budget() -> None:
    now = [0.0]
    lane = Lane(1, 60, lambda: now[0])
    await lane.acquire()
    gone = asyncio.create_task(lane.acquire())
    kept = asyncio.create_task(lane.acquire())
    await settle(lambda: lane.waiting == 2)
    gone.cancel()
    now[0] = 60.0
    lane.pump()
    await kept
    assert lane.waiting == 0


def test_groups_are_told_from_people() -> None:
    assert is_group(-1001234) and is_group("-1001234") and is_group("@kanal")
    assert not is_group(700000001) and not is_group("700000001")


class FakeTelegram:
    """Answers 429 (retry after `seconds`) to the first request for each chat in `busy`."""

    def __init__(self, busy: set[int], seconds: float) -> None:
        self.busy, self.seconds = set(busy), seconds
        self.done: list[int] = []
        self.first_done = asyncio.Event()

    async def call(self, chat_id: int) -> bool:
        if chat_id in self.busy:
            self.busy.discard(chat_id)
            raise RetryAfter(self.seconds)
        self.done.append(chat_id)
        self.first_done.set()
        return True


async def send(limiter: ChatRateLimiter, telegram: FakeTelegram, chat_id: int) -> Any:
    return await limiter.process_request(telegram.call, (chat_id,), {}, "sendMessage",
                                         {"chat_id": chat_id}, None)


async def test_a_429_in_the_staff_group_pauses_only_the_group() -> None:
    limiter = ChatRateLimiter()
    telegram = FakeTelegram({-1001}, seconds=2)
    group = asyncio.create_task(send(limiter, telegram, -1001))
    await settle(lambda: limiter.paused(-1001))
    assert not limiter.paused(700000001) and not limiter.paused(None)
    assert await send(limiter, telegram, 700000001)  # an applicant, not held up
    assert telegram.done == [700000001]
    assert await group  # the group's own retry, after its pause
    assert telegram.done == [700000001, -1001]


async def test_429s_for_several_chats_at_once_pause_the_whole_bot() -> None:
    limiter = ChatRateLimiter()
    telegram = FakeTelegram({1, 2, 3}, seconds=1)
    first = [asyncio.create_task(send(limiter, telegram, chat)) for chat in (1, 2, 3)]
    await settle(lambda: limiter.paused(None))
    assert limiter.paused(4)  # everybody waits: the bot as a whole is over its limit
    await asyncio.gather(*first)
    assert sorted(telegram.done) == [1, 2, 3]



async def test_at_the_bots_overall_ceiling_a_reply_goes_before_queued_deliveries() -> None:
    now = [0.0]
    limiter = ChatRateLimiter(overall_per_second=2, now=lambda: now[0])
    telegram = FakeTelegram(set(), seconds=0)
    assert await send(limiter, telegram, 1) and await send(limiter, telegram, 2)  # spent

    async def queued(chat_id: int, priority: int) -> Any:
        return await limiter.process_request(telegram.call, (chat_id,), {}, "sendMessage",
                                             {"chat_id": chat_id}, {"priority": priority})

    assert limiter.overall is not None
    tasks = [asyncio.create_task(queued(chat, priority)) for chat, priority in (
        (3, NORMAL), (4, BULK), (5, NORMAL))]
    await settle(lambda: limiter.overall is not None and limiter.overall.waiting == 3)
    tap = asyncio.create_task(queued(6, URGENT))  # a person's tap, answered last to arrive
    await settle(lambda: limiter.overall is not None and limiter.overall.waiting == 4)
    now[0] = 1.0
    limiter.overall.pump()
    await settle(lambda: len(telegram.done) == 4)
    assert telegram.done == [1, 2, 6, 3]
    now[0] = 2.0
    limiter.overall.pump()
    await asyncio.gather(tap, *tasks)
    assert telegram.done == [1, 2, 6, 3, 5, 4]

# ---- replies that failed on the way are tried again where that cannot double them ----------
def failure(kind: str) -> Exception:
    """A failure as PTB raises it: Telegram's error answer, or a transport error it wraps."""
    if kind == "5xx":  # an error status with no exception of its own (no cause)
        return NetworkError("Bad Gateway")
    if kind == "pool":
        return TimedOut("Pool timeout: All connections in the connection pool are occupied. "
                        "Request was *not* sent to Telegram.")
    causes = {"read timeout": (TimedOut, httpx.ReadTimeout("read")),
              "write timeout": (TimedOut, httpx.WriteTimeout("write")),
              "connect timeout": (TimedOut, httpx.ConnectTimeout("connect")),
              "refused": (NetworkError, httpx.ConnectError("refused")),
              "dropped": (NetworkError, httpx.RemoteProtocolError("disconnected"))}
    wrapper, cause = causes[kind]
    error = wrapper() if wrapper is TimedOut else wrapper(f"httpx.{type(cause).__name__}")
    error.__cause__ = cause
    return error


@pytest.mark.parametrize(("endpoint", "kind", "expected"), [
    # a new message: only when it certainly did not take effect
    ("sendMessage", "5xx", True),
    ("sendMessage", "refused", True),
    ("sendMessage", "connect timeout", True),
    ("sendMessage", "pool", True),
    ("sendMessage", "read timeout", False),   # may have been delivered: a retry could double it
    ("sendMessage", "write timeout", False),
    ("sendMessage", "dropped", False),
    ("sendPhoto", "read timeout", False),
    ("sendMediaGroup", "5xx", True),
    ("copyMessage", "read timeout", False),
    # idempotent: whatever the failure
    ("editMessageText", "read timeout", True),
    ("editMessageReplyMarkup", "dropped", True),
    ("answerCallbackQuery", "read timeout", True),
    ("deleteMessage", "5xx", True),
    ("getFile", "read timeout", True),
    ("setMyCommands", "5xx", True),
])
def test_which_failed_replies_may_be_sent_again(endpoint: str, kind: str, expected: bool) -> None:
    assert retry.may_retry(endpoint, failure(kind)) is expected


def test_refusals_are_never_retried() -> None:
    for error in (BadRequest("Bad Request: message is too long"), Forbidden("blocked"),
                  RetryAfter(3)):
        assert not retry.may_retry("sendMessage", error)
        assert not retry.may_retry("editMessageText", error)
        assert not retry.certainly_not_sent(error)


class Flaky:
    """Fails with the given errors, in order, then answers `result`; counts the calls."""

    def __init__(self, *errors: Exception, result: Any = None) -> None:
        self.errors, self.calls = list(errors), 0
        self.result = {"message_id": 1} if result is None else result

    async def __call__(self) -> Any:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return self.result


def quick_limiter() -> ChatRateLimiter:
    return ChatRateLimiter(retry_delays=(0.0, 0.0, 0.0))


async def call(limiter: ChatRateLimiter, telegram: Flaky, endpoint: str,
               rate_limit_args: dict[str, Any] | None = None) -> Any:
    return await limiter.process_request(telegram, (), {}, endpoint, {"chat_id": 700000001},
                                         rate_limit_args)


async def test_a_reply_answered_with_a_5xx_is_sent_again() -> None:
    telegram = Flaky(failure("5xx"), failure("5xx"))
    assert await call(quick_limiter(), telegram, "sendMessage") == {"message_id": 1}
    assert telegram.calls == 3


async def test_a_reply_whose_answer_timed_out_is_not_sent_twice() -> None:
    telegram = Flaky(failure("read timeout"))
    with pytest.raises(TimedOut):
        await call(quick_limiter(), telegram, "sendMessage")
    assert telegram.calls == 1


async def test_a_reply_gives_up_after_its_last_try() -> None:
    telegram = Flaky(*[failure("5xx")] * 4)
    with pytest.raises(NetworkError):
        await call(quick_limiter(), telegram, "sendMessage")
    assert telegram.calls == 4  # the first try and three more


async def test_the_default_backoff_is_half_a_second_then_doubling() -> None:
    assert retry.RETRY_DELAYS == (0.5, 1.0, 2.0)


async def test_an_edit_that_timed_out_but_got_through_is_done() -> None:
    telegram = Flaky(failure("read timeout"),
                     BadRequest("Bad Request: message is not modified: specified new message "
                                "content and reply markup are exactly the same"))
    assert await call(quick_limiter(), telegram, "editMessageText") is True
    assert telegram.calls == 2
    answered = Flaky(failure("read timeout"), BadRequest(
        "Bad Request: query is too old and response timeout expired or query ID is invalid"))
    assert await call(quick_limiter(), answered, "answerCallbackQuery") is True


async def test_a_not_modified_edit_without_a_timeout_before_is_the_callers_to_judge() -> None:
    telegram = Flaky(BadRequest("Bad Request: message is not modified"))
    with pytest.raises(BadRequest):
        await call(quick_limiter(), telegram, "editMessageText")
    assert telegram.calls == 1


async def test_the_outbox_keeps_its_own_retries() -> None:
    """Its deliveries (NORMAL, BULK) reach it at the first failure: it counts the attempt in
    the database and schedules the next one itself."""
    for priority in (NORMAL, BULK):
        telegram = Flaky(failure("5xx"))
        with pytest.raises(NetworkError):
            await call(quick_limiter(), telegram, "sendMessage", {"priority": priority})
        assert telegram.calls == 1


async def test_a_429_and_a_5xx_on_the_same_reply_are_both_survived() -> None:
    limiter = ChatRateLimiter(retry_delays=(0.0,))
    telegram = Flaky(RetryAfter(0.01), failure("5xx"), RetryAfter(0.01))
    assert await call(limiter, telegram, "sendMessage") == {"message_id": 1}
    assert telegram.calls == 4


async def test_a_delivery_no_longer_wanted_when_its_turn_comes_is_not_sent() -> None:
    limiter = ChatRateLimiter()
    telegram = FakeTelegram(set(), seconds=0)
    wanted = {"reminder": True}

    async def still_wanted() -> bool:
        return wanted["reminder"]

    async def deliver(chat_id: int) -> Any:
        return await limiter.process_request(
            telegram.call, (chat_id,), {}, "sendMessage", {"chat_id": chat_id},
            {"priority": NORMAL, "still_wanted": still_wanted})

    assert await deliver(1)
    wanted["reminder"] = False  # e.g. the person submitted while the reminder waited
    with pytest.raises(NotWanted):
        await deliver(2)
    assert telegram.done == [1]


async def test_a_shared_lane_asks_for_the_best_priority_first_and_keeps_replies_a_tenth(
) -> None:
    asked: list[tuple[int, int]] = []
    room = [0]  # what the shared window will grant
    grants: asyncio.Queue[None] = asyncio.Queue()

    async def take(lane: str, want: int, limit: int, period: float) -> tuple[int, float]:
        asked.append((want, limit))
        await grants.get()
        granted = min(want, room[0])
        room[0] -= granted
        return granted, 0.0 if granted == want else 3600.0  # (no refill within the test)

    lane = SharedLane("overall", 20, 1, lambda: 0.0, take)
    served: list[str] = []

    async def wait(name: str, priority: int) -> None:
        await lane.acquire(priority)
        served.append(name)

    tasks = [asyncio.create_task(wait(name, priority)) for name, priority in (
        ("card", NORMAL), ("feed", BULK), ("decision", NORMAL))]
    await settle(lambda: len(asked) == 1)
    assert asked == [(2, 18)]  # the two NORMAL waiters; queued ones leave replies 2 of 20
    tasks.append(asyncio.create_task(wait("tap", URGENT)))  # comes while the lane asks
    room[0] = 2
    grants.put_nowait(None)
    await settle(lambda: len(served) == 2 and len(asked) == 2)
    assert served == ["tap", "card"]  # what was granted goes to the best waiting
    assert asked[1] == (1, 18)  # then the decision
    grants.put_nowait(None)  # no room: the lane waits for its window's refill...
    await settle(lambda: lane._timer is not None)
    tasks.append(asyncio.create_task(wait("tap 2", URGENT)))  # ...but a reply may use the
    await settle(lambda: len(asked) == 3)  # replies' tenth, so it asks again at once
    assert asked[2] == (1, 20)
    room[0] = 1
    grants.put_nowait(None)
    await settle(lambda: len(served) == 3)
    assert served == ["tap", "card", "tap 2"]
    for task in tasks:
        task.cancel()
    grants.put_nowait(None)


async def test_a_reply_coming_while_queued_ones_are_refused_is_asked_for_at_once() -> None:
    asked: list[tuple[int, int]] = []
    gate: asyncio.Queue[None] = asyncio.Queue()
    answers = [(0, 3600.0), (1, 0.0)]  # the card: no room for an hour; the tap: room

    async def take(lane: str, want: int, limit: int, period: float) -> tuple[int, float]:
        asked.append((want, limit))
        await gate.get()
        return answers.pop(0)

    lane = SharedLane("chat:-1001", 20, 60, lambda: 0.0, take)
    card = asyncio.create_task(lane.acquire(NORMAL))
    await settle(lambda: len(asked) == 1)
    tap = asyncio.create_task(lane.acquire(URGENT))  # while the card's asking is out
    await settle(lambda: lane.waiting == 2)
    gate.put_nowait(None)
    await settle(lambda: len(asked) == 2)
    assert asked[1] == (1, 20)  # not left waiting for the card's hour
    gate.put_nowait(None)
    await asyncio.wait_for(tap, 10)
    assert not card.done()
    card.cancel()


async def test_a_shared_lane_waits_and_asks_again_when_the_database_fails(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(SharedLane, "RETRY_AFTER_ERROR", 0.01)
    calls = [0]

    async def take(lane: str, want: int, limit: int, period: float) -> tuple[int, float]:
        calls[0] += 1
        if calls[0] == 1:
            raise OSError("connection lost")
        return want, 0.0

    lane = SharedLane("chat:-1001", 20, 60, lambda: 0.0, take)
    await asyncio.wait_for(lane.acquire(NORMAL), 10)
    assert calls[0] == 2
