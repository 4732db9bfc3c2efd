"""The test client: acting as people (send, click, wait for the bot's reply).

``SimUser`` and ``SimChat`` are the core's user and chat records plus what a test does with
them; ``new_user``/``new_group`` make them (``Simulator.user``/``group`` call these).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .models import CallbackAnswer, ChatRecord, SimMessage, UserRecord
from .render import bot_user_dict, chat_dict, member_dict, message_dict, user_dict
from .state import PendingCallback, SimState, photo_sizes

__all__ = ["SimChat", "SimUser", "new_group", "new_user", "photo_sizes"]

ANONYMOUS_ADMIN_ID = 1087968824  # Telegram's GroupAnonymousBot


def new_user(
    sim: SimState,
    first_name: str = "User",
    last_name: str | None = None,
    username: str | None = None,
    language_code: str | None = "id",
    started: bool = True,
) -> SimUser:
    """A person; ``started=False`` means they never opened the bot (bot gets 403)."""
    user = SimUser(sim, sim.new_user_id(), first_name, last_name, username, language_code)
    chat = SimChat(sim, user.id, "private", user=user)
    chat.started = started
    sim.add_user(user, chat)
    return user


def new_group(
    sim: SimState,
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
    chat = SimChat(sim, sim.new_group_id(), "supergroup", title=title, members=members,
                   admins=admins)
    sim.add_chat(chat)
    return chat


class SimChat(ChatRecord):
    """A chat (private or supergroup) of the simulator, with what people do in it."""

    def __init__(self, sim: SimState, chat_id: int, type_: str, title: str | None = None,
                 user: UserRecord | None = None, members: list[UserRecord] | None = None,
                 admins: list[UserRecord] | None = None) -> None:
        super().__init__(chat_id, type_, title, user, members, admins)
        self.sim = sim

    def set_admin(self, user: SimUser, admin: bool) -> None:
        """Promote or demote a member; Telegram tells the bot with a chat_member update."""
        old = member_dict(self.sim, self, user.id)
        if user not in self.members:
            self.members.append(user)
        if admin and user not in self.admins:
            self.admins.append(user)
        elif not admin and user in self.admins:
            self.admins.remove(user)
        self.sim.enqueue_update("chat_member", {
            "chat": chat_dict(self), "from": user_dict(self.admins[0] if self.admins else user),
            "date": self.sim.now(), "old_chat_member": old,
            "new_chat_member": member_dict(self.sim, self, user.id)})
        self.sim.touch()


class SimUser(UserRecord):
    """A person of the simulator, acting: sending, clicking, waiting for the bot."""

    def __init__(self, sim: SimState, user_id: int, first_name: str, last_name: str | None,
                 username: str | None, language_code: str | None) -> None:
        super().__init__(user_id, first_name, last_name, username, language_code)
        self.sim = sim
        self._cursors: dict[int, int] = {}

    def _chat(self, chat: ChatRecord | UserRecord | int | None) -> ChatRecord:
        return self.sim.chat_for(chat, self)

    def _post(self, chat: ChatRecord | UserRecord | int | None, **fields: Any) -> SimMessage:
        target = self._chat(chat)
        if target.type == "private":
            target.started = True
            if self.blocked:
                self.unblock_bot()
        msg = self.sim.add_message(target, False, self.id, **fields)
        self.sim.enqueue_update("message", message_dict(self.sim, msg))
        return msg

    # ---- sending --------------------------------------------------------------------
    async def send(self, text: str, chat: ChatRecord | UserRecord | int | None = None,
                   reply_to: SimMessage | None = None, anonymous: bool = False) -> SimMessage:
        """`anonymous`: an administrator posting as the group itself (Telegram then names the
        group as sender_chat and GroupAnonymousBot as the sender)."""
        entities = None
        if text.startswith("/"):
            command = text.split()[0] if text.split() else text
            entities = [{"type": "bot_command", "offset": 0,
                         "length": len(command.encode("utf-16-le")) // 2}]
        extra: dict[str, Any] = {"reply_to_message_id": reply_to.message_id} if reply_to else {}
        if anonymous:
            extra["sender_chat"] = chat_dict(self._chat(chat))
            extra["from"] = {"id": ANONYMOUS_ADMIN_ID, "is_bot": True, "first_name": "Group",
                             "username": "GroupAnonymousBot"}
        return self._post(chat, kind="text", text=text, entities=entities, extra=extra)

    async def edit(self, message: SimMessage, text: str) -> SimMessage:
        """Edit one of this user's own text messages (Telegram sends `edited_message`)."""
        assert not message.from_bot and message.sender_id == self.id, "not this user's message"
        message.text = text
        message.entities = ([{"type": "bot_command", "offset": 0,
                              "length": len(text.split()[0].encode("utf-16-le")) // 2}]
                            if text.startswith("/") and text.split() else None)
        message.edit_date = self.sim.now()
        message.version += 1
        self.sim.enqueue_update("edited_message", message_dict(self.sim, message))
        self.sim.touch()
        return message

    async def send_photo(self, data: bytes = b"<fake jpeg>", caption: str | None = None,
                         chat: ChatRecord | UserRecord | int | None = None) -> SimMessage:
        sizes = photo_sizes(self.sim, data)
        return self._post(chat, kind="photo", text=caption, content={"photo": sizes},
                          file=sizes[-1])

    async def send_document(self, data: bytes, filename: str, mime_type: str,
                            caption: str | None = None,
                            chat: ChatRecord | UserRecord | int | None = None,
                            file_size: int | None = None) -> SimMessage:
        record = self.sim.store_file(data, "document",
                                     {"file_name": filename, "mime_type": mime_type},
                                     size=file_size)
        doc = record.as_dict()
        return self._post(chat, kind="document", text=caption, content={"document": doc},
                          file=doc)

    async def _send_media(self, kind: str, data: bytes, meta: dict[str, Any],
                          chat: ChatRecord | UserRecord | int | None) -> SimMessage:
        obj = self.sim.store_file(data, kind, meta).as_dict()
        return self._post(chat, kind=kind, content={kind: obj}, file=obj)

    async def send_sticker(self, chat: ChatRecord | UserRecord | int | None = None) -> SimMessage:
        meta = {"type": "regular", "width": 512, "height": 512, "is_animated": False,
                "is_video": False, "emoji": "\U0001f44d"}
        return await self._send_media("sticker", b"RIFF<fake webp>", meta, chat)

    async def send_voice(self, chat: ChatRecord | UserRecord | int | None = None) -> SimMessage:
        meta = {"duration": 2, "mime_type": "audio/ogg"}
        return await self._send_media("voice", b"OggS<fake voice>", meta, chat)

    async def send_video(self, chat: ChatRecord | UserRecord | int | None = None) -> SimMessage:
        meta = {"width": 640, "height": 360, "duration": 3, "mime_type": "video/mp4"}
        return await self._send_media("video", b"<fake mp4>", meta, chat)

    async def send_location(self, lat: float, lon: float,
                            chat: ChatRecord | UserRecord | int | None = None) -> SimMessage:
        return self._post(chat, kind="location",
                          content={"location": {"latitude": lat, "longitude": lon}})

    async def share_contact(self, phone_number: str = "+6281234567890",
                            chat: ChatRecord | UserRecord | int | None = None) -> SimMessage:
        contact: dict[str, Any] = {"phone_number": phone_number, "first_name": self.first_name,
                                   "user_id": self.id}
        if self.last_name:
            contact["last_name"] = self.last_name
        return self._post(chat, kind="contact", content={"contact": contact})

    # ---- buttons --------------------------------------------------------------------
    async def click(self, label: str, message: SimMessage | None = None,
                    chat: ChatRecord | UserRecord | int | None = None,
                    timeout: float = 5.0) -> CallbackAnswer:  # noqa: ASYNC109
        target = self._chat(chat if message is None else message.chat_id)
        candidates = [message] if message is not None else [
            m for m in reversed(list(target.messages.values())) if m.from_bot and not m.deleted
        ]
        for exact in (True, False):
            for msg in candidates:
                for row_labels, row_data in zip(msg.buttons, msg.button_data, strict=True):
                    for text, data in zip(row_labels, row_data, strict=True):
                        if (text == label) if exact else (label in text):
                            if _is_url_button(msg, text):
                                raise AssertionError(f"button {text!r} is a URL button")
                            return await self._press(msg, data, timeout)
        visible = [(m.message_id, m.buttons) for m in candidates if m.buttons][:5]
        raise AssertionError(f"no button {label!r} in chat {target.id}; visible: {visible}")

    async def click_data(self, data: str, message: SimMessage,
                         timeout: float = 5.0) -> CallbackAnswer:  # noqa: ASYNC109
        return await self._press(message, data, timeout)

    async def _press(self, msg: SimMessage, data: str, within: float) -> CallbackAnswer:
        if msg.deleted:
            raise AssertionError(f"message {msg.message_id} was deleted")
        sim = self.sim
        pending: PendingCallback = PendingCallback(sim.new_query_id(), self.id, sim.clock.time())
        sim.callbacks[pending.query_id] = pending
        payload = {
            "id": pending.query_id,
            "from": user_dict(self),
            "message": message_dict(sim, msg),
            "chat_instance": str(abs(hash((sim.bot_id, msg.chat_id)))),
            "data": data,
        }
        sim.enqueue_update("callback_query", payload)
        try:
            await sim.wait_until(lambda: pending.answer is not None, within)
        except TimeoutError:
            raise TimeoutError(
                f"bot did not answer callback query {data!r} within {within} s"
            ) from None
        assert pending.answer is not None
        return pending.answer

    # ---- reading --------------------------------------------------------------------
    async def next_message(self, timeout: float = 5.0,  # noqa: ASYNC109
                           chat: ChatRecord | UserRecord | int | None = None) -> SimMessage:
        target = self._chat(chat)
        found: list[SimMessage] = []

        def ready() -> bool:
            cursor = self._cursors.get(target.id, 0)
            for m in target.messages.values():
                if m.from_bot and m.message_id > cursor:
                    found.append(m)
                    return True
            return False

        try:
            await self.sim.wait_until(ready, timeout)
        except TimeoutError:
            last = list(target.messages.values())[-5:]
            raise TimeoutError(
                f"no new bot message in chat {target.id} within {timeout} s; last: {last}"
            ) from None
        self._cursors[target.id] = found[0].message_id
        return found[0]

    async def next_message_with(self, fragment: str, timeout: float = 5.0,  # noqa: ASYNC109
                                chat: ChatRecord | UserRecord | int | None = None) -> SimMessage:
        """The first bot message after the cursor whose text or caption contains `fragment`
        (a named wait: an outbox delivery or a replaced screen in between is passed over)."""
        target = self._chat(chat)
        found: list[SimMessage] = []

        def ready() -> bool:
            cursor = self._cursors.get(target.id, 0)
            found[:] = [m for m in target.messages.values() if m.from_bot
                        and m.message_id > cursor and fragment in (m.text or "")][:1]
            return bool(found)

        try:
            await self.sim.wait_until(ready, timeout)
        except TimeoutError:
            last = list(target.messages.values())[-5:]
            raise TimeoutError(f"no bot message with {fragment!r} in chat {target.id} within "
                               f"{timeout} s; last: {last}") from None
        self._cursors[target.id] = found[0].message_id
        return found[0]

    async def reply_to(self, sent: SimMessage, timeout: float = 5.0  # noqa: ASYNC109
                       ) -> SimMessage:
        """The bot's first message that quotes `sent` (its reply to this command or message;
        what the outbox delivers meanwhile is not it)."""
        target = self._chat(sent.chat_id)
        found: list[SimMessage] = []

        def ready() -> bool:
            found[:] = [m for m in target.messages.values() if m.from_bot
                        and m.extra.get("reply_to_message_id") == sent.message_id][:1]
            return bool(found)

        try:
            await self.sim.wait_until(ready, timeout)
        except TimeoutError:
            last = list(target.messages.values())[-5:]
            raise TimeoutError(f"no bot reply to message {sent.message_id} ({sent.text!r}) in "
                               f"chat {target.id} within {timeout} s; last: {last}") from None
        return found[0]

    async def wait_for(self, predicate: Callable[[], bool],
                       timeout: float = 5.0) -> None:  # noqa: ASYNC109
        await self.sim.wait_until(predicate, timeout)

    def messages(self, chat: ChatRecord | UserRecord | int | None = None) -> list[SimMessage]:
        return self._chat(chat).history()

    def last_bot_message(self, chat: ChatRecord | UserRecord | int | None = None
                         ) -> SimMessage | None:
        bot = [m for m in self._chat(chat).history() if m.from_bot]
        return bot[-1] if bot else None

    # ---- blocking -------------------------------------------------------------------
    def block_bot(self) -> None:
        if not self.blocked:
            self.blocked = True
            self._member_update("member", "kicked")

    def unblock_bot(self) -> None:
        if self.blocked:
            self.blocked = False
            self._member_update("kicked", "member")

    def _member_update(self, old: str, new: str) -> None:
        bot = bot_user_dict(self.sim)

        def member(status: str) -> dict[str, Any]:
            out: dict[str, Any] = {"status": status, "user": bot}
            if status == "kicked":
                out["until_date"] = 0
            return out

        self.sim.enqueue_update("my_chat_member", {
            "chat": chat_dict(self.sim.chats[self.id]),
            "from": user_dict(self),
            "date": self.sim.now(),
            "old_chat_member": member(old),
            "new_chat_member": member(new),
        })
        self.sim.touch()


def _is_url_button(msg: SimMessage, text: str) -> bool:
    rows = (msg.reply_markup or {}).get("inline_keyboard") or []
    return any(isinstance(b, dict) and b.get("text") == text and "url" in b
               and "callback_data" not in b for row in rows for b in row)

