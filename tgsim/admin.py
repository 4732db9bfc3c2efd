"""A tiny JSON API (``/sim/*``) to act as people from other processes (e.g. a playground)."""

from __future__ import annotations

import base64
import contextlib
import json
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from aiohttp import web

from .client import SimUser, new_group, new_user
from .server import SIM_KEY
from .webui import add_web_routes, handle_file

if TYPE_CHECKING:
    from .models import ChatRecord, UserRecord
    from .state import SimState

JsonHandler = Callable[["SimState", dict[str, Any]], Awaitable[Any]]


def _sim(request: web.Request) -> SimState:
    return request.app[SIM_KEY]


def user_json(user: UserRecord) -> dict[str, Any]:
    return {"id": user.id, "chat_id": user.chat_id, "first_name": user.first_name,
            "last_name": user.last_name, "username": user.username,
            "language_code": user.language_code, "blocked": user.blocked,
            "phone_number": user.phone_number}


def chat_json(chat: ChatRecord) -> dict[str, Any]:
    out: dict[str, Any] = {"id": chat.id, "type": chat.type, "title": chat.title}
    if chat.type != "private":
        out["members"] = [u.id for u in chat.members]
        out["admins"] = [u.id for u in chat.admins]
    return out


def roster(sim: SimState) -> str:
    """A short signature of who exists: changes when people, groups or members change."""
    members = sum(len(c.members) + len(c.admins) for c in sim.chats.values()
                  if c.type != "private")
    return f"{len(sim.users)}.{len(sim.chats)}.{members}"


def _error(status: type[web.HTTPException], message: str) -> web.HTTPException:
    return status(text=json.dumps({"ok": False, "error": message}),
                  content_type="application/json")


def _data(body: dict[str, Any]) -> bytes:
    """Upload bytes: a multipart file field, or ``data_base64`` in a JSON body."""
    if isinstance(body.get("data"), bytes):
        return body["data"]
    try:
        return base64.b64decode("".join(str(body.get("data_base64") or "").split()),
                                validate=True)
    except ValueError:
        raise _error(web.HTTPBadRequest, "data_base64 is not valid base64") from None


def _user(sim: SimState, body: dict[str, Any]) -> SimUser:
    try:
        user = sim.users.get(int(body["user_id"]))
    except (KeyError, TypeError, ValueError):
        user = None
    if not isinstance(user, SimUser):  # every person is made by client.new_user
        raise _error(web.HTTPNotFound, "unknown user_id")
    return user


def _chat(sim: SimState, body: dict[str, Any]) -> ChatRecord | None:
    chat_id = body.get("chat_id")
    if chat_id in (None, ""):
        return None
    try:
        chat = sim.chats.get(int(chat_id))
    except (TypeError, ValueError):
        chat = None
    if chat is None:
        raise _error(web.HTTPNotFound, "unknown chat_id")
    return chat


def _chat_of(sim: SimState, body: dict[str, Any]) -> ChatRecord:
    chat = _chat(sim, body)
    return chat if chat is not None else sim.chats[_user(sim, body).id]


async def create_user(sim: SimState, body: dict[str, Any]) -> Any:
    user = new_user(sim, first_name=str(body.get("first_name") or "User"),
                    last_name=body.get("last_name"), username=body.get("username"),
                    language_code=body.get("language_code", "id"))
    user.phone_number = body.get("phone_number") or None
    sim.touch()
    return user_json(user)


async def create_group(sim: SimState, body: dict[str, Any]) -> Any:
    admins = [_user(sim, {"user_id": i}) for i in body.get("admin_ids") or []]
    members = [_user(sim, {"user_id": i}) for i in body.get("member_ids") or []]
    chat = new_group(sim, str(body.get("title") or "Group"), members, admins)
    sim.touch()
    return chat_json(chat)


async def add_member(sim: SimState, body: dict[str, Any]) -> Any:
    chat = _chat(sim, body)
    if chat is None or chat.type == "private":
        raise _error(web.HTTPBadRequest, "chat_id must name a group")
    chat.add_member(_user(sim, body), admin=bool(body.get("admin")))
    sim.touch()
    return chat_json(chat)


async def send(sim: SimState, body: dict[str, Any]) -> Any:
    msg = await _user(sim, body).send(str(body.get("text", "")), chat=_chat(sim, body))
    return msg.to_json()


async def send_photo(sim: SimState, body: dict[str, Any]) -> Any:
    data = _data(body) or b"<fake jpeg>"
    msg = await _user(sim, body).send_photo(data, body.get("caption"), chat=_chat(sim, body))
    return msg.to_json()


async def send_document(sim: SimState, body: dict[str, Any]) -> Any:
    data = _data(body)
    msg = await _user(sim, body).send_document(
        data, str(body.get("filename") or "file.bin"),
        str(body.get("mime_type") or "application/octet-stream"), body.get("caption"),
        chat=_chat(sim, body))
    return msg.to_json()


