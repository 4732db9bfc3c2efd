"""The staff group: decisions on review cards.

Only the configured group counts: a card button pressed anywhere else is refused. Any member of
the group may review; the irreversible commands (handlers/staff_commands.py) need a group admin.
"""

from __future__ import annotations

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.ext import Application, CallbackQueryHandler, MessageHandler, filters

from bot import callbacks, texts
from bot.context import BotContext
from bot.services import review_markup
from bot.services.review import STAFF_LANG, Outcome


def _t(key: str, **params: object) -> str:
    return texts.get(STAFF_LANG, key, **params)


async def _show(query: CallbackQuery, markup: dict | None) -> None:  # type: ignore[type-arg]
    await query.edit_message_reply_markup(
        InlineKeyboardMarkup.de_json(markup, query.get_bot()) if markup else None
    )


async def _tell_outcome(query: CallbackQuery, outcome: Outcome, done: str) -> None:
    if outcome.decided:
        await query.answer(done)
        await _show(query, None)
    elif outcome.by:
        await query.answer(_t("staff.already", by=outcome.by, at=outcome.at), show_alert=True)
        await _show(query, None)
    else:
        await query.answer(_t("stale_button"))


async def on_card_button(update: Update, context: BotContext) -> None:
    query, user = update.callback_query, update.effective_user
    assert query is not None and user is not None
    review = context.services.review
    staff_chat = context.services.config.settings.staff_chat_id
    if query.message is None or query.message.chat.id != staff_chat:
        await query.answer(_t("staff.not_staff"), show_alert=True)
        return
    data = callbacks.decode(query.data)
    if isinstance(data, callbacks.Verdict | callbacks.FailReason | callbacks.FixItem):
        first = await review.decided_by(data.application)
        if first.by:  # decided meanwhile: say so, whatever was pressed
            await _tell_outcome(query, first, "")
            return
    match data:
        case callbacks.Verdict(application=app_id, decision="pass"):
            outcome = await review.decide(app_id, "pass", user.id, user.full_name)
            await _tell_outcome(query, outcome, _t("staff.decided", decision=_t("staff.pass")))
        # Sub-menus: the keyboard changes first, then the answer stops the button's spinner.
        case callbacks.Verdict(application=app_id, decision="fail"):
            await _show(query, review_markup.reasons(app_id))
            await query.answer()
        case callbacks.Verdict(application=app_id, decision="fix"):
            ticked = await review.fix_draft(app_id, user.id)
            await _show(query, review_markup.fix_items(app_id, ticked))
            await query.answer()
        case callbacks.Verdict(application=app_id, decision="back"):
            await review.await_reason(app_id, user.id, False)
            await _show(query, review_markup.main(app_id))
            await query.answer()
        case callbacks.Verdict(application=app_id, decision="fixsend"):
            if not await review.fix_draft(app_id, user.id):
                await query.answer(_t("staff.fix_none"), show_alert=True)
                return
            outcome = await review.send_back(app_id, user.id, user.full_name)
            await _tell_outcome(query, outcome, _t("staff.sent_back"))
        case callbacks.FailReason(application=app_id, reason="other"):
            await review.await_reason(app_id, user.id, True)
            assert isinstance(query.message, Message)
            await query.message.reply_text(_t("staff.type_reason", by=user.full_name, id=app_id))
            await query.answer()
        case callbacks.FailReason(application=app_id, reason=reason):
            outcome = await review.decide(app_id, "fail", user.id, user.full_name, reason)
            await _tell_outcome(query, outcome, _t("staff.decided", decision=_t("staff.fail")))
        case callbacks.FixItem(application=app_id, item=item):
            ticked = await review.toggle_fix_item(app_id, user.id, item)
            await _show(query, review_markup.fix_items(app_id, ticked))
            await query.answer()
        case _:
            await query.answer(_t("stale_button"))
            return
    context.services.notify_outbox()


async def on_group_text(update: Update, context: BotContext) -> None:
    """A typed fail reason, when this staff member was asked for one; otherwise ignored."""
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None and message.text
    result = await context.services.review.typed_reason(user.id, user.full_name, message.text)
    if result is None:
        return
    app_id, outcome = result
    context.services.notify_outbox()
    if outcome.decided:
        await message.reply_text(_t("staff.decided", decision=f"{_t('staff.fail')} #{app_id}"))
    elif outcome.by:
        await message.reply_text(_t("staff.already", by=outcome.by, at=outcome.at))


def register(app: Application, staff_chat_id: int | None) -> None:  # type: ignore[type-arg]
    app.add_handler(CallbackQueryHandler(on_card_button, pattern=r"^s[vrf]:"))
    if staff_chat_id is not None:
        group_text = filters.Chat(staff_chat_id) & filters.TEXT & ~filters.COMMAND
        app.add_handler(MessageHandler(group_text, on_group_text))
