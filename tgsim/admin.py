"""A tiny JSON API (``/sim/*``) to act as people from other processes (e.g. a playground)."""

from __future__ import annotations

import base64
import contextlib
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    from .client import SimChat, SimUser
    from .simulator import Simulator

JsonHandler = Callable[["Simulator", dict[str, Any]], Awaitable[Any]]


def _sim(request: web.Request) -> Simulator:
    from .server import SIM_KEY

    return request.app[SIM_KEY]


def user_json(user: SimUser) -> dict[str, Any]:
    return {"id": user.id, "chat_id": user.chat_id, "first_name": user.first_name,
            "last_name": user.last_name, "username": user.username,
            "language_code": user.language_code, "blocked": user.blocked}


def _user(sim: Simulator, body: dict[str, Any]) -> SimUser:
    try:
        return sim.users[int(body["user_id"])]
    except (KeyError, TypeError, ValueError):
        raise web.HTTPNotFound(text='{"ok": false, "error": "unknown user_id"}',
                               content_type="application/json") from None


def _chat(sim: Simulator, body: dict[str, Any]) -> SimChat | None:
    chat_id = body.get("chat_id")
    if chat_id in (None, ""):
        return None
    chat = sim.chats.get(int(chat_id))
    if chat is None:
        raise web.HTTPNotFound(text='{"ok": false, "error": "unknown chat_id"}',
                               content_type="application/json")
    return chat


def _chat_of(sim: Simulator, body: dict[str, Any]) -> SimChat:
    chat = _chat(sim, body)
    return chat if chat is not None else sim.chats[_user(sim, body).id]


async def create_user(sim: Simulator, body: dict[str, Any]) -> Any:
    user = sim.user(first_name=str(body.get("first_name") or "User"),
                    last_name=body.get("last_name"), username=body.get("username"),
                    language_code=body.get("language_code", "id"))
    return user_json(user)


async def send(sim: Simulator, body: dict[str, Any]) -> Any:
    msg = await _user(sim, body).send(str(body.get("text", "")), chat=_chat(sim, body))
    return msg.to_json()


async def send_photo(sim: Simulator, body: dict[str, Any]) -> Any:
    data = base64.b64decode(body.get("data_base64") or "") or b"<fake jpeg>"
    msg = await _user(sim, body).send_photo(data, body.get("caption"), chat=_chat(sim, body))
    return msg.to_json()


async def send_document(sim: Simulator, body: dict[str, Any]) -> Any:
    data = base64.b64decode(body.get("data_base64") or "")
    msg = await _user(sim, body).send_document(
        data, str(body.get("filename") or "file.bin"),
        str(body.get("mime_type") or "application/octet-stream"), body.get("caption"),
        chat=_chat(sim, body))
    return msg.to_json()


async def share_contact(sim: Simulator, body: dict[str, Any]) -> Any:
    user = _user(sim, body)
    msg = await user.share_contact(str(body.get("phone_number") or "+6281234567890"),
                                   chat=_chat(sim, body))
    return msg.to_json()


async def click(sim: Simulator, body: dict[str, Any]) -> Any:
    user = _user(sim, body)
    chat = _chat_of(sim, body)
    message = chat.messages.get(int(body["message_id"])) if body.get("message_id") else None
    timeout = float(body.get("timeout", 5.0))
    try:
        if body.get("data") is not None and message is not None:
            answer = await user.click_data(str(body["data"]), message, timeout=timeout)
        else:
            answer = await user.click(str(body.get("label", "")), message, chat, timeout)
    except (AssertionError, TimeoutError) as exc:
        return {"ok": False, "error": str(exc)}
    return {"ok": True, "text": answer.text, "show_alert": answer.show_alert, "url": answer.url}


async def block(sim: Simulator, body: dict[str, Any]) -> Any:
    user = _user(sim, body)
    if body.get("blocked", True):
        user.block_bot()
    else:
        user.unblock_bot()
    return user_json(user)


POSTS: dict[str, JsonHandler] = {
    "users": create_user, "send": send, "photo": send_photo, "document": send_document,
    "contact": share_contact, "click": click, "block": block,
}


async def handle_post(request: web.Request) -> web.Response:
    handler = POSTS.get(request.match_info["action"])
    if handler is None:
        raise web.HTTPNotFound()
    body = await request.json() if request.can_read_body else {}
    return web.json_response(await handler(_sim(request), body))


async def handle_state(request: web.Request) -> web.Response:
    sim = _sim(request)
    chats = [{"id": c.id, "type": c.type, "title": c.title} for c in sim.chats.values()]
    return web.json_response({
        "bot": {"id": sim.bot_id, "username": sim.bot_username},
        "users": [user_json(u) for u in sim.users.values()],
        "chats": chats, "version": sim.version,
    })


async def handle_messages(request: web.Request) -> web.Response:
    sim = _sim(request)
    chat = _chat_of(sim, dict(request.query))
    return web.json_response([m.to_json() for m in chat.messages.values()])


async def handle_events(request: web.Request) -> web.Response:
    """Long-poll: messages of one chat created/edited/deleted after version ``after``."""
    sim = _sim(request)
    chat = _chat_of(sim, dict(request.query))
    after = int(request.query.get("after", 0))
    timeout = min(60.0, float(request.query.get("timeout", 25)))

    def changed() -> list[dict[str, Any]]:
        return [m.to_json() for m in chat.messages.values() if m.version > after]

    with contextlib.suppress(TimeoutError):
        await sim.wait_until(lambda: sim.closing or bool(changed()), timeout)
    return web.json_response({"version": sim.version, "messages": changed()})


async def handle_file(request: web.Request) -> web.Response:
    record = _sim(request).files.get(request.match_info["file_id"])
    if record is None:
        raise web.HTTPNotFound()
    mime = str(record.meta.get("mime_type") or "application/octet-stream")
    return web.Response(body=record.data, content_type=mime)


def add_admin_routes(app: web.Application) -> None:
    app.router.add_get("/sim/state", handle_state)
    app.router.add_get("/sim/messages", handle_messages)
    app.router.add_get("/sim/events", handle_events)
    app.router.add_get("/sim/files/{file_id}", handle_file)
    app.router.add_post("/sim/{action}", handle_post)
