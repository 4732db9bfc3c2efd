"""How equal are the forms? Draws N forms from a bank and prints, for the draw as it was (a
fixed count per category, difficulty and exclusion groups ignored) and the draw as it is (the
recruitment's category x difficulty blueprint, at most one question per exclusion group):

- the spread of hard questions per form (min, max, and how many forms had each count);
- the share of forms holding two questions of one exclusion group (a pair that gives one
  another's answer away, or two near-duplicates).

    .venv/bin/python scripts/form_stats.py [--forms 10000] [--bank FILE] [--recruitment FILE]
        [--before-bank FILE]

`--before-bank`: the old draw runs on that bank (e.g. `git show dee4452:question_bank/data/
bank.yaml`, the bank before this change), its pairs judged by the groups that the current bank
declares for the same ids.
"""

from __future__ import annotations

import argparse
import random
import secrets
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.recruitment import load_recruitment
from question_bank import BUNDLED_BANK_PATH, Bank, draw, form_seed
from question_bank.bundled import load_or_raise

ROOT = Path(__file__).resolve().parents[1]


def old_draw(bank: Bank, per_category: dict[str, int], seed: int) -> list[str]:
    """The draw before the blueprint knew difficulties and groups: a sample per category."""
    rng = random.Random(seed)
    chosen: list[str] = []
    for category in sorted(per_category):
        pool = sorted(q.id for q in bank.questions if q.category == category)
        chosen.extend(rng.sample(pool, per_category[category]))
    return chosen


def leaks(bank: Bank, form: list[str]) -> bool:
    groups = [g for qid in form for g in bank.get(qid).groups]  # type: ignore[union-attr]
    return len(groups) != len(set(groups))


def report(name: str, bank: Bank, forms: list[list[str]]) -> None:
    hard = Counter(sum(bank.get(q).difficulty == 3 for q in form)  # type: ignore[union-attr]
                   for form in forms)
    leaking = sum(leaks(bank, form) for form in forms)
    spread = ", ".join(f"{k}: {v}" for k, v in sorted(hard.items()))
    print(f"{name}")
    print(f"  hard questions per form: min {min(hard)}, max {max(hard)}  ({spread})")
    print(f"  forms with two questions of one exclusion group: {leaking} of {len(forms)} "
          f"({100 * leaking / len(forms):.1f}%)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--forms", type=int, default=10_000)
    parser.add_argument("--bank", type=Path, default=BUNDLED_BANK_PATH)
    parser.add_argument("--recruitment", type=Path, default=ROOT / "recruitment.example.yaml")
    parser.add_argument("--before-bank", type=Path, default=None)
    args = parser.parse_args()
    bank = load_or_raise(args.bank)
    before = bank
    if args.before_bank is not None:
        groups_of = {q.id: q.groups for q in bank.questions}
        old = load_or_raise(args.before_bank)
        before = Bank(version=old.version, questions=tuple(
            q.model_copy(update={"groups": groups_of.get(q.id, ())}) for q in old.questions))
    blueprint = load_recruitment(args.recruitment).test.blueprint
    per_category = {c: n if isinstance(n, int) else sum(n.values())
                    for c, n in blueprint.items()}
    groups = Counter(g for q in bank.questions for g in q.groups)
    print(f"{args.bank.name}: {len(bank.questions)} questions, {len(groups)} exclusion groups "
          f"({sum(groups.values())} memberships); {args.forms} forms each\n")
    report(f"before: a fixed count per category ({args.before_bank or args.bank.name})", before,
           [old_draw(before, per_category, seed) for seed in range(args.forms)])
    secret = secrets.token_hex(32)
    report("now: category x difficulty blueprint, exclusion groups", bank,
           [[q.question_id for q in draw(bank, blueprint, form_seed(secret, "stats", n))]
            for n in range(args.forms)])
    return 0


if __name__ == "__main__":
    sys.exit(main())
