"""Committee commands in the staff group. Reading commands are for every member (each read of
personal data is audited); /ekspor, /buka and /tutup for the group's administrators only.
Outside the group they give nothing. Staff read words, never stored codes (staff_words)."""

from __future__ import annotations

import math

from telegram import InlineKeyboardMarkup, InputFile, Message, Update
from telegram.ext import Application, CommandHandler, filters

from bot import texts
from bot.context import BotContext
from bot.labels import value_label
from bot.services import review_markup, staff_words
from bot.services.review import STAFF_LANG, card_text
from handlers import staff_roles
from storage.timestamps import from_db

READ_COMMANDS = {"antrian": "queue", "cari": "search", "data": "record", "jejak": "audit",
                 "statistik": "stats"}
ADMIN_COMMANDS = {"ekspor": "export", "buka": "open", "tutup": "close",
                  "lepasnik": "release_nik"}
# Handled in handlers/staff_bank.py and handlers/staff_sessions.py:
OTHER_STAFF_COMMANDS = {"impor": "import", "banksoal": "bank", "sesi": "sessions",
                        "sesibaru": "sesibaru", "batalsesi": "batalsesi",
                        "tambahwaktu": "tambahwaktu", "peringkat": "ranking",
                        "umumkan": "announce", "siaran": "broadcast",
                        "daftarditerima": "accepted", "analisis": "analysis",
                        "batalsoal": "void", "kuncisoal": "rekey"}
ALL_NAMES = [n for names in (READ_COMMANDS, ADMIN_COMMANDS, OTHER_STAFF_COMMANDS)
             for pair in names.items() for n in pair]


def _t(key: str, **params: object) -> str:
    return texts.get(STAFF_LANG, key, **params)



def _when(context: BotContext, stored: str | None) -> str:
    if not stored:
        return "–"
    zone = context.services.config.recruitment.zone
    return texts.format_datetime(STAFF_LANG, from_db(stored).astimezone(zone))


async def is_admin(context: BotContext, user_id: int) -> bool:
    """An administrator of the staff group (handlers.staff_roles: cached, and changed at once
    by chat_member updates)."""
    return await staff_roles.role_of(context, user_id) == "admin"


def _actor(update: Update) -> tuple[int, str]:
    user = update.effective_user
    assert user is not None
    return user.id, user.full_name


def _parts(update: Update) -> tuple[Message, str, list[str]]:
    message = update.effective_message
    assert message is not None and message.text
    words = message.text.split()
    return message, words[0].split("@")[0].lstrip("/").lower(), words[1:]


def _number(args: list[str]) -> int | None:
    return int(args[0].lstrip("#")) if args and args[0].lstrip("#").isdigit() else None


async def staff_help(update: Update, context: BotContext) -> None:
    message, _, _ = _parts(update)
    await message.reply_text(_t("staff.help"))


async def queue(update: Update, context: BotContext) -> None:
    message, _, args = _parts(update)
    page = max(1, _number(args) or 1)
    total, rows = await context.services.staff.queue(page, *_actor(update))
    if total == 0:
        await message.reply_text(_t("staff.queue_empty"))
        return
    pages = math.ceil(total / 5)
    await message.reply_text(_t("staff.queue", count=total, page=page, pages=pages))
    review = context.services.review
    for row in rows:
        text = await review.card(context.services.db.reader, row["application_id"],
                                 row["applicant_id"])
        markup = InlineKeyboardMarkup.de_json(review_markup.main(row["application_id"]),
                                              context.bot)
        copy = await message.reply_text(text, reply_markup=markup, protect_content=True)
        await review.remember_copy(row["application_id"], copy.chat_id, copy.message_id)
    if page < pages:
        await message.reply_text(_t("staff.queue_more", next=page + 1))


async def search(update: Update, context: BotContext) -> None:
    message, _, args = _parts(update)
    if not args:
        await message.reply_text(_t("staff.usage_search"))
        return
    rows = await context.services.staff.search(" ".join(args), *_actor(update))
    if not rows:
        await message.reply_text(_t("staff.not_found"))
        return
    lines = [_t("staff.found", count=len(rows))]
    for r in rows:
        user = f" · @{texts.escape(r['username'])}" if r["username"] else ""
        lines.append(f"#{r['application_id']} {texts.escape(r['full_name'] or '–')} · NIK "
                     f"{texts.escape(r['nik'] or '–')}{user} · {staff_words.status(r['status'])}")
    await message.reply_text("\n".join(lines))


async def record(update: Update, context: BotContext) -> None:
    message, _, args = _parts(update)
    number = _number(args)
    found = await context.services.staff.record(number, *_actor(update)) if number else None
    if number is None:
        await message.reply_text(_t("staff.usage_id"))
        return
    if found is None:
        await message.reply_text(_t("staff.not_found"))
        return
    row, documents, trail = found
    lines = [_t("staff.record_title", id=number, status=staff_words.status(row["status"]))]
    lines.append(card_text(number, row, []).split("\n", 1)[1])
    labels = ", ".join(texts.get(STAFF_LANG, f"reg.label_{d}") for d in documents) or "–"
    lines.append(_t("staff.record_documents", documents=labels))
    if row["decided_by_name"]:
        lines.append(_t("staff.record_decided", by=texts.escape(row["decided_by_name"]),
                        at=_when(context, row["decided_at"])))
    if row["decision_reason"]:
        lines.append(_t("staff.record_reason",
                        reason=texts.escape(staff_words.reason(row["decision_reason"]))))
    lines += ["", *_trail_lines(context, trail)]
    await message.reply_text("\n".join(lines))


