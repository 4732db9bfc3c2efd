"""Reusable journeys: what a person does, step by step, through the simulator."""

from __future__ import annotations

from dataclasses import dataclass

from bot import texts
from tgsim import SimMessage, SimUser


@dataclass(frozen=True)
class Person:
    name: str = "Siti Aminah"
    nik: str = "5207014508950003"  # a woman born 05-08-1995, regency 5207
    sex: str = "F"
    birth_place: str = "Taliwang"
    birth_date: str = "05-08-1995"
    phone: str = "0812 3456 7890"
    email: str = "siti.aminah@gmail.com"
    address: str = "Jl. Sudirman No. 5, Taliwang"
    district: str = "Taliwang"
    education: str = "SMA"
    occupation: str = "Wiraswasta"
    experience: str | None = "Sensus Pertanian 2023"
    motorbike: bool = True


def t(lang: str, key: str, **params: object) -> str:
    return texts.get(lang, key, **params)


async def reply(user: SimUser) -> SimMessage:
    return await user.next_message()


async def reply_with(user: SimUser, fragment: str, timeout: float = 10) -> SimMessage:  # noqa: ASYNC109
    """The bot's next message that contains `fragment` (others in between are passed over)."""
    return await user.next_message_with(fragment, timeout=timeout)


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


async def answer_consent_and_declarations(user: SimUser, lang: str) -> SimMessage:
    consent = await reply(user)
    assert "Sebelum mendaftar" in consent.text or "Before you register" in consent.text
    await user.click(t(lang, "reg.consent_yes"))
    for _ in range(5):
        question = await reply(user)
        eligible = question.buttons[0][0]  # "Ya", or the declaration's own words for it
        assert eligible in (t(lang, "reg.answer_yes"),
                            t(lang, "reg.declare_not_civil_servant_yes")), question.text
        await user.click(eligible, message=question)
    return await reply(user)


async def fill_profile(user: SimUser, lang: str, p: Person) -> SimMessage:
    """From the full-name prompt to the first document prompt; returns that prompt."""
    await user.send(p.name)
    await reply(user)
    await user.send(p.nik)
    await reply(user)
    await user.click(t(lang, f"reg.sex_{p.sex}"))
    await reply(user)
    await user.send(p.birth_place)
    await reply(user)
    await user.send(p.birth_date)
    await reply(user)  # the phone prompt
    await user.send(p.phone)
    await reply(user)  # "saved", removing the contact keyboard
    await reply(user)
    await user.send(p.email)
    await reply(user)
    await user.send(p.address)
    await reply(user)
    await user.click(p.district)
    await reply(user)
    await user.click(p.education)
    await reply(user)
    await user.send(p.occupation)
    await reply(user)
    await user.click(t(lang, "reg.answer_yes") if p.experience else t(lang, "reg.answer_no"))
    await reply(user)
    if p.experience:
        await user.send(p.experience)
        await reply(user)
    await user.click(t(lang, "reg.answer_yes") if p.motorbike else t(lang, "reg.answer_no"))
    devices = await reply(user)
    await user.click(t(lang, "reg.device_smartphone"), message=devices)
    await user.click(t(lang, "reg.device_done"), message=devices)
    return await reply(user)


async def upload_documents(user: SimUser, photo: bytes | None = None) -> SimMessage:
    """KTP and photo as photos (`photo`: this very picture), the ijazah as a PDF; returns the
    review screen."""
    await user.send_photo(b"ktp-" + str(user.id).encode())
    await reply(user)
    await user.send_photo(photo or b"photo-" + str(user.id).encode())
    await reply(user)
    await user.send_document(b"%PDF-1.4 ijazah " + str(user.id).encode(), "ijazah.pdf",
                             "application/pdf")
    return await reply(user)


async def register(user: SimUser, lang: str = "id", person: Person | None = None,
                   photo: bytes | None = None) -> SimMessage:
    """The whole registration up to the review screen."""
    await user.send("/daftar")
    first = await answer_consent_and_declarations(user, lang)
    assert first.text.endswith(t(lang, "reg.ask_full_name").split("\n")[-1])
    await fill_profile(user, lang, person or Person())
    return await upload_documents(user, photo)


async def submit(user: SimUser, lang: str = "id") -> SimMessage:
    await user.click(t(lang, "reg.submit"))
    await reply(user)
    await user.click(t(lang, "reg.submit_yes"))
    return await reply(user)