async def share_contact(sim: SimState, body: dict[str, Any]) -> Any:
    user = _user(sim, body)
    if body.get("phone_number"):
        user.phone_number = str(body["phone_number"])
    msg = await user.share_contact(user.phone_number or "+6281234567890", chat=_chat(sim, body))
    return msg.to_json()


async def click(sim: SimState, body: dict[str, Any]) -> Any:
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


async def block(sim: SimState, body: dict[str, Any]) -> Any:
    user = _user(sim, body)
    if body.get("blocked", True):
        user.block_bot()
    else:
        user.unblock_bot()
    return user_json(user)


POSTS: dict[str, JsonHandler] = {
    "users": create_user, "send": send, "photo": send_photo, "document": send_document,
    "contact": share_contact, "click": click, "block": block, "groups": create_group,
    "members": add_member,
}


async def read_body(request: web.Request) -> dict[str, Any]:
    """A JSON object, or a multipart form whose file field becomes data/filename/mime_type."""
    if not request.can_read_body:
        return {}
    if request.content_type == "multipart/form-data":
        form = await request.post()
        upload: dict[str, Any] = {}
        fields: dict[str, Any] = {}
        for key, value in form.items():
            if isinstance(value, web.FileField):
                upload = {"data": value.file.read(), "filename": value.filename,
                          "mime_type": value.content_type}
            else:
                fields[key] = value if isinstance(value, str) else value.decode()
        return {**upload, **{k: v for k, v in fields.items() if v != ""}}
    try:
        body = await request.json()
    except ValueError:
        raise _error(web.HTTPBadRequest, "body is not JSON") from None
    if not isinstance(body, dict):
        raise _error(web.HTTPBadRequest, "body must be a JSON object")
    return body


LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
REQUEST_HEADER = "X-Sim-Request"  # set by the playground's page; a cross-site form cannot


def _from_this_machines_page(request: web.Request) -> bool:
    """A control call (acting as a person) only from the playground's own page: a loopback
    Host (no DNS rebinding), the page's own header (no cross-site form or text/plain POST,
    which a browser sends without asking), and, when the browser names one, the same Origin."""
    host = (request.url.host or "").strip("[]")
    origin = request.headers.get("Origin")
    same_origin = origin is None or urlparse(origin).netloc == request.host
    return host in LOOPBACK_HOSTS and request.headers.get(REQUEST_HEADER) == "1" and same_origin


async def handle_post(request: web.Request) -> web.Response:
    handler = POSTS.get(request.match_info["action"])
    if handler is None:
        raise web.HTTPNotFound()
    if not _from_this_machines_page(request):
        raise _error(web.HTTPForbidden, "only the playground page on this machine may do that")
    body = await read_body(request)
    return web.json_response(await handler(_sim(request), body))


async def handle_state(request: web.Request) -> web.Response:
    sim = _sim(request)
    chats = [chat_json(c) for c in sim.chats.values()]
    return web.json_response({
        "bot": {"id": sim.bot_id, "username": sim.bot_username},
        "users": [user_json(u) for u in sim.users.values()],
        "chats": chats, "version": sim.version, "roster": roster(sim),
    })


async def handle_messages(request: web.Request) -> web.Response:
    sim = _sim(request)
    chat = _chat_of(sim, dict(request.query))
    return web.json_response([m.to_json() for m in chat.messages.values()])


async def handle_events(request: web.Request) -> web.Response:
    """Long-poll: messages of one chat created/edited/deleted after version ``after``.

    Without ``chat_id``/``user_id`` no messages are watched; with ``roster`` (as last returned)
    the poll also ends when people, groups or group members changed.
    """
    sim = _sim(request)
    query = dict(request.query)
    chat = _chat_of(sim, query) if query.get("chat_id") or query.get("user_id") else None
    try:
        after = int(query.get("after", 0))
        timeout = max(0.0, min(60.0, float(query.get("timeout", 25))))
    except ValueError:
        raise _error(web.HTTPBadRequest, "after and timeout must be numbers") from None
    known = query.get("roster")

    def changed() -> list[dict[str, Any]]:
        if chat is None:
            return []
        return [m.to_json() for m in chat.messages.values() if m.version > after]

    def moved() -> bool:
        return known is not None and known != roster(sim)

    with contextlib.suppress(TimeoutError):
        await sim.wait_until(lambda: sim.closing or moved() or bool(changed()), timeout)
    return web.json_response({"version": sim.version, "messages": changed(),
                              "roster": roster(sim)})


def add_admin_routes(app: web.Application) -> None:
    add_web_routes(app)
    app.router.add_get("/sim/state", handle_state)
    app.router.add_get("/sim/messages", handle_messages)
    app.router.add_get("/sim/events", handle_events)
    app.router.add_get("/sim/files/{file_id}", handle_file)
    app.router.add_post("/sim/{action}", handle_post)
