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
from typing import Any
from urllib.parse import urlparse

from aiohttp import web
from telegram.ext import Application

from bot.inbox import Inbox

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class WebhookServer:
    def __init__(
        self,
        app: Application[Any, Any, Any, Any, Any, Any],
        inbox: Inbox,
        url: str,
        secret: str,
        listen: str,
        port: int,
        healthy: Callable[[], Awaitable[bool]] | None = None,
    ) -> None:
        self._app, self._inbox = app, inbox
        self._healthy = healthy
        self._secret = secret.encode()
        self.path = urlparse(url).path or "/"
        self._listen, self._port = listen, port
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    async def start(self) -> None:
        web_app = web.Application()
        web_app.router.add_post(self.path, self._receive)
        web_app.router.add_get("/healthz", self._health)
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

    async def _receive(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            log.warning("webhook call refused: wrong or missing secret token")
            return web.Response(status=403, text="forbidden")
        try:
            data = json.loads(await request.read())
            if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
                raise ValueError("not an update object")
            await self._inbox.receive(data)  # a replay (or Telegram's retry) is stored once
        except (ValueError, TypeError, KeyError):
            return web.Response(status=400, text="bad update")
        return web.Response(text="ok")

    async def _health(self, request: web.Request) -> web.Response:
        """For the reverse proxy or the orchestrator: 200 when the bot runs and its database
        answers, 503 otherwise."""
        ok = self._app.running
        if ok and self._healthy is not None:
            try:
                ok = await self._healthy()
            except Exception:
                ok = False
        return web.json_response({"ok": ok}, status=200 if ok else 503)
