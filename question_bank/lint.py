"""The bank linter: patterns that let an applicant guess keys or that make forms unequal.

Warnings, never errors: a committee runs it on its own file before import
(``python -m question_bank lint FILE``), and the staff import report lists the same warnings.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from itertools import combinations, pairwise

from question_bank.draw import DIFFICULTY_NAMES, Blueprint, plan
from question_bank.messages import Lang
from question_bank.schema import LETTERS, Bank, Question, normalize_option

LONGEST_KEY_MAX = 0.35  # "about a third": the key is the longest option in at most this share
POSITION_MAX = 0.40  # no letter holds more than this share of a category's keys
CYCLE_MAX = 0.50  # consecutive questions whose key moves on by one letter (A, B, C, D, A, ...)
MIN_FOR_SHARES = 8  # shares are judged only for categories with at least this many questions
STEM_SIMILARITY = 0.75  # word overlap (Jaccard) from which two stems are near-duplicates
KEY_IN_STEM_MIN = 8  # a key this long (characters) found in another stem gives it away,
KEY_IN_STEM_STEMS = 3  # unless more stems than this name it (then it is common vocabulary)
POOL_FACTOR = 3  # a cell should hold this many times the questions the blueprint draws from it

MESSAGES: dict[str, tuple[str, str]] = {
    "longest_key": (
        "{category}: the key is the longest option in {count} of {total} questions ({share}%, "
        "at most {limit}%): lengthen the distractors",
        "{category}: kunci adalah pilihan terpanjang pada {count} dari {total} soal ({share}%, "
        "maks. {limit}%): perpanjang pengecohnya",
    ),
    "key_position": (
        "{category}: {share}% of the keys are {letter} (at most {limit}%)",
        "{category}: {share}% kunci berada di pilihan {letter} (maks. {limit}%)",
    ),
    "key_cycle": (
        "{category}: in {share}% of consecutive questions the key moves on by one letter "
        "(A, B, C, D...): shuffle the options",
        "{category}: pada {share}% soal berurutan kunci bergeser satu huruf (A, B, C, D...): "
        "acak urutan pilihannya",
    ),
    "near_duplicate": (
        "{first} and {second} have nearly the same question ({share}% of the words): "
        "put them in one exclusion group or rewrite one",
        "{first} dan {second} hampir sama soalnya ({share}% kata sama): masukkan ke satu "
        "kelompok (groups) atau tulis ulang salah satunya",
    ),
    "key_in_stem": (
        "the question {holder} contains the key of {question} (\"{key}\"): put them in one "
        "exclusion group or rewrite one",
        "soal {holder} memuat kunci soal {question} (\"{key}\"): masukkan ke satu kelompok "
        "(groups) atau tulis ulang salah satunya",
    ),
    "thin_cell": (
        "{category}, {difficulty}: {have} questions for {wanted} per form; at least {needed} "
        "keep forms from repeating each other",
        "{category} · {difficulty_id}: {have} soal untuk {wanted} per lembar; minimal {needed} "
        "agar lembar soal tidak saling mengulang",
    ),
    "blueprint_short": ("{problem}", "{problem}"),
}


@dataclass(frozen=True)
class LintWarning:
    code: str
    ctx: dict[str, object]

    def describe(self, lang: Lang = "en") -> str:
        en, ind = MESSAGES[self.code]
        return (ind if lang == "id" else en).format(**self.ctx)


@dataclass(frozen=True)
class CategoryFigures:
    """What the linter measured in one category (printed beside the warnings)."""

    category: str
    questions: int
    longest_key: int
    positions: dict[str, int]
    difficulties: dict[int, int]


def lint(bank: Bank, blueprint: Blueprint) -> tuple[list[CategoryFigures], list[LintWarning]]:
    figures = [_figures(category, qs) for category, qs in sorted(bank.by_category().items())]
    warnings: list[LintWarning] = []
    for f, (_, qs) in zip(figures, sorted(bank.by_category().items()), strict=True):
        warnings += _share_warnings(f, qs)
    warnings += _leaks(bank)
    warnings += _cells(bank, blueprint)
    return figures, warnings


def _figures(category: str, qs: tuple[Question, ...]) -> CategoryFigures:
    return CategoryFigures(
        category, len(qs), sum(_key_is_longest(q) for q in qs),
        dict(Counter(q.answer for q in qs)), dict(Counter(q.difficulty for q in qs)))


def _key_is_longest(q: Question) -> bool:
    key = len(q.answer_text)
    return all(len(o) < key for i, o in enumerate(q.options) if i != q.answer_index)


def _percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


def _share_warnings(f: CategoryFigures, qs: tuple[Question, ...]) -> list[LintWarning]:
    if f.questions < MIN_FOR_SHARES:
        return []
    out = []
    if f.longest_key > LONGEST_KEY_MAX * f.questions:
        out.append(LintWarning("longest_key", {
            "category": f.category, "count": f.longest_key, "total": f.questions,
            "share": _percent(f.longest_key, f.questions), "limit": round(100 * LONGEST_KEY_MAX)}))
    letter, count = max(sorted(f.positions.items()), key=lambda item: item[1])
    if count > POSITION_MAX * f.questions:
        out.append(LintWarning("key_position", {
            "category": f.category, "letter": letter, "share": _percent(count, f.questions),
            "limit": round(100 * POSITION_MAX)}))
    steps = [(LETTERS.index(b.answer) - LETTERS.index(a.answer)) % len(b.options) == 1
             for a, b in pairwise(qs)]
    if steps and sum(steps) > CYCLE_MAX * len(steps):
        out.append(LintWarning("key_cycle", {"category": f.category,
                                         "share": _percent(sum(steps), len(steps))}))
    return out


def _words(text: str) -> set[str]:
    """The words and numbers of a text (numbers count: "deret 2, 5, 8" is not "deret 3, 6")."""
    return set(re.findall(r"\w+", text.casefold()))


def _mentions(stem: str, option: str) -> bool:
    return re.search(rf"\b{re.escape(normalize_option(option))}\b", stem) is not None


def _grouped(a: Question, b: Question) -> bool:
    return bool(set(a.groups) & set(b.groups))


def _leaks(bank: Bank) -> list[LintWarning]:
    """Near-duplicate stems, and a stem that spells out another question's key, where the two
    are not already kept apart by an exclusion group. A key counts as given away only where it
    is specific: long enough, named by at most KEY_IN_STEM_STEMS stems, and no distractor of
    its question is named by the same stem."""
    out = []
    words = {q.id: _words(q.text) for q in bank.questions}
    stems = {q.id: " ".join(q.text.split()).casefold() for q in bank.questions}
    for a, b in combinations(bank.questions, 2):
        if _grouped(a, b):
            continue
        wa, wb = words[a.id], words[b.id]
        if wa and wb and len(wa & wb) / len(wa | wb) >= STEM_SIMILARITY:
            out.append(LintWarning("near_duplicate", {
                "first": a.id, "second": b.id, "share": _percent(len(wa & wb), len(wa | wb))}))
    for question in bank.questions:
        key = question.answer_text
        if len(key) < KEY_IN_STEM_MIN:
            continue
        holders = [h for h in bank.questions
                   if h.id != question.id and _mentions(stems[h.id], key)]
        if not 0 < len(holders) <= KEY_IN_STEM_STEMS:
            continue
        for holder in holders:
            distractors = (o for i, o in enumerate(question.options) if i != question.answer_index)
            if not _grouped(holder, question) and not any(
                    _mentions(stems[holder.id], o) for o in distractors):
                out.append(LintWarning("key_in_stem", {
                    "holder": holder.id, "question": question.id, "key": key[:60]}))
    return out


def _cells(bank: Bank, blueprint: Blueprint) -> list[LintWarning]:
    cells, problems = plan(bank, blueprint)
    out = [LintWarning("blueprint_short", {"problem": p}) for p in problems]
    have = Counter((q.category, q.difficulty) for q in bank.questions)
    for (category, difficulty), wanted in sorted(cells.items()):
        needed = POOL_FACTOR * wanted
        if wanted <= have[category, difficulty] < needed:
            ind, en = DIFFICULTY_NAMES[difficulty]
            out.append(LintWarning("thin_cell", {
                "category": category, "difficulty": en, "difficulty_id": ind,
                "have": have[category, difficulty], "wanted": wanted, "needed": needed}))
    return out


def format_figures(figures: list[CategoryFigures], lang: Lang = "en") -> str:
    """One line per category: questions, key-is-longest share, keys per letter, difficulties."""
    words = (("mudah", "sedang", "sulit"), "kunci terpanjang", "posisi kunci") if lang == "id" \
        else (("easy", "medium", "hard"), "key longest", "key positions")
    lines = []
    for f in figures:
        positions = " ".join(f"{x}:{f.positions.get(x, 0)}" for x in LETTERS
                             if f.positions.get(x, 0))
        levels = " ".join(f"{name} {f.difficulties.get(d, 0)}"
                          for d, name in enumerate(words[0], start=1))
        lines.append(f"{f.category}: {f.questions} · {levels} · {words[1]} "
                     f"{_percent(f.longest_key, f.questions)}% · {words[2]} {positions}")
    return "\n".join(lines)
