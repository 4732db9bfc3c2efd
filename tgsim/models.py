"""Plain data kept by the simulator."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


class ApiError(Exception):
    """A Bot API error, rendered as {"ok": false, "error_code": N, "description": ...}."""

    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.parameters:
            out["parameters"] = self.parameters
        return out


def bad(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float
    status: int = 200
    error: str | None = None
    latency: float = 0.0


@dataclass
class CallbackAnswer:
    text: str | None = None
    show_alert: bool = False
    url: str | None = None


@dataclass
class FileRecord:
    file_id: str
    file_unique_id: str
    data: bytes
    size: int
    path: str
    meta: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.size,
        }
        out.update(self.meta)
        return out


@dataclass(eq=False)
class SimMessage:
    """A message as the simulator keeps it; the same object is updated on edit/delete."""

    message_id: int
    chat_id: int
    from_bot: bool
    sender_id: int
    date: int
    kind: str = "text"
    text: str | None = None
    reply_markup: dict[str, Any] | None = None
    file: dict[str, Any] | None = None
    protect_content: bool = False
    edit_count: int = 0
    deleted: bool = False
    media_group_id: str | None = None
    edit_date: int | None = None
    entities: list[dict[str, Any]] | None = None
    content: dict[str, Any] = field(default_factory=dict)  # kind-specific Bot API fields
    html: str | None = None  # the text/caption as sent with parse_mode=HTML (for the playground)
    extra: dict[str, Any] = field(default_factory=dict)  # reply_to_message, forward_origin...
    version: int = 0

    @property
    def buttons(self) -> list[list[str]]:
        rows = _keyboard_rows(self.reply_markup)
        return [[str(b.get("text", "")) if isinstance(b, dict) else str(b) for b in r]
                for r in rows]

    @property
    def button_data(self) -> list[list[str]]:
        rows = _keyboard_rows(self.reply_markup)
        return [
            [str(b.get("callback_data") or b.get("url") or "") if isinstance(b, dict) else ""
             for b in r]
            for r in rows
        ]

    def to_json(self) -> dict[str, Any]:
        """The simulator's own view (used by the admin API and the playground)."""
        return {
            "message_id": self.message_id,
            "chat_id": self.chat_id,
            "from_bot": self.from_bot,
            "sender_id": self.sender_id,
            "date": self.date,
            "kind": self.kind,
            "text": self.text,
            "reply_markup": self.reply_markup,
            "buttons": self.buttons,
            "button_data": self.button_data,
            "file": self.file,
            "protect_content": self.protect_content,
            "edit_count": self.edit_count,
            "deleted": self.deleted,
            "media_group_id": self.media_group_id,
            "version": self.version,
            "html": self.html,
            "entities": self.entities,
            "content": self.content,
            "edit_date": self.edit_date,
            "reply_to_message_id": self.extra.get("reply_to_message_id"),
        }

    def __repr__(self) -> str:
        who = "bot" if self.from_bot else f"user {self.sender_id}"
        flags = " deleted" if self.deleted else ""
        return (f"<SimMessage {self.chat_id}/{self.message_id} from {who} {self.kind}"
                f" {self.text!r} buttons={self.buttons}{flags}>")


class UserRecord:
    """A person as Telegram knows them (``client.SimUser`` adds acting as them)."""

    def __init__(self, user_id: int, first_name: str, last_name: str | None,
                 username: str | None, language_code: str | None) -> None:
        self.id = user_id
        self.first_name = first_name
        self.last_name = last_name
        self.username = username
        self.language_code = language_code
        self.blocked = False
        self.phone_number: str | None = None  # shared by the playground's contact button

    @property
    def chat_id(self) -> int:
        return self.id

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.id} {self.first_name}>"


class ChatRecord:
    """A chat: a user's private chat with the bot, or a supergroup."""

    def __init__(self, chat_id: int, type_: str, title: str | None = None,
                 user: UserRecord | None = None, members: list[UserRecord] | None = None,
                 admins: list[UserRecord] | None = None) -> None:
        self.id = chat_id
        self.type = type_
        self.title = title
        self.user = user
        self.members: list[UserRecord] = members or []
        self.admins: list[UserRecord] = admins or []
        self.messages: dict[int, SimMessage] = {}
        self.next_message_id = 0
        self.started = True

    @property
    def chat_id(self) -> int:
        return self.id

    def add_member(self, user: UserRecord, admin: bool = False) -> None:
        if user not in self.members:
            self.members.append(user)
        if admin and user not in self.admins:
            self.admins.append(user)

    def remove_member(self, user: UserRecord) -> None:
        for group in (self.members, self.admins):
            if user in group:
                group.remove(user)

    def history(self) -> list[SimMessage]:
        return [m for m in self.messages.values() if not m.deleted]

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.id} {self.type} {self.title or ''}>"


def _keyboard_rows(markup: dict[str, Any] | None) -> list[list[Any]]:
    if not markup:
        return []
    rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
    return [list(r) for r in rows if isinstance(r, list)]


class Params:
    """Typed access to request parameters that may be native JSON values or form strings."""

    def __init__(self, raw: dict[str, Any], files: dict[str, tuple[str, bytes, str]]):
        self.raw = raw
        self.files = files

    def has(self, name: str) -> bool:
        return self.raw.get(name) not in (None, "")

    def str(self, name: str, default: str | None = None) -> str | None:
        value = self.raw.get(name)
        if value is None:
            return default
        return value if isinstance(value, str) else json.dumps(value)

    def int(self, name: str, default: int | None = None) -> int | None:
        value = self.raw.get(name)
        if value is None or value == "":
            return default
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad(f"invalid {name} specified") from None

    def float(self, name: str) -> float | None:
        value = self.raw.get(name)
        if value is None or value == "":
            return None
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad(f"invalid {name} specified") from None

    def bool(self, name: str) -> bool:
        value = self.raw.get(name)
        if isinstance(value, str):
            return value.lower() in ("true", "1")
        return bool(value)

    def obj(self, name: str) -> Any:
        value = self.raw.get(name)
        if isinstance(value, str):
            if value == "":
                return None
            try:
                return json.loads(value)
            except ValueError:
                raise bad(f"can't parse {name} JSON object") from None
        return value

    def require(self, name: str) -> None:
        if not self.has(name) and name not in self.files:
            raise bad(f"{name} is empty")
