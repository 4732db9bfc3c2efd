"""Text messages, edits, deletes, copies, forwards, callback answers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .models import ApiError, CallbackAnswer, ChatRecord, Params, SimMessage, bad
from .registry import api
from .render import bot_user_dict, message_dict, user_dict
from .textparse import check_caption, check_markup, check_text, html_source

if TYPE_CHECKING:
    from .state import SimState


def common(sim: SimState, p: Params, chat: ChatRecord) -> dict[str, Any]:
    """reply_markup, protect_content and reply target shared by all send methods."""
    out: dict[str, Any] = {
        "reply_markup": check_markup(p.obj("reply_markup")),
        "protect_content": p.bool("protect_content"),
    }
    reply = p.obj("reply_parameters")
    if isinstance(reply, dict):
        reply_id, allow = reply.get("message_id"), bool(reply.get("allow_sending_without_reply"))
    else:
        reply_id, allow = p.int("reply_to_message_id"), p.bool("allow_sending_without_reply")
    if reply_id:
        target = chat.messages.get(int(reply_id))
        if target is not None and not target.deleted:
            out["extra"] = {"reply_to_message_id": target.message_id}
        elif not allow:
            raise bad("message to be replied not found")
    return out


def bot_message(sim: SimState, chat: ChatRecord, **fields: Any) -> SimMessage:
    return sim.add_message(chat, True, sim.bot_id, **fields)


@api("sendMessage", "send")
async def send_message(sim: SimState, p: Params) -> Any:
    chat = sim.resolve_chat(p.raw.get("chat_id"), sending=True)
    text = check_text(p.str("text"), p.str("parse_mode"))
    msg = bot_message(sim, chat, kind="text", text=text, html=html_source(p.str("text"), p.str(
        "parse_mode")), **common(sim, p, chat))
    return message_dict(sim, msg)


@api("sendLocation", "send")
async def send_location(sim: SimState, p: Params) -> Any:
    chat = sim.resolve_chat(p.raw.get("chat_id"), sending=True)
    lat, lon = p.float("latitude"), p.float("longitude")
    if lat is None or lon is None:
        raise bad("wrong latitude/longitude specified")
    content = {"location": {"latitude": lat, "longitude": lon}}
    msg = bot_message(sim, chat, kind="location", content=content, **common(sim, p, chat))
    return message_dict(sim, msg)


@api("sendContact", "send")
async def send_contact(sim: SimState, p: Params) -> Any:
    chat = sim.resolve_chat(p.raw.get("chat_id"), sending=True)
    contact = {"phone_number": p.str("phone_number") or "", "first_name": p.str("first_name")}
    if not contact["phone_number"] or not contact["first_name"]:
        raise bad("phone number or first name is empty")
    if p.has("last_name"):
        contact["last_name"] = p.str("last_name")
    msg = bot_message(sim, chat, kind="contact", content={"contact": contact},
                      **common(sim, p, chat))
    return message_dict(sim, msg)


@api("sendChatAction")
async def send_chat_action(sim: SimState, p: Params) -> Any:
    sim.resolve_chat(p.raw.get("chat_id"), sending=True)
    if not p.has("action"):
        raise bad("action is empty")
    return True


def message_to_edit(sim: SimState, p: Params) -> SimMessage:
    if p.has("inline_message_id"):
        raise bad("message to edit not found")
    chat = sim.resolve_chat(p.raw.get("chat_id"), sending=True)
    msg = chat.messages.get(p.int("message_id") or 0)
    if msg is None or msg.deleted:
        raise bad("message to edit not found")
    if not msg.from_bot:
        raise bad("message can't be edited")
    return msg


def not_modified() -> ApiError:
    return bad("message is not modified: specified new message content and reply markup are "
               "exactly the same as a current content and reply markup of the message")


def apply_edit(sim: SimState, msg: SimMessage, text: str | None,
               markup: dict[str, Any] | None, html: str | None, new_content: bool = False
               ) -> Any:
    """Apply an edit; "not modified" when nothing changes (`new_content`: a new file did)."""
    if not new_content and (text, html, markup) == (msg.text, msg.html, msg.reply_markup):
        raise not_modified()
    msg.text = text
    msg.html = html
    msg.reply_markup = markup
    msg.edit_count += 1
    msg.edit_date = sim.now()
    sim.touch(msg)
    return message_dict(sim, msg)


@api("editMessageText", "edit")
async def edit_message_text(sim: SimState, p: Params) -> Any:
    msg = message_to_edit(sim, p)
    text = check_text(p.str("text"), p.str("parse_mode"))
    if msg.kind != "text":
        raise bad("there is no text in the message to edit")
    return apply_edit(sim, msg, text, check_markup(p.obj("reply_markup")),
                      html_source(p.str("text"), p.str("parse_mode")))


@api("editMessageCaption", "edit")
async def edit_message_caption(sim: SimState, p: Params) -> Any:
    msg = message_to_edit(sim, p)
    caption = check_caption(p.str("caption"), p.str("parse_mode"))
    if msg.kind == "text":
        raise bad("there is no caption in the message to edit")
    return apply_edit(sim, msg, caption, check_markup(p.obj("reply_markup")),
                      html_source(p.str("caption"), p.str("parse_mode")))


@api("editMessageReplyMarkup", "edit")
async def edit_message_reply_markup(sim: SimState, p: Params) -> Any:
    msg = message_to_edit(sim, p)
    return apply_edit(sim, msg, msg.text, check_markup(p.obj("reply_markup")), msg.html)


@api("deleteMessage")
async def delete_message(sim: SimState, p: Params) -> Any:
    chat = sim.resolve_chat(p.raw.get("chat_id"))
    msg = chat.messages.get(p.int("message_id") or 0)
    if msg is None or msg.deleted:
        raise bad("message to delete not found")
    msg.deleted = True
    sim.touch(msg)
    return True


@api("deleteMessages")
async def delete_messages(sim: SimState, p: Params) -> Any:
    chat = sim.resolve_chat(p.raw.get("chat_id"))
    ids = p.obj("message_ids")
    if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
        raise bad("message identifiers are not specified")
    for message_id in ids:
        msg = chat.messages.get(int(message_id))
        if msg is not None and not msg.deleted:
            msg.deleted = True
            sim.touch(msg)
    return True


def source_message(sim: SimState, p: Params, verb: str) -> SimMessage:
    source_chat = sim.resolve_chat(p.raw.get("from_chat_id"))
    src = source_chat.messages.get(p.int("message_id") or 0)
    if src is None or src.deleted:
        raise bad(f"message to {verb} not found")
    if src.protect_content:
        raise bad(f"message can't be {verb}ed" if verb == "forward" else "message can't be copied")
    return src


@api("copyMessage", "send")
async def copy_message(sim: SimState, p: Params) -> Any:
    src = source_message(sim, p, "copy")
    chat = sim.resolve_chat(p.raw.get("chat_id"), sending=True)
    text, html = src.text, src.html
    if src.kind != "text" and "caption" in p.raw:
        text = check_caption(p.str("caption"), p.str("parse_mode"))
        html = html_source(p.str("caption"), p.str("parse_mode"))
    fields = common(sim, p, chat)
    msg = bot_message(sim, chat, kind=src.kind, text=text, content=dict(src.content),
                      file=src.file, entities=src.entities, html=html, **fields)
    return {"message_id": msg.message_id}


@api("forwardMessage", "send")
async def forward_message(sim: SimState, p: Params) -> Any:
    src = source_message(sim, p, "forward")
    chat = sim.resolve_chat(p.raw.get("chat_id"), sending=True)
    origin_user = bot_user_dict(sim) if src.from_bot else user_dict(sim.users[src.sender_id])
    extra = {"forward_origin": {"type": "user", "date": src.date, "sender_user": origin_user}}
    msg = bot_message(sim, chat, kind=src.kind, text=src.text, content=dict(src.content),
                      file=src.file, entities=src.entities, extra=extra, html=src.html,
                      protect_content=p.bool("protect_content"))
    return message_dict(sim, msg)


@api("answerCallbackQuery")
async def answer_callback_query(sim: SimState, p: Params) -> Any:
    pending = sim.callbacks.get(p.str("callback_query_id") or "")
    too_old = bad("query is too old and response timeout expired or query ID is invalid")
    if pending is None or pending.answer is not None:
        raise too_old
    if sim.clock.time() - pending.created > sim.limits.callback_answer_timeout:
        raise too_old
    text = p.str("text")
    if text is not None and len(text) > 200:
        raise bad("MESSAGE_TOO_LONG")
    pending.answer = CallbackAnswer(text=text, show_alert=p.bool("show_alert"),
                                    url=p.str("url"))
    sim.touch()
    return True
