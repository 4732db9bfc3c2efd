"""Item analysis of the scored test (like Moodle's quiz statistics): pure functions, no I/O.

Input: one `AttemptData` per scored attempt, holding the `Response` to every drawn question.
Options are compared by TEXT (each attempt shows them in its own shuffled order); an unanswered
question counts as wrong. Questions in `voided` are left out of every score and statistic (their
`ItemStats` only carry the counts, marked `voided`).

Statistics, all on the share score (correct / valid questions, so forms of different lengths
compare):

- facility: share of the attempts that drew the question and answered it correctly;
- discrimination: point-biserial (Pearson) correlation between the item's 0/1 and the REST
  score (share correct on the attempt's other valid questions, so the item does not correlate
  with itself); attempts with no other valid question are left out;
- upper/lower index: among the attempts that drew the item, ordered by share score (ties by
  attempt id), the facility of the top 27% minus that of the bottom 27% (group size rounded
  half up, at least one);
- KR-20: k/(k-1) * (1 - mean_a(sum_{i in a} p_i*q_i / k_a^2) / var(share)), population
  variances, p_i over the attempts that drew item i, k the mean number of valid questions.
  When every attempt had the same valid questions this is exactly the classic
  k/(k-1) * (1 - sum p*q / var(total)). Forms drawn per applicant rarely repeat, so a KR-20 per
  form would mostly be missing; this pooled form uses every attempt. It is an approximation:
  differences in difficulty between forms count as true-score variance (slightly optimistic).

Flags: facility < 0.2 or > 0.95 (with at least MIN_FACILITY_DRAWN = 5 attempts with the
question); with at least MIN_DRAWN = 10 attempts: r < 0
(check the key), 0 <= r < 0.2 (low discrimination), and a wrong option chosen in the upper group
more often than the accepted option(s) together. What cannot be computed (too few attempts,
zero variance) is None, never an error.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from question_bank.draw import DrawnQuestion

UPPER_LOWER_SHARE = 0.27
MIN_DRAWN = 10  # discrimination flags need at least this many attempts with the question
MIN_FACILITY_DRAWN = 5  # and the too-hard / too-easy flags this many (0 of 2 says nothing)
MIN_ATTEMPTS = 5  # KR-20 needs this many attempts (on fewer it can even pass 1)
HARD, EASY, LOW_DISCRIMINATION = 0.2, 0.95, 0.2
FAST_SECONDS = 8.0  # median seconds per answered question below this ...
FAST_MIN_SCORE = Fraction(7, 10)  # ... with at least this share score is implausibly fast
FAST_MIN_TIMED = 5  # answers with a known time needed before judging speed
IDENTICAL_MIN_ANSWERED = 10  # positions answered by both before identical answers count

FLAG_HARD = "hampir tidak ada yang benar"
FLAG_WRONG_KEY = "peserta terbaik justru salah: periksa kunci"
FLAG_DISTRACTOR = "pengecoh lebih dipilih dari kunci"
FLAG_EASY = "terlalu mudah"
FLAG_LOW = "daya beda rendah"
REASON_FAST = "terlalu cepat untuk nilainya"
REASON_IDENTICAL = "jawaban sama persis dengan peserta lain"
BANDS = (*(f"{10 * b}-{10 * b + 9}%" for b in range(9)), "90-100%")


@dataclass(frozen=True)
class Response:
    question_id: str
    options: tuple[str, ...]  # texts as shown (shuffled per attempt)
    accepted: frozenset[str]  # texts counted correct
    chosen: str | None  # None: unanswered (wrong)
    seconds: float | None  # shown to answered; None when unknown

    @property
    def correct(self) -> bool:
        return self.chosen is not None and self.chosen in self.accepted


@dataclass(frozen=True)
class AttemptData:
    attempt_id: int
    label: str  # e.g. "#51 Budi"
    form_key: str  # same key: same sequence of question ids
    responses: tuple[Response, ...]


@dataclass
class ItemStats:
    question_id: str
    drawn: int
    facility: float | None
    discrimination: float | None  # point-biserial against the rest score
    upper_lower: float | None
    option_counts: dict[str, int]  # option text -> times chosen (0 included)
    unanswered: int
    keys: frozenset[str]
    median_seconds: float | None
    flags: list[str] = field(default_factory=list)
    voided: bool = False


@dataclass
class TestStats:
    __test__ = False  # not a pytest test class, whatever its name
    attempts: int
    mean: float | None
    median: float | None
    stdev: float | None  # population standard deviation of the share score
    kr20: float | None
    forms: int  # distinct sets of valid questions
    distribution: tuple[int, ...]  # attempts per band of BANDS


@dataclass
class Analysis:
    items: list[ItemStats]
    test: TestStats


@dataclass(frozen=True)
class Suspicion:
    attempt_id: int
    label: str
    reason: str
    detail: str


def from_draw(attempt_id: int, label: str, questions: Sequence[DrawnQuestion],
              choices: Mapping[int, int], seconds: Mapping[int, float] | None = None,
              rekeyed: Mapping[str, frozenset[str]] | None = None) -> AttemptData:
    """An attempt as drawn and answered (`choices`: position -> option index as shown);
    `rekeyed`: questions accepted with other keys (option texts) than their stored one."""
    responses = []
    for position, q in enumerate(questions):
        choice = choices.get(position)
        chosen = q.options[choice] if choice is not None and 0 <= choice < len(q.options) else None
        accepted = (rekeyed or {}).get(q.question_id) or frozenset({q.correct_text})
        responses.append(Response(q.question_id, q.options, accepted, chosen,
                                  (seconds or {}).get(position)))
    return AttemptData(attempt_id, label, "|".join(q.question_id for q in questions),
                       tuple(responses))


def _valid(attempt: AttemptData, voided: frozenset[str]) -> list[Response]:
    return [r for r in attempt.responses if r.question_id not in voided]


def correct_and_total(attempt: AttemptData, voided: frozenset[str]) -> tuple[int, int]:
    valid = _valid(attempt, voided)
    return sum(r.correct for r in valid), len(valid)


def share_score(attempt: AttemptData, voided: frozenset[str]) -> Fraction:
    """Correct valid answers / valid questions; 0 for an attempt without a valid question."""
    correct, total = correct_and_total(attempt, voided)
    return Fraction(correct, total) if total else Fraction(0)


def _pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    n = len(xs)
    if n < 2:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx, syy = sum((x - mx) ** 2 for x in xs), sum((y - my) ** 2 for y in ys)
    if sxx <= 1e-12 or syy <= 1e-12:
        return None
    return sxy / math.sqrt(sxx * syy)


def _upper_lower(rows: list[tuple[Fraction, int, bool]]) -> tuple[float | None, list[int]]:
    """(index, positions of the upper group in `rows`); rows: (share, attempt id, correct)."""
    n = len(rows)
    size = max(1, math.floor(UPPER_LOWER_SHARE * n + 0.5))
    if 2 * size > n:
        return None, []
    order = sorted(range(n), key=lambda i: (-rows[i][0], rows[i][1]))
    upper, lower = order[:size], order[-size:]
    hits = [sum(rows[i][2] for i in group) for group in (upper, lower)]
    return (hits[0] - hits[1]) / size, upper


def _item(qid: str, entries: list[tuple[AttemptData, Response]], voided: frozenset[str],
          scores: dict[int, tuple[int, int]]) -> ItemStats:
    counts = {text: 0 for _, r in entries for text in r.options}
    for _, r in entries:
        if r.chosen is not None:
            counts[r.chosen] = counts.get(r.chosen, 0) + 1
    keys = frozenset().union(*(r.accepted for _, r in entries))
    times = [r.seconds for _, r in entries if r.chosen is not None and r.seconds is not None]
    stats = ItemStats(
        question_id=qid, drawn=len(entries), facility=None, discrimination=None,
        upper_lower=None, option_counts=dict(sorted(counts.items())),
        unanswered=sum(r.chosen is None for _, r in entries), keys=keys,
        median_seconds=statistics.median(times) if times else None, voided=qid in voided)
    if stats.voided:
        return stats
    correct = [r.correct for _, r in entries]
    stats.facility = sum(correct) / len(correct)
    xs, ys = [], []
    for (a, _), ok in zip(entries, correct, strict=True):
        right, total = scores[a.attempt_id]
        if total > 1:
            xs.append(float(ok))
            ys.append((right - ok) / (total - 1))
    stats.discrimination = _pearson(xs, ys)
    rows = [(Fraction(*scores[a.attempt_id]), a.attempt_id, ok)
            for (a, _), ok in zip(entries, correct, strict=True)]
    stats.upper_lower, upper = _upper_lower(rows)
    enough = stats.drawn >= MIN_DRAWN
    if stats.drawn >= MIN_FACILITY_DRAWN:
        stats.flags += [FLAG_HARD] if stats.facility < HARD else []
        stats.flags += [FLAG_EASY] if stats.facility > EASY else []
    r = stats.discrimination
    if enough and r is not None and r < 0:
        stats.flags.append(FLAG_WRONG_KEY)
    if enough and upper:
        picked = [entries[i][1] for i in upper]
        right_count = sum(p.correct for p in picked)
        wrong: dict[str, int] = defaultdict(int)
        for p in picked:
            if p.chosen is not None and not p.correct:
                wrong[p.chosen] += 1
        if any(c > right_count for c in wrong.values()):
            stats.flags.append(FLAG_DISTRACTOR)
    if enough and r is not None and 0 <= r < LOW_DISCRIMINATION:
        stats.flags.append(FLAG_LOW)
    return stats


def _kr20(attempts: list[AttemptData], voided: frozenset[str],
          shares: list[Fraction]) -> float | None:
    if len(attempts) < MIN_ATTEMPTS:
        return None
    mean = sum(shares) / len(shares)
    variance = sum((s - mean) ** 2 for s in shares) / len(shares)
    drawn: dict[str, list[bool]] = defaultdict(list)
    for a in attempts:
        for r in _valid(a, voided):
            drawn[r.question_id].append(r.correct)
    p = {qid: Fraction(sum(marks), len(marks)) for qid, marks in drawn.items()}
    pq = {qid: pi * (1 - pi) for qid, pi in p.items()}
    lengths = [len(_valid(a, voided)) for a in attempts]
    k = Fraction(sum(lengths), len(lengths))
    if variance == 0 or k <= 1:
        return None
    error = sum(sum(pq[r.question_id] for r in _valid(a, voided)) / n ** 2
                for a, n in zip(attempts, lengths, strict=True)) / len(attempts)
    return float(k / (k - 1) * (1 - error / variance))


def _test(attempts: list[AttemptData], voided: frozenset[str]) -> TestStats:
    shares = [share_score(a, voided) for a in attempts]
    bands = [0] * 10
    for s in shares:
        bands[min(9, math.floor(s * 10))] += 1
    floats = [float(s) for s in shares]
    forms = {frozenset(r.question_id for r in _valid(a, voided)) for a in attempts}
    return TestStats(
        attempts=len(attempts),
        mean=statistics.fmean(floats) if floats else None,
        median=statistics.median(floats) if floats else None,
        stdev=statistics.pstdev(floats) if floats else None,
        kr20=_kr20(attempts, voided, shares), forms=len(forms), distribution=tuple(bands))


def analyse(attempts: Iterable[AttemptData], voided: frozenset[str] = frozenset()) -> Analysis:
    """Items sorted flagged first, then valid before voided, then by question id. Attempts
    without any valid question are left out."""
    kept = [a for a in attempts if correct_and_total(a, voided)[1] > 0]
    scores = {a.attempt_id: correct_and_total(a, voided) for a in kept}
    by_item: dict[str, list[tuple[AttemptData, Response]]] = defaultdict(list)
    for a in kept:
        for r in a.responses:
            by_item[r.question_id].append((a, r))
    items = [_item(qid, entries, voided, scores) for qid, entries in by_item.items()]
    items.sort(key=lambda s: (not s.flags, s.voided, s.question_id))
    return Analysis(items=items, test=_test(kept, voided))


def suspicious(attempts: Iterable[AttemptData], voided: frozenset[str] = frozenset(),
               min_seconds_per_question: float = FAST_SECONDS) -> list[Suspicion]:
    """Attempts worth a human look (information only, never a verdict):

    - implausibly fast: at least FAST_MIN_TIMED valid answers with a known time, their median
      below `min_seconds_per_question` (8 s: barely time to read a question and four options),
      while the share score is at least 0.7 (fast guessing scores about 0.25, so only a fast AND
      good attempt is odd);
    - identical answers: same form_key, the same chosen text at every position (unanswered
      matching unanswered), at least IDENTICAL_MIN_ANSWERED positions answered by both, and at
      least one wrong answer in common (two attempts right everywhere are just two good
      people). Both attempts are listed, each naming the other.
    """
    attempts = list(attempts)
    found: list[Suspicion] = []
    for a in attempts:
        valid = _valid(a, voided)
        times = [r.seconds for r in valid if r.chosen is not None and r.seconds is not None]
        score = share_score(a, voided)
        if len(times) >= FAST_MIN_TIMED and score >= FAST_MIN_SCORE:
            median = statistics.median(times)
            if median < min_seconds_per_question:
                found.append(Suspicion(a.attempt_id, a.label, REASON_FAST,
                                       f"median {median:g} detik per soal, "
                                       f"benar {round(100 * score)}%"))
    forms: dict[str, list[AttemptData]] = defaultdict(list)
    for a in attempts:
        forms[a.form_key].append(a)
    for group in forms.values():
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                if len(a.responses) != len(b.responses):
                    continue
                pairs = list(zip(a.responses, b.responses, strict=True))
                if any(x.chosen != y.chosen for x, y in pairs):
                    continue
                answered = sum(x.chosen is not None for x, _ in pairs)
                wrong = sum(x.chosen is not None and not x.correct for x, _ in pairs)
                if answered < IDENTICAL_MIN_ANSWERED or wrong == 0:
                    continue
                for one, other in ((a, b), (b, a)):
                    found.append(Suspicion(one.attempt_id, one.label, REASON_IDENTICAL,
                                           f"sama dengan {other.label} pada {answered} jawaban "
                                           f"({wrong} salah yang sama)"))
    found.sort(key=lambda s: (s.attempt_id, s.reason, s.detail))
    return found
