"""getMe, commands, descriptions, chats and members, close/logOut."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from .models import Params, bad
from .registry import api
from .render import bot_user_dict, chat_full_dict, member_dict

if TYPE_CHECKING:
    from .state import SimState

_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")


@api("getMe")
async def get_me(sim: SimState, p: Params) -> Any:
    return bot_user_dict(sim, full=True)


@api("logOut")
async def log_out(sim: SimState, p: Params) -> Any:
    return True


@api("close")
async def close(sim: SimState, p: Params) -> Any:
    return True


def _scope_key(p: Params) -> str:
    scope = p.obj("scope") or {"type": "default"}
    return json.dumps([scope, p.str("language_code") or ""], sort_keys=True)


@api("setMyCommands")
async def set_my_commands(sim: SimState, p: Params) -> Any:
    commands = p.obj("commands")
    if not isinstance(commands, list) or len(commands) > 100:
        raise bad("commands must be a non-empty array of at most 100 commands")
    clean = []
    for cmd in commands:
        if not isinstance(cmd, dict) or not _COMMAND.match(str(cmd.get("command", ""))):
            raise bad("BOT_COMMAND_INVALID")
        description = str(cmd.get("description", ""))
        if not 1 <= len(description) <= 256:
            raise bad("command description is empty")
        clean.append({"command": cmd["command"], "description": description})
    sim.commands[_scope_key(p)] = clean
    return True


@api("getMyCommands")
async def get_my_commands(sim: SimState, p: Params) -> Any:
    return sim.commands.get(_scope_key(p), [])


@api("deleteMyCommands")
async def delete_my_commands(sim: SimState, p: Params) -> Any:
    sim.commands.pop(_scope_key(p), None)
    return True


# The bot's description (shown in an empty chat, before START) and short description (its
# profile, shared links): per language_code like the commands; "" is everyone else's.
DESCRIPTION_MAX, SHORT_DESCRIPTION_MAX = 512, 120


def _set_description(texts: dict[str, str], p: Params, field: str, limit: int) -> bool:
    value = p.str(field) or ""
    if len(value) > limit:
        raise bad(f"{field.replace('_', ' ')} is too long")
    language = p.str("language_code") or ""
    if value:
        texts[language] = value
    else:  # an empty one removes the language's own
        texts.pop(language, None)
    return True


@api("setMyDescription")
async def set_my_description(sim: SimState, p: Params) -> Any:
    return _set_description(sim.descriptions, p, "description", DESCRIPTION_MAX)


@api("getMyDescription")
async def get_my_description(sim: SimState, p: Params) -> Any:
    return {"description": sim.descriptions.get(p.str("language_code") or "", "")}


@api("setMyShortDescription")
async def set_my_short_description(sim: SimState, p: Params) -> Any:
    return _set_description(sim.short_descriptions, p, "short_description",
                            SHORT_DESCRIPTION_MAX)


@api("getMyShortDescription")
async def get_my_short_description(sim: SimState, p: Params) -> Any:
    return {"short_description": sim.short_descriptions.get(p.str("language_code") or "", "")}


@api("getChat")
async def get_chat(sim: SimState, p: Params) -> Any:
    return chat_full_dict(sim.resolve_chat(p.raw.get("chat_id")))


@api("getChatMember")
async def get_chat_member(sim: SimState, p: Params) -> Any:
    chat = sim.resolve_chat(p.raw.get("chat_id"))
    user_id = p.int("user_id")
    if user_id is None:
        raise bad("user_id is empty")
    return member_dict(sim, chat, user_id)


@api("getChatAdministrators")
async def get_chat_administrators(sim: SimState, p: Params) -> Any:
    chat = sim.resolve_chat(p.raw.get("chat_id"))
    if chat.type == "private":
        raise bad("there are no administrators in the private chat")
    out = [member_dict(sim, chat, admin.id) for admin in chat.admins]
    out.append(member_dict(sim, chat, sim.bot_id))
    return out


@api("getChatMemberCount")
async def get_chat_member_count(sim: SimState, p: Params) -> Any:
    chat = sim.resolve_chat(p.raw.get("chat_id"))
    return 2 if chat.type == "private" else len(chat.members) + 1
