"""Who is on the committee: the staff group's members, and its administrators. Telegram is
asked at most once a minute per person (what it said is kept in the database, for every bot
process); a chat_member update about the group changes it at once, whichever process receives
it, so a demoted administrator loses their rights immediately everywhere."""

from __future__ import annotations

import time
from typing import Literal

from telegram import ChatMember, Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    ChatMemberHandler,
    MessageHandler,
    filters,
)

from bot import texts
from bot.context import BotContext
from bot.services.review import STAFF_LANG
from storage import roles

ROLE_TTL_SECONDS = 60.0
UNKNOWN_TTL_SECONDS = 10.0  # a failed lookup is asked again soon
Role = Literal["admin", "member", "none"]


def _role(member: ChatMember) -> Role:
    if member.status in (ChatMember.ADMINISTRATOR, ChatMember.OWNER):
        return "admin"
    if member.status == ChatMember.MEMBER or (
            member.status == ChatMember.RESTRICTED and getattr(member, "is_member", False)):
        return "member"  # (a restricted user who left the group is not)
    return "none"


async def role_of(context: BotContext, user_id: int) -> Role:
    """This person's place in the staff group now (none without a configured group)."""
    staff_chat = context.services.config.settings.staff_chat_id
    if staff_chat is None:
        return "none"
    db = context.services.db
    known = await roles.recalled(db.reader, user_id, time.time())
    if known is not None:
        return known  # type: ignore[return-value]
    asked = time.time()
    try:
        role = _role(await context.bot.get_chat_member(staff_chat, user_id))
        ttl = ROLE_TTL_SECONDS
    except TelegramError:  # someone the group never saw, or Telegram unreachable: not staff
        role, ttl = "none", UNKNOWN_TTL_SECONDS
    # beside the write lock (no write transaction touches staff_roles): a staff member's
    # command does not queue behind the applicants' writes
    async with db.side_write() as conn:
        return await roles.remember(conn, user_id, role, asked,  # type: ignore[return-value]
                                    time.time() + ttl)


async def on_member_change(update: Update, context: BotContext) -> None:
    change = update.chat_member
    if change is None:
        return
    new = change.new_chat_member
    async with context.services.db.side_write() as conn:
        await roles.remember(conn, new.user.id, _role(new), time.time(),
                             time.time() + ROLE_TTL_SECONDS)


async def anonymous(update: Update, context: BotContext) -> None:
    """An administrator posting as the group is nobody in particular: asked to post as
    themselves, and served nothing (no personal data to an unidentified account)."""
    message = update.effective_message
    assert message is not None
    if message.text and message.text.startswith("/"):
        await message.reply_text(texts.get(STAFF_LANG, "staff.anonymous"))
    raise ApplicationHandlerStop


def register(app: Application, staff_chat_id: int | None) -> None:  # type: ignore[type-arg]
    if staff_chat_id is not None:
        app.add_handler(ChatMemberHandler(on_member_change, ChatMemberHandler.CHAT_MEMBER,
                                          chat_id=staff_chat_id))
        # Before every staff handler: a message sent as the group itself (anonymous admin).
        app.add_handler(MessageHandler(filters.Chat(staff_chat_id)
                                       & filters.SenderChat(staff_chat_id), anonymous),
                        group=-1)
