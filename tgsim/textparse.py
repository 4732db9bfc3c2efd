"""Formatting (parse_mode) and reply-markup validation, with Telegram's error wording."""

from __future__ import annotations

import html
import re
from typing import Any

from .models import bad

MAX_TEXT = 4096
MAX_CAPTION = 1024
HTML_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a",
    "code", "pre", "blockquote", "tg-emoji", "tg-time",
}
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s[^<>]*)?)>")
MDV2_RESERVED = set("_*[]()~`>#+-=|{}.!")


def parse_text(text: str, parse_mode: str | None) -> str:
    """Return the visible text after entity parsing; raise 400 on malformed markup."""
    mode = (parse_mode or "").lower()
    if mode == "html":
        return _parse_html(text)
    if mode == "markdownv2":
        return _parse_mdv2(text)
    if mode == "markdown":
        return re.sub(r"[*_`]", "", text)
    return text


def _entities_error(detail: str) -> Exception:
    return bad(f"can't parse entities: {detail}")


def _parse_html(text: str) -> str:
    out: list[str] = []
    stack: list[str] = []
    pos = 0
    for m in _TAG.finditer(text):
        chunk = text[pos:m.start()]
        _check_plain_html(chunk, text, pos)
        out.append(chunk)
        closing, name = m.group(1) == "/", m.group(2).lower()
        offset = len(text[: m.start()].encode())
        if name not in HTML_TAGS:
            kind = "end" if closing else "start"
            raise _entities_error(f'Unsupported {kind} tag "{name}" at byte offset {offset}')
        if closing:
            if not stack or stack[-1] != name:
                raise _entities_error(
                    f'Unmatched end tag at byte offset {offset}, expected "</{stack[-1]}>", '
                    f'found "</{name}>"' if stack else
                    f'Unexpected end tag at byte offset {offset}'
                )
            stack.pop()
        else:
            stack.append(name)
        pos = m.end()
    tail = text[pos:]
    _check_plain_html(tail, text, pos)
    out.append(tail)
    if stack:
        raise _entities_error(
            f'Can\'t find end tag corresponding to start tag "{stack[-1]}"'
        )
    return html.unescape("".join(out))


def _check_plain_html(chunk: str, text: str, start: int) -> None:
    i = chunk.find("<")
    if i >= 0:
        offset = len(text[: start + i].encode())
        raise _entities_error(f'Unsupported start tag "" at byte offset {offset}')


def _parse_mdv2(text: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            out.append(text[i + 1])
            i += 2
            continue
        if ch in "*_~|`":
            i += 1
            continue
        if ch in "[]":
            i += 1
            continue
        if ch == "(" and i > 0 and text[i - 1] == "]":
            end = text.find(")", i)
            i = end + 1 if end > 0 else len(text)
            continue
        if ch in MDV2_RESERVED:
            raise _entities_error(
                f"Character '{ch}' is reserved and must be escaped with the preceding '\\'"
            )
        out.append(ch)
        i += 1
    return "".join(out)


def html_source(text: str | None, parse_mode: str | None) -> str | None:
    """The raw markup of an HTML-formatted text (kept so the playground can render it)."""
    return text if text and (parse_mode or "").lower() == "html" else None


def check_text(text: str | None, parse_mode: str | None) -> str:
    if text is None or text.strip() == "":
        raise bad("message text is empty")
    visible = parse_text(text, parse_mode)
    if visible.strip() == "":
        raise bad("message text is empty")
    if len(visible) > MAX_TEXT:
        raise bad("message is too long")
    return visible


def check_caption(caption: str | None, parse_mode: str | None) -> str | None:
    if caption is None or caption == "":
        return None
    visible = parse_text(caption, parse_mode)
    if len(visible) > MAX_CAPTION:
        raise bad("message caption is too long")
    return visible


_ACTIONS = (
    "callback_data", "url", "web_app", "login_url", "switch_inline_query",
    "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
    "callback_game", "pay",
)


def check_markup(markup: Any) -> dict[str, Any] | None:
    """Validate a reply_markup object; return it (as a dict) or None."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        _check_rows(rows, inline=True)
    elif "keyboard" in markup:
        _check_rows(markup["keyboard"], inline=False)
    elif not (markup.get("remove_keyboard") or markup.get("force_reply")):
        raise bad("can't parse reply keyboard markup JSON object")
    return markup


def _check_rows(rows: Any, inline: bool) -> None:
    if not isinstance(rows, list) or any(not isinstance(r, list) for r in rows):
        raise bad("field \"inline_keyboard\" must be an Array of Array")
    total = sum(len(r) for r in rows)
    if total > 100 or any(len(r) > 8 for r in rows):
        raise bad("BUTTONS_TOO_MUCH")
    for row in rows:
        for button in row:
            if isinstance(button, str):
                if inline:
                    raise bad("can't parse inline keyboard button: Text buttons are unallowed"
                              " in the inline keyboard")
                continue
            if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                raise bad("can't parse inline keyboard button: Field \"text\" must be of type "
                          "String")
            if not inline:
                continue
            if not any(k in button for k in _ACTIONS):
                raise bad("can't parse inline keyboard button: Text buttons are unallowed in "
                          "the inline keyboard")
            if "callback_data" in button:
                data = button["callback_data"]
                size = len(data.encode()) if isinstance(data, str) else 0
                if not 1 <= size <= 64:
                    raise bad("BUTTON_DATA_INVALID")
