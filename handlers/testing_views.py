"""Test screens: one message per attempt, edited in place. A question with an image is a
photo with the question as its caption (handlers.testing swaps the message when the kind of
screen changes, which Telegram cannot edit: text into photo or back)."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import InlineKeyboardMarkup

from bot import callbacks, texts
from bot.services.testing import View
from handlers.keyboards import button
from question_bank.schema import LETTERS


@dataclass(frozen=True)
class Screen:
    text: str
    markup: InlineKeyboardMarkup
    image: str | None = None  # a question's picture: the screen is a photo, `text` its caption
    is_question: bool = False


def header(lang: str, view: View, position: int) -> str:
    key = "test.practice_header" if view.attempt.kind == "practice" else "test.header"
    return texts.get(lang, key, number=position + 1, total=len(view.questions), left=view.left)


def _key(view: View, action: str, position: int = 0, option: int = 0) -> callbacks.TestKey:
    return callbacks.TestKey(view.attempt.id, action, position, option)


def question(lang: str, view: View, position: int) -> Screen:
    q = view.questions[position]
    chosen = view.answers.get(position)
    lines = [f"<b>{header(lang, view, position)}</b>", "", texts.escape(q.text), ""]
    for i, option in enumerate(q.options):
        mark = "✅ " if i == chosen else ""
        lines.append(f"{mark}<b>{LETTERS[i]}.</b> {texts.escape(option)}")
    options = [button(("✅ " if i == chosen else "") + LETTERS[i], _key(view, "a", position, i))
               for i in range(len(q.options))]
    last = len(view.questions) - 1
    navigation = [
        button("◀️", _key(view, "g", max(position - 1, 0))),
        button(texts.get(lang, "test.list"), _key(view, "l", position)),
        button("▶️", _key(view, "g", min(position + 1, last))),
    ]
    finish = [button(texts.get(lang, "test.finish"), _key(view, "f", position))]
    return Screen("\n".join(lines), InlineKeyboardMarkup([options, navigation, finish]), q.image,
                  is_question=True)


def question_list(lang: str, view: View, position: int) -> Screen:
    numbers = [button(("✅" if i in view.answers else "▫️") + str(i + 1), _key(view, "g", i))
               for i in range(len(view.questions))]
    rows = [numbers[i : i + 5] for i in range(0, len(numbers), 5)]
    rows.append([button(texts.get(lang, "test.back"), _key(view, "g", position))])
    text = texts.get(lang, "test.list_title", header=header(lang, view, position))
    return Screen(text, InlineKeyboardMarkup(rows))


def finish_confirm(lang: str, view: View, position: int) -> Screen:
    text = texts.get(lang, "test.finish_confirm", header=header(lang, view, position),
                     unanswered=view.unanswered)
    return Screen(text, InlineKeyboardMarkup([[
        button(texts.get(lang, "test.finish_yes"), _key(view, "c", position)),
        button(texts.get(lang, "test.back"), _key(view, "g", position)),
    ]]))
