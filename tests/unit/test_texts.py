from datetime import datetime
from zoneinfo import ZoneInfo

from bot import texts


def test_every_key_exists_in_every_language_with_the_same_placeholders() -> None:
    first = texts.flatten(texts.catalogue("id"))
    for lang in texts.LANGUAGES[1:]:
        other = texts.flatten(texts.catalogue(lang))
        assert set(first) == set(other), f"{lang}: {set(first) ^ set(other)}"
        for key, value in first.items():
            if isinstance(value, str):
                assert texts.placeholders(value) == texts.placeholders(other[key]), key
            else:
                assert len(value) == len(other[key]), key


def test_no_text_is_empty() -> None:
    for lang in texts.LANGUAGES:
        for key, value in texts.flatten(texts.catalogue(lang)).items():
            assert value, f"{lang}:{key} is empty"


def test_language_normalisation() -> None:
    assert texts.normalise_language("en-GB") == "en"
    assert texts.normalise_language("id") == "id"
    assert texts.normalise_language("ms") == "id"
    assert texts.normalise_language(None) == "id"


def test_dates_in_both_languages() -> None:
    when = datetime(2023, 12, 15, 9, 0, tzinfo=ZoneInfo("Asia/Makassar"))
    assert texts.format_datetime("id", when) == "15 Desember 2023 09.00"
    assert texts.format_datetime("en", when) == "15 December 2023 09:00"


def test_keys_are_strings() -> None:
    """YAML 1.1 reads bare `yes:`/`no:`/`on:` keys as booleans; every key must stay a string."""

    def walk(tree: dict) -> None:
        for key, value in tree.items():
            assert isinstance(key, str), f"key {key!r} is not a string"
            if isinstance(value, dict):
                walk(value)

    for lang in texts.LANGUAGES:
        walk(texts.catalogue(lang))


def test_every_application_status_reads_as_words_in_every_language() -> None:
    """People see words, never the stored codes (`session_booked`, `admin_passed`)."""
    from storage.db import migrations

    schema = migrations()[0][2]
    codes = schema.split("CHECK (status IN (")[1].split("))")[0]
    statuses = [c.strip().strip("'") for c in codes.replace("\n", " ").split(",")]
    assert "session_booked" in statuses and "not_accepted" in statuses
    for lang in texts.LANGUAGES:
        known = texts.flatten(texts.catalogue(lang))
        for status in statuses:
            text = known[f"status.{status}"]  # its own text (a code like `testing` may be a word)
            assert isinstance(text, str) and not ("_" in status and status in text), (lang, status)
        assert "{" not in str(known["status.other"])
