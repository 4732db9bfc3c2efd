"""The playground page and its static files are served with the right types and headers."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import aiohttp
import pytest

from tgsim import Simulator
from tgsim.webui import WEB_DIR

TESTIDS = [
    "person-select", "new-person", "new-person-name", "new-person-lang", "new-person-phone",
    "new-person-submit", "view-person", "view-staff", "group-select", "staff-select",
    "new-group", "add-staff", "messages", "reply-keyboard", "message-input", "send",
    "upload-photo", "upload-document", "upload-photo-input", "upload-document-input", "toast",
    "alert", "alert-ok", "chat-title", "status",
]


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def test_index_is_html_with_a_strict_policy(sim: Simulator,
                                                  http: aiohttp.ClientSession) -> None:
    async with http.get(f"{sim.url}/") as r:
        assert r.status == 200
        assert r.headers["Content-Type"] == "text/html; charset=utf-8"
        assert "script-src 'self'" in r.headers["Content-Security-Policy"]
        page = await r.text()
    assert '<meta name="viewport"' in page
    for testid in TESTIDS:
        assert f'data-testid="{testid}"' in page, testid
    assert not re.search(r"<script(?![^>]*\bsrc=)", page), "no inline scripts (CSP)"
    assert "http://" not in page and "https://" not in page, "no external resources"


@pytest.mark.parametrize(("name", "ctype"), [
    ("app.js", "text/javascript; charset=utf-8"), ("render.js", "text/javascript; charset=utf-8"),
    ("ui.js", "text/javascript; charset=utf-8"), ("style.css", "text/css; charset=utf-8"),
    ("icon.svg", "image/svg+xml; charset=utf-8"), ("index.html", "text/html; charset=utf-8"),
])
async def test_static_files(sim: Simulator, http: aiohttp.ClientSession, name: str,
                            ctype: str) -> None:
    async with http.get(f"{sim.url}/static/{name}") as r:
        assert r.status == 200
        assert r.headers["Content-Type"] == ctype
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        assert await r.read() == (WEB_DIR / name).read_bytes()


async def test_every_referenced_static_file_exists(sim: Simulator,
                                                   http: aiohttp.ClientSession) -> None:
    async with http.get(f"{sim.url}/") as r:
        page = await r.text()
    names = re.findall(r'(?:src|href)="/static/([^"]+)"', page)
    assert {"app.js", "render.js", "ui.js", "style.css"} <= set(names)
    for name in names:
        async with http.get(f"{sim.url}/static/{name}") as r:
            assert r.status == 200, name


@pytest.mark.parametrize("path", [
    "/static/missing.js", "/static/..%2Fserver.py", "/static/.hidden.js",
    "/static/web.py",
])
async def test_no_other_files(sim: Simulator, http: aiohttp.ClientSession, path: str) -> None:
    async with http.get(f"{sim.url}{path}") as r:
        assert r.status == 404


def test_scripts_never_use_inner_html() -> None:
    """Bot text is rendered from a whitelist into DOM nodes, never parsed as HTML."""
    for script in WEB_DIR.glob("*.js"):
        source = script.read_text()
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
            assert sink not in source, f"{script.name} uses {sink}"


def test_files_stay_small() -> None:
    for path in WEB_DIR.iterdir():
        assert len(path.read_text().splitlines()) <= 300, path.name
