"""Raw simulator results against the Bot API description in api.min.json."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.sim.sim_helpers import API_JSON, _check_ref
from tgsim import Simulator

API = json.loads(API_JSON.read_text()) if API_JSON.exists() else None

pytestmark = pytest.mark.skipif(API is None, reason="api.min.json not available")
KB = {"inline_keyboard": [[{"text": "Ya", "callback_data": "y"}]]}


async def call(sim: Simulator, method: str, **params: Any) -> Any:
    status, body = await sim.call_api(sim.token, method, params)
    assert status == 200, body
    assert API is not None
    errors: list[str] = []
    for ref in API["methods"][method]["returns"]:
        errors += _check_ref(ref, body["result"], method)
    assert not errors, errors
    return body["result"]


async def test_results_match_schema(sim: Simulator) -> None:
    alice, bob = sim.user("Alice", "W", "alice"), sim.user("Bob")
    staff = sim.group("Panitia", members=[alice, bob], admins=[bob])
    await call(sim, "getMe")
    sent = await call(sim, "sendMessage", chat_id=alice.id, text="hi", reply_markup=KB,
                      protect_content=True)
    await call(sim, "editMessageText", chat_id=alice.id, message_id=sent["message_id"],
               text="ho", reply_markup=KB)
    await call(sim, "editMessageReplyMarkup", chat_id=alice.id, message_id=sent["message_id"])
    user_doc = await alice.send_document(b"x", "a.pdf", "application/pdf", caption="c")
    await call(sim, "sendDocument", chat_id=alice.id, document=user_doc.file["file_id"])
    await alice.send_photo(b"jpeg")
    photo_id = alice.messages()[-1].file["file_id"]  # type: ignore[index]
    await call(sim, "sendPhoto", chat_id=alice.id, photo=photo_id, caption="p")
    await call(sim, "sendMediaGroup", chat_id=alice.id, media=[
        {"type": "photo", "media": photo_id}, {"type": "photo", "media": photo_id}])
    await call(sim, "copyMessage", chat_id=staff.id, from_chat_id=alice.id,
               message_id=user_doc.message_id)
    await call(sim, "forwardMessage", chat_id=staff.id, from_chat_id=alice.id,
               message_id=user_doc.message_id)
    await call(sim, "getFile", file_id=user_doc.file["file_id"])  # type: ignore[index]
    await call(sim, "getChat", chat_id=staff.id)
    await call(sim, "getChat", chat_id=alice.id)
    for user_id in (alice.id, bob.id, sim.user("Eve").id, sim.bot_id):
        await call(sim, "getChatMember", chat_id=staff.id, user_id=user_id)
    await call(sim, "getChatAdministrators", chat_id=staff.id)
    await call(sim, "setMyCommands", commands=[{"command": "start", "description": "Mulai"}])
    await call(sim, "getMyCommands")
    await call(sim, "getWebhookInfo")
    await alice.share_contact()
    await alice.send("/start")
    await alice.send_sticker()
    await alice.send_voice()
    await alice.send_video()
    await alice.send_location(1.0, 2.0)
    alice.block_bot()
    await call(sim, "getUpdates")
