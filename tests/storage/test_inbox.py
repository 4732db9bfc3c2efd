"""Webhook updates stored in the database (bot.inbox): each chat's in order, at most once, and
none lost by a stop: an update not started stays stored for the next process or start."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

from bot.inbox import Inbox
from bot.processes import Membership
from storage.db import Database


def update(update_id: int, chat_id: int) -> dict[str, Any]:
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": 0, "chat": {"id": chat_id, "type": "private"},
        "from": {"id": chat_id, "is_bot": False, "first_name": "Siti"}, "text": "/help"}}


class SlowBot:
    """Stands in for PTB's Application: records the updates it handles, each held until let go."""

    def __init__(self) -> None:
        self.bot = None
        self.handled: list[int] = []
        self.started = asyncio.Event()
        self.go = asyncio.Event()

    async def process_update(self, u: Any) -> None:
        self.handled.append(u.update_id)
        self.started.set()
        await self.go.wait()


async def waiting(db: Database) -> list[int]:
    rows = await db.fetchall("SELECT update_id FROM inbox WHERE taken IS NULL AND payload != ''"
                             " ORDER BY update_id")
    return [r[0] for r in rows]


async def test_updates_not_started_when_a_stop_comes_stay_stored(db: Database) -> None:
    app = SlowBot()
    inbox = Inbox(SimpleNamespace(bot=None, process_update=app.process_update),  # type: ignore[arg-type]
                  db, Membership(db), max_working=1)
    for update_id, chat in ((1, 101), (2, 102), (3, 103), (4, 101)):
        await inbox.receive(update(update_id, chat))
    await inbox.receive(update(1, 101))  # Telegram's retry: stored once
    inbox.start()
    await app.started.wait()
    # The other chats' workers wait for the one slot; meanwhile their updates stay untouched
    # (a second is far longer than marking one takes).
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 1.0
    while loop.time() < deadline:  # that nothing happens, for a while
        assert len(await waiting(db)) == 3
        await asyncio.sleep(0.02)
    await inbox.stop(grace_seconds=0)  # one is in hand (cancelled), the others never began
    assert len(app.handled) == 1
    assert await waiting(db) == [u for u in (1, 2, 3, 4) if u not in app.handled]


async def test_each_chats_updates_are_handled_in_order_and_once(db: Database) -> None:
    app = SlowBot()
    app.go.set()
    inbox = Inbox(SimpleNamespace(bot=None, process_update=app.process_update),  # type: ignore[arg-type]
                  db, Membership(db), max_working=4)
    inbox.start()
    try:
        for update_id, chat in ((1, 101), (2, 102), (3, 101), (4, 101), (5, 102)):
            await inbox.receive(update(update_id, chat))
        await inbox.receive(update(3, 101))  # a replay after it may have been handled: once
        while len(app.handled) < 5:  # noqa: ASYNC110 - the inbox's own workers, polled
            await asyncio.sleep(0.01)
        assert [u for u in app.handled if u in (1, 3, 4)] == [1, 3, 4]
        assert [u for u in app.handled if u in (2, 5)] == [2, 5]
        assert sorted(app.handled) == [1, 2, 3, 4, 5]
        assert await waiting(db) == []
    finally:
        await inbox.stop(grace_seconds=1)
