"""The item analysis and rulings on questions, in the staff group (administrators): /analisis
sends the workbook and a summary; /batalsoal voids a question and /kuncisoal accepts other
keys, each with a reason, rescoring every attempt that drew it."""

from __future__ import annotations

from telegram import InputFile, Update
from telegram.ext import Application, CommandHandler, filters

from bot import texts
from bot.context import BotContext
from bot.services.analysis import Ruled
from bot.services.review import STAFF_LANG
from handlers.staff_results import require_admin


def _t(key: str, **params: object) -> str:
    return texts.get(STAFF_LANG, key, **params)


async def analysis(update: Update, context: BotContext) -> None:
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None
    if not await require_admin(update, context, "item_analysis"):
        return
    found = await context.services.analysis.report(user.id, user.full_name)
    if found is None:
        await message.reply_text(_t("staff.analysis_none"))
        return
    data, lines = found
    code = context.services.config.recruitment.code
    await message.reply_document(InputFile(data, filename=f"analisis-soal-{code}.xlsx"),
                                 caption=_t("staff.analysis_caption"))
    await message.reply_text("\n".join(lines))


async def rule(update: Update, context: BotContext) -> None:
    """/batalsoal <ID> <reason>, /kuncisoal <ID> <letters> <reason>."""
    message, user = update.effective_message, update.effective_user
    assert message is not None and message.text and user is not None
    void = message.text.split()[0].lstrip("/").split("@")[0].lower() in ("batalsoal", "void")
    if not await require_admin(update, context, "question_void" if void else "question_rekey"):
        return
    words = message.text.split(maxsplit=2 if void else 3)
    usage = _t("staff.usage_void" if void else "staff.usage_rekey")
    if len(words) < (3 if void else 4):
        await message.reply_text(usage)
        return
    question_id = words[1]
    letters = None if void else [x for x in words[2].upper().replace(",", " ").split() if x]
    reason = words[-1].strip()
    outcome = await context.services.analysis.rule(question_id, letters, reason, user.id,
                                                   user.full_name)
    if not isinstance(outcome, Ruled):
        await message.reply_text(_t(f"staff.ruling_{outcome}", question=texts.escape(question_id))
                                 + ("\n" + usage if outcome == "bad_key" else ""))
        return
    done = _t("staff.ruled_void" if void else "staff.ruled_rekey",
              question=texts.escape(question_id), keys=", ".join(letters or []),
              by=texts.escape(user.full_name), reason=texts.escape(reason))
    await message.reply_text("\n".join([done, _t("staff.ruled_rescored", drawn=outcome.drawn,
                                                 rescored=outcome.rescored)]))


def register(app: Application, staff_chat_id: int | None) -> None:  # type: ignore[type-arg]
    if staff_chat_id is None:
        return
    group = filters.Chat(staff_chat_id)
    app.add_handler(CommandHandler(["analisis", "analysis"], analysis, filters=group))
    app.add_handler(CommandHandler(["batalsoal", "void", "kuncisoal", "rekey"], rule,
                                   filters=group))
