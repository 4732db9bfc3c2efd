"""Decisions on review cards: in the staff group, or in a staff member's private chat (where
/periksa brings one application after another, handlers/staff_private.py).

A card button counts in the configured group, or in the private chat of a member of that
group; anywhere else it is refused. Any member may review; the irreversible commands
(handlers/staff_commands.py) need a group admin.
"""

from __future__ import annotations

import html

from telegram import CallbackQuery, ForceReply, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    MessageHandler,
    filters,
)

from bot import callbacks, texts
from bot.context import BotContext
from bot.services import review_markup
from bot.services.review import STAFF_LANG, Outcome
from bot.services.review_drafts import PROMPT_MINUTES, PromptKind, Reply
from handlers import staff_private, staff_roles


def _t(key: str, **params: object) -> str:
    return texts.get(STAFF_LANG, key, **params)


async def _show(query: CallbackQuery, markup: dict | None) -> None:  # type: ignore[type-arg]
    try:
        await query.edit_message_reply_markup(
            InlineKeyboardMarkup.de_json(markup, query.get_bot()) if markup else None
        )
    except BadRequest as exc:  # already so (another click, or the card's outcome edit)
        if "not modified" not in exc.message.lower():
            raise


async def _tell_outcome(query: CallbackQuery, outcome: Outcome, done: str) -> None:
    if outcome.decided:
        await query.answer(done)
        await _show(query, None)
    elif outcome.by:
        # (a callback answer is plain text of at most 200 characters)
        what = html.unescape(outcome.what or "")
        await query.answer(_t("staff.already", what=what)[:200], show_alert=True)
        await _show(query, None)
    else:
        await query.answer(_t("stale_button"))


async def ask(query: CallbackQuery, context: BotContext, application_id: int,
              kind: PromptKind) -> None:
    """A prompt only this staff member answers: a reply to it (Telegram opens the reply for
    them alone), within the time the prompt says."""
    user = query.from_user
    assert isinstance(query.message, Message)
    mention = f'<a href="tg://user?id={user.id}">{texts.escape(user.full_name)}</a>'
    prompt = await query.message.reply_text(
        _t(f"staff.{kind}_prompt", by=mention, id=application_id, minutes=PROMPT_MINUTES),
        reply_markup=ForceReply(selective=True, input_field_placeholder=_t(
            f"staff.{kind}_placeholder", id=application_id)))
    await context.services.review_drafts.prompt_sent(application_id, user.id, kind,
                                                     prompt.chat_id, prompt.message_id)


