"""Callback data: one small typed record per kind of button, encoded as `prefix:field:field`.

`decode` returns None for anything malformed or forged (unknown prefix, wrong field count,
non-numeric ids, values outside a Literal), so handlers never split strings themselves.
"""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from bot.domain import registration as _reg

MAX_BYTES = 64
_KINDS: dict[str, type[Any]] = {}


def kind(prefix: str) -> Any:
    """Class decorator: a frozen dataclass registered under `prefix`."""

    def wrap(cls: type[Any]) -> type[Any]:
        if prefix in _KINDS:
            raise ValueError(f"callback prefix {prefix!r} is used twice")
        cls = dataclass(frozen=True)(cls)
        cls.PREFIX = prefix
        _KINDS[prefix] = cls
        return cls

    return wrap


def encode(record: Any) -> str:
    parts = [record.PREFIX, *(str(getattr(record, f.name)) for f in dataclasses.fields(record))]
    if any(":" in part for part in parts[1:]):
        raise ValueError("callback fields must not contain ':'")
    data = ":".join(parts)
    if not 1 <= len(data.encode()) <= MAX_BYTES:
        raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
    return data


def _convert(raw: str, hint: Any) -> Any:
    if hint is int:
        if not raw.isascii() or not raw.lstrip("-").isdigit() or len(raw) > 19:
            raise ValueError(raw)
        return int(raw)
    if typing.get_origin(hint) is Literal:
        if raw not in typing.get_args(hint):
            raise ValueError(raw)
        return raw
    if hint is str:
        if not raw:
            raise ValueError(raw)
        return raw
    raise TypeError(f"unsupported callback field type {hint!r}")


def decode(data: str | None) -> Any | None:
    if not data or len(data.encode()) > MAX_BYTES:
        return None
    prefix, *raw_fields = data.split(":")
    cls = _KINDS.get(prefix)
    if cls is None:
        return None
    fields = dataclasses.fields(cls)
    if len(raw_fields) != len(fields):
        return None
    hints = typing.get_type_hints(cls)
    try:
        pairs = zip(fields, raw_fields, strict=True)
        values = {f.name: _convert(raw, hints[f.name]) for f, raw in pairs}
    except ValueError:
        return None
    return cls(**values)


MenuItem = Literal["requirements", "schedule", "help", "language", "register", "status"]


@kind("m")
class Menu:
    PREFIX: ClassVar[str]
    item: MenuItem


@kind("lang")
class SetLanguage:
    PREFIX: ClassVar[str]
    code: Literal["id", "en"]


# Registration. Literal choices come from the domain, so a forged value never decodes.


@kind("rc")
class Consent:
    PREFIX: ClassVar[str]
    answer: Literal["yes", "no"]


@kind("rd")
class Declare:
    PREFIX: ClassVar[str]
    name: Literal[_reg.DECLARATIONS]  # type: ignore[valid-type]
    answer: Literal["yes", "no", "redo"]


@kind("rf")
class Choose:
    PREFIX: ClassVar[str]
    field: Literal["sex", "district", "education", "experience", "motorbike"]
    value: str


@kind("rv")
class Device:
    PREFIX: ClassVar[str]
    value: Literal["smartphone", "computer", "tablet", "none", "done"]


@kind("re")
class Edit:
    PREFIX: ClassVar[str]
    item: Literal[_reg.ITEMS]  # type: ignore[valid-type]


@kind("rn")
class KeepNik:
    """Keep the NIK just typed; the stored sex or birth date it disagrees with is asked again."""

    PREFIX: ClassVar[str]
    nik: str


@kind("rm")
class KeepEmail:
    """Take the e-mail address as corrected ("gmial.com" -> "gmail.com") with one tap."""

    PREFIX: ClassVar[str]
    address: str


@kind("md")
class MyData:
    """After submitting: what was sent, read-only (every field, and the documents again)."""

    PREFIX: ClassVar[str]


@kind("go")
class Go:
    """The next step a push message offers: choose a session, start the test, fix the form."""

    PREFIX: ClassVar[str]
    action: Literal["schedule", "begin", "register", "result"]


def button_json(label: str, record: Any) -> dict[str, Any]:
    """A one-button inline keyboard as Bot API JSON (for messages queued in the outbox)."""
    return {"inline_keyboard": [[{"text": label, "callback_data": encode(record)}]]}


@kind("rs")
class Submit:
    PREFIX: ClassVar[str]
    stage: Literal["ask", "confirm", "cancel"]


@kind("rx")
class Erase:
    PREFIX: ClassVar[str]
    stage: Literal["ask", "confirm", "cancel"]


# Staff review.
@kind("sv")
class Verdict:
    """Card buttons: decide (pass), open a sub-menu (fail, fix), act on it (fixsend, back)."""

    PREFIX: ClassVar[str]
    application: int
    decision: Literal["pass", "fail", "fix", "fixsend", "back"]


@kind("sr")
class FailReason:
    PREFIX: ClassVar[str]
    application: int
    reason: Literal["documents", "mismatch", "requirements", "other"]


@kind("sf")
class FixItem:
    PREFIX: ClassVar[str]
    application: int
    item: Literal[_reg.ITEMS]  # type: ignore[valid-type]


@kind("sx")
class FixExtra:
    """With the fixing: a note for the applicant (asked by prompt), the deadline (cycles)."""

    PREFIX: ClassVar[str]
    application: int
    what: Literal["note", "deadline"]


@kind("sc")
class ReasonConfirm:
    """A typed fail reason shown back: send it, type it again, or drop it."""

    PREFIX: ClassVar[str]
    application: int
    action: Literal["send", "retype", "cancel"]


@kind("sn")
class ReviewNext:
    """Reviewing in a private chat: skip this application, or stop for now."""

    PREFIX: ClassVar[str]
    application: int
    action: Literal["skip", "stop"]


@kind("qb")
class BankImport:
    PREFIX: ClassVar[str]
    import_id: int
    action: Literal["activate", "cancel"]


# Sessions and the test.
@kind("bk")
class Book:
    PREFIX: ClassVar[str]
    session: int
    stage: Literal["pick", "confirm", "other"]


@kind("t")
class TestKey:
    """A test button: answer (a), go to a question (g), list (l), finish (f), confirm (c)."""

    PREFIX: ClassVar[str]
    attempt: int
    action: Literal["a", "g", "l", "f", "c"]
    position: int
    option: int


@kind("rk")
class ApproveRanking:
    PREFIX: ClassVar[str]
    ranking: int


@kind("ro")
class OverrideRanking:
    """Approve although sessions, attempts or applications are still open (audited)."""

    PREFIX: ClassVar[str]
    ranking: int


@kind("bc")
class BroadcastKey:
    PREFIX: ClassVar[str]
    broadcast: int
    action: Literal["send", "cancel"]
