"""Updates reach the bot via getUpdates (offset, limit, long poll, conflicts) and webhooks."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest
import telegram
from aiohttp import web
from telegram.error import Conflict

from tests.sim.conftest import make_bot
from tests.sim.sim_helpers import assert_no_api_kwargs
from tgsim import Simulator


async def test_offset_confirms_and_limit(bot: telegram.Bot, sim: Simulator) -> None:
    alice = sim.user("Alice")
    for text in ("satu", "dua", "tiga"):
        await alice.send(text)
    first = await bot.get_updates()
    assert [u.message.text for u in first if u.message] == ["satu", "dua", "tiga"]
    assert [u.update_id for u in first] == sorted(u.update_id for u in first)
    assert len(await bot.get_updates()) == 3  # nothing confirmed yet
    assert len(await bot.get_updates(limit=1)) == 1
    rest = await bot.get_updates(offset=first[1].update_id)
    assert [u.message.text for u in rest if u.message] == ["dua", "tiga"]
    assert len(await bot.get_updates()) == 2  # "satu" was confirmed
    assert await bot.get_updates(offset=first[-1].update_id + 1) == ()
    assert sim.updates == []


async def test_long_poll_waits_for_an_update(bot: telegram.Bot, sim: Simulator) -> None:
    alice = sim.user("Alice")
    started = time.monotonic()
    poll = asyncio.create_task(bot.get_updates(timeout=10))
    await sim.wait_until(lambda: sim.poller is not None, 5)
    assert not poll.done()
    await alice.send("halo")
    updates = await asyncio.wait_for(poll, 5)
    assert [u.message.text for u in updates if u.message] == ["halo"]
    assert time.monotonic() - started < 5


async def test_long_poll_times_out_empty(bot: telegram.Bot) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == ()
    assert time.monotonic() - started >= 0.9


async def test_allowed_updates_filters(bot: telegram.Bot, sim: Simulator) -> None:
    alice = sim.user("Alice")
    await bot.get_updates(allowed_updates=["callback_query"])
    await alice.send("ignored")
    assert sim.updates == []
    await bot.send_message(alice.id, "x", reply_markup=telegram.InlineKeyboardMarkup(
        [[telegram.InlineKeyboardButton("A", callback_data="a")]]))
    click = asyncio.create_task(alice.click("A"))
    updates = await bot.get_updates(timeout=5)
    assert updates[0].callback_query is not None
    await bot.answer_callback_query(updates[0].callback_query.id)
    await click
    await bot.get_updates(offset=updates[-1].update_id + 1, allowed_updates=[])
    await alice.send("now allowed")
    assert [u.message.text for u in await bot.get_updates() if u.message] == ["now allowed"]


async def test_conflict_while_webhook_set(bot: telegram.Bot) -> None:
    assert await bot.set_webhook("http://127.0.0.1:9/hook")
    with pytest.raises(Conflict, match="can't use getUpdates method while webhook is active"):
        await bot.get_updates()
    assert await bot.delete_webhook()
    assert await bot.get_updates() == ()


async def test_second_poller_terminates_the_first(sim: Simulator) -> None:
    async with make_bot(sim, "http") as one, make_bot(sim, "inproc") as two:
        first = asyncio.create_task(one.get_updates(timeout=10))
        await sim.wait_until(lambda: sim.poller is not None, 5)
        second = asyncio.create_task(two.get_updates(timeout=10))
        with pytest.raises(Conflict, match="terminated by other getUpdates request"):
            await asyncio.wait_for(first, 5)
        await sim.user("Alice").send("hi")
        assert len(await asyncio.wait_for(second, 5)) == 1


class Receiver:
    """A local webhook endpoint that fails the first ``failures`` deliveries."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.received: list[dict[str, Any]] = []
        self.secrets: list[str | None] = []
        self.changed = asyncio.Event()

    async def handle(self, request: web.Request) -> web.Response:
        self.secrets.append(request.headers.get("X-Telegram-Bot-Api-Secret-Token"))
        if self.failures > 0:
            self.failures -= 1
            return web.Response(status=500)
        self.received.append(json.loads(await request.read()))
        self.changed.set()
        return web.Response(text="ok")

    async def wait_for(self, count: int) -> None:
        while len(self.received) < count:
            self.changed.clear()
            await asyncio.wait_for(self.changed.wait(), 5)


@pytest.fixture
async def receiver() -> Any:
    rec = Receiver(failures=2)
    app = web.Application()
    app.router.add_post("/hook", rec.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    rec.url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"  # type: ignore[attr-defined]
    yield rec
    await runner.cleanup()


async def test_webhook_delivery(bot: telegram.Bot, sim: Simulator, receiver: Any) -> None:
    alice = sim.user("Alice")
    await alice.send("before")
    assert (await bot.get_webhook_info()).pending_update_count == 1
    assert await bot.set_webhook(receiver.url, secret_token="s3cret_T-ok",
                                 drop_pending_updates=True)
    info = await bot.get_webhook_info()
    assert info.url == receiver.url and info.pending_update_count == 0
    await alice.send("/start")
    await alice.send_photo(b"jpeg")
    await alice.send_document(b"pdf", "a.pdf", "application/pdf")
    await alice.share_contact()
    await bot.send_message(alice.id, "Pilih", reply_markup=telegram.InlineKeyboardMarkup(
        [[telegram.InlineKeyboardButton("Ya", callback_data="ya")]]))
    click = asyncio.create_task(alice.click("Ya"))
    await receiver.wait_for(5)
    assert set(receiver.secrets) == {"s3cret_T-ok"}
    assert len(receiver.secrets) == 7  # two failed attempts were retried
    updates = [telegram.Update.de_json(u, bot) for u in receiver.received]
    assert_no_api_kwargs(updates)
    assert [u.message.message_id for u in updates if u.message] == [2, 3, 4, 5]
    assert updates[1].message is not None and updates[1].message.photo
    assert updates[2].message is not None and updates[2].message.document
    assert updates[3].message is not None and updates[3].message.contact
    query = updates[4].callback_query
    assert query is not None and query.data == "ya"
    await bot.answer_callback_query(query.id, text="Oke")
    assert (await click).text == "Oke"
    info = await bot.get_webhook_info()
    assert info.pending_update_count == 0 and info.last_error_message
    assert await bot.delete_webhook()
    assert (await bot.get_webhook_info()).url == ""
