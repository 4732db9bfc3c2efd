"""The HTTP door: the Bot API over aiohttp on 127.0.0.1.

Other HTTP doors (the admin API and the page) add their routes to this app through
``extra_routes`` and find the simulator under ``SIM_KEY``; this module knows none of them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .dispatch import dispatch, download
from .models import ApiError

if TYPE_CHECKING:
    from .state import SimState

MAX_BODY = 60 * 1024 * 1024
SIM_KEY: web.AppKey[SimState] = web.AppKey("sim")
RouteAdder = Callable[[web.Application], None]


async def read_params(request: web.Request
                      ) -> tuple[dict[str, Any], dict[str, tuple[str, bytes, str]]]:
    raw: dict[str, Any] = dict(request.query)
    files: dict[str, tuple[str, bytes, str]] = {}
    if not request.can_read_body:
        return raw, files
    ctype = request.content_type
    if ctype == "application/json":
        try:
            body = json.loads(await request.read() or b"{}")
        except ValueError:
            raise ApiError(400, "Bad Request: can't parse JSON request body") from None
        if not isinstance(body, dict):
            raise ApiError(400, "Bad Request: JSON request body must be an object")
        raw.update(body)
    elif ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, web.FileField):
                files[key] = (value.filename, value.file.read(), value.content_type)
            elif isinstance(value, bytes):
                raw[key] = value.decode()
            else:
                raw[key] = value
    return raw, files


async def handle_api(request: web.Request) -> web.Response:
    sim = request.app[SIM_KEY]
    try:
        raw, files = await read_params(request)
    except ApiError as exc:
        return web.json_response(exc.body(), status=exc.code)
    status, body = await dispatch(sim, request.match_info["token"],
                                  request.match_info["method"], raw, files)
    return web.json_response(body, status=status)


async def handle_file(request: web.Request) -> web.Response:
    sim = request.app[SIM_KEY]
    status, data = await download(sim, request.match_info["token"], request.match_info["path"])
    if status != 200:
        return web.Response(body=data, status=status, content_type="application/json")
    return web.Response(body=data, content_type="application/octet-stream")


def make_app(sim: SimState, extra_routes: Iterable[RouteAdder] = ()) -> web.Application:
    app = web.Application(client_max_size=MAX_BODY)
    app[SIM_KEY] = sim
    app.router.add_route("*", "/bot{token}/{method}", handle_api)
    app.router.add_get("/file/bot{token}/{path:.+}", handle_file)
    for add_routes in extra_routes:
        add_routes(app)
    return app


async def start_server(sim: SimState, host: str, port: int,
                       extra_routes: Iterable[RouteAdder] = ()) -> tuple[web.AppRunner, str]:
    """Serve ``sim`` over HTTP; returns the runner (``cleanup()`` to stop) and the base URL."""
    runner = web.AppRunner(make_app(sim, extra_routes), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound_port = runner.addresses[0][1]
    return runner, f"http://{host}:{bound_port}"
