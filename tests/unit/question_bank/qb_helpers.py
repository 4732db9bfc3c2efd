"""Shared builders and hypothesis strategies for the question_bank tests."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from question_bank import CATEGORY_LABELS, Bank, Question, bank_fingerprint
from question_bank.schema import LETTERS, normalize_option

CATEGORIES = tuple(CATEGORY_LABELS)


def make_question(qid: str = "Q1", category: str = "logika", **overrides: Any) -> Question:
    data: dict[str, Any] = {
        "id": qid,
        "category": category,
        "difficulty": 1,
        "text": f"Soal {qid}?",
        "options": ("satu", "dua", "tiga", "empat"),
        "answer": "B",
        "explanation": None,
        "image": None,
    }
    data.update(overrides)
    return Question(**data)


def make_bank(per_category: int = 8, version: str | None = "test-1") -> Bank:
    questions = tuple(
        make_question(
            f"{cat[:3].upper()}-{i:03d}",
            cat,
            difficulty=1 + i % 3,
            text=f"Pertanyaan {i} tentang {cat}",
            options=tuple(f"{cat} jawaban {i}-{k}" for k in range(2 + i % 4)),
            answer=LETTERS[i % 2],
            explanation=f"Pembahasan {i}" if i % 2 else None,
        )
        for cat in CATEGORIES
        for i in range(per_category)
    )
    return Bank(version=version or bank_fingerprint(questions), questions=questions)


# Text the formats must carry unchanged: letters, digits, punctuation, symbols, spaces.
TEXT = (
    st.text(
        st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs")),
        min_size=1,
        max_size=40,
    )
    .map(str.strip)
    .filter(bool)
)
IDS = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,12}", fullmatch=True)


@st.composite
def questions(draw: st.DrawFn, qid: str, category: str) -> Question:
    count = draw(st.integers(2, 5))
    options = draw(st.lists(TEXT, min_size=count, max_size=count, unique_by=normalize_option))
    return Question(
        id=qid,
        category=category,
        difficulty=draw(st.integers(1, 3)),
        text=draw(TEXT),
        options=tuple(options),
        answer=LETTERS[draw(st.integers(0, count - 1))],
        explanation=draw(st.none() | TEXT),
        image=draw(st.none() | st.from_regex(r"img/[a-z0-9_]{1,10}\.png", fullmatch=True)),
    )


@st.composite
def banks(draw: st.DrawFn, max_per_category: int = 6) -> Bank:
    categories = draw(st.lists(st.sampled_from(CATEGORIES), min_size=1, max_size=5, unique=True))
    counts = [draw(st.integers(1, max_per_category)) for _ in categories]
    ids = draw(st.lists(IDS, min_size=sum(counts), max_size=sum(counts), unique=True))
    qs: list[Question] = []
    for category, count in zip(categories, counts, strict=True):
        for _ in range(count):
            qs.append(draw(questions(ids[len(qs)], category)))
    qs = draw(st.permutations(qs))
    version = draw(st.none() | st.from_regex(r"20[0-9]{2}\.[0-9]{1,2}", fullmatch=True))
    return Bank(version=version or bank_fingerprint(qs), questions=tuple(qs))


GROUP_NAMES = ("g-a", "g-b", "g-c", "g-d")


@st.composite
def banks_with_cells(draw: st.DrawFn) -> tuple[Bank, dict[str, dict[int, int]]]:
    """A bank in which some questions share exclusion groups, and a category x difficulty
    blueprint that the questions without a group could meet on their own (so a form exists)."""
    qs: list[Question] = []
    blueprint: dict[str, dict[int, int]] = {}
    for category in draw(st.lists(st.sampled_from(CATEGORIES), min_size=1, max_size=3,
                                  unique=True)):
        for difficulty in (1, 2, 3):
            free, grouped = draw(st.integers(0, 3)), draw(st.integers(0, 4))
            for n in range(free + grouped):
                groups = (draw(st.lists(st.sampled_from(GROUP_NAMES), min_size=1, max_size=2,
                                        unique=True)) if n >= free else [])
                qs.append(make_question(f"{category[:3]}-{difficulty}-{n}", category,
                                        difficulty=difficulty, groups=groups))
            count = draw(st.integers(0, free))
            if count:
                blueprint.setdefault(category, {})[difficulty] = count
    if not blueprint:
        qs.append(make_question("only-1", "logika"))
        blueprint = {"logika": {1: 1}}
    qs = draw(st.permutations(qs))
    return Bank(version="groups", questions=tuple(qs)), blueprint


@st.composite
def banks_with_blueprint(draw: st.DrawFn) -> tuple[Bank, dict[str, int]]:
    bank = draw(banks())
    counts = bank.counts()
    blueprint = {cat: draw(st.integers(0, n)) for cat, n in counts.items()}
    if not sum(blueprint.values()):
        first = next(iter(counts))
        blueprint[first] = counts[first]
    return bank, blueprint
