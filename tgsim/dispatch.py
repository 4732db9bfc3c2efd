"""One entry point for both doors: latency, faults, token, limits, call log, routing."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from typing import TYPE_CHECKING, Any

from . import methods_media, methods_misc, methods_msg, updates  # noqa: F401  (registration)
from .models import ApiError, Call, Params
from .registry import METHODS

if TYPE_CHECKING:
    from .state import SimState

log = logging.getLogger("tgsim")
_INT_KEYS = {
    "chat_id", "message_id", "user_id", "from_chat_id", "offset", "limit", "timeout",
    "reply_to_message_id", "cache_time", "max_connections",
}
_TEXT_KEYS = {"text", "caption", "callback_query_id", "file_id", "url", "secret_token"}


def too_many(retry_after: int) -> ApiError:
    return ApiError(429, f"Too Many Requests: retry after {retry_after}",
                    {"retry_after": retry_after})


def log_params(raw: dict[str, Any], files: dict[str, tuple[str, bytes, str]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if isinstance(value, str) and key not in _TEXT_KEYS:
            if key in _INT_KEYS:
                with contextlib.suppress(ValueError):
                    value = int(value)
            elif value[:1] in ("{", "[") or value in ("true", "false"):
                with contextlib.suppress(ValueError):
                    value = json.loads(value)
        out[key] = value
    for key, (filename, data, mime) in files.items():
        out.setdefault(key, {"upload": filename, "size": len(data), "mime_type": mime})
    return out


def check_rate(sim: SimState, p: Params, kind: str) -> None:
    chat = None
    ref = p.raw.get("chat_id")
    if ref not in (None, ""):
        try:
            chat = sim.chats.get(int(ref))
        except (TypeError, ValueError):
            chat = None
    if chat is None:
        if kind == "send" or p.has("inline_message_id"):
            retry = sim.limiter.check(0, "none", count_chat=False)
        else:
            return
    else:
        count_chat = kind == "send" or chat.type != "private"
        paid = kind == "send" and p.bool("allow_paid_broadcast")
        retry = sim.limiter.check(chat.id, chat.type, count_chat=count_chat, paid=paid)
    if retry is not None:
        raise too_many(retry)


async def dispatch(sim: SimState, token: str, method: str, raw: dict[str, Any],
                   files: dict[str, tuple[str, bytes, str]]) -> tuple[int, dict[str, Any]]:
    started = time.perf_counter()
    call = Call(method=method, params=log_params(raw, files), at=sim.clock.time())
    sim.calls.append(call)
    try:
        if sim.faults.latency > 0:
            await asyncio.sleep(sim.faults.latency)
        if token != sim.token:
            raise ApiError(401, "Unauthorized")
        spec = METHODS.get(method.lower())
        if spec is None:
            raise ApiError(404, "Not Found")
        fault = sim.faults.random_error()
        if fault is not None:
            raise ApiError(*fault)
        params = Params(raw, files)
        if spec.kind == "send":
            target = params.raw.get("chat_id")
            forced = sim.faults.take_forced_429(
                int(target) if str(target).lstrip("-").isdigit() else None)
            if forced is not None:
                raise too_many(forced)
        if spec.kind is not None:
            check_rate(sim, params, spec.kind)
        result = await spec.handler(sim, params)
        return 200, {"ok": True, "result": result}
    except ApiError as exc:
        call.status = exc.code
        call.error = exc.description
        return exc.code, exc.body()
    except Exception as exc:  # a simulator bug: answer like a broken server, keep the reason
        log.exception("tgsim: %s failed", method)
        call.status = 500
        call.error = f"Internal Server Error: {exc!r}"
        return 500, {"ok": False, "error_code": 500, "description": "Internal Server Error"}
    finally:
        call.latency = time.perf_counter() - started


async def download(sim: SimState, token: str, path: str) -> tuple[int, bytes]:
    if sim.faults.latency > 0:
        await asyncio.sleep(sim.faults.latency)
    if token != sim.token:
        return 401, json.dumps(ApiError(401, "Unauthorized").body()).encode()
    record = sim.files_by_path.get(path)
    if record is None:
        return 404, json.dumps(ApiError(404, "Not Found").body()).encode()
    return 200, record.data
