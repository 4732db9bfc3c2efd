"""The HTTP door accepts JSON, form-urlencoded, multipart and GET; the /sim admin API."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import AsyncIterator

import aiohttp
import pytest

from tgsim import Simulator


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    # as the playground's page does: its own header on every control call
    async with aiohttp.ClientSession(headers={"X-Sim-Request": "1"}) as session:
        yield session


async def test_body_encodings(sim: Simulator, http: aiohttp.ClientSession) -> None:
    alice = sim.user("Alice")
    api = f"{sim.base_url}{sim.token}"
    kb = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
    async with http.post(f"{api}/sendMessage",
                         json={"chat_id": alice.id, "text": "json", "reply_markup": kb}) as r:
        body = await r.json()
        assert r.status == 200 and body["ok"] and body["result"]["reply_markup"] == kb
    form = {"chat_id": str(alice.id), "text": "form", "reply_markup": json.dumps(kb)}
    async with http.post(f"{api}/sendMessage", data=form) as r:
        assert (await r.json())["result"]["text"] == "form"
    async with http.get(f"{api}/sendMessage", params={"chat_id": alice.id, "text": "get"}) as r:
        assert (await r.json())["result"]["text"] == "get"
    data = aiohttp.FormData()
    data.add_field("chat_id", str(alice.id))
    data.add_field("caption", "multipart")
    data.add_field("document", b"file-bytes", filename="cv.pdf", content_type="application/pdf")
    async with http.post(f"{api}/sendDocument", data=data) as r:
        result = (await r.json())["result"]
        assert result["document"]["file_name"] == "cv.pdf" and result["caption"] == "multipart"
    async with http.post(f"{api}/getFile", json={"file_id": result["document"]["file_id"]}) as r:
        path = (await r.json())["result"]["file_path"]
    async with http.get(f"{sim.base_file_url}{sim.token}/{path}") as r:
        assert r.status == 200 and await r.read() == b"file-bytes"
    assert [m.text for m in sim.sent_messages(alice.id)] == ["json", "form", "get", "multipart"]
    assert sim.calls[0].params == {"chat_id": alice.id, "text": "json", "reply_markup": kb}
    assert sim.calls[1].params["reply_markup"] == kb and sim.calls[1].params["chat_id"] == alice.id


async def test_unknown_method_bad_token_and_missing_file(
        sim: Simulator, http: aiohttp.ClientSession) -> None:
    async with http.post(f"{sim.base_url}{sim.token}/fooBar") as r:
        assert r.status == 404
        assert await r.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
    async with http.post(f"{sim.base_url}1:nope/getMe") as r:
        assert r.status == 401
        assert await r.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    async with http.get(f"{sim.base_file_url}{sim.token}/documents/none.pdf") as r:
        assert r.status == 404
    async with http.post(f"{sim.base_url}{sim.token}/GETME") as r:  # names are case-insensitive
        assert (await r.json())["result"]["username"] == sim.bot_username


async def test_admin_api(sim: Simulator, http: aiohttp.ClientSession) -> None:
    async with http.post(f"{sim.url}/sim/users", json={"first_name": "Budi"}) as r:
        user = await r.json()
    api = f"{sim.base_url}{sim.token}"
    events = asyncio.create_task(http.get(f"{sim.url}/sim/events",
                                          params={"user_id": user["id"], "after": 0}))
    async with http.post(f"{sim.url}/sim/send", json={"user_id": user["id"], "text": "/start"}
                         ) as r:
        sent = await r.json()
    assert sent["text"] == "/start" and sent["from_bot"] is False
    async with await events as r:
        assert [m["text"] for m in (await r.json())["messages"]] == ["/start"]
    kb = {"inline_keyboard": [[{"text": "Daftar", "callback_data": "reg"}]]}
    async with http.post(f"{api}/sendMessage",
                         json={"chat_id": user["id"], "text": "Hai", "reply_markup": kb}) as r:
        assert r.status == 200
    async with http.get(f"{sim.url}/sim/messages", params={"user_id": user["id"]}) as r:
        listed = await r.json()
    assert [m["text"] for m in listed] == ["/start", "Hai"] and listed[1]["buttons"] == [["Daftar"]]
    click = asyncio.create_task(http.post(f"{sim.url}/sim/click",
                                          json={"user_id": user["id"], "label": "Daftar"}))
    await sim.wait_until(lambda: any("callback_query" in u for u in sim.updates), 5)
    query_id = sim.updates[-1]["callback_query"]["id"]
    async with http.post(f"{api}/answerCallbackQuery",
                         json={"callback_query_id": query_id, "text": "OK"}) as r:
        assert r.status == 200
    async with await click as r:
        assert await r.json() == {"ok": True, "text": "OK", "show_alert": False, "url": None}
    photo = base64.b64encode(b"jpeg").decode()
    async with http.post(f"{sim.url}/sim/photo", json={"user_id": user["id"],
                                                       "data_base64": photo}) as r:
        file_id = (await r.json())["file"]["file_id"]
    async with http.get(f"{sim.url}/sim/files/{file_id}") as r:
        assert await r.read() == b"jpeg"
    async with http.post(f"{sim.url}/sim/block", json={"user_id": user["id"]}) as r:
        assert (await r.json())["blocked"] is True
    async with http.get(f"{sim.url}/sim/state") as r:
        state = await r.json()
    assert state["users"][0]["first_name"] == "Budi"
