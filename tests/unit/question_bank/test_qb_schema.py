from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError
from qb_helpers import make_bank, make_question

from question_bank import HEADER_RESERVE, MAX_MESSAGE_CHARS, Bank, bank_fingerprint, rendered_size


def error_types(exc: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return {e["type"] for e in exc.value.errors()}


def test_valid_question_and_answer_index() -> None:
    q = make_question(answer="c")
    assert q.answer == "C"
    assert q.answer_index == 2
    assert q.answer_text == "tiga"


def test_question_is_frozen() -> None:
    q = make_question()
    with pytest.raises(ValidationError):
        q.text = "changed"  # type: ignore[misc]


def test_strings_are_stripped_and_category_normalised() -> None:
    q = make_question(category=" Statistik Dasar ", text="  Berapa?\r\nJelaskan. ")
    assert q.category == "statistik_dasar"
    assert q.text == "Berapa?\nJelaskan."


def test_empty_explanation_and_image_become_none() -> None:
    q = make_question(explanation="  ", image="")
    assert q.explanation is None and q.image is None


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"text": "   "}, "qb_blank"),
        ({"category": ""}, "qb_blank"),
        ({"id": "has space"}, "qb_id_format"),
        ({"options": ("a", " ")}, "qb_option_blank"),
        ({"options": ("Ya", " ya ", "Tidak")}, "qb_option_duplicate"),
        ({"options": ("Dua  kata", "dua kata")}, "qb_option_duplicate"),
        ({"options": ("a",), "answer": "A"}, "qb_options_count"),
        ({"options": tuple("abcdef"), "answer": "A"}, "qb_options_count"),
        ({"options": "a,b"}, "qb_options_not_list"),
        ({"answer": "E"}, "qb_answer_range"),
        ({"answer": "AB"}, "qb_answer_letter"),
        ({"answer": "F"}, "qb_answer_letter"),
        ({"answer": ""}, "qb_blank"),
        ({"difficulty": 0}, "qb_difficulty"),
        ({"difficulty": 4}, "qb_difficulty"),
        ({"difficulty": "susah"}, "qb_difficulty"),
        ({"difficulty": 1.5}, "qb_difficulty"),
        ({"difficulty": True}, "qb_difficulty"),
        ({"text": "a\x00b"}, "qb_control_char"),
        ({"options": ("ok", True)}, "qb_not_text"),
        ({"text": "x" * 5000}, "qb_text_too_long"),
        ({"explanation": "x" * 5000}, "qb_explanation_too_long"),
        ({"unknown": 1}, "extra_forbidden"),
    ],
)
def test_invalid_questions(overrides: dict[str, Any], code: str) -> None:
    with pytest.raises(ValidationError) as exc:
        make_question(**overrides)
    assert code in error_types(exc)


def test_every_field_problem_is_reported_together() -> None:
    with pytest.raises(ValidationError) as exc:
        make_question(text="", category="", difficulty="x", answer="E")
    assert error_types(exc) == {"qb_blank", "qb_difficulty", "qb_answer_range"}
    assert {e["loc"][0] for e in exc.value.errors()} == {"text", "category", "difficulty", "answer"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [("mudah", 1), ("Sedang", 2), ("sulit", 3), ("2", 2), ("3.0", 3), (2.0, 2)],
)
def test_difficulty_words_and_numbers(value: object, expected: int) -> None:
    assert make_question(difficulty=value).difficulty == expected


def test_numbers_are_accepted_as_option_text() -> None:
    assert make_question(options=(5, 6, 7.5), answer="A").options == ("5", "6", "7.5")


def test_message_size_limit_is_exact() -> None:
    options = ("a", "b")
    fixed = HEADER_RESERVE + sum(len(o) + 4 for o in options)
    fits = make_question(text="x" * (MAX_MESSAGE_CHARS - fixed), options=options, answer="A")
    assert rendered_size(fits.text, fits.options) == MAX_MESSAGE_CHARS
    long_options = ("a" * 600, "b" * 600)
    with pytest.raises(ValidationError) as exc:
        make_question(text="x" * 3000, options=long_options, answer="A")
    assert error_types(exc) == {"qb_message_too_long"}


def test_bank_rejects_duplicate_ids() -> None:
    with pytest.raises(ValidationError):
        Bank(version="1", questions=(make_question("Q1"), make_question("Q1")))


def test_bank_by_category_and_counts() -> None:
    bank = make_bank(per_category=3)
    assert bank.counts() == {cat: 3 for cat in bank.by_category()}
    assert len(bank.by_category()) == 5
    assert bank.get("LOG-001") is not None
    assert bank.get("nope") is None


def test_fingerprint_ignores_order_and_version_but_not_content() -> None:
    bank = make_bank(per_category=2)
    reordered = Bank(version="other", questions=tuple(reversed(bank.questions)))
    assert bank_fingerprint(bank) == bank_fingerprint(reordered)
    assert len(bank_fingerprint(bank)) == 12
    changed = bank.questions[0].model_copy(update={"text": "Berbeda"})
    other = Bank(version="test-1", questions=(changed, *bank.questions[1:]))
    assert bank_fingerprint(other) != bank_fingerprint(bank)
