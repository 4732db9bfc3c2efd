"""The Telegram state machine: users, chats, messages, files, updates, call log.

This is the core every door works on; it imports only the plain data and policy modules
(``models``, ``clock``, ``limits``, ``faults``) and nothing that serves or acts on it.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .clock import Clock, RealClock
from .faults import Faults
from .limits import Limits, RateLimiter
from .models import (
    ApiError,
    Call,
    CallbackAnswer,
    ChatRecord,
    FileRecord,
    SimMessage,
    UserRecord,
    bad,
)

DEFAULT_UPDATES = {"chat_member", "message_reaction", "message_reaction_count"}
FOLDERS = {
    "photo": ("photos", "jpg"), "document": ("documents", "bin"), "video": ("videos", "mp4"),
    "voice": ("voice", "oga"), "audio": ("music", "mp3"), "sticker": ("stickers", "webp"),
    "animation": ("animations", "mp4"), "video_note": ("video_notes", "mp4"),
}
FIRST_GROUP_ID = -1_001_000_000_000  # supergroup ids count down from here


@dataclass
class PendingCallback:
    query_id: str
    user_id: int
    created: float
    answer: CallbackAnswer | None = None


@dataclass
class WebhookState:
    url: str = ""
    secret: str | None = None
    max_connections: int = 40
    allowed_updates: list[str] | None = None
    last_error_date: int | None = None
    last_error_message: str | None = None
    task: asyncio.Task[None] | None = field(default=None, repr=False)  # the delivery loop


class SimState:
    """Everything Telegram knows, and the operations every door shares."""

    def __init__(
        self,
        token: str = "123456:TEST-token",
        limits: Limits | None = None,
        clock: Clock | None = None,
        bot_username: str = "mitra_test_bot",
        bot_name: str = "Mitra Test Bot",
    ) -> None:
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.bot_username = bot_username
        self.bot_name = bot_name
        self.limits = limits if limits is not None else Limits()
        self.clock: Clock = clock if clock is not None else RealClock()
        self.faults = Faults()
        self.limiter = RateLimiter(self.limits, self.clock)
        self.users: dict[int, UserRecord] = {}
        self.chats: dict[int, ChatRecord] = {}
        self.files: dict[str, FileRecord] = {}
        self.files_by_path: dict[str, FileRecord] = {}
        self.updates: list[dict[str, Any]] = []
        self.callbacks: dict[str, PendingCallback] = {}
        self.calls: list[Call] = []
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.descriptions: dict[str, str] = {}  # by language_code ("" for everyone else)
        self.short_descriptions: dict[str, str] = {}
        self.photo_sets: dict[str, list[dict[str, Any]]] = {}
        self.webhook = WebhookState()
        self.allowed_updates: list[str] | None = None
        self.version = 0
        self.closing = False
        self.poller: Any = None  # the getUpdates request currently long-polling
        self._changed = asyncio.Event()
        self._update_ids = itertools.count(100_000_001)
        self._user_ids = itertools.count(700_000_001)
        self._group_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._query_ids = itertools.count(1)

    # ---- people and chats -------------------------------------------------------------
    def new_user_id(self) -> int:
        return next(self._user_ids)

    def new_group_id(self) -> int:
        return FIRST_GROUP_ID - next(self._group_ids)

    def add_user(self, user: UserRecord, private_chat: ChatRecord) -> None:
        """Record a person and their private chat with the bot."""
        self.users[user.id] = user
        self.chats[private_chat.id] = private_chat

    def add_chat(self, chat: ChatRecord) -> None:
        self.chats[chat.id] = chat

    def chat_for(self, chat: ChatRecord | UserRecord | int | None,
                 user: UserRecord | None) -> ChatRecord:
        if chat is None:
            if user is None:
                raise ValueError("no chat given")
            return self.chats[user.id]
        if isinstance(chat, ChatRecord):
            return chat
        if isinstance(chat, UserRecord):
            return self.chats[chat.id]
        return self.chats[int(chat)]

    def resolve_chat(self, ref: Any, sending: bool = False) -> ChatRecord:
        """Find the chat a Bot API call names; raise Telegram's errors."""
        chat: ChatRecord | None = None
        if isinstance(ref, str) and ref.startswith("@"):
            chat = next((c for c in self.chats.values()
                         if c.user is not None and c.user.username == ref[1:]), None)
        elif ref is not None and ref != "":
            try:
                chat = self.chats.get(int(ref))
            except (TypeError, ValueError):
                chat = None
        if chat is None:
            raise bad("chat not found")
        if sending and chat.user is not None:
            if chat.user.blocked:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            if not chat.started:
                raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        return chat

    # ---- messages, updates, change notification ---------------------------------------
    def now(self) -> int:
        return int(self.clock.time())

    def add_message(self, chat: ChatRecord, from_bot: bool, sender_id: int, **fields: Any
                    ) -> SimMessage:
        chat.next_message_id += 1
        msg = SimMessage(chat.next_message_id, chat.id, from_bot, sender_id, self.now(),
                         **fields)
        chat.messages[msg.message_id] = msg
        self.touch(msg)
        return msg

    def touch(self, msg: SimMessage | None = None) -> None:
        """Record a state change and wake every waiter."""
        self.version += 1
        if msg is not None:
            msg.version = self.version
        self._changed.set()
        self._changed = asyncio.Event()

    def enqueue_update(self, kind: str, payload: dict[str, Any]) -> dict[str, Any] | None:
        allowed = self.webhook.allowed_updates if self.webhook.url else self.allowed_updates
        if allowed:
            if kind not in allowed:
                return None
        elif kind in DEFAULT_UPDATES:
            return None
        update = {"update_id": next(self._update_ids), kind: payload}
        self.updates.append(update)
        self.touch()
        return update

    def inject_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue a raw update (an ``update_id`` is assigned when missing)."""
        update = dict(update)
        update.setdefault("update_id", next(self._update_ids))
        self.updates.append(update)
        self.touch()
        return update

    def new_query_id(self) -> str:
        return f"{self.bot_id}{next(self._query_ids):010d}"

    async def wait_until(self, predicate: Callable[[], bool], within: float) -> None:
        """Wait until ``predicate()`` holds, re-checking on every state change."""
        if predicate():
            return
        try:
            async with asyncio.timeout(within):
                while True:
                    await self._changed.wait()
                    if predicate():
                        return
        except TimeoutError:
            if predicate():
                return
            raise TimeoutError(f"condition not met within {within} s") from None

    async def wait_change(self, within: float) -> bool:
        try:
            async with asyncio.timeout(within):
                await self._changed.wait()
        except TimeoutError:
            return False
        return True

    def close(self) -> None:
        """Shutting down: end the long poll (``409 terminated``) and wake every waiter."""
        self.closing = True
        self.touch()
        if self.poller is not None:
            self.poller.terminated = True
            self.touch()

    def sent_messages(self, chat_id: int | None = None) -> list[SimMessage]:
        chats = [self.chats[chat_id]] if chat_id is not None else list(self.chats.values())
        out = [m for c in chats for m in c.messages.values() if m.from_bot]
        return out if chat_id is not None else sorted(out, key=lambda m: m.version)

    # ---- files --------------------------------------------------------------------------
    def store_file(self, data: bytes, kind: str, meta: dict[str, Any] | None = None,
                   size: int | None = None, variant: str = "") -> FileRecord:
        n = next(self._file_ids)
        digest = hashlib.sha256(kind.encode() + variant.encode() + data).hexdigest()
        folder, ext = FOLDERS.get(kind, ("documents", "bin"))
        name = (meta or {}).get("file_name")
        if isinstance(name, str) and "." in name:
            ext = name.rsplit(".", 1)[1][:8]
        file_id = f"{kind[:2].upper()}ACAgUAAxkB{n:06d}{digest[:24]}"
        record = FileRecord(
            file_id=file_id,
            file_unique_id=f"AgAD{digest[:12]}",
            data=data,
            size=len(data) if size is None else size,
            path=f"{folder}/file_{n}.{ext}",
            meta=dict(meta or {}),
        )
        self.files[file_id] = record
        self.files_by_path[record.path] = record
        return record

    def file_bytes(self, file_id: str) -> bytes:
        return self.files[file_id].data


def photo_sizes(sim: SimState, data: bytes) -> list[dict[str, Any]]:
    """Store one picture as Telegram does: three PhotoSize dicts (thumbnail, medium, full)."""
    out = []
    for i, (w, h) in enumerate(((90, 67), (320, 240), (800, 600))):
        size = max(1, len(data) * (i + 1) // 3)
        record = sim.store_file(data, "photo", {"width": w, "height": h}, size=size,
                                variant=f"{w}x{h}")
        out.append(record.as_dict())
    for size in out:
        sim.photo_sets[size["file_id"]] = out
    return out
