"""Sessions and the test in a private chat: /jadwal (book once), /mulai, /lanjut, /latihan,
and the test's buttons. Every screen is rebuilt from the database."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, InputFile, InputMediaPhoto, Message, Update
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot import callbacks, texts
from bot.context import BotContext
from bot.services.testing import Refused, View
from handlers import testing_views as tv
from handlers import views
from handlers.common import PRIVATE, applicant_of
from handlers.keyboards import button
from question_bank import image_path


def _when(context: BotContext, lang: str, moment) -> str:  # type: ignore[no-untyped-def]
    return texts.format_datetime(lang, moment.astimezone(context.services.config.recruitment.zone))


async def schedule(update: Update, context: BotContext) -> None:
    """/jadwal: the booked session, or the sessions to choose from (once, for good)."""
    applicant = await applicant_of(update, context)
    lang, svc = applicant.language, context.services.sessions
    message = update.effective_message
    assert message is not None
    status, session = await svc.booking_of(applicant.id)
    r = context.services.config.recruitment
    if session is not None:
        await message.reply_text(texts.get(lang, "test.your_session", code=session.code,
                                           when=_when(context, lang, session.start)))
    elif status != "admin_passed":
        await message.reply_text(texts.get(lang, "test.not_passed"))
    elif not svc.in_test_window():
        await message.reply_text(texts.get(
            lang, "test.not_window", start=texts.format_date(lang, r.stages.test.start),
            end=texts.format_date(lang, r.stages.test.end)))
    elif not (open_sessions := await svc.bookable()):
        await message.reply_text(texts.get(lang, "test.none_left",
                                           contact=views.contact(lang, r)))
    else:
        rows = [[button(texts.get(lang, "test.session_button", code=s.code, seats=s.seats_left,
                                  when=_when(context, lang, s.start)),
                        callbacks.Book(s.id, "pick"))] for s in open_sessions[:20]]
        await message.reply_text(texts.get(lang, "test.choose", zone=r.zone_name),
                                 reply_markup=InlineKeyboardMarkup(rows))


async def on_book(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None and isinstance(query.message, Message)
    applicant = await applicant_of(update, context)
    lang, svc = applicant.language, context.services.sessions
    data = callbacks.decode(query.data)
    if not isinstance(data, callbacks.Book):
        await query.answer(texts.get(lang, "stale_button"))
        return
    await query.answer()
    if (await svc.booking_of(applicant.id))[1] is not None:  # booked already: final
        await schedule(update, context)
        return
    chosen = next((s for s in await svc.bookable() if s.id == data.session), None)
    if data.stage == "pick" and chosen is not None:
        await query.message.reply_text(
            texts.get(lang, "test.confirm", code=chosen.code,
                      when=_when(context, lang, chosen.start)),
            reply_markup=InlineKeyboardMarkup([[
                button(texts.get(lang, "test.confirm_yes"), callbacks.Book(chosen.id, "confirm")),
                button(texts.get(lang, "test.confirm_no"), callbacks.Book(chosen.id, "other")),
            ]]))
        return
    if data.stage == "other":  # back to the list, nothing booked
        await query.edit_message_reply_markup(None)
        await schedule(update, context)
        return
    outcome = await svc.book(applicant.id, data.session) if chosen else "full"
    await query.edit_message_reply_markup(None)
    if outcome == "booked":
        r = context.services.config.recruitment
        _, session = await svc.booking_of(applicant.id)
        assert session is not None
        await query.message.reply_text(texts.get(
            lang, "test.booked", code=session.code, when=_when(context, lang, session.start),
            questions=r.test.questions, minutes=r.test.minutes))
    elif outcome == "full":
        await query.message.reply_text(texts.get(lang, "test.full"))
    else:
        await schedule(update, context)


async def send_question(message: Message, lang: str, view: View, context: BotContext) -> None:
    """A new copy of the current screen; the first delivery starts the clock."""
    sent = await _send(message, tv.question(lang, view, view.attempt.current), context)
    if view.attempt.started_at is None:
        await context.services.testing.delivered(view.attempt.id)
    await _remember_screen(context, view.attempt.id, sent)


def _photo(context: BotContext, image: str) -> str | InputFile:
    """A question's picture: its file_id once Telegram has it, else the file itself."""
    known = context.photo_ids.get(image)
    return known if known else InputFile(image_path(image).read_bytes(), filename=image)


def _remember_photo(context: BotContext, image: str, sent: Message | bool) -> None:
    if isinstance(sent, Message) and sent.photo:
        context.photo_ids[image] = sent.photo[-1].file_id


async def _send(message: Message, screen: tv.Screen, context: BotContext) -> Message:
    if screen.image is None:
        return await message.reply_text(screen.text, reply_markup=screen.markup,
                                        protect_content=True)
    sent = await message.reply_photo(_photo(context, screen.image), caption=screen.text,
                                     reply_markup=screen.markup, protect_content=True)
    _remember_photo(context, screen.image, sent)
    return sent


async def _remember_screen(context: BotContext, attempt_id: int, sent: Message) -> None:
    """A new message shows the attempt's screen: it is closed when the attempt ends."""
    if await context.services.testing.screen_shown(attempt_id, sent.chat_id, sent.message_id,
                                                   bool(sent.photo)):
        context.services.notify_outbox()  # it ended meanwhile: this copy is closed at once


