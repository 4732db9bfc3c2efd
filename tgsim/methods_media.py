"""Photos, documents and other files; media groups; getFile."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .methods_msg import apply_edit, bot_message, common, message_to_edit
from .models import ApiError, FileRecord, Params, bad
from .registry import api
from .render import message_dict
from .state import photo_sizes
from .textparse import check_caption, check_markup, html_source

if TYPE_CHECKING:
    from .state import SimState

MB = 1024 * 1024
DOWNLOAD_LIMIT = 20 * MB
_BASE = {"file_id", "file_unique_id", "file_size"}
FIELDS: dict[str, set[str]] = {
    "document": _BASE | {"file_name", "mime_type"},
    "video": _BASE | {"width", "height", "duration", "file_name", "mime_type"},
    "animation": _BASE | {"width", "height", "duration", "file_name", "mime_type"},
    "audio": _BASE | {"duration", "performer", "title", "file_name", "mime_type"},
    "voice": _BASE | {"duration", "mime_type"},
    "video_note": _BASE | {"length", "duration"},
    "sticker": _BASE | {"type", "width", "height", "is_animated", "is_video", "emoji"},
}
DEFAULTS: dict[str, dict[str, Any]] = {
    "video": {"width": 640, "height": 360, "duration": 1},
    "animation": {"width": 320, "height": 240, "duration": 1},
    "audio": {"duration": 1},
    "voice": {"duration": 1},
    "video_note": {"length": 240, "duration": 1},
    "sticker": {"type": "regular", "width": 512, "height": 512, "is_animated": False,
                "is_video": False},
}


def input_file(sim: SimState, p: Params, field: str, value: Any, kind: str
               ) -> tuple[FileRecord | None, tuple[str, bytes, str] | None]:
    """Resolve an InputFile: an upload (multipart), attach://name, or an existing file_id."""
    if value is None and field in p.files:
        return None, p.files[field]
    if not isinstance(value, str) or value == "":
        raise bad(f"there is no {kind} in the request")
    if value.startswith("attach://"):
        upload = p.files.get(value[len("attach://"):])
        if upload is None:
            raise bad("can't parse InputMedia: media not found")
        return None, upload
    record = sim.files.get(value)
    if record is not None:
        return record, None
    if value.startswith(("http://", "https://")):
        raise bad("failed to get HTTP URL content")
    raise bad("wrong file identifier/HTTP URL specified")


def media_content(sim: SimState, p: Params, kind: str, value: Any, field: str
                  ) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return (message content fields, the file dict) for one piece of media."""
    record, upload = input_file(sim, p, field, value, kind)
    if upload is not None:
        filename, data, mime = upload
        if len(data) == 0:
            raise bad("file must be non-empty")
        if len(data) > 50 * MB:
            raise ApiError(413, "Request Entity Too Large")
        if kind == "photo":
            if len(data) > 10 * MB:
                raise bad("PHOTO_INVALID_DIMENSIONS")
            sizes = photo_sizes(sim, data)
            return {"photo": sizes}, sizes[-1]
        meta = {"file_name": filename or "file", "mime_type": mime or "application/octet-stream"}
        record = sim.store_file(data, kind, meta)
    assert record is not None
    if kind == "photo":
        sizes = sim.photo_sets.get(record.file_id)
        if sizes is None:
            raise bad("type of file mismatch")
        return {"photo": sizes}, sizes[-1]
    obj = {**DEFAULTS.get(kind, {}), **record.as_dict()}
    obj = {k: v for k, v in obj.items() if k in FIELDS[kind]}
    return {kind: obj}, obj


async def send_media(sim: SimState, p: Params, kind: str) -> Any:
    chat = sim.resolve_chat(p.raw.get("chat_id"), sending=True)
    caption = check_caption(p.str("caption"), p.str("parse_mode"))
    fields = common(sim, p, chat)
    raw_value = p.raw.get(kind)
    content, obj = media_content(sim, p, kind, raw_value, kind)
    html = html_source(p.str("caption"), p.str("parse_mode"))
    msg = bot_message(sim, chat, kind=kind, text=caption, content=content, file=obj, html=html,
                      **fields)
    return message_dict(sim, msg)


def _register(kind: str, method: str) -> None:
    async def handler(sim: SimState, p: Params) -> Any:
        return await send_media(sim, p, kind)

    handler.__name__ = method
    api(method, "send")(handler)


for _kind, _method in (
    ("photo", "sendPhoto"), ("document", "sendDocument"), ("video", "sendVideo"),
    ("audio", "sendAudio"), ("voice", "sendVoice"), ("animation", "sendAnimation"),
    ("sticker", "sendSticker"), ("video_note", "sendVideoNote"),
):
    _register(_kind, _method)


@api("sendMediaGroup", "send")
async def send_media_group(sim: SimState, p: Params) -> Any:
    chat = sim.resolve_chat(p.raw.get("chat_id"), sending=True)
    media = p.obj("media")
    if not isinstance(media, list):
        raise bad("can't parse media JSON object")
    if len(media) < 2:
        raise bad("too few messages to send as an album")
    if len(media) > 10:
        raise bad("too much messages to send as an album")
    fields = common(sim, p, chat)
    fields.pop("reply_markup", None)
    prepared = []
    for item in media:
        if not isinstance(item, dict) or item.get("type") not in ("photo", "video", "document",
                                                                   "audio"):
            raise bad("can't parse InputMedia: unsupported media type")
        caption = check_caption(item.get("caption"), item.get("parse_mode"))
        content, obj = media_content(sim, p, item["type"], item.get("media"), "media")
        html = html_source(item.get("caption"), item.get("parse_mode"))
        prepared.append((item["type"], caption, content, obj, html))
    group_id = str(13_000_000_000_000_000 + sim.version)
    out = []
    for kind, caption, content, obj, html in prepared:
        msg = bot_message(sim, chat, kind=kind, text=caption, content=content, file=obj,
                          media_group_id=group_id, html=html, **fields)
        out.append(message_dict(sim, msg))
    return out


@api("getFile")
async def get_file(sim: SimState, p: Params) -> Any:
    record = sim.files.get(p.str("file_id") or "")
    if record is None:
        raise bad("invalid file_id")
    if record.size > DOWNLOAD_LIMIT:
        raise bad("file is too big")
    return {
        "file_id": record.file_id,
        "file_unique_id": record.file_unique_id,
        "file_size": record.size,
        "file_path": record.path,
    }


@api("editMessageMedia", "edit")
async def edit_message_media(sim: SimState, p: Params) -> Any:
    """Replace a media message's file (and caption); a text message has no media to replace."""
    msg = message_to_edit(sim, p)
    media = p.obj("media")
    if not isinstance(media, dict) or media.get("type") not in ("photo", "video", "document",
                                                                 "audio", "animation"):
        raise bad("can't parse InputMedia: unsupported media type")
    if msg.kind == "text":
        raise bad("there is no media in the message to edit")
    caption = check_caption(media.get("caption"), media.get("parse_mode"))
    content, obj = media_content(sim, p, media["type"], media.get("media"), "media")
    new_file = (media["type"], content) != (msg.kind, msg.content)
    msg.kind, msg.content, msg.file = media["type"], content, obj
    return apply_edit(sim, msg, caption, check_markup(p.obj("reply_markup")),
                      html_source(media.get("caption"), media.get("parse_mode")),
                      new_content=new_file)
