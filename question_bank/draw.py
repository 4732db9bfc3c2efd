"""Deterministic drawing of a test from a bank, and scoring of the answers."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator

from question_bank.schema import CATEGORY_LABELS, Bank

Blueprint = Mapping[str, int]  # category -> number of questions to draw

DEFAULT_BLUEPRINT: Blueprint = MappingProxyType({category: 6 for category in CATEGORY_LABELS})


class DrawError(ValueError):
    """The bank cannot satisfy the blueprint; ``problems`` lists every reason."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class DrawnQuestion(BaseModel):
    """A self-contained snapshot of one drawn question, options already shuffled."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    question_id: str
    category: str
    text: str
    options: tuple[str, ...]
    correct_index: int
    explanation: str | None = None
    difficulty: int | None = None
    image: str | None = None

    @model_validator(mode="after")
    def _index_in_range(self) -> DrawnQuestion:
        if not 0 <= self.correct_index < len(self.options):
            raise ValueError("correct_index is outside the options")
        return self

    @property
    def correct_text(self) -> str:
        return self.options[self.correct_index]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (options as a list)."""
        return self.model_dump(mode="json")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DrawnQuestion:
        return cls.model_validate(dict(data))


def seed_to_int(seed: int | str) -> int:
    """A stable integer for ``random.Random``; strings are hashed with sha256 (not hash())."""
    if isinstance(seed, bool) or not isinstance(seed, int | str):
        raise TypeError("seed must be an int or a str")
    if isinstance(seed, int):
        return seed
    return int.from_bytes(hashlib.sha256(seed.encode("utf-8")).digest()[:8], "big")


def blueprint_total(blueprint: Blueprint) -> int:
    return sum(blueprint.values())


def check_blueprint(bank: Bank, blueprint: Blueprint) -> list[str]:
    """Every reason ``bank`` cannot satisfy ``blueprint`` (empty list when it can)."""
    problems: list[str] = []
    counts = bank.counts()
    for category, wanted in blueprint.items():
        if isinstance(wanted, bool) or not isinstance(wanted, int) or wanted < 0:
            problems.append(f"category '{category}': count must be a whole number >= 0")
            continue
        have = counts.get(category, 0)
        if have < wanted:
            problems.append(
                f"category '{category}' has {have} question(s), the blueprint needs {wanted}"
            )
    if not problems and blueprint_total(blueprint) == 0:
        problems.append("the blueprint asks for no questions")
    return problems


def draw(bank: Bank, blueprint: Blueprint, seed: int | str) -> list[DrawnQuestion]:
    """Draw ``blueprint`` questions from ``bank``; the same seed and bank give the same test.

    Per category: sampled without replacement (from the questions sorted by id, so the
    bank's file order does not matter). Then the overall order and each question's
    option order are shuffled.
    """
    problems = check_blueprint(bank, blueprint)
    if problems:
        raise DrawError(problems)
    rng = random.Random(seed_to_int(seed))
    groups = bank.by_category()
    chosen = []
    for category in sorted(blueprint):
        pool = sorted(groups.get(category, ()), key=lambda q: q.id)
        chosen.extend(rng.sample(pool, blueprint[category]))
    rng.shuffle(chosen)
    drawn: list[DrawnQuestion] = []
    for q in chosen:
        order = list(range(len(q.options)))
        rng.shuffle(order)
        drawn.append(
            DrawnQuestion(
                question_id=q.id,
                category=q.category,
                text=q.text,
                options=tuple(q.options[i] for i in order),
                correct_index=order.index(q.answer_index),
                explanation=q.explanation,
                difficulty=q.difficulty,
                image=q.image,
            )
        )
    return drawn


def score(drawn: list[DrawnQuestion], answers: Mapping[int, int]) -> int:
    """Number of correct answers; ``answers`` maps position (0-based) -> chosen option index.

    Unanswered positions simply score nothing; a position outside the test is a bug and
    raises ``ValueError``.
    """
    total = 0
    for position, choice in answers.items():
        if not 0 <= position < len(drawn):
            raise ValueError(f"answer for position {position}, but the test has {len(drawn)}")
        if drawn[position].correct_index == choice:
            total += 1
    return total
