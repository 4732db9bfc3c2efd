"""Registration in a private chat: /daftar, the form's buttons, typed answers and uploads.

Where the applicant is comes from the database on every update (RegistrationService.position),
so this module keeps no conversation state of its own.
"""

from __future__ import annotations

import contextlib

from telegram import InlineKeyboardMarkup, Message, ReplyKeyboardRemove, Update
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot import callbacks, texts
from bot.context import BotContext
from bot.domain.fields import FieldError
from bot.services.registration import Position, StaleAction, Upload
from handlers import keyboards, staff_results, testing, views
from handlers import registration_views as rv
from handlers.common import PRIVATE, applicant_of
from handlers.common import fallback as common_fallback


async def show(message: Message, lang: str, pos: Position, context: BotContext,
               prefix: str | None = None) -> None:
    """Send the screen for where the applicant is now (the status once submitted)."""
    if not pos.open:
        await message.reply_text(status_text(lang, pos, context),
                                 reply_markup=rv.my_data_button(lang, pos))
        return
    screen = rv.step_screen(lang, pos, context.services.config.recruitment)
    text = f"{prefix}\n\n{screen.text}" if prefix else screen.text
    await message.reply_text(text, reply_markup=screen.markup)


def status_text(lang: str, pos: Position, context: BotContext) -> str:
    if pos.application is None:
        return texts.get(lang, "status.none")
    status = pos.application.status
    if status == "registering":
        total = len(rv.reg.missing(rv.reg.Draft(True, {}, {}, frozenset())))
        done = total - len(rv.reg.missing(pos.draft))
        return texts.get(lang, "status.registering", done=done, total=total)
    if status == "submitted" and pos.application.submitted_at:
        zone = context.services.config.recruitment.zone
        when = texts.format_datetime(lang, pos.application.submitted_at.astimezone(zone))
        return texts.get(lang, "status.submitted", when=when)
    known = texts.flatten(texts.catalogue(lang))
    if f"status.{status}" in known:
        return texts.get(lang, f"status.{status}")
    return texts.get(lang, "status.other")  # a word, never the stored code


def window_text(lang: str, state: str, context: BotContext) -> str:
    r = context.services.config.recruitment
    if state == "not_yet":
        start = r.stages.registration.start.astimezone(r.zone)
        return texts.get(lang, "reg.not_yet", when=texts.format_datetime(lang, start),
                         zone=r.zone_name)
    return texts.get(lang, f"reg.{state}")


async def begin(update: Update, context: BotContext) -> None:
    """/daftar and the menu's register button: start or resume at the first missing item."""
    applicant = await applicant_of(update, context)
    message = update.effective_message
    assert message is not None
    if update.callback_query:
        await update.callback_query.answer()
    result = await context.services.registration.begin(applicant.id)
    if isinstance(result, str):
        await message.reply_text(window_text(applicant.language, result, context))
        return
    await show(message, applicant.language, result, context)


async def status(update: Update, context: BotContext) -> None:
    applicant = await applicant_of(update, context)
    assert update.effective_message is not None
    if update.callback_query:
        await update.callback_query.answer()
    pos = await context.services.registration.position(applicant.id)
    await update.effective_message.reply_text(status_text(applicant.language, pos, context),
                                              reply_markup=rv.my_data_button(applicant.language,
                                                                             pos))


async def my_data(update: Update, context: BotContext) -> None:
    """"Lihat data saya": every field as sent, then each document again (read-only)."""
    query, message = update.callback_query, update.effective_message
    assert query is not None and message is not None
    applicant = await applicant_of(update, context)
    lang = applicant.language
    await query.answer()
    pos = await context.services.registration.position(applicant.id)
    if rv.my_data_button(lang, pos) is None:  # nothing sent (yet, or any more)
        await message.reply_text(status_text(lang, pos, context))
        return
    await message.reply_text(rv.my_data(lang, pos, context.services.config.recruitment))
    for kind in rv.reg.DOCUMENTS:
        doc = pos.documents.get(kind)
        if doc is None:
            continue
        caption = texts.get(lang, f"reg.label_{kind}")
        if doc.media_type == "photo":
            await message.reply_photo(doc.file_id, caption=caption, protect_content=True)
        else:
            await message.reply_document(doc.file_id, caption=caption, protect_content=True)


