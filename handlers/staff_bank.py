"""Question bank in the staff group: /impor a file (admins; validated, then confirmed) and
/banksoal to see the bank in use."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot import callbacks, texts
from bot.context import BotContext
from bot.services.bank import ImportReport
from bot.services.review import STAFF_LANG
from handlers.staff_commands import is_admin
from question_bank import CATEGORY_LABELS, MAX_FILE_BYTES, Bank, format_report
from question_bank.draw import DIFFICULTY_NAMES

MAX_SHOWN_ERRORS = 40
MAX_SHOWN_WARNINGS = 15


def _t(key: str, **params: object) -> str:
    return texts.get(STAFF_LANG, key, **params)



def categories(bank: Bank) -> str:
    """One line per category: its questions, and how many of each difficulty."""
    lines = []
    for category, questions in sorted(bank.by_category().items()):
        levels = ", ".join(f"{DIFFICULTY_NAMES[d][0]} {sum(q.difficulty == d for q in questions)}"
                           for d in sorted(DIFFICULTY_NAMES))
        lines.append(f"• {CATEGORY_LABELS.get(category, (category,))[0]}: {len(questions)} "
                     f"({levels})")
    return "\n".join(lines)


def report_text(report: ImportReport) -> str:
    name = texts.escape(report.filename)
    if report.errors:
        listed = format_report(report.errors, "id", max_errors=MAX_SHOWN_ERRORS)
        return _t("staff.bank_rejected", file=name, count=len(report.errors),
                  errors=texts.escape(listed))[:4000]
    if report.blueprint_problems:
        return _t("staff.bank_blueprint", file=name,
                  problems=texts.escape("\n".join(f"- {p}" for p in report.blueprint_problems)))
    assert report.bank is not None
    text = _t("staff.bank_checked", file=name, count=len(report.bank.questions),
              version=texts.escape(report.bank.version),
              categories=texts.escape(categories(report.bank)))
    if report.warnings:
        listed = [f"- {w.describe('id')}" for w in report.warnings[:MAX_SHOWN_WARNINGS]]
        if len(report.warnings) > MAX_SHOWN_WARNINGS:
            listed.append(f"... dan {len(report.warnings) - MAX_SHOWN_WARNINGS} lainnya")
        text += "\n\n" + _t("staff.bank_warnings", count=len(report.warnings),
                            warnings=texts.escape("\n".join(listed)))
    return text[:4000]


async def import_file(update: Update, context: BotContext) -> None:
    message, user, chat = update.effective_message, update.effective_user, update.effective_chat
    assert message is not None and user is not None and chat is not None
    source: Message | None = message if message.document else message.reply_to_message
    if not await is_admin(context, user.id):
        await context.services.staff.refused(user.id, user.full_name, "bank_import")
        await message.reply_text(_t("staff.admin_only"))
        return
    if source is None or source.document is None:
        await message.reply_text(_t("staff.bank_usage"))
        return
    document = source.document
    if (document.file_size or 0) > MAX_FILE_BYTES:
        await message.reply_text(_t("staff.bank_too_large", limit_mb=MAX_FILE_BYTES // 2**20))
        return
    file = await document.get_file()
    data = bytes(await file.download_as_bytearray())
    report = await context.services.bank.prepare_import(
        data, document.file_name or "bank", user.id, user.full_name)
    markup = None
    if report.import_id is not None:
        markup = InlineKeyboardMarkup([[
            InlineKeyboardButton(_t("staff.bank_activate"), callback_data=callbacks.encode(
                callbacks.BankImport(report.import_id, "activate"))),
            InlineKeyboardButton(_t("staff.bank_cancel"), callback_data=callbacks.encode(
                callbacks.BankImport(report.import_id, "cancel"))),
        ]])
    await message.reply_text(report_text(report), reply_markup=markup)


async def confirm_import(update: Update, context: BotContext) -> None:
    query, user = update.callback_query, update.effective_user
    assert query is not None and user is not None and isinstance(query.message, Message)
    data = callbacks.decode(query.data)
    staff_chat = context.services.config.settings.staff_chat_id
    if query.message.chat.id != staff_chat or not isinstance(data, callbacks.BankImport):
        await query.answer(_t("staff.not_staff"), show_alert=True)
        return
    if not await is_admin(context, user.id):
        await context.services.staff.refused(user.id, user.full_name, "bank_activate")
        await query.answer(_t("staff.admin_only"), show_alert=True)
        return
    activate = data.action == "activate"
    done = await context.services.bank.decide_import(data.import_id, activate, user.id,
                                                     user.full_name)
    await query.answer()
    await query.edit_message_reply_markup(None)
    if not done:
        await query.message.reply_text(_t("stale_button"))
    elif activate:
        version, _ = await context.services.bank.active()
        await query.message.reply_text(_t("staff.bank_activated", version=texts.escape(version),
                                          by=texts.escape(user.full_name)))
    else:
        await query.message.reply_text(_t("staff.bank_cancelled"))


async def bank_status(update: Update, context: BotContext) -> None:
    assert update.effective_message is not None
    service = context.services.bank
    version, bank = await service.active()
    source = _t("staff.bank_imported") if await service.is_imported() else _t("staff.bank_bundled")
    text = _t("staff.bank_status", version=texts.escape(version), source=source,
              count=len(bank.questions), categories=texts.escape(categories(bank)))
    if await service.for_scoring() is None:
        text += "\n\n" + _t("staff.bank_not_for_scoring")
    await update.effective_message.reply_text(text)


def register(app: Application, staff_chat_id: int | None) -> None:  # type: ignore[type-arg]
    if staff_chat_id is None:
        return
    group = filters.Chat(staff_chat_id)
    app.add_handler(CommandHandler(["impor", "import"], import_file, filters=group))
    app.add_handler(MessageHandler(
        group & filters.Document.ALL & filters.CaptionRegex(r"^/(impor|import)\b"), import_file))
    app.add_handler(CommandHandler(["banksoal", "bank"], bank_status, filters=group))
    app.add_handler(CallbackQueryHandler(confirm_import, pattern=r"^qb:"))
