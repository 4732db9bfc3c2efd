"""Deterministic drawing of a test from a bank, and scoring of the answers."""

from __future__ import annotations

import hashlib
import hmac
import random
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator

from question_bank.schema import CATEGORY_LABELS, Bank, Question

# category -> number of questions: a count per difficulty (1 easy, 2 medium, 3 hard), or one
# count for the whole category, split over the difficulties as the bank holds them.
Blueprint = Mapping[str, int | Mapping[int, int]]
Cells = dict[tuple[str, int], int]  # (category, difficulty) -> questions to draw

DEFAULT_SPLIT: Mapping[int, int] = MappingProxyType({1: 2, 2: 3, 3: 1})
DEFAULT_BLUEPRINT: Blueprint = MappingProxyType(
    {category: DEFAULT_SPLIT for category in CATEGORY_LABELS})
DIFFICULTY_NAMES = {1: ("mudah", "easy"), 2: ("sedang", "medium"), 3: ("sulit", "hard")}
SEARCH_BUDGET = 50_000  # candidate checks before a draw gives up on the exclusion groups


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


def form_seed(secret: str, recruitment: str, application_id: int) -> str:
    """The seed of a scored form: keyed with the deployment's secret, so nobody who lacks
    the secret can compute a form, even with the bank and the application id in hand."""
    message = f"{recruitment}:{application_id}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def blueprint_total(blueprint: Blueprint) -> int:
    return sum(n if isinstance(n, int) else sum(n.values()) for n in blueprint.values())


def _count_problem(category: str, count: object) -> str | None:
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        return (f"{category}: jumlah soal harus bilangan bulat >= 0 "
                f"(category {category}: the count must be a whole number >= 0)")
    return None


def plan(bank: Bank, blueprint: Blueprint) -> tuple[Cells, list[str]]:
    """The questions to draw per (category, difficulty), and every reason the bank falls short.

    A category given as one count is split over the difficulties in proportion to what the
    bank holds (largest remainder; the same split for everyone)."""
    have: dict[tuple[str, int], int] = {}
    for q in bank.questions:
        have[q.category, q.difficulty] = have.get((q.category, q.difficulty), 0) + 1
    cells: Cells = {}
    problems: list[str] = []
    for category in sorted(blueprint):
        wanted = blueprint[category]
        if isinstance(wanted, int) and not isinstance(wanted, bool):
            split = _proportional(wanted, {d: have.get((category, d), 0) for d in DIFFICULTY_NAMES})
            if split is None:
                problems.append(_count_problem(category, wanted) or _short(
                    category, None, sum(have.get((category, d), 0) for d in DIFFICULTY_NAMES),
                    wanted))
                continue
        else:
            split = dict(wanted)  # type: ignore[arg-type]
        for difficulty in sorted(split):
            count = split[difficulty]
            if (problem := _count_problem(category, count)) is not None:
                problems.append(problem)
                continue
            if count and have.get((category, difficulty), 0) < count:
                problems.append(_short(category, difficulty, have.get((category, difficulty), 0),
                                       count))
            if count:
                cells[category, difficulty] = count
    if not problems and not cells:
        problems.append("cetak biru tidak meminta soal apa pun (the blueprint asks for no "
                        "questions)")
    return cells, problems


def _proportional(wanted: int, have: dict[int, int]) -> dict[int, int] | None:
    """`wanted` split over difficulties like `have` (None: not a count, or not enough)."""
    total = sum(have.values())
    if isinstance(wanted, bool) or not isinstance(wanted, int) or wanted < 0 or total < wanted:
        return None
    if wanted == 0:
        return {}
    exact = {d: wanted * n / total for d, n in have.items()}
    split = {d: int(x) for d, x in exact.items()}
    by_remainder = sorted(have, key=lambda d: (split[d] - exact[d], abs(d - 2)))
    for d in by_remainder[: wanted - sum(split.values())]:
        split[d] += 1
    return split


