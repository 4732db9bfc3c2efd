"""Question bank: schema, loaders (YAML/CSV/XLSX), export, and the deterministic draw.

Pure Python: no Telegram and no database here.
"""

from question_bank.bundled import (
    BUNDLED_BANK_PATH,
    IMAGES_DIR,
    PRACTICE_BANK_PATH,
    BankLoadError,
    bundled_bank,
    image_errors,
    image_path,
    practice_bank,
)
from question_bank.draw import (
    DEFAULT_BLUEPRINT,
    Blueprint,
    DrawError,
    DrawnQuestion,
    blueprint_total,
    check_blueprint,
    draw,
    form_seed,
    score,
    seed_to_int,
)
from question_bank.export import export_bank, export_bank_bytes
from question_bank.loaders import MAX_FILE_BYTES, format_of, load_bank, load_bank_bytes
from question_bank.messages import LoadError, LoadResult, format_report
from question_bank.schema import (
    CATEGORY_LABELS,
    HEADER_RESERVE,
    MAX_MESSAGE_CHARS,
    Bank,
    Question,
    bank_fingerprint,
    rendered_size,
)

__all__ = [
    "BUNDLED_BANK_PATH",
    "CATEGORY_LABELS",
    "DEFAULT_BLUEPRINT",
    "HEADER_RESERVE",
    "IMAGES_DIR",
    "MAX_FILE_BYTES",
    "MAX_MESSAGE_CHARS",
    "PRACTICE_BANK_PATH",
    "Bank",
    "BankLoadError",
    "Blueprint",
    "DrawError",
    "DrawnQuestion",
    "LoadError",
    "LoadResult",
    "Question",
    "bank_fingerprint",
    "blueprint_total",
    "bundled_bank",
    "check_blueprint",
    "draw",
    "export_bank",
    "export_bank_bytes",
    "form_seed",
    "format_of",
    "format_report",
    "image_errors",
    "image_path",
    "load_bank",
    "load_bank_bytes",
    "practice_bank",
    "rendered_size",
    "score",
    "seed_to_int",
]
