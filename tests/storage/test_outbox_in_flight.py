"""A card on its way to Telegram at the very instant the applicant erases their data, or staff
decide: the sender puts the chat right afterwards (the copy is deleted, or edited to the
decision), because the database no longer holds what it sent."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.clock import ManualClock
from bot.outbox import OutboxSender
from storage import applicants, cards, outbox, registrations
from storage.db import Database

NOW = datetime(2023, 11, 10, 2, 0, tzinfo=UTC)
GROUP = -100


@dataclass
class Sent:
    message_id: int


@dataclass
class HeldBot:
    """A Bot stand-in whose first sendMessage stays on the way until `release` is set."""

    release: asyncio.Event = field(default_factory=asyncio.Event)
    on_the_way: asyncio.Event = field(default_factory=asyncio.Event)
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    rate_limiter: None = None

    async def send_message(self, chat_id: int, **kw: Any) -> Sent:
        self.calls.append(("send_message", {"chat_id": chat_id, **kw}))
        self.on_the_way.set()
        await self.release.wait()
        return Sent(501)

    send_photo = send_document = send_message  # (the sender looks them all up)

    async def delete_messages(self, chat_id: int, message_ids: list[int], **kw: Any) -> bool:
        self.calls.append(("delete_messages", {"chat_id": chat_id, "message_ids": message_ids}))
        return True

    async def edit_message_text(self, text: str = "", **kw: Any) -> bool:
        self.calls.append(("edit_message_text", {"text": text, **kw}))
        return True


async def card_on_the_way(tmp_path: Path) -> tuple[Database, HeldBot, OutboxSender, int]:
    db = await Database.open(tmp_path / "mitra.sqlite3")
    async with db.write() as conn:
        person = await applicants.upsert_seen(conn, 7, "siti", "id", NOW)
        application = await registrations.start_application(conn, person.id, "KSB-2024", NOW)
        row = await outbox.enqueue(conn, GROUP, {"text": "Kartu #1 NIK 5207...", "reply_markup": {
            "inline_keyboard": [[{"text": "Lolos", "callback_data": "x"}]]}}, NOW)
        await cards.add(conn, application.id, GROUP, outbox_id=row)
    bot = HeldBot()
    sender = OutboxSender(db, bot, ManualClock(NOW), rate_per_second=1000)  # type: ignore[arg-type]
    sender.start()
    await asyncio.wait_for(bot.on_the_way.wait(), 10)
    return db, bot, sender, application.id


async def settle(db: Database, bot: HeldBot, sender: OutboxSender) -> None:
    bot.release.set()
    for _ in range(3):  # the follow-up is queued by the send's own record, then delivered
        sender.notify()
        await asyncio.wait_for(sender.idle.wait(), 10)
    await sender.stop()
    await db.close()


@pytest.mark.parametrize("erased", [True, False])
async def test_a_card_sent_while_being_erased_or_decided_is_put_right(
        tmp_path: Path, erased: bool) -> None:
    db, bot, sender, application_id = await card_on_the_way(tmp_path)
    async with db.write() as conn:
        if erased:  # /hapus, in the instant Telegram is taking the card
            assert await cards.erase(conn, application_id) == []  # no message id known yet
        else:  # a decision: the queued copy is to be sent as it reads now
            [copy] = await cards.copies(conn, application_id)
            await outbox.replace_pending(conn, copy.outbox_id, {"text": "Kartu #1: Lolos"})
    await settle(db, bot, sender)
    assert bot.calls[0][0] == "send_message"
    if erased:
        assert bot.calls[1:] == [("delete_messages", {"chat_id": GROUP, "message_ids": [501]})]
    else:
        [(method, edit)] = bot.calls[1:]
        assert method == "edit_message_text" and edit["message_id"] == 501
        assert edit["text"] == "Kartu #1: Lolos" and edit.get("reply_markup") is None

async def test_a_card_sent_undisturbed_needs_no_follow_up(tmp_path: Path) -> None:
    db, bot, sender, _ = await card_on_the_way(tmp_path)
    await settle(db, bot, sender)
    assert [name for name, _ in bot.calls] == ["send_message"]