def _trail_lines(context: BotContext, trail: list[dict]) -> list[str]:  # type: ignore[type-arg]
    if not trail:
        return [_t("staff.trail_empty")]
    return [
        f"{_when(context, e['at'])} · {texts.escape(e['actor_name'] or '–')} · "
        + staff_words.audit_entry(e["action"], e["detail"], bool(e["allowed"]))
        for e in trail
    ]


async def audit_trail(update: Update, context: BotContext) -> None:
    message, _, args = _parts(update)
    number = _number(args)
    found = (await context.services.staff.record(number, *_actor(update), action="view_trail")
             if number else None)
    if found is None:
        await message.reply_text(_t("staff.usage_id") if number is None else _t("staff.not_found"))
        return
    lines = [_t("staff.trail_title", id=number), *_trail_lines(context, found[2])]
    await message.reply_text("\n".join(lines))


async def stats(update: Update, context: BotContext) -> None:
    message, _, _ = _parts(update)
    counts = await context.services.staff.stats(*_actor(update))
    regency = context.services.config.recruitment.region.regency_name
    shown = {"status": staff_words.status,
             "district": lambda v: value_label(STAFF_LANG, "district", v, regency),
             "education": lambda v: value_label(STAFF_LANG, "education", v, regency)}
    lines = [_t("staff.stats_title")]
    for name in ("status", "district", "education"):
        lines += ["", _t(f"staff.stats_{name}")]
        lines += [f"• {texts.escape(shown[name](key))}: {n}"
                  for key, n in counts[name]] or ["• –"]
    await message.reply_text("\n".join(lines))


async def admin_command(update: Update, context: BotContext) -> None:
    """/ekspor, /buka, /tutup: group administrators only; every attempt is audited."""
    message, command, _ = _parts(update)
    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None
    action = ADMIN_COMMANDS.get(command, command)
    if not await is_admin(context, user.id):
        await context.services.staff.refused(user.id, user.full_name, action)
        await message.reply_text(_t("staff.admin_only"))
        return
    staff = context.services.staff
    if action == "release_nik":
        await release_nik(message, context, user.id, user.full_name)
        return
    if action == "export":
        data, count = await staff.export(user.id, user.full_name)
        code = context.services.config.recruitment.code
        today = context.services.clock.now().astimezone(context.services.config.recruitment.zone)
        name = f"pendaftar-{code}-{today:%Y%m%d}.xlsx"
        await message.reply_document(InputFile(data, filename=name), protect_content=True,
                                     caption=_t("staff.exported", count=count,
                                                by=texts.escape(user.full_name)))
        return
    opening = action == "open"
    await staff.set_registration(opening, user.id, user.full_name)
    key = "staff.registration_opened" if opening else "staff.registration_closed"
    await message.reply_text(_t(key, by=texts.escape(user.full_name)))


async def release_nik(message: Message, context: BotContext, actor_id: int,
                      actor_name: str) -> None:
    """/lepasnik <number> <reason>: the application lets go of its NIK and goes back to its
    applicant to correct it (a NIK dispute, after staff compared both KTPs)."""
    words = (message.text or "").split(maxsplit=2)
    number = _number(words[1:2])
    if number is None or len(words) < 3:
        await message.reply_text(_t("staff.usage_release_nik"))
        return
    outcome = await context.services.review.release_nik(number, actor_id, actor_name,
                                                        words[2].strip())
    if outcome.decided:
        context.services.notify_outbox()
        await message.reply_text(_t("staff.nik_released", id=number,
                                    by=texts.escape(actor_name)))
        return
    found = await context.services.review.exists(number)
    await message.reply_text(_t("staff.nik_not_released", id=number) if found
                             else _t("staff.not_found"))


async def outside_group(update: Update, context: BotContext) -> None:
    """A committee command anywhere but the staff group: no data, and the attempt is kept."""
    message, command, _ = _parts(update)
    user = update.effective_user
    assert user is not None
    await context.services.staff.refused(user.id, user.full_name, f"outside_group:{command}")
    await message.reply_text(_t("staff.staff_only"))


def register(app: Application, staff_chat_id: int | None) -> None:  # type: ignore[type-arg]
    if staff_chat_id is not None:
        group = filters.Chat(staff_chat_id)
        app.add_handler(CommandHandler("help", staff_help, filters=group))
        app.add_handler(CommandHandler(["antrian", "queue"], queue, filters=group))
        app.add_handler(CommandHandler(["cari", "search"], search, filters=group))
        app.add_handler(CommandHandler(["data", "record"], record, filters=group))
        app.add_handler(CommandHandler(["jejak", "audit"], audit_trail, filters=group))
        app.add_handler(CommandHandler(["statistik", "stats"], stats, filters=group))
        app.add_handler(CommandHandler(list(ADMIN_COMMANDS) + list(ADMIN_COMMANDS.values()),
                                       admin_command, filters=group))
    app.add_handler(CommandHandler(ALL_NAMES, outside_group))
