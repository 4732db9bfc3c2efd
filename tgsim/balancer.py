"""One webhook URL in front of several bot processes, as nginx would be: each POST goes to one
of them at random (seeded); one that does not answer (killed, not started yet) is skipped.

    balancer = Balancer(seed=7)
    await balancer.start()                        # balancer.url: give it to setWebhook
    await balancer.add(port, proc)                # once GET /healthz on that port says 200
    balancer.ports = [port]                       # who is in the rotation (a test may change it)
    balancer.served                               # POSTs answered, by port
    await balancer.stop()

Only for loopback: between the simulator's webhook delivery and the bot processes of the tests
and benchmarks. A door (tgsim/__init__.py) that imports nothing of tgsim.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from typing import Any

import aiohttp
from aiohttp import web

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class Balancer:
    def __init__(self, seed: int, path: str = "/telegram") -> None:
        self.ports: list[int] = []
        self.served: Counter[int] = Counter()
        self.path = path
        self.port = 0  # known once started
        self._rng = random.Random(seed)
        self._runner: web.AppRunner | None = None
        self._http: aiohttp.ClientSession | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.path}"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post(self.path, self._forward)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        # One session for every forward (kept-alive connections, as nginx keeps them); a
        # connection to a process that died fails like a refused one, and is skipped.
        self._http = aiohttp.ClientSession()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._http is not None:
            await self._http.close()

    async def add(self, port: int, proc: Any = None, within: float = 30.0) -> None:
        """Put the process listening on `port` in the rotation once its health check answers
        200 (`proc`, an asyncio subprocess: fail at once if it exits meanwhile)."""
        assert self._http is not None, "start() first"
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while loop.time() < deadline:
            if proc is not None and proc.returncode is not None:
                raise RuntimeError(f"the bot process on port {port} exited: {proc.returncode}")
            try:
                async with self._http.get(f"http://127.0.0.1:{port}/healthz") as resp:
                    if resp.status == 200:
                        self.ports.append(port)
                        return
            except aiohttp.ClientConnectionError:
                pass
            await asyncio.sleep(0.1)  # polling another process's health
        raise RuntimeError(f"the bot process on port {port} never became healthy")

    async def _forward(self, request: web.Request) -> web.Response:
        assert self._http is not None
        body = await request.read()
        headers = {SECRET_HEADER: request.headers.get(SECRET_HEADER, ""),
                   "Content-Type": "application/json"}
        for port in self._rng.sample(self.ports, len(self.ports)):
            try:
                async with self._http.post(f"http://127.0.0.1:{port}{self.path}", data=body,
                                           headers=headers) as resp:
                    self.served[port] += 1
                    return web.Response(status=resp.status, text=await resp.text())
            except aiohttp.ClientConnectionError:
                continue
        return web.Response(status=502, text="no bot process answered")