def _short(category: str, difficulty: int | None, have: int, wanted: int) -> str:
    if difficulty is None:
        return (f"{category}: bank berisi {have} soal, cetak biru meminta {wanted} "
                f"(category {category}: the bank has {have}, the blueprint needs {wanted})")
    ind, en = DIFFICULTY_NAMES[difficulty]
    return (f"{category} · {ind}: bank berisi {have} soal, cetak biru meminta {wanted} "
            f"(category {category}, {en}: the bank has {have}, the blueprint needs {wanted})")


def check_blueprint(bank: Bank, blueprint: Blueprint) -> list[str]:
    """Every reason ``bank`` cannot give forms that meet ``blueprint`` (empty when it can):
    a cell short of questions, or exclusion groups that leave no complete form."""
    cells, problems = plan(bank, blueprint)
    if not problems and _choose(bank, cells, random.Random(0)) is None:
        problems.append(
            "kelompok pengecualian (groups) terlalu besar: tidak ada lembar soal yang memenuhi "
            "cetak biru tanpa dua soal dari satu kelompok (the exclusion groups leave no form "
            "that meets the blueprint)")
    return problems


def draw(bank: Bank, blueprint: Blueprint, seed: int | str) -> list[DrawnQuestion]:
    """Draw a form from ``bank``: exactly the blueprint's count per category and difficulty,
    at most one question of each exclusion group; the same seed and bank give the same form.

    Each cell's questions are shuffled (from the bank sorted by id, so the file's order does
    not matter) and taken in that order, skipping a question whose group is already on the
    form, backtracking where a later cell would run short. Then the order of the questions
    and each question's options are shuffled."""
    cells, problems = plan(bank, blueprint)
    if problems:
        raise DrawError(problems)
    rng = random.Random(seed_to_int(seed))
    chosen = _choose(bank, cells, rng)
    if chosen is None:
        raise DrawError(check_blueprint(bank, blueprint) or ["no form found"])
    rng.shuffle(chosen)
    return [_snapshot(q, rng) for q in chosen]


def _choose(bank: Bank, cells: Cells, rng: random.Random) -> list[Question] | None:
    """One question list meeting `cells` with no exclusion group twice; None if none found."""
    pools: dict[tuple[str, int], list[Question]] = {}
    for cell in sorted(cells):
        pool = sorted((q for q in bank.questions if (q.category, q.difficulty) == cell),
                      key=lambda q: q.id)
        rng.shuffle(pool)
        pools[cell] = pool
    # The scarcest cells first: fewest spare questions, then the bank's order of cells.
    slots = [cell for cell in sorted(cells, key=lambda c: (len(pools[c]) - cells[c], c))
             for _ in range(cells[cell])]
    chosen: list[Question] = []
    used_groups: set[str] = set()
    budget = [SEARCH_BUDGET]

    def fill(slot: int, start: int) -> bool:
        if slot == len(slots):
            return True
        cell = slots[slot]
        pool = pools[cell]
        for index in range(start, len(pool)):
            budget[0] -= 1
            if budget[0] < 0:
                return False
            q = pool[index]
            if used_groups.intersection(q.groups):
                continue
            chosen.append(q)
            used_groups.update(q.groups)
            same_cell_next = slot + 1 < len(slots) and slots[slot + 1] == cell
            if fill(slot + 1, index + 1 if same_cell_next else 0):
                return True
            chosen.pop()
            used_groups.difference_update(q.groups)
        return False

    return chosen if fill(0, 0) else None


def _snapshot(q: Question, rng: random.Random) -> DrawnQuestion:
    order = list(range(len(q.options)))
    rng.shuffle(order)
    return DrawnQuestion(
        question_id=q.id,
        category=q.category,
        text=q.text,
        options=tuple(q.options[i] for i in order),
        correct_index=order.index(q.answer_index),
        explanation=q.explanation,
        difficulty=q.difficulty,
        image=q.image,
    )


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
