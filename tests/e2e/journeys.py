"""Reusable journeys: what a person does, step by step, through the simulator.

Every wait names what it waits for, never "the bot's next message" (there is no unnamed
`reply()`, and no test calls `user.next_message()`): the outbox may deliver a decision, a
reminder, a test's time warning or closed screen, or a feed line at any moment, and on a loaded
machine it lands before the reply a test meant. So, in a private chat (where the bot does not
quote the person), wait with `reply_with(user, fragment)` for a piece of the expected reply's
own words that no unrelated message contains (`words(lang, key)`: a text's fixed words, from
bot/texts); in a group, with `user.reply_to(sent)`; an outbox delivery by a fragment of what it
is, never by its order. A named wait moves the chat's cursor to the message it found (a later
wait sees only what came after it), so when two messages may come in either order, wait with a
predicate over `user.messages()` instead (`arrived`).
"""

from __future__ import annotations

import html
import re

from bot import texts
from bot.fake_people import Person  # the default person; tests import it from here
from tgsim import SimMessage, SimUser


def t(lang: str, key: str, **params: object) -> str:
    return texts.get(lang, key, **params)


def plain(html_text: str) -> str:
    """A text as people read it in the chat: tags off, entities decoded."""
    return html.unescape(re.sub(r"<[^>]*>", "", html_text))


def words(lang: str, key: str) -> str:
    """Fixed words of a text, to wait for it by: the longest stretch of its first line, as
    people read it, between its placeholders."""
    line = re.sub(r"<[^>]*>", "", texts.get(lang, key).split("\n")[0])
    fragment = max((html.unescape(part).strip() for part in re.split(r"\{[^}]*\}", line)),
                   key=len)
    assert len(fragment) >= 8, f"{key!r} has too few fixed words to wait for"
    return fragment


async def reply_with(user: SimUser, fragment: str, timeout: float = 10) -> SimMessage:  # noqa: ASYNC109
    """The bot's next message that contains `fragment` (others in between are passed over)."""
    return await user.next_message_with(fragment, timeout=timeout)


async def arrived(user: SimUser, *fragments: str, after: SimMessage | None = None,
                  timeout: float = 10) -> SimMessage:  # noqa: ASYNC109
    """The bot's first message in the private chat (after `after`) with one of `fragments`,
    whenever it came: for messages that may come in either order, or a reply that may be one
    of a few named answers. The chat's cursor does not move."""
    def found() -> list[SimMessage]:
        return [m for m in user.messages() if m.from_bot
                and (after is None or m.message_id > after.message_id)
                and any(f in (m.text or "") for f in fragments)]
    try:
        await user.wait_for(lambda: bool(found()), timeout=timeout)
    except TimeoutError:
        raise TimeoutError(f"no bot message with any of {fragments!r} for {user} within "
                           f"{timeout} s; last: {user.messages()[-5:]}") from None
    return found()[0]


def _live_screen(user: SimUser) -> SimMessage | None:
    for m in reversed(user.messages()):
        if m.from_bot and any(d.startswith("t:") for row in m.button_data for d in row):
            return m
    return None


def screen(user: SimUser) -> SimMessage:
    """The live test screen: the newest bot message with the test's buttons. (A question with
    an image is a photo, so moving between it and a text question replaces the message.)"""
    found = _live_screen(user)
    assert found is not None, f"no test screen in the chat with {user}"
    return found


async def tap(user: SimUser, label: str) -> SimMessage:
    """Press a button of the live test screen; the screen it leads to (after the last button
    of a test, which leaves no live screen: the message that was pressed)."""
    pressed = screen(user)
    await user.click(label, message=pressed)
    return _live_screen(user) or pressed


