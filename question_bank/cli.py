"""Command line: ``python -m question_bank validate|lint|export|draw``."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from question_bank.bundled import BUNDLED_BANK_PATH
from question_bank.draw import (
    DEFAULT_BLUEPRINT,
    DIFFICULTY_NAMES,
    DrawError,
    blueprint_total,
    check_blueprint,
    draw,
)
from question_bank.export import export_bank
from question_bank.lint import format_figures, lint
from question_bank.loaders import load_bank
from question_bank.messages import Lang, LoadResult, format_report
from question_bank.schema import CATEGORY_LABELS, LETTERS


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m question_bank", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    validate = sub.add_parser("validate", help="check a bank file and print counts and errors")
    validate.add_argument("file")
    validate.add_argument("--lang", choices=("en", "id"), default="en")
    validate.add_argument(
        "--strict", action="store_true", help="also fail if the default blueprint is not met"
    )
    linter = sub.add_parser(
        "lint", help="warn about patterns that give keys away or make forms unequal")
    linter.add_argument("file")
    linter.add_argument("--lang", choices=("en", "id"), default="en")
    export = sub.add_parser("export", help="convert a bank (format chosen by DEST suffix)")
    export.add_argument("src")
    export.add_argument("dest")
    sample = sub.add_parser("draw", help="print a sample draw with the default blueprint")
    sample.add_argument("--seed", default="0", help="digits are used as an int, else a string")
    sample.add_argument("--file", default=str(BUNDLED_BANK_PATH))
    return parser


def _report_errors(result: LoadResult, file: str, lang: Lang) -> None:
    print(f"{file}: {len(result.errors)} error(s)")
    print(format_report(result.errors, lang))


def _validate(file: str, lang: Lang, strict: bool) -> int:
    result = load_bank(file)
    if result.bank is None:
        _report_errors(result, file, lang)
        return 1
    bank = result.bank
    print(f"{file}: {len(bank.questions)} questions, version {bank.version}")
    names = [DIFFICULTY_NAMES[d][0 if lang == "id" else 1] for d in sorted(DIFFICULTY_NAMES)]
    print(f"  {'':<20} {'':>4}  " + " ".join(f"{n:>6}" for n in names))
    for category, questions in sorted(bank.by_category().items()):
        label = CATEGORY_LABELS.get(category, ("?", "unknown category"))[0 if lang == "id" else 1]
        levels = " ".join(f"{sum(q.difficulty == d for q in questions):>6}"
                          for d in sorted(DIFFICULTY_NAMES))
        print(f"  {category:<20} {len(questions):>4}  {levels}  {label}")
    problems = check_blueprint(bank, DEFAULT_BLUEPRINT)
    total = blueprint_total(DEFAULT_BLUEPRINT)
    if problems:
        print(f"default blueprint ({total} questions) NOT met:")
        print("\n".join(f"- {p}" for p in problems))
        return 1 if strict else 0
    print(f"default blueprint ({total} questions): OK")
    return 0


def _lint(file: str, lang: Lang) -> int:
    result = load_bank(file)
    if result.bank is None:
        _report_errors(result, file, lang)
        return 1
    figures, warnings = lint(result.bank, DEFAULT_BLUEPRINT)
    print(format_figures(figures, lang))
    print(f"{file}: {len(warnings)} warning(s)" if lang == "en"
          else f"{file}: {len(warnings)} peringatan")
    for warning in warnings:
        print(f"- {warning.describe(lang)}")
    return 0


def _export(src: str, dest: str) -> int:
    result = load_bank(src)
    if result.bank is None:
        _report_errors(result, src, "en")
        return 1
    try:
        export_bank(result.bank, dest)
    except (ValueError, OSError) as exc:
        print(f"{dest}: {exc}")
        return 1
    print(f"wrote {len(result.bank.questions)} questions to {dest}")
    return 0


def _draw(file: str, seed_text: str) -> int:
    result = load_bank(file)
    if result.bank is None:
        _report_errors(result, file, "en")
        return 1
    seed: int | str = int(seed_text) if seed_text.isdigit() else seed_text
    try:
        drawn = draw(result.bank, DEFAULT_BLUEPRINT, seed)
    except DrawError as exc:
        print("cannot draw:\n" + "\n".join(f"- {p}" for p in exc.problems))
        return 1
    for number, q in enumerate(drawn, start=1):
        print(f"{number}. [{q.question_id} {q.category}] {q.text}")
        for index, option in enumerate(q.options):
            mark = "*" if index == q.correct_index else " "
            print(f"  {mark}{LETTERS[index]}. {option}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "validate":
        return _validate(args.file, args.lang, args.strict)
    if args.command == "lint":
        return _lint(args.file, args.lang)
    if args.command == "export":
        return _export(args.src, args.dest)
    return _draw(args.file, args.seed)
