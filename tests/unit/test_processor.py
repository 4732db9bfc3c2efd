"""The update processor: each chat in order, and a stop that does not wait a minute for a
busy group's replies (what is still waiting after the grace is dropped, never what is out to
Telegram)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from telegram import Chat, Message, Update

from bot.processor import PerChatUpdateProcessor
from tests.unit.test_ratelimit import settle

GROUP, PERSON = -100123, 700000001


def update(number: int, chat_id: int) -> Update:
    kind = Chat.SUPERGROUP if chat_id < 0 else Chat.PRIVATE
    message = Message(number, datetime(2024, 3, 1, tzinfo=UTC), Chat(chat_id, kind), text="/x")
    return Update(number, message=message)


class Handler:
    """Stands in for PTB's handling of one update: records what it did."""

    def __init__(self) -> None:
        self.started: list[int] = []
        self.done: list[int] = []
        self.rolled_back: list[int] = []
        self.release = asyncio.Event()

    async def waits_for_budget(self, number: int) -> None:  # a reply held in a group's lane
        self.started.append(number)
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            self.rolled_back.append(number)
            raise

    async def quick(self, number: int) -> None:
        self.started.append(number)
        await self.release.wait()
        self.done.append(number)


async def test_updates_in_hand_finish_within_the_grace() -> None:
    processor, handler = PerChatUpdateProcessor(4), Handler()
    tasks = [asyncio.create_task(processor.process_update(update(n, chat), handler.quick(n)))
             for n, chat in ((1, PERSON), (2, GROUP), (3, PERSON))]
    await settle(lambda: len(handler.started) == 2)  # 3 waits for 1: the same chat
    finishing = asyncio.create_task(processor.finish(60, set()))
    handler.release.set()
    assert await finishing == 0
    assert sorted(handler.done) == [1, 2, 3]
    await asyncio.gather(*tasks)


async def test_after_the_grace_what_still_waits_is_dropped_and_what_is_out_finishes() -> None:
    processor, handler = PerChatUpdateProcessor(4), Handler()
    in_flight: set[asyncio.Task[Any]] = set()
    held = asyncio.create_task(processor.process_update(update(1, GROUP),
                                                        handler.waits_for_budget(1)))
    queued = asyncio.create_task(processor.process_update(update(2, GROUP), handler.quick(2)))
    sending = asyncio.create_task(processor.process_update(update(3, PERSON), handler.quick(3)))
    in_flight.add(sending)  # its request is out to Telegram: the stop waits for it
    await settle(lambda: handler.started == [1, 3])
    finishing = asyncio.create_task(processor.finish(0, in_flight))
    await settle(lambda: handler.rolled_back == [1])
    assert not finishing.done()  # still waiting for the request that is out
    handler.release.set()
    assert await finishing == 2  # the held reply and the update queued behind it
    assert handler.done == [3] and 2 not in handler.started
    await asyncio.gather(held, queued, sending, return_exceptions=True)
    late = handler.quick(4)  # arrives after the stop: never started
    await processor.process_update(update(4, PERSON), late)
    assert 4 not in handler.started