async def cancel(update: Update, context: BotContext) -> None:
    """/batal: leave the current step (nothing typed so far is lost) and show the menu."""
    applicant = await applicant_of(update, context)
    assert update.effective_message is not None
    pos = await context.services.registration.position(applicant.id)
    if pos.open and pos.application and pos.application.editing:
        with contextlib.suppress(StaleAction):
            await context.services.registration.edit(applicant.id, None)
    lang = applicant.language
    await update.effective_message.reply_text(
        texts.get(lang, "reg.cancelled"), reply_markup=ReplyKeyboardRemove()
    )
    await update.effective_message.reply_text(
        texts.get(lang, "start.menu_hint"), reply_markup=keyboards.main_menu(lang)
    )


async def on_button(update: Update, context: BotContext) -> None:
    """Every registration button. A button that no longer fits is answered, not obeyed."""
    query = update.callback_query
    assert query is not None and isinstance(query.message, Message)
    applicant = await applicant_of(update, context)
    lang, svc = applicant.language, context.services.registration
    data = callbacks.decode(query.data)
    try:
        match data:
            case callbacks.Consent(answer="yes"):
                pos = await svc.consent(applicant.id)
            case callbacks.Consent(answer="no"):
                await query.answer()
                await query.message.reply_text(texts.get(lang, "reg.consent_refused"))
                return
            case callbacks.Declare(name=name, answer=answer):
                value = {"yes": True, "no": False, "redo": None}[answer]
                pos = await svc.declare(applicant.id, name, value)
            case callbacks.Choose(field=key, value=value):
                pos = await svc.answer(applicant.id, key, value, typed=False)
            case callbacks.Device(value=value):
                pos = await svc.toggle_device(applicant.id, value)
                if pos.step == rv.reg.Step("field", "devices"):
                    await query.answer()
                    draft = pos.profile.get("devices_draft")
                    await query.edit_message_reply_markup(
                        rv.devices_keyboard(lang, draft if isinstance(draft, str) else None)
                    )
                    return
            case callbacks.Edit(item=item):
                pos = await svc.edit(applicant.id, item)
            case callbacks.KeepNik(nik=nik):
                pos = await svc.replace_nik(applicant.id, nik)
            case callbacks.KeepEmail(address=address):
                pos = await svc.answer(applicant.id, "email", address, typed=True)
            case _:
                await query.answer(texts.get(lang, "stale_button"))
                return
    except StaleAction as stale:
        await query.answer(texts.get(lang, "stale_button"))
        await show(query.message, lang, stale.position, context)
        return
    except FieldError as error:  # as a message: a callback answer holds only 200 characters
        await query.answer()
        screen = rv.field_error(lang, error, context.services.config.recruitment)
        await query.message.reply_text(screen.text, reply_markup=screen.markup)
        return
    await query.answer()
    await settle(query.message, lang, data, pos, context)
    await show(query.message, lang, pos, context)


async def settle(message: Message, lang: str, data: object, pos: Position,
                 context: BotContext) -> None:
    """The pressed question keeps its answer in the chat ("Jawaban: Perempuan") and loses its
    buttons; other pressed messages only lose their buttons."""
    answered = isinstance(data, callbacks.Consent | callbacks.Declare | callbacks.Choose
                          | callbacks.Device)
    if not answered or not message.text:
        await message.edit_reply_markup(None)
        return
    if isinstance(data, callbacks.Device):
        answer = rv.choice_label(lang, "devices", pos.profile.get("devices"),
                                 context.services.config.recruitment)
    else:
        answer = next((b.text for row in (message.reply_markup.inline_keyboard
                                          if message.reply_markup else ())
                       for b in row if b.callback_data == callbacks.encode(data)), "")
    await message.edit_text(f"{message.text_html}\n\n"
                            + texts.get(lang, "reg.chosen", answer=texts.escape(answer)))


