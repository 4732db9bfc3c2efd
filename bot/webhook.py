"""Webhook mode: a small aiohttp server that takes Telegram's POSTs and a health check.

Telegram signs each POST with the secret given to setWebhook, in the header
`X-Telegram-Bot-Api-Secret-Token`; anything without the right secret is refused with 403. An
update is answered once it is stored (bot.inbox), which also makes a replayed or retried update
count once, and lets several processes share one URL.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from aiohttp import web
from telegram.ext import Application

from bot.inbox import Inbox

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@dataclass
class _Route:
    app: Application[Any, Any, Any, Any, Any, Any]
    inbox: Inbox
    healthy: Callable[[], Awaitable[bool]] | None


class WebhookServer:
    """One port for every bot the process serves, each at its URL's path (one recruitment:
    WEBHOOK_URL's; several: WEBHOOK_URL/<bot id> each)."""

    def __init__(self, secret: str, listen: str, port: int) -> None:
        self._secret = secret.encode()
        self._listen, self._port = listen, port
        self._routes: dict[str, _Route] = {}
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    def serve(self, url: str, app: Application[Any, Any, Any, Any, Any, Any], inbox: Inbox,
              healthy: Callable[[], Awaitable[bool]] | None = None) -> str:
        """Take the POSTs to `url`'s path into `inbox`; returns the path."""
        path = urlparse(url).path or "/"
        self._routes[path] = _Route(app, inbox, healthy)
        return path

    def leave(self, path: str) -> None:
        self._routes.pop(path, None)

    async def start(self) -> None:
        web_app = web.Application()
        web_app.router.add_get("/healthz", self._health)
        web_app.router.add_post("/{path:.*}", self._receive)
        self._runner = web.AppRunner(web_app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._listen, self._port)
        await site.start()
        server = site._server
        sockets = getattr(server, "sockets", None) or []
        self.port = sockets[0].getsockname()[1] if sockets else self._port

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _receive(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            log.warning("webhook call refused: wrong or missing secret token")
            return web.Response(status=403, text="forbidden")
        route = self._routes.get(request.path)
        if route is None:
            return web.Response(status=404, text="no bot here")
        try:
            data = json.loads(await request.read())
            if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
                raise ValueError("not an update object")
            await route.inbox.receive(data)  # a replay (or Telegram's retry) is stored once
        except (ValueError, TypeError, KeyError):
            return web.Response(status=400, text="bad update")
        return web.Response(text="ok")

    async def _health(self, request: web.Request) -> web.Response:
        """For the reverse proxy or the orchestrator: 200 when every bot runs and its database
        answers, 503 otherwise."""
        ok = bool(self._routes)
        for route in list(self._routes.values()):
            ok = ok and route.app.running
            if ok and route.healthy is not None:
                try:
                    ok = await route.healthy()
                except Exception:
                    ok = False
        return web.json_response({"ok": ok}, status=200 if ok else 503)
