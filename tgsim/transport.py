"""The in-process door: a python-telegram-bot BaseRequest that calls the simulator directly."""

from __future__ import annotations

import asyncio
import json
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote, urlsplit

from telegram._utils.defaultvalue import DefaultValue
from telegram.error import TimedOut
from telegram.request import BaseRequest, RequestData

from .dispatch import dispatch, download

if TYPE_CHECKING:
    from .state import SimState

_API = re.compile(r"/bot([^/]+)/([^/]+)$")
_FILE = re.compile(r"/file/bot([^/]+)/(.+)$")


class SimRequest(BaseRequest):
    """Use with ``ApplicationBuilder().request(sim.request())`` (and ``get_updates_request``)."""

    def __init__(self, sim: SimState, read_timeout: float | None = 5.0, **_ignored: Any):
        self._sim = sim
        self._read_timeout = read_timeout

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        timeout = self._read_timeout if isinstance(read_timeout, DefaultValue) else read_timeout
        parts = urlsplit(url)
        path = unquote(parts.path)
        file_match = _FILE.search(path)
        if file_match:
            return await self._with_timeout(
                download(self._sim, file_match.group(1), file_match.group(2)), timeout)
        match = _API.search(path)
        if match is None:
            body = {"ok": False, "error_code": 404, "description": "Not Found"}
            return 404, json.dumps(body).encode()
        raw: dict[str, Any] = dict(parse_qsl(parts.query))
        files: dict[str, tuple[str, bytes, str]] = {}
        if request_data is not None:
            raw.update(request_data.json_parameters)
            for name, (filename, content, mime) in request_data.multipart_data.items():
                data = content if isinstance(content, bytes) else content.read()
                files[name] = (filename or name, data, mime or "application/octet-stream")
        status, body = await self._with_timeout(
            dispatch(self._sim, match.group(1), match.group(2), raw, files), timeout)
        return status, json.dumps(body).encode()

    @staticmethod
    async def _with_timeout(coro: Any, limit: float | None) -> Any:
        if limit is None:
            return await coro
        try:
            return await asyncio.wait_for(coro, limit)
        except TimeoutError:
            raise TimedOut("Timed out (simulated read timeout)") from None
