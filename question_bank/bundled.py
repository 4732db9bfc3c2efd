"""The question banks shipped with the bot (question_bank/data/*.yaml), and the folder of
question images (question_bank/data/images/) that every bank's `image` names refer to."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from question_bank.loaders import load_bank
from question_bank.messages import LoadError, format_report
from question_bank.schema import Bank

DATA_DIR = Path(__file__).resolve().parent / "data"
BUNDLED_BANK_PATH = DATA_DIR / "bank.yaml"
PRACTICE_BANK_PATH = DATA_DIR / "practice.yaml"
IMAGES_DIR = DATA_DIR / "images"


class BankLoadError(RuntimeError):
    """A bundled bank file is missing or invalid; ``errors`` has the details."""

    def __init__(self, errors: list[LoadError]) -> None:
        super().__init__("invalid question bank:\n" + format_report(errors))
        self.errors = errors


def load_or_raise(path: Path) -> Bank:
    result = load_bank(path)
    if result.bank is None:
        raise BankLoadError(result.errors)
    return result.bank


@cache
def bundled_bank() -> Bank:
    """The real test bank (question_bank/data/bank.yaml); raises BankLoadError if invalid."""
    return load_or_raise(BUNDLED_BANK_PATH)


@cache
def practice_bank() -> Bank:
    """The practice bank (question_bank/data/practice.yaml); raises BankLoadError if invalid."""
    return load_or_raise(PRACTICE_BANK_PATH)


def image_path(name: str) -> Path:
    """The file of a question's image (names are checked by the schema: no '..', relative)."""
    return IMAGES_DIR / name


def image_errors(bank: Bank, filename: str) -> list[LoadError]:
    """A question whose image is not in the image folder (it could not be shown)."""
    return [LoadError.make(filename, q.id, "image", "qb_image_missing", value=q.image)
            for q in bank.questions if q.image and not image_path(q.image).is_file()]
