"""The Telegram state machine: users, chats, messages, files, updates, call log."""

from __future__ import annotations

import asyncio
import hashlib
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .client import SimChat, SimUser
from .clock import Clock, RealClock
from .faults import Faults
from .limits import Limits, RateLimiter
from .models import ApiError, Call, CallbackAnswer, FileRecord, SimMessage, bad
from .render import message_dict

if TYPE_CHECKING:
    from aiohttp import web

    from .transport import SimRequest

DEFAULT_UPDATES = {"chat_member", "message_reaction", "message_reaction_count"}
FOLDERS = {
    "photo": ("photos", "jpg"), "document": ("documents", "bin"), "video": ("videos", "mp4"),
    "voice": ("voice", "oga"), "audio": ("music", "mp3"), "sticker": ("stickers", "webp"),
    "animation": ("animations", "mp4"), "video_note": ("video_notes", "mp4"),
}


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


class Simulator:
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
        self.users: dict[int, SimUser] = {}
        self.chats: dict[int, SimChat] = {}
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
        self.url = ""
        self.closing = False
        self.poller: Any = None  # the getUpdates request currently long-polling
        self._changed = asyncio.Event()
        self._update_ids = itertools.count(100_000_001)
        self._user_ids = itertools.count(700_000_001)
        self._group_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._query_ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self._webhook_task: asyncio.Task[None] | None = None

    # ---- people and chats -------------------------------------------------------------
    def user(
        self,
        first_name: str = "User",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "id",
        started: bool = True,
    ) -> SimUser:
        """A person; ``started=False`` means they never opened the bot (bot gets 403)."""
        user = SimUser(self, next(self._user_ids), first_name, last_name, username, language_code)
        self.users[user.id] = user
        chat = SimChat(self, user.id, "private", user=user)
        chat.started = started
        self.chats[user.id] = chat
        return user

    def group(
        self,
        title: str = "Group",
        members: list[SimUser] | None = None,
        admins: list[SimUser] | None = None,
    ) -> SimChat:
        """A supergroup in which the bot is an administrator."""
        admins = list(admins or [])
        members = list(members or [])
        for admin in admins:
            if admin not in members:
                members.append(admin)
        chat_id = -1_001_000_000_000 - next(self._group_ids)
        chat = SimChat(self, chat_id, "supergroup", title=title, members=members, admins=admins)
        self.chats[chat_id] = chat
        return chat

    def chat_for(self, chat: SimChat | SimUser | int | None, user: SimUser | None) -> SimChat:
        if chat is None:
            if user is None:
                raise ValueError("no chat given")
            return self.chats[user.id]
        if isinstance(chat, SimChat):
            return chat
        if isinstance(chat, SimUser):
            return self.chats[chat.id]
        return self.chats[int(chat)]

    def resolve_chat(self, ref: Any, sending: bool = False) -> SimChat:
        """Find the chat a Bot API call names; raise Telegram's errors."""
        chat: SimChat | None = None
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

    def add_message(self, chat: SimChat, from_bot: bool, sender_id: int, **fields: Any
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

    def message_update(self, msg: SimMessage) -> None:
        self.enqueue_update("message", message_dict(self, msg))

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

    # ---- the two doors ----------------------------------------------------------------
    async def call_api(self, token: str, method: str, raw: dict[str, Any],
                       files: dict[str, tuple[str, bytes, str]] | None = None
                       ) -> tuple[int, dict[str, Any]]:
        from .dispatch import dispatch

        return await dispatch(self, token, method, raw, files or {})

    async def download(self, token: str, path: str) -> tuple[int, bytes]:
        """Serve ``/file/bot<token>/<path>`` (same latency as API calls)."""
        from .dispatch import download

        return await download(self, token, path)

    def request(self, **kwargs: Any) -> SimRequest:
        from .transport import SimRequest

        return SimRequest(self, **kwargs)

    @property
    def base_url(self) -> str:
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.url}/file/bot"

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        from .server import start_server

        self.closing = False
        self._runner, self.url = await start_server(self, host, port)

    async def stop(self) -> None:
        from .updates import stop_webhook

        await stop_webhook(self)
        self.closing = True
        self.touch()
        if self.poller is not None:
            self.poller.terminated = True
            self.touch()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Simulator:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()
