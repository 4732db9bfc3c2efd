"""Staff roles as every bot process sees them: what Telegram said is kept a minute in the
database, and news of a change (a chat_member update) reaches every process at once."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

from telegram import (
    Chat,
    ChatMemberAdministrator,
    ChatMemberMember,
    ChatMemberUpdated,
    Update,
    User,
)

from handlers import staff_roles
from storage import roles

GROUP = -1001


class Telegram:
    """getChatMember's answers: Dave is an administrator until told otherwise."""

    def __init__(self) -> None:
        self.asked = 0
        self.admin = True

    async def get_chat_member(self, chat_id: int, user_id: int) -> Any:
        self.asked += 1
        user = User(user_id, "Dave", False)
        if self.admin:
            return ChatMemberAdministrator(user, False, *([False] * 11))
        return ChatMemberMember(user)


def process(db: Any, telegram: Telegram) -> Any:
    """One bot process's handler context: its own bot, the shared database."""
    settings = SimpleNamespace(staff_chat_id=GROUP)
    services = SimpleNamespace(db=db, config=SimpleNamespace(settings=settings))
    return SimpleNamespace(services=services, bot=telegram,
                           application=SimpleNamespace(bot_data={}))


def demoted(user_id: int) -> Update:
    user = User(user_id, "Dave", False)
    admin = ChatMemberAdministrator(user, False, *([False] * 11))
    return Update(1, chat_member=ChatMemberUpdated(
        Chat(GROUP, "supergroup"), User(1, "Bob", False), 0, admin, ChatMemberMember(user)))


async def test_a_demotion_received_by_one_process_holds_in_every_other(db: Any) -> None:
    telegram = Telegram()
    first, second = process(db, telegram), process(db, telegram)
    assert await staff_roles.role_of(second, 7) == "admin"
    assert await staff_roles.role_of(first, 7) == "admin"
    assert telegram.asked == 1  # the second process believed what the first was told
    telegram.admin = False
    await staff_roles.on_member_change(demoted(7), first)
    assert await staff_roles.role_of(second, 7) == "member"
    assert telegram.asked == 1


async def test_an_old_answer_does_not_undo_news_that_came_meanwhile(db: Any) -> None:
    async with db.side_write() as conn:  # news: demoted, at 100
        assert await roles.remember(conn, 7, "member", 100.0, 160.0) == "member"
    async with db.side_write() as conn:  # an answer to a question asked at 99 comes late
        assert await roles.remember(conn, 7, "admin", 99.0, 159.0) == "member"  # acted on
    assert await roles.recalled(db.reader, 7, 102.0) == "member"
    assert await roles.recalled(db.reader, 7, 160.0) is None  # a minute on: asked again
    async with db.side_write() as conn:  # ...even much later, the news still outranks it
        assert await roles.remember(conn, 7, "admin", 99.0, 999.0) == "member"
    async with db.side_write() as conn:  # a question asked after the news: its answer counts
        assert await roles.remember(conn, 7, "admin", 170.0, 230.0) == "admin"
        await roles.remember(conn, 8, "none", 200_000.0, 200_010.0)
    rows = await db.fetchall("SELECT user_id FROM staff_roles")
    assert [tuple(r) for r in rows] == [(8,)]  # a day on, what nobody believes is forgotten


async def test_a_demotion_during_a_question_is_what_the_asker_acts_on(db: Any) -> None:
    """Process one asks Telegram about Dave (an administrator then); meanwhile process two
    receives his demotion; the late answer is not acted on."""
    telegram = Telegram()
    first, second = process(db, telegram), process(db, telegram)
    answered = asyncio.Event()
    asking = asyncio.Event()
    real = telegram.get_chat_member

    async def slow(chat_id: int, user_id: int) -> Any:
        member = await real(chat_id, user_id)  # what Telegram said when asked
        asking.set()
        await answered.wait()
        return member

    telegram.get_chat_member = slow  # type: ignore[method-assign]
    role = asyncio.create_task(staff_roles.role_of(first, 7))
    await asking.wait()
    await staff_roles.on_member_change(demoted(7), second)
    answered.set()
    assert await role == "member"
