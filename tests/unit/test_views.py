"""Pure screen functions: the committee's contact, the answer to a free message, and a
button label typed instead of pressed."""

from pathlib import Path

import pytest

from bot.recruitment import Contact, Recruitment, load_recruitment
from handlers import registration_views as rv
from handlers import views


@pytest.fixture
def r(example_recruitment_file: Path) -> Recruitment:
    return load_recruitment(example_recruitment_file)


def with_contact(r: Recruitment, **ways: str) -> Recruitment:
    return r.model_copy(update={"contact": Contact(**ways)})


def test_the_contact_names_every_way_given_and_only_those(r: Recruitment) -> None:
    full = with_contact(r, whatsapp="0812 1111 2222", phone="(0372) 81234", email="a@b.id",
                        address="Jl. Bung Karno, Taliwang", hours="Senin–Jumat 08.00–16.00")
    assert views.contact("id", full) == (
        "Ada pertanyaan? Hubungi panitia: WhatsApp 0812 1111 2222, telepon (0372) 81234, "
        "email a@b.id, alamat Jl. Bung Karno, Taliwang, jam layanan Senin–Jumat 08.00–16.00.")
    assert views.contact("en", with_contact(r, whatsapp="0812")) == (
        "Questions? Contact the committee: WhatsApp 0812.")
    # nothing given: at least the office, never an empty sentence
    assert views.contact("id", with_contact(r)) == (
        "Ada pertanyaan? Hubungi panitia: kantor BPS Kabupaten Sumbawa Barat.")
    assert "&lt;" in views.contact("id", with_contact(r, hours="<08.00>"))  # escaped


@pytest.mark.parametrize(("text", "opening"), [
    ("Assalamualaikum, bagaimana cara daftar mitra?", "Wa'alaikumsalam!"),
    ("asalamu'alaikum wr wb", "Wa'alaikumsalam!"),
    ("Salam kenal", "Wa'alaikumsalam!"),
    ("halo min, gaji mitra berapa?", "Halo!"),
    (None, "Halo!"),  # a sticker
])
def test_a_free_message_gets_a_greeting_the_way_forward_and_a_person(
    r: Recruitment, text: str | None, opening: str
) -> None:
    answer = views.fallback("id", r, text)
    assert answer.startswith(opening)
    assert "/daftar" in answer and "/status" in answer and "bps5207@bps.go.id" in answer


def test_an_unknown_command_is_named() -> None:
    answer = views.fallback("en", None, "/foo bar")  # type: ignore[arg-type]
    assert answer.startswith("I do not know the command /foo.")


@pytest.mark.parametrize(("key", "typed", "value"), [
    ("district", "Taliwang", "3"), ("district", "  poto   TANO ", "7"),
    ("district", "Brang-Ene", "4"), ("sex", "perempuan", "F"), ("sex", "Male", "M"),
    ("education", "SMK", "SMA"), ("education", "ma", "SMA"), ("education", "s1", "S1"),
    ("education", "Bachelor (S1)", "S1"), ("education", "MTs", "SMP"),
    ("experience", "ya", "1"), ("motorbike", "No", "0"),
    ("district", "Mataram", None), ("education", "sederajat", None), ("sex", " ", None),
])
def test_a_typed_button_label_is_the_buttons_value(
    r: Recruitment, key: str, typed: str, value: str | None
) -> None:
    assert rv.typed_choice("id", key, typed, r) == value
