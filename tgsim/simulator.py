"""``Simulator``: the core state with every door attached (the one object tests hold).

The state and its operations live in :mod:`tgsim.state`; this module only composes the doors
on top of it (people via :mod:`tgsim.client`, Bot API calls via :mod:`tgsim.dispatch`, the
in-process transport, the HTTP server with its admin API and page). Only the package
(``__init__``, ``__main__``) imports it, so it may import everything.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from .admin import add_admin_routes
from .client import SimChat, SimUser, new_group, new_user
from .clock import Clock
from .dispatch import dispatch, download
from .limits import Limits
from .server import start_server
from .state import PendingCallback, SimState, WebhookState
from .transport import SimRequest
from .updates import stop_webhook

__all__ = ["PendingCallback", "Simulator", "WebhookState"]


class Simulator(SimState):
    """A local Telegram Bot API: ``await sim.start()`` for HTTP, ``sim.request()`` in-process."""

    # Every person and chat is made by user()/group() (or the admin API, which uses the same
    # client functions), so the core's records are the client's SimUser/SimChat here.
    users: dict[int, SimUser]
    chats: dict[int, SimChat]

    def __init__(
        self,
        token: str = "123456:TEST-token",
        limits: Limits | None = None,
        clock: Clock | None = None,
        bot_username: str = "mitra_test_bot",
        bot_name: str = "Mitra Test Bot",
    ) -> None:
        super().__init__(token, limits, clock, bot_username, bot_name)
        self.url = ""
        self._runner: web.AppRunner | None = None

    # ---- people and chats (the test client) ---------------------------------------------
    def user(
        self,
        first_name: str = "User",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "id",
        started: bool = True,
    ) -> SimUser:
        """A person; ``started=False`` means they never opened the bot (bot gets 403)."""
        return new_user(self, first_name, last_name, username, language_code, started)

    def group(
        self,
        title: str = "Group",
        members: list[SimUser] | None = None,
        admins: list[SimUser] | None = None,
    ) -> SimChat:
        """A supergroup in which the bot is an administrator."""
        return new_group(self, title, members, admins)

    # ---- the two doors ----------------------------------------------------------------
    async def call_api(self, token: str, method: str, raw: dict[str, Any],
                       files: dict[str, tuple[str, bytes, str]] | None = None
                       ) -> tuple[int, dict[str, Any]]:
        return await dispatch(self, token, method, raw, files or {})

    async def download(self, token: str, path: str) -> tuple[int, bytes]:
        """Serve ``/file/bot<token>/<path>`` (same latency as API calls)."""
        return await download(self, token, path)

    def request(self, **kwargs: Any) -> SimRequest:
        return SimRequest(self, **kwargs)

    @property
    def base_url(self) -> str:
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.url}/file/bot"

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.closing = False
        self._runner, self.url = await start_server(self, host, port,
                                                    extra_routes=(add_admin_routes,))

    async def stop(self) -> None:
        await stop_webhook(self)
        self.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Simulator:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()