async def answer_consent_and_declarations(user: SimUser, lang: str,
                                         then: str | None = None) -> SimMessage:
    """From /daftar's consent through the five declarations; returns what comes next, the
    message with `then` (by default the full-name prompt)."""
    await reply_with(user, words(lang, "reg.consent"))
    await user.click(t(lang, "reg.consent_yes"))
    for number in range(1, 6):
        question = await reply_with(user, t(lang, "reg.declaration", number=number,
                                            question="").strip())
        eligible = question.buttons[0][0]  # "Ya", or the declaration's own words for it
        assert eligible in (t(lang, "reg.answer_yes"),
                            t(lang, "reg.declare_not_civil_servant_yes")), question.text
        await user.click(eligible, message=question)
    return await reply_with(user, then or words(lang, "reg.ask_full_name"))


async def fill_profile(user: SimUser, lang: str, p: Person) -> SimMessage:
    """From the full-name prompt to the first document prompt; returns that prompt."""
    async def then(key: str) -> SimMessage:
        return await reply_with(user, words(lang, f"reg.{key}"))

    await user.send(p.name)
    await then("ask_nik")
    await user.send(p.nik)
    await then("ask_sex")
    await user.click(t(lang, f"reg.sex_{p.sex}"))
    await then("ask_birth_place")
    await user.send(p.birth_place)
    await then("ask_birth_date")
    await user.send(p.birth_date)
    await then("ask_phone")
    await user.send(p.phone)
    await reply_with(user, plain(t(lang, "reg.saved")))  # removing the contact keyboard
    await then("ask_email")
    await user.send(p.email)
    await then("ask_address")
    await user.send(p.address)
    await then("ask_district")
    await user.click(p.district)
    await then("ask_education")
    await user.click(p.education)
    await then("ask_occupation")
    await user.send(p.occupation)
    await then("ask_experience")
    await user.click(t(lang, "reg.answer_yes") if p.experience else t(lang, "reg.answer_no"))
    if p.experience:
        await then("ask_experience_detail")
        await user.send(p.experience)
    await then("ask_motorbike")
    await user.click(t(lang, "reg.answer_yes") if p.motorbike else t(lang, "reg.answer_no"))
    devices = await then("ask_devices")
    for device in p.devices:
        await user.click(t(lang, f"reg.device_{device}"), message=devices)
    await user.click(t(lang, "reg.device_done" if p.devices else "reg.device_none"),
                     message=devices)
    return await then("ask_ktp")


async def upload_documents(user: SimUser, photo: bytes | None = None,
                           lang: str = "id") -> SimMessage:
    """KTP and photo as photos (`photo`: this very picture), the ijazah as a PDF; returns the
    review screen."""
    await user.send_photo(b"ktp-" + str(user.id).encode())
    await reply_with(user, words(lang, "reg.ask_photo"))
    await user.send_photo(photo or b"photo-" + str(user.id).encode())
    await reply_with(user, words(lang, "reg.ask_ijazah"))
    await user.send_document(b"%PDF-1.4 ijazah " + str(user.id).encode(), "ijazah.pdf",
                             "application/pdf")
    return await reply_with(user, words(lang, "reg.review_title"))


async def register(user: SimUser, lang: str = "id", person: Person | None = None,
                   photo: bytes | None = None) -> SimMessage:
    """The whole registration up to the review screen."""
    await user.send("/daftar")
    first = await answer_consent_and_declarations(user, lang)
    assert first.text.endswith(t(lang, "reg.ask_full_name").split("\n")[-1])
    await fill_profile(user, lang, person or Person())
    return await upload_documents(user, photo, lang)


async def submit(user: SimUser, lang: str = "id", expect: str | None = None) -> SimMessage:
    """Submit from the review screen and confirm; returns the answer with `expect` (by default
    the receipt: "Pendaftaran Anda sudah diterima")."""
    await user.click(t(lang, "reg.submit"))
    await reply_with(user, words(lang, "reg.submit_confirm"))
    await user.click(t(lang, "reg.submit_yes"))
    return await reply_with(user, expect or words(lang, "reg.submitted"))