async def on_card_button(update: Update, context: BotContext) -> None:
    query, user = update.callback_query, update.effective_user
    assert query is not None and user is not None
    review, drafts = context.services.review, context.services.review_drafts
    staff_chat = context.services.config.settings.staff_chat_id
    private = query.message is not None and query.message.chat.type == "private"
    if query.message is None or not (query.message.chat.id == staff_chat or (
            private and await staff_roles.role_of(context, user.id) != "none")):
        await query.answer(_t("staff.not_staff"), show_alert=True)
        return
    data = callbacks.decode(query.data)
    if isinstance(data, callbacks.Verdict | callbacks.FailReason | callbacks.FixItem
                  | callbacks.FixExtra | callbacks.ReasonConfirm):
        if not await review.exists(data.application):  # a forged or erased number
            await query.answer(_t("staff.no_application", id=data.application), show_alert=True)
            return
        first = await review.decided_by(data.application)
        if first.by:  # decided meanwhile: say so, whatever was pressed
            await _tell_outcome(query, first, "")
            if private:
                assert isinstance(query.message, Message)
                await staff_private.send_next(query.message, context, user.id)
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
            await _show(query, review_markup.fix_items(app_id, await drafts.get(app_id, user.id)))
            await query.answer()
        case callbacks.Verdict(application=app_id, decision="back"):
            await _show(query, review_markup.main(app_id, private))
            await query.answer()
        case callbacks.Verdict(application=app_id, decision="fixsend"):
            if not (await drafts.get(app_id, user.id)).items:
                await query.answer(_t("staff.fix_none"), show_alert=True)
                return
            outcome = await review.send_back(app_id, user.id, user.full_name)
            await _tell_outcome(query, outcome, _t("staff.sent_back"))
        case callbacks.FailReason(application=app_id, reason="other"):
            await ask(query, context, app_id, "reason")
            await query.answer()
        case callbacks.FailReason(application=app_id, reason=reason):
            outcome = await review.decide(app_id, "fail", user.id, user.full_name, reason)
            await _tell_outcome(query, outcome, _t("staff.decided", decision=_t("staff.fail")))
        case callbacks.FixItem(application=app_id, item=item):
            draft = await drafts.toggle_item(app_id, user.id, item)
            await _show(query, review_markup.fix_items(app_id, draft))
            await query.answer()
        case callbacks.FixExtra(application=app_id, what="note"):
            await ask(query, context, app_id, "note")
            await query.answer()
        case callbacks.FixExtra(application=app_id, what="deadline"):
            draft = await drafts.next_deadline(app_id, user.id)
            await _show(query, review_markup.fix_items(app_id, draft))
            await query.answer()
        case callbacks.ReasonConfirm(application=app_id, action="send"):
            outcome = await drafts.confirm_reason(app_id, user.id, user.full_name)
            if outcome is None:  # not this person's reason, or already used
                await query.answer(_t("stale_button"))
                return
            await _tell_outcome(query, outcome, _t("staff.decided", decision=_t("staff.fail")))
        case callbacks.ReasonConfirm(application=app_id, action="retype"):
            await _show(query, None)
            await ask(query, context, app_id, "reason")
            await query.answer()
        case callbacks.ReasonConfirm(application=app_id, action="cancel"):
            await drafts.drop_reason(app_id, user.id)
            await _show(query, None)
            await query.answer(_t("staff.reason_cancelled", id=app_id))
        case _:
            await query.answer(_t("stale_button"))
            return
    context.services.notify_outbox()
    if private and (await review.decided_by(data.application)).what:
        assert isinstance(query.message, Message)  # decided: the reviewer's next one
        await staff_private.send_next(query.message, context, user.id)


async def on_prompt_reply(update: Update, context: BotContext) -> None:
    """A reply to the bot: words for a card if it answers this staff member's own prompt in
    time. Any other message is conversation (in the group) or an applicant's (in private)."""
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None and message.text
    replied = message.reply_to_message
    if replied is None:
        return
    answer = await context.services.review_drafts.reply(user.id, message.chat_id,
                                                        replied.message_id, message.text)
    if answer is None:
        return
    await _answered(message, answer)
    if message.chat.type == "private":
        raise ApplicationHandlerStop  # not an answer to the registration form


async def _answered(message: Message, answer: Reply) -> None:
    app_id = answer.application_id
    # Quoted, in private chats too: which words the answer is about.
    if answer.expired:
        await message.reply_text(_t("staff.prompt_expired", id=app_id, minutes=PROMPT_MINUTES),
                                 do_quote=True)
    elif answer.kind == "reason":
        markup = review_markup.reason_confirm(app_id)
        await message.reply_text(
            _t("staff.reason_confirm", id=app_id, reason=texts.escape(answer.text)),
            reply_markup=InlineKeyboardMarkup.de_json(markup, message.get_bot()), do_quote=True)
    else:
        await message.reply_text(_t("staff.note_saved", id=app_id,
                                    note=texts.escape(answer.text)), do_quote=True)


def register(app: Application, staff_chat_id: int | None) -> None:  # type: ignore[type-arg]
    app.add_handler(CallbackQueryHandler(on_card_button, pattern=r"^s[vrfxc]:"))
    if staff_chat_id is not None:
        words = filters.TEXT & ~filters.COMMAND & filters.REPLY
        app.add_handler(MessageHandler(filters.Chat(staff_chat_id) & words, on_prompt_reply))
        # In a reviewer's private chat: before the registration form reads it (group -1).
        app.add_handler(MessageHandler(filters.ChatType.PRIVATE & words, on_prompt_reply),
                        group=-1)