async def _show(message: Message, screen: tv.Screen, context: BotContext,
                attempt_id: int) -> None:
    """The screen in place of `message`: edited where Telegram can (text into text, photo into
    photo, a list or confirmation into a photo's caption), else a new message that replaces it
    (so the chat still holds one live copy)."""
    is_photo = bool(message.photo)
    try:
        if screen.image is not None and is_photo:
            media = InputMediaPhoto(_photo(context, screen.image), caption=screen.text)
            _remember_photo(context, screen.image,
                            await message.edit_media(media, reply_markup=screen.markup))
        elif screen.image is None and not is_photo:
            await message.edit_text(screen.text, reply_markup=screen.markup)
        elif screen.image is None and not screen.is_question:
            await message.edit_caption(screen.text, reply_markup=screen.markup)
        elif await _retire(message, context, attempt_id):
            await _remember_screen(context, attempt_id, await _send(message, screen, context))
    except BadRequest as exc:  # a double tap: the same screen again, or already replaced
        if "not modified" not in exc.message and "not found" not in exc.message:
            raise


async def _retire(message: Message, context: BotContext, attempt_id: int) -> bool:
    """A screen to replace: deleted (or, too old to delete, left without its buttons), and no
    longer one to close at the end. False when it is gone already: a double tap replaced it a
    moment ago."""
    gone_already = False
    try:
        await message.delete()
    except BadRequest as exc:
        gone_already = "not found" in exc.message
        if not gone_already:
            await message.edit_reply_markup(None)
    await context.services.testing.screen_gone(attempt_id, message.chat_id, message.message_id)
    return not gone_already


async def start(update: Update, context: BotContext) -> None:
    applicant = await applicant_of(update, context)
    message = update.effective_message
    assert message is not None
    result = await context.services.testing.start(applicant.id)
    if isinstance(result, View):
        await send_question(message, applicant.language, result, context)
        return
    _, session = await context.services.sessions.booking_of(applicant.id)
    when = _when(context, applicant.language, session.start) if session else ""
    await message.reply_text(texts.get(applicant.language, f"test.{result}", when=when))


async def practice(update: Update, context: BotContext) -> None:
    applicant = await applicant_of(update, context)
    assert update.effective_message is not None
    view = await context.services.testing.start_practice(applicant.id)
    await send_question(update.effective_message, applicant.language, view, context)


async def resend(update: Update, context: BotContext) -> bool:
    """/lanjut, and any message during a test: the current question again. False: no test."""
    applicant = await applicant_of(update, context)
    view = await context.services.testing.current(applicant.id)
    if view is None:
        return False
    assert update.effective_message is not None
    await send_question(update.effective_message, applicant.language, view, context)
    return True


async def resume(update: Update, context: BotContext) -> None:
    if not await resend(update, context):
        applicant = await applicant_of(update, context)
        assert update.effective_message is not None
        await update.effective_message.reply_text(texts.get(applicant.language,
                                                            "test.no_active"))


async def on_test_key(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None and isinstance(query.message, Message)
    applicant = await applicant_of(update, context)
    lang, svc = applicant.language, context.services.testing
    data = callbacks.decode(query.data)
    if not isinstance(data, callbacks.TestKey):
        await query.answer(texts.get(lang, "stale_button"))
        return
    try:
        if data.action == "c":
            view = await svc.finish(data.attempt, applicant.id)
            await _finished(query.message, lang, view, context)
            await query.answer()
            return
        choice = data.option if data.action == "a" else None
        view = await svc.act(data.attempt, applicant.id, data.position, choice)
    except Refused as refused:
        await _refused(query, lang, refused, context)
        return
    position = view.attempt.current
    if data.action == "a" and position < len(view.questions) - 1:
        view = await svc.act(data.attempt, applicant.id, position + 1)  # on to the next one
        position += 1
    screen = {"l": tv.question_list, "f": tv.finish_confirm}.get(data.action, tv.question)
    # The new screen first, then the answer that stops the button's spinner.
    await _show(query.message, screen(lang, view, position), context, view.attempt.id)
    await query.answer()


async def _refused(query, lang: str, refused: Refused, context: BotContext) -> None:  # type: ignore[no-untyped-def]
    reason = "stale_button" if refused.reason == "forged" else f"test.{refused.reason}"
    await query.answer(texts.get(lang, reason), show_alert=refused.reason == "late")
    if refused.reason in ("late", "finished") and refused.view is not None:
        context.services.notify_outbox()  # (late: submitted just now, its messages queued)
        try:  # its final state may have got there first
            await query.edit_message_reply_markup(None)
        except BadRequest as exc:
            if "not modified" not in exc.message and "not found" not in exc.message:
                raise


async def _finished(message: Message, lang: str, view: View, context: BotContext) -> None:
    """Submitted: every copy of the screen is closed and, after a practice round, its score
    and review are sent, all through the outbox (also when time runs out); a test's
    confirmation is the reply."""
    context.services.notify_outbox()
    if view.attempt.kind == "practice":
        return
    total, answered = len(view.questions), len(view.answers)
    r = context.services.config.recruitment
    if r.test.show_score_after_submit:
        text = texts.get(lang, "test.submitted_score", answered=answered, total=total,
                         score=view.attempt.score)
    else:
        text = texts.get(lang, "test.submitted", answered=answered, total=total,
                         when=_when(context, lang, r.stages.announcement))
    await message.reply_text(text)


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(CommandHandler(["jadwal", "schedule"], schedule, filters=PRIVATE))
    app.add_handler(CommandHandler(["mulai", "begin"], start, filters=PRIVATE))
    app.add_handler(CommandHandler(["lanjut", "resume"], resume, filters=PRIVATE))
    app.add_handler(CommandHandler(["latihan", "practice"], practice, filters=PRIVATE))
    app.add_handler(CallbackQueryHandler(on_book, pattern=r"^bk:"))
    app.add_handler(CallbackQueryHandler(on_test_key, pattern=r"^t:"))
