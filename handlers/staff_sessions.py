"""Test sessions in the staff group: /sesi for everyone; /sesibaru, /batalsesi and
/tambahwaktu (extra minutes after an incident) for group administrators."""

from __future__ import annotations

from datetime import datetime

from telegram import Update
from telegram.ext import Application, CommandHandler, filters

from bot import texts
from bot.context import BotContext
from bot.services.review import STAFF_LANG
from handlers.staff_commands import is_admin

ADMIN_ACTIONS = {"sesibaru": "session_add", "batalsesi": "session_cancel",
                 "tambahwaktu": "extra_minutes"}


def _t(key: str, **params: object) -> str:
    return texts.get(STAFF_LANG, key, **params)


async def list_sessions(update: Update, context: BotContext) -> None:
    assert update.effective_message is not None
    zone = context.services.config.recruitment.zone
    lines = [_t("staff.sessions_title", zone=context.services.config.recruitment.zone_name)]
    for session, counts in await context.services.sessions.all_with_counts():
        when = (f"{texts.format_datetime(STAFF_LANG, session.start.astimezone(zone))}–"
                f"{session.end.astimezone(zone):%H.%M}")
        mark = _t("staff.session_cancelled_mark") if session.status == "cancelled" else ""
        lines.append(_t("staff.session_line", code=session.code, when=when,
                        booked=session.booked, capacity=session.capacity,
                        started=counts["started"], submitted=counts["submitted"],
                        cancelled=mark))
    await update.effective_message.reply_text("\n".join(lines))


async def admin_session_command(update: Update, context: BotContext) -> None:
    message, user, chat = update.effective_message, update.effective_user, update.effective_chat
    assert message is not None and message.text and user is not None and chat is not None
    command, *args = message.text.split()
    command = command.split("@")[0].lstrip("/").lower()
    if not await is_admin(context, user.id):
        await context.services.staff.refused(user.id, user.full_name, ADMIN_ACTIONS[command])
        await message.reply_text(_t("staff.admin_only"))
        return
    if command == "sesibaru":
        await message.reply_text(await _add(context, args, user.id, user.full_name))
    elif command == "batalsesi":
        if len(args) != 1:
            await message.reply_text(_t("staff.usage_session_cancel"))
            return
        released = await context.services.sessions.cancel(args[0], user.id, user.full_name)
        context.services.notify_outbox()
        await message.reply_text(_t("staff.no_session") if released is None else
                                 _t("staff.session_cancel_done", code=args[0], count=released))
    else:
        if len(args) != 2 or not all(a.isdigit() for a in args) or not 0 < int(args[1]) <= 120:
            await message.reply_text(_t("staff.usage_extra"))
            return
        number, minutes = int(args[0]), int(args[1])
        given = await context.services.testing.give_extra(number, minutes, user.id,
                                                          user.full_name)
        context.services.notify_outbox()
        await message.reply_text(_t("staff.extra_given" if given else "staff.extra_refused",
                                    id=number, minutes=minutes))


async def _add(context: BotContext, args: list[str], actor_id: int, actor_name: str) -> str:
    r = context.services.config.recruitment
    try:
        code, day, start_hm, end_hm, capacity = args
        start = datetime.strptime(f"{day} {start_hm}", "%Y-%m-%d %H:%M").replace(tzinfo=r.zone)
        end = datetime.strptime(f"{day} {end_hm}", "%Y-%m-%d %H:%M").replace(tzinfo=r.zone)
        seats = int(capacity)
    except ValueError:
        return _t("staff.usage_session_add")
    valid_code = 0 < len(code) <= 16 and all(c.isalnum() or c in "_-" for c in code)
    if not valid_code or seats <= 0:
        return _t("staff.usage_session_add")
    if not (r.stages.test.start <= start < end <= r.stages.test.end):
        return _t("staff.session_outside")
    added = await context.services.sessions.add(code, start, end, seats, actor_id, actor_name)
    return _t("staff.session_added" if added else "staff.session_exists", code=code)


def register(app: Application, staff_chat_id: int | None) -> None:  # type: ignore[type-arg]
    if staff_chat_id is None:
        return
    group = filters.Chat(staff_chat_id)
    app.add_handler(CommandHandler(["sesi", "sessions"], list_sessions, filters=group))
    app.add_handler(CommandHandler(list(ADMIN_ACTIONS), admin_session_command, filters=group))
