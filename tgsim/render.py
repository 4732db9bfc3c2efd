"""Render simulator state as Bot API JSON objects (pure functions of the core state)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .models import bad

if TYPE_CHECKING:
    from .models import ChatRecord, SimMessage, UserRecord
    from .state import SimState


def user_dict(user: UserRecord) -> dict[str, Any]:
    out: dict[str, Any] = {"id": user.id, "is_bot": False, "first_name": user.first_name}
    if user.last_name:
        out["last_name"] = user.last_name
    if user.username:
        out["username"] = user.username
    if user.language_code:
        out["language_code"] = user.language_code
    return out


def bot_user_dict(sim: SimState, full: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": sim.bot_id,
        "is_bot": True,
        "first_name": sim.bot_name,
        "username": sim.bot_username,
    }
    if full:
        out.update(
            can_join_groups=True,
            can_read_all_group_messages=False,
            supports_inline_queries=False,
            can_connect_to_business=False,
            has_main_web_app=False,
        )
    return out


def chat_dict(chat: ChatRecord) -> dict[str, Any]:
    if chat.type == "private" and chat.user is not None:
        out = {"id": chat.id, "type": "private", "first_name": chat.user.first_name}
        if chat.user.last_name:
            out["last_name"] = chat.user.last_name
        if chat.user.username:
            out["username"] = chat.user.username
        return out
    return {"id": chat.id, "type": chat.type, "title": chat.title}


def chat_full_dict(chat: ChatRecord) -> dict[str, Any]:
    out = chat_dict(chat)
    out.update(
        accent_color_id=0,
        max_reaction_count=11,
        accepted_gift_types={
            "unlimited_gifts": False,
            "limited_gifts": False,
            "unique_gifts": False,
            "premium_subscription": False,
            "gifts_from_channels": False,
        },
    )
    return out


def message_dict(sim: SimState, msg: SimMessage, with_reply: bool = True) -> dict[str, Any]:
    chat = sim.chats[msg.chat_id]
    sender = bot_user_dict(sim) if msg.from_bot else user_dict(sim.users[msg.sender_id])
    out: dict[str, Any] = {
        "message_id": msg.message_id,
        "from": sender,
        "chat": chat_dict(chat),
        "date": msg.date,
    }
    if msg.edit_date is not None:
        out["edit_date"] = msg.edit_date
    if msg.media_group_id:
        out["media_group_id"] = msg.media_group_id
    if msg.protect_content:
        out["has_protected_content"] = True
    for key, value in msg.extra.items():
        if key == "reply_to_message_id":
            target = chat.messages.get(value)
            if with_reply and target is not None and not target.deleted:
                out["reply_to_message"] = message_dict(sim, target, with_reply=False)
        else:
            out[key] = value
    if msg.text is not None:
        out["text" if msg.kind == "text" else "caption"] = msg.text
    if msg.entities:
        out["entities" if msg.kind == "text" else "caption_entities"] = msg.entities
    out.update(msg.content)
    if msg.reply_markup and "inline_keyboard" in msg.reply_markup:
        out["reply_markup"] = msg.reply_markup
    return out


def member_dict(sim: SimState, chat: ChatRecord, user_id: int) -> dict[str, Any]:
    if user_id == sim.bot_id:
        return admin_member(bot_user_dict(sim), can_be_edited=False)
    user = sim.users.get(user_id)
    if user is None:
        raise bad("PARTICIPANT_ID_INVALID")
    udict = user_dict(user)
    if chat.type == "private":
        return {"status": "member", "user": udict}
    if chat.admins and chat.admins[0] is user:
        return {"status": "creator", "user": udict, "is_anonymous": False}
    if user in chat.admins:
        return admin_member(udict, can_be_edited=False)
    if user in chat.members:
        return {"status": "member", "user": udict}
    return {"status": "left", "user": udict}


def admin_member(udict: dict[str, Any], can_be_edited: bool) -> dict[str, Any]:
    return {
        "status": "administrator",
        "user": udict,
        "can_be_edited": can_be_edited,
        "is_anonymous": False,
        "can_manage_chat": True,
        "can_delete_messages": True,
        "can_manage_video_chats": True,
        "can_restrict_members": True,
        "can_promote_members": False,
        "can_change_info": True,
        "can_invite_users": True,
        "can_post_stories": False,
        "can_edit_stories": False,
        "can_delete_stories": False,
        "can_pin_messages": True,
    }
