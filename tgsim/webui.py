"""The playground page (``GET /``, ``/static/<name>``) and the file store (``/sim/files/<id>``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from aiohttp import web

from .server import SIM_KEY

if TYPE_CHECKING:
    from .models import FileRecord

WEB_DIR = Path(__file__).with_name("web")
STATIC_TYPES = {
    ".html": "text/html", ".css": "text/css", ".js": "text/javascript",
    ".svg": "image/svg+xml", ".png": "image/png", ".ico": "image/x-icon",
}
PAGE_CSP = ("default-src 'self'; img-src 'self' data: blob:; script-src 'self'; "
            "style-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
            "frame-ancestors 'none'")
IMAGE_MAGIC = (
    (b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"), (b"GIF89a", "image/gif"),
)


def _static(name: str) -> web.Response:
    path = WEB_DIR / name
    ctype = STATIC_TYPES.get(path.suffix)
    if ctype is None or "/" in name or "\\" in name or name.startswith(".") or not path.is_file():
        raise web.HTTPNotFound()
    charset = "utf-8" if ctype.startswith("text/") or ctype.endswith("+xml") else None
    headers = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}
    if ctype == "text/html":
        headers["Content-Security-Policy"] = PAGE_CSP
    return web.Response(body=path.read_bytes(), content_type=ctype, charset=charset,
                        headers=headers)


async def handle_index(request: web.Request) -> web.Response:
    return _static("index.html")


async def handle_static(request: web.Request) -> web.Response:
    return _static(request.match_info["name"])


def file_type(record: FileRecord) -> str:
    """The MIME type of a stored file: the sender's, else sniffed (Telegram photos are JPEG)."""
    mime = record.meta.get("mime_type")
    if isinstance(mime, str) and "/" in mime and mime.isprintable():
        return mime
    data = record.data
    for magic, kind in IMAGE_MAGIC:
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if record.path.startswith("photos/"):
        return "image/jpeg"
    return "application/octet-stream"


async def handle_file(request: web.Request) -> web.Response:
    """The bytes of a file, with its type; never rendered as a page of this origin."""
    record = request.app[SIM_KEY].files.get(request.match_info["file_id"])
    if record is None:
        raise web.HTTPNotFound()
    mime = file_type(record)
    name = str(record.meta.get("file_name") or record.path.rsplit("/", 1)[-1])
    inline = mime.startswith("image/") and mime != "image/svg+xml"
    disposition = "inline" if inline and "download" not in request.query else "attachment"
    headers = {
        "Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(name, safe='')}",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "sandbox; default-src 'none'",
        "Cache-Control": "private, max-age=3600",
        "Content-Type": mime,
    }
    return web.Response(body=record.data, headers=headers)


def add_web_routes(app: web.Application) -> None:
    app.router.add_get("/", handle_index)
    app.router.add_get("/static/{name}", handle_static)