async def on_submit(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None and isinstance(query.message, Message)
    applicant = await applicant_of(update, context)
    lang, svc = applicant.language, context.services.registration
    data = callbacks.decode(query.data)
    await query.answer()
    if not isinstance(data, callbacks.Submit):
        return
    if data.stage == "ask":
        pos = await svc.position(applicant.id)
        if pos.open and pos.step.kind == "review":
            screen = rv.submit_confirm(lang)
            await query.message.reply_text(screen.text, reply_markup=screen.markup)
        else:
            await show(query.message, lang, pos, context)
        return
    await query.edit_message_reply_markup(None)
    if data.stage == "cancel":
        await show(query.message, lang, await svc.position(applicant.id), context)
        return
    outcome, pos = await svc.submit(applicant.id)
    if outcome == "submitted":
        context.services.notify_outbox()
        assert pos.application and pos.application.submitted_at
        zone = context.services.config.recruitment.zone
        when = texts.format_datetime(lang, pos.application.submitted_at.astimezone(zone))
        await query.message.reply_text(texts.get(lang, "reg.submitted", when=when),
                                       reply_markup=rv.my_data_button(lang, pos))
    elif outcome == "nik_taken":
        r = context.services.config.recruitment
        screen = rv.field_error(lang, FieldError("nik.taken"), r)
        await query.message.reply_text(screen.text, reply_markup=InlineKeyboardMarkup([[
            keyboards.button(texts.get(lang, "reg.fix_nik"), callbacks.Edit("nik"))]]))
    elif outcome in ("full", "closed"):
        await query.message.reply_text(window_text(lang, outcome, context))
    elif outcome == "incomplete":
        await show(query.message, lang, pos, context, prefix=texts.get(lang, "reg.incomplete"))
    else:
        await show(query.message, lang, pos, context)


async def upload_of(message: Message, limit_mb: float) -> Upload | None:
    """A photo, or a document with its name and first bytes (read when it is a type we take
    and within the size limit), so that a file is judged by what it is."""
    if message.photo:
        largest = message.photo[-1]
        return Upload(largest.file_id, largest.file_unique_id, "photo", largest.file_size)
    if message.document:
        doc = message.document
        head = None
        if doc.mime_type in rv.reg.DOCUMENT_TYPES and (doc.file_size or 0) <= limit_mb * 2**20:
            try:
                head = bytes((await (await doc.get_file()).download_as_bytearray())[:16])
            except TelegramError:  # unreadable now: judged by its name and type alone
                head = None
        return Upload(doc.file_id, doc.file_unique_id, doc.mime_type or "", doc.file_size,
                      doc.file_name, head)
    return None


async def on_message(update: Update, context: BotContext) -> None:
    """Anything typed or sent in a private chat: an answer to the current step, if any."""
    message = update.effective_message
    assert message is not None
    if await testing.resend(update, context):  # during a test: the current question again
        return
    applicant = await applicant_of(update, context)
    lang, svc = applicant.language, context.services.registration
    pos = await svc.position(applicant.id)
    if not pos.open:
        await common_fallback(update, context)
        return
    step = pos.step
    try:
        if step.kind == "document":
            upload = await upload_of(
                message, context.services.config.recruitment.documents.max_file_mb)
            if upload is None:  # typed text, or a sticker, voice, video...
                key = "reg.send_document" if message.text else "errors.doc.kind"
                await message.reply_text(texts.get(lang, key))
                return
            new = await svc.upload(applicant.id, str(step.name), upload)
        elif step.kind == "field":
            raw = message.contact.phone_number if message.contact else message.text
            if raw is None:  # a sticker, photo, voice... where an answer is asked
                typed = rv.reg.SPECS[str(step.name)].kind in ("text", "phone")
                key = "reg.type_answer" if typed else "reg.use_buttons"
                await show(message, lang, pos, context, prefix=texts.get(lang, key))
                return
            if rv.reg.SPECS[str(step.name)].kind == "choice" and (value := rv.typed_choice(
                    lang, str(step.name), raw, context.services.config.recruitment)):
                new = await svc.answer(applicant.id, str(step.name), value, typed=False)
            else:
                new = await svc.answer(applicant.id, str(step.name), raw, typed=True)
        else:
            await show(message, lang, pos, context, prefix=texts.get(lang, "reg.use_buttons"))
            return
    except FieldError as error:
        r = context.services.config.recruitment
        screen = rv.field_error(lang, error, r, rv.step_screen(lang, pos, r).markup)
        await message.reply_text(screen.text, reply_markup=screen.markup)
        return
    except StaleAction as stale:
        await show(message, lang, stale.position, context)
        return
    if step.name == "phone":
        await message.reply_text(texts.get(lang, "reg.saved"),
                                 reply_markup=ReplyKeyboardRemove())
        await show(message, lang, new, context)
    elif step.kind == "document" and (doc := new.documents.get(str(step.name))) is not None:
        await show(message, lang, new, context,
                   prefix=rv.document_saved(lang, doc.kind, doc.media_type))
    else:
        await show(message, lang, new, context, prefix=texts.get(lang, "reg.saved"))


async def erase(update: Update, context: BotContext) -> None:
    """/hapus and its confirmation buttons."""
    applicant = await applicant_of(update, context)
    lang, svc = applicant.language, context.services.registration
    message = update.effective_message
    assert message is not None
    query = update.callback_query
    data = callbacks.decode(query.data) if query else callbacks.Erase("ask")
    if query:
        await query.answer()
        await query.edit_message_reply_markup(None)
    contact = views.contact(lang, context.services.config.recruitment)
    pos = await svc.position(applicant.id)
    if pos.status in (None, "withdrawn"):
        await message.reply_text(texts.get(lang, "reg.erase_nothing"))
    elif pos.status not in ("registering", "needs_fix", "submitted"):
        await message.reply_text(texts.get(lang, "reg.erase_not_allowed", contact=contact))
    elif not isinstance(data, callbacks.Erase) or data.stage == "cancel":
        await message.reply_text(texts.get(lang, "reg.erase_kept"))
    elif data.stage == "ask":
        screen = rv.erase_confirm(lang)
        await message.reply_text(screen.text, reply_markup=screen.markup)
    elif await svc.erase(applicant.id):
        await message.reply_text(texts.get(lang, "reg.erased"),
                                 reply_markup=ReplyKeyboardRemove())
    else:
        await message.reply_text(texts.get(lang, "reg.erase_not_allowed", contact=contact))


async def on_action(update: Update, context: BotContext) -> None:
    """A push message's button: straight to that step, as if its command had been typed."""
    query = update.callback_query
    assert query is not None
    data = callbacks.decode(query.data)
    if not isinstance(data, callbacks.Go):
        await query.answer(texts.get((await applicant_of(update, context)).language,
                                     "stale_button"))
        return
    if data.action == "register":
        await begin(update, context)  # answers the query itself
        return
    await query.answer()
    await {"schedule": testing.schedule, "begin": testing.start,
           "result": staff_results.my_result}[data.action](update, context)


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(CommandHandler(["daftar", "register"], begin, filters=PRIVATE))
    app.add_handler(CommandHandler("status", status, filters=PRIVATE))
    app.add_handler(CommandHandler(["batal", "cancel"], cancel, filters=PRIVATE))
    app.add_handler(CommandHandler(["hapus", "erase"], erase, filters=PRIVATE))
    app.add_handler(CallbackQueryHandler(begin, pattern=r"^m:register$"))
    app.add_handler(CallbackQueryHandler(status, pattern=r"^m:status$"))
    app.add_handler(CallbackQueryHandler(on_submit, pattern=r"^rs:"))
    app.add_handler(CallbackQueryHandler(erase, pattern=r"^rx:"))
    app.add_handler(CallbackQueryHandler(on_button, pattern=r"^r[cdfvenm]:"))
    app.add_handler(CallbackQueryHandler(on_action, pattern=r"^go:"))
    app.add_handler(CallbackQueryHandler(my_data, pattern=r"^md$"))
    # Typed answers, shared contacts and uploads; commands are left to the fallback.
    app.add_handler(MessageHandler(PRIVATE & ~filters.COMMAND, on_message))
