"""The final selection in the staff group (administrators): /peringkat computes a preview
(XLSX with the breakdown, and a chart), a button approves it, /umumkan schedules the results.
And /hasil for applicants once the results are out."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, InputFile, Message, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot import callbacks, texts
from bot.context import BotContext
from bot.services.review import STAFF_LANG
from bot.services.selection import distribution_png, public_list_xlsx, ranking_xlsx
from handlers.common import PRIVATE, applicant_of
from handlers.keyboards import button
from handlers.staff_commands import is_admin


def _t(key: str, **params: object) -> str:
    return texts.get(STAFF_LANG, key, **params)


async def require_admin(update: Update, context: BotContext, action: str) -> bool:
    user, chat, message = update.effective_user, update.effective_chat, update.effective_message
    assert user is not None and chat is not None and message is not None
    if await is_admin(context, user.id):
        return True
    await context.services.staff.refused(user.id, user.full_name, action)
    await message.reply_text(_t("staff.admin_only"))
    return False


async def compute(update: Update, context: BotContext) -> None:
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None
    if not await require_admin(update, context, "ranking_preview"):
        return
    selection = context.services.selection
    if await selection.final() is not None:
        await message.reply_text(_t("staff.ranking_frozen"))
        return
    preview = await selection.compute(user.id, user.full_name)
    rows = await selection.rows(preview.ranking_id)
    r = context.services.config.recruitment
    title = f"{r.name} · #{preview.ranking_id}"
    await message.reply_document(InputFile(ranking_xlsx(rows, title),
                                           filename=f"peringkat-{preview.ranking_id}.xlsx"))
    chart = distribution_png([row["final_score"] for row in rows], preview.cut_off, title)
    await message.reply_photo(InputFile(chart, filename="sebaran-nilai.png"))
    cut = "–" if preview.cut_off is None else f"{preview.cut_off:.2f}"
    open_now = open_lines(await selection.still_open())
    await message.reply_text(
        "\n".join([_t("staff.ranking_summary", id=preview.ranking_id, ranked=preview.ranked,
                       accepted=preview.accepted, quota=r.quota.accepted,
                       unranked=preview.unranked, cut_off=cut),
                    *([_t("staff.ranking_rulings", rulings=texts.escape(preview.rulings))]
                      if preview.rulings else []),
                    *([_t("staff.ranking_open"), *open_now] if open_now else [])]),
        reply_markup=InlineKeyboardMarkup([[button(
            _t("staff.ranking_approve", id=preview.ranking_id),
            callbacks.ApproveRanking(preview.ranking_id))]]))


def open_lines(open_now: dict[str, int]) -> list[str]:
    """What is still open, one line each, in words."""
    return [_t(f"staff.open_{name}", count=n) for name, n in open_now.items() if n]


async def approve(update: Update, context: BotContext) -> None:
    query, user = update.callback_query, update.effective_user
    assert query is not None and user is not None and isinstance(query.message, Message)
    data = callbacks.decode(query.data)
    staff_chat = context.services.config.settings.staff_chat_id
    if query.message.chat.id != staff_chat or not isinstance(
            data, callbacks.ApproveRanking | callbacks.OverrideRanking):
        await query.answer(_t("staff.not_staff"), show_alert=True)
        return
    if not await is_admin(context, user.id):
        await context.services.staff.refused(user.id, user.full_name, "ranking_approve")
        await query.answer(_t("staff.admin_only"), show_alert=True)
        return
    override = isinstance(data, callbacks.OverrideRanking)
    outcome, open_now = await context.services.selection.approve(
        data.ranking, user.id, user.full_name, override=override)
    await query.answer()
    if outcome == "open":  # the button stays: approve again once all is over
        await query.message.reply_text("\n".join([
            _t("staff.ranking_still_open", id=data.ranking), *open_lines(open_now)]),
            reply_markup=InlineKeyboardMarkup([[button(
                _t("staff.ranking_override", id=data.ranking),
                callbacks.OverrideRanking(data.ranking))]]))
        return
    await query.edit_message_reply_markup(None)
    if outcome == "approved":
        text = _t("staff.ranking_approved", id=data.ranking, by=texts.escape(user.full_name))
        if open_now:
            text += "\n" + "\n".join([_t("staff.ranking_overridden"), *open_lines(open_now)])
    else:
        text = _t(f"staff.ranking_{outcome}", id=data.ranking)
    await query.message.reply_text(text)


async def announce(update: Update, context: BotContext) -> None:
    message, user = update.effective_message, update.effective_user
    assert message is not None and message.text and user is not None
    if not await require_admin(update, context, "announcement_schedule"):
        return
    now = any(word in ("sekarang", "now") for word in message.text.lower().split()[1:])
    state, when = await context.services.selection.schedule(now, user.id, user.full_name)
    if state == "nothing" or when is None:
        await message.reply_text(_t("staff.announce_nothing"))
        return
    if state == "scheduled":
        await context.services.tick()
    zone = context.services.config.recruitment.zone
    await message.reply_text(_t(f"staff.announce_{state}",
                                when=texts.format_datetime(STAFF_LANG, when.astimezone(zone))))


async def public_list(update: Update, context: BotContext) -> None:
    """/daftarditerima: the list of accepted partners to post (after approval)."""
    message = update.effective_message
    assert message is not None
    if not await require_admin(update, context, "public_list"):
        return
    final = await context.services.selection.final()
    if final is None:
        await message.reply_text(_t("staff.announce_nothing"))
        return
    rows = await context.services.selection.rows(final.id)
    r = context.services.config.recruitment
    data = public_list_xlsx(rows, f"{r.name}: daftar mitra yang diterima",
                            show_score=r.results.show_score)
    await message.reply_document(InputFile(data, filename=f"diterima-{r.code}.xlsx"))


# Why an applicant is not in the announced ranking, by their application's status.
NOT_RANKED = {"admin_failed": "results.not_ranked_admin", "absent": "results.not_ranked_absent",
              "withdrawn": "results.not_applied"}


async def my_result(update: Update, context: BotContext) -> None:
    """/hasil: the applicant's own result, once announced."""
    applicant = await applicant_of(update, context)
    message = update.effective_message
    assert message is not None
    pos = await context.services.registration.position(applicant.id)
    result = (await context.services.selection.result_of(pos.application.id)
              if pos.application else None)
    lang, r = applicant.language, context.services.config.recruitment
    if result is not None:
        final = await context.services.selection.final()
        cut_off = final.cut_off if final is not None else None
        await message.reply_text(context.services.selection.result_text(lang, result, cut_off))
    elif await context.services.selection.announced():  # announced, but not in the ranking
        status = pos.application.status if pos.application else None
        key = NOT_RANKED.get(status, "results.not_ranked") if status else "results.not_applied"
        await message.reply_text(texts.get(lang, key))
    else:
        when = texts.format_datetime(lang, r.stages.announcement.astimezone(r.zone))
        await message.reply_text(texts.get(lang, "results.none", when=when))


def register(app: Application, staff_chat_id: int | None) -> None:  # type: ignore[type-arg]
    app.add_handler(CommandHandler(["hasil", "result"], my_result, filters=PRIVATE))
    if staff_chat_id is None:
        return
    group = filters.Chat(staff_chat_id)
    app.add_handler(CommandHandler(["peringkat", "ranking"], compute, filters=group))
    app.add_handler(CommandHandler(["umumkan", "announce"], announce, filters=group))
    app.add_handler(CommandHandler(["daftarditerima", "accepted"], public_list, filters=group))
    app.add_handler(CallbackQueryHandler(approve, pattern=r"^r[ko]:"))
