"""The /sim endpoints the playground page uses, as the page calls them."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from tgsim import Simulator

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415408"
    "d763f8cfc000000301010018dd8db00000000049454e44ae426082"
)


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def post(http: aiohttp.ClientSession, url: str, body: Any, status: int = 200) -> Any:
    kwargs = {"data": body} if isinstance(body, aiohttp.FormData) else {"json": body}
    async with http.post(url, headers={"X-Sim-Request": "1"}, **kwargs) as r:
        assert r.status == status, await r.text()
        return await r.json()


async def bot_call(sim: Simulator, http: aiohttp.ClientSession, method: str, **params: Any
                   ) -> Any:
    body = await post(http, f"{sim.base_url}{sim.token}/{method}", params)
    assert body["ok"], body
    return body["result"]


async def events(sim: Simulator, http: aiohttp.ClientSession, **query: Any) -> Any:
    async with http.get(f"{sim.url}/sim/events", params={"timeout": 5, **query}) as r:
        assert r.status == 200
        return await r.json()


async def test_person_text_and_live_events(sim: Simulator, http: aiohttp.ClientSession) -> None:
    state = await (await http.get(f"{sim.url}/sim/state")).json()
    empty = asyncio.create_task(events(sim, http, after=0, roster=state["roster"]))
    user = await post(http, f"{sim.url}/sim/users",
                      {"first_name": "Ani", "language_code": "en", "phone_number": "+62811"})
    assert user["language_code"] == "en" and user["phone_number"] == "+62811"
    woke = await asyncio.wait_for(empty, 2)  # a new person ends a chat-less poll at once
    assert woke["messages"] == [] and woke["roster"] != state["roster"]
    uid = user["id"]
    sent = await post(http, f"{sim.url}/sim/send", {"user_id": uid, "chat_id": uid,
                                                    "text": "/start"})
    assert sent["from_bot"] is False and sent["entities"][0]["type"] == "bot_command"
    first = await events(sim, http, chat_id=uid, after=0)
    assert [m["text"] for m in first["messages"]] == ["/start"]
    after = first["version"]
    waiting = asyncio.create_task(events(sim, http, chat_id=uid, after=after))
    await asyncio.sleep(0.05)
    assert not waiting.done()  # a long poll, not a busy answer
    kb = {"inline_keyboard": [[{"text": "Daftar", "callback_data": "reg"}]]}
    hello = await bot_call(sim, http, "sendMessage", chat_id=uid, parse_mode="HTML",
                           text="<b>Halo</b> &amp; <i>x</i>", reply_markup=kb)
    new = (await asyncio.wait_for(waiting, 2))["messages"]
    assert [(m["message_id"], m["text"], m["html"]) for m in new] == [
        (hello["message_id"], "Halo & x", "<b>Halo</b> &amp; <i>x</i>")]
    assert new[0]["reply_markup"] == kb and new[0]["from_bot"] is True
    after = (await events(sim, http, chat_id=uid, after=after, timeout=0))["version"]
    waiting = asyncio.create_task(events(sim, http, chat_id=uid, after=after))
    await bot_call(sim, http, "editMessageText", chat_id=uid, message_id=hello["message_id"],
                   text="<b>Edited</b>", parse_mode="HTML")
    edited = (await asyncio.wait_for(waiting, 2))["messages"]
    assert [(m["text"], m["html"], m["edit_count"]) for m in edited] == [
        ("Edited", "<b>Edited</b>", 1)]
    waiting = asyncio.create_task(events(sim, http, chat_id=uid, after=edited[0]["version"]))
    await bot_call(sim, http, "deleteMessage", chat_id=uid, message_id=hello["message_id"])
    gone = (await asyncio.wait_for(waiting, 2))["messages"]
    assert [(m["message_id"], m["deleted"]) for m in gone] == [(hello["message_id"], True)]


async def test_click_answers_with_the_pressed_message(sim: Simulator,
                                                      http: aiohttp.ClientSession) -> None:
    user = await post(http, f"{sim.url}/sim/users", {"first_name": "Budi"})
    uid = user["id"]
    ids = []
    for data in ("old", "new"):  # same label twice: the page names the message and its data
        kb = {"inline_keyboard": [[{"text": "Lulus", "callback_data": data}]]}
        msg = await bot_call(sim, http, "sendMessage", chat_id=uid, text=data, reply_markup=kb)
        ids.append(msg["message_id"])
    click = asyncio.create_task(post(http, f"{sim.url}/sim/click", {
        "user_id": uid, "chat_id": uid, "message_id": ids[0], "data": "old", "timeout": 5}))
    await sim.wait_until(lambda: any("callback_query" in u for u in sim.updates), 5)
    query = sim.updates[-1]["callback_query"]
    assert query["data"] == "old" and query["message"]["message_id"] == ids[0]
    await bot_call(sim, http, "answerCallbackQuery", callback_query_id=query["id"],
                   text="Saved", show_alert=True)
    assert await click == {"ok": True, "text": "Saved", "show_alert": True, "url": None}
    unanswered = await post(http, f"{sim.url}/sim/click", {
        "user_id": uid, "chat_id": uid, "message_id": ids[1], "data": "new", "timeout": 0.1})
    assert unanswered["ok"] is False and "did not answer" in unanswered["error"]


async def test_photo_and_document_uploads(sim: Simulator, http: aiohttp.ClientSession) -> None:
    uid = (await post(http, f"{sim.url}/sim/users", {"first_name": "Cici"}))["id"]
    form = aiohttp.FormData()
    form.add_field("user_id", str(uid))
    form.add_field("chat_id", str(uid))
    form.add_field("caption", "foto saya")
    form.add_field("file", PNG, filename="me.png", content_type="image/png")
    photo = await post(http, f"{sim.url}/sim/photo", form)
    assert photo["kind"] == "photo" and photo["text"] == "foto saya"
    async with http.get(f"{sim.url}/sim/files/{photo['file']['file_id']}") as r:
        assert r.headers["Content-Type"] == "image/png" and await r.read() == PNG
        assert r.headers["Content-Disposition"].startswith("inline")
    jpeg = b"\xff\xd8\xff\xe0fake"
    photo = await post(http, f"{sim.url}/sim/photo", {
        "user_id": uid, "data_base64": base64.b64encode(jpeg).decode()})
    async with http.get(f"{sim.url}/sim/files/{photo['file']['file_id']}") as r:
        assert r.headers["Content-Type"] == "image/jpeg" and await r.read() == jpeg
    form = aiohttp.FormData(quote_fields=False)  # raw file names, as browsers send them
    form.add_field("user_id", str(uid))
    form.add_field("file", b"%PDF-1.4", filename="Ijazah SMA.pdf", content_type="application/pdf")
    doc = await post(http, f"{sim.url}/sim/document", form)
    assert doc["file"]["file_name"] == "Ijazah SMA.pdf"
    assert doc["file"]["mime_type"] == "application/pdf"
    async with http.get(f"{sim.url}/sim/files/{doc['file']['file_id']}") as r:
        assert r.headers["Content-Type"] == "application/pdf" and await r.read() == b"%PDF-1.4"
        assert r.headers["Content-Disposition"] == "attachment; filename*=UTF-8''Ijazah%20SMA.pdf"
        assert r.headers["Content-Security-Policy"].startswith("sandbox")
    html = await post(http, f"{sim.url}/sim/document", {
        "user_id": uid, "filename": "x.html", "mime_type": "text/html",
        "data_base64": base64.b64encode(b"<script>alert(1)</script>").decode()})
    async with http.get(f"{sim.url}/sim/files/{html['file']['file_id']}") as r:
        assert r.headers["Content-Disposition"].startswith("attachment")  # never a page here
    messages = await (await http.get(f"{sim.url}/sim/messages", params={"chat_id": uid})).json()
    assert [m["kind"] for m in messages] == ["photo", "photo", "document", "document"]
    async with http.get(f"{sim.url}/sim/files/nope") as r:
        assert r.status == 404
    await post(http, f"{sim.url}/sim/photo", {"user_id": uid, "data_base64": "%%"}, status=400)


async def test_contact_uses_the_known_phone(sim: Simulator, http: aiohttp.ClientSession) -> None:
    user = await post(http, f"{sim.url}/sim/users", {"first_name": "Dodi"})
    assert user["phone_number"] is None
    shared = await post(http, f"{sim.url}/sim/contact", {"user_id": user["id"],
                                                         "phone_number": "+628123"})
    assert shared["content"]["contact"]["phone_number"] == "+628123"
    again = await post(http, f"{sim.url}/sim/contact", {"user_id": user["id"]})
    assert again["content"]["contact"] == {"phone_number": "+628123", "first_name": "Dodi",
                                           "user_id": user["id"]}


async def test_staff_group_view(sim: Simulator, http: aiohttp.ClientSession) -> None:
    staff = await post(http, f"{sim.url}/sim/users", {"first_name": "Sari"})
    other = await post(http, f"{sim.url}/sim/users", {"first_name": "Tono"})
    group = await post(http, f"{sim.url}/sim/groups", {"title": "Staf", "admin_ids": [staff["id"]]})
    assert group["type"] == "supergroup" and group["admins"] == [staff["id"]]
    roster = (await (await http.get(f"{sim.url}/sim/state")).json())["roster"]
    waiting = asyncio.create_task(events(sim, http, chat_id=group["id"], after=sim.version,
                                         roster=roster))
    joined = await post(http, f"{sim.url}/sim/members", {"chat_id": group["id"],
                                                         "user_id": other["id"]})
    assert joined["members"] == [staff["id"], other["id"]] and joined["admins"] == [staff["id"]]
    assert (await asyncio.wait_for(waiting, 2))["roster"] != roster
    state = await (await http.get(f"{sim.url}/sim/state")).json()
    assert [c for c in state["chats"] if c["type"] == "supergroup"] == [joined]
    sent = await post(http, f"{sim.url}/sim/send", {"user_id": other["id"],
                                                    "chat_id": group["id"], "text": "/stats"})
    assert sent["chat_id"] == group["id"] and sent["sender_id"] == other["id"]
    card = await bot_call(sim, http, "sendMessage", chat_id=group["id"], text="Card",
                          reply_markup={"inline_keyboard": [[{"text": "Pass",
                                                              "callback_data": "p:1"}]]})
    click = asyncio.create_task(post(http, f"{sim.url}/sim/click", {
        "user_id": staff["id"], "chat_id": group["id"], "message_id": card["message_id"],
        "data": "p:1"}))
    await sim.wait_until(lambda: any("callback_query" in u for u in sim.updates), 5)
    query = sim.updates[-1]["callback_query"]
    assert query["from"]["id"] == staff["id"] and query["message"]["chat"]["id"] == group["id"]
    await bot_call(sim, http, "answerCallbackQuery", callback_query_id=query["id"])
    assert (await click)["ok"] is True
    await post(http, f"{sim.url}/sim/members", {"chat_id": staff["id"], "user_id": other["id"]},
               status=400)
    await post(http, f"{sim.url}/sim/send", {"user_id": 1, "text": "x"}, status=404)
    async with http.get(f"{sim.url}/sim/events", params={"chat_id": "x"}) as r:
        assert r.status == 404
    async with http.get(f"{sim.url}/sim/events", params={"after": "soon"}) as r:
        assert r.status == 400


async def test_html_source_follows_sends_edits_and_copies(sim: Simulator,
                                                          http: aiohttp.ClientSession) -> None:
    uid = (await post(http, f"{sim.url}/sim/users", {"first_name": "Eka"}))["id"]
    plain = await bot_call(sim, http, "sendMessage", chat_id=uid, text="<b>not bold</b>")
    form = aiohttp.FormData()
    form.add_field("chat_id", str(uid))
    form.add_field("caption", "<i>KTP</i>")
    form.add_field("parse_mode", "HTML")
    form.add_field("photo", PNG, filename="ktp.png", content_type="image/png")
    photo = await post(http, f"{sim.url}/bot{sim.token}/sendPhoto", form)
    photo_id = photo["result"]["message_id"]
    await bot_call(sim, http, "editMessageCaption", chat_id=uid, message_id=photo_id,
                   caption="<b>KTP</b> ok", parse_mode="HTML")
    kb = {"inline_keyboard": [[{"text": "OK", "callback_data": "ok"}]]}
    await bot_call(sim, http, "editMessageReplyMarkup", chat_id=uid, message_id=photo_id,
                   reply_markup=kb)
    copy = await bot_call(sim, http, "copyMessage", chat_id=uid, from_chat_id=uid,
                          message_id=photo_id)
    listed = await (await http.get(f"{sim.url}/sim/messages", params={"chat_id": uid})).json()
    by_id = {m["message_id"]: m for m in listed}
    assert by_id[plain["message_id"]]["html"] is None
    assert by_id[plain["message_id"]]["text"] == "<b>not bold</b>"
    assert (by_id[photo_id]["text"], by_id[photo_id]["html"]) == ("KTP ok", "<b>KTP</b> ok")
    assert by_id[photo_id]["reply_markup"] == kb and by_id[photo_id]["edit_count"] == 2
    assert by_id[copy["message_id"]]["html"] == "<b>KTP</b> ok"
    assert by_id[copy["message_id"]]["file"] == by_id[photo_id]["file"]


async def test_control_calls_come_only_from_the_playground_page_on_this_machine(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    """A web page the user visits cannot act as them: no cross-site form or text/plain POST
    (no page header), no other Origin, no other Host (DNS rebinding)."""
    url = f"{sim.url}/sim/users"
    for headers, kwargs in (
        ({}, {"json": {"first_name": "Mallory"}}),  # no page header
        ({"Content-Type": "text/plain"}, {"data": '{"first_name": "Mallory"}'}),
        ({"X-Sim-Request": "1", "Origin": "http://evil.example"}, {"json": {"first_name": "M"}}),
        ({"X-Sim-Request": "1", "Host": "evil.example"}, {"json": {"first_name": "M"}}),
    ):
        async with http.post(url, headers=headers, **kwargs) as r:
            assert r.status == 403, headers
    assert not [u for u in sim.users.values() if u.first_name in ("Mallory", "M")]
    made = await post(http, url, {"first_name": "Budi"})  # the page itself: allowed
    assert made["first_name"] == "Budi"
