"""Load errors and their English / Indonesian wording.

The bottom of the package: :mod:`question_bank.schema` takes its error wording from here, so
this module imports nothing of the package (``LoadResult`` is generic in the bank it holds).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

from pydantic import ValidationError

Lang = Literal["en", "id"]
BankT = TypeVar("BankT")  # question_bank.schema.Bank wherever a LoadResult is made

# code -> (English template, Indonesian template); placeholders come from the error context.
MESSAGES: dict[str, tuple[str, str]] = {
    "qb_blank": ("{field} is blank or missing", "{field} kosong atau tidak diisi"),
    "qb_not_text": (
        "{field} must be text (in YAML, put values like yes, no or dates in quotes)",
        "{field} harus berupa teks (di YAML, beri tanda kutip pada nilai seperti yes, no, tanggal)",
    ),
    "qb_control_char": (
        "{field} contains an invisible control character ({char})",
        "{field} berisi karakter kontrol yang tidak terlihat ({char})",
    ),
    "qb_id_format": (
        "id '{value}' must be 1-40 letters, digits, '-', '_' or '.' (starting with a letter "
        "or digit)",
        "id '{value}' harus 1-40 huruf, angka, '-', '_' atau '.' (diawali huruf atau angka)",
    ),
    "qb_category_format": (
        "category '{value}' may only use letters, digits and '_'",
        "kategori '{value}' hanya boleh berisi huruf, angka dan '_'",
    ),
    "qb_difficulty": (
        "difficulty must be 1, 2 or 3 (or mudah/sedang/sulit), got '{value}'",
        "tingkat kesulitan harus 1, 2 atau 3 (atau mudah/sedang/sulit), tertulis '{value}'",
    ),
    "qb_text_too_long": (
        "question text is too long: {length} characters (max {limit})",
        "teks soal terlalu panjang: {length} karakter (maks. {limit})",
    ),
    "qb_explanation_too_long": (
        "explanation is too long: {length} characters (max {limit})",
        "pembahasan terlalu panjang: {length} karakter (maks. {limit})",
    ),
    "qb_message_too_long": (
        "question and options need {size} characters, more than one Telegram message "
        "allows ({limit}); shorten the text or the options",
        "soal dan pilihan jawaban butuh {size} karakter, melebihi batas satu pesan Telegram "
        "({limit}); perpendek soal atau pilihannya",
    ),
    "qb_caption_too_long": (
        "a question with an image is sent as a photo whose caption holds {limit} characters; "
        "question and options need {size}: shorten them",
        "soal bergambar dikirim sebagai foto dengan keterangan maks. {limit} karakter; soal dan "
        "pilihannya butuh {size}: perpendek",
    ),
    "qb_image_name": (
        "image '{value}' must be a file name in the image folder ending in .png, .jpg or .jpeg",
        "gambar '{value}' harus nama berkas di folder gambar berakhiran .png, .jpg atau .jpeg",
    ),
    "qb_image_missing": (
        "image '{value}' is not in the bank's image folder",
        "gambar '{value}' tidak ada di folder gambar bank soal",
    ),
    "qb_groups_not_list": (
        "groups must be a list of names (or names separated by commas)",
        "kelompok harus daftar nama (atau nama dipisah koma)",
    ),
    "qb_group_format": (
        "group '{value}' may only use lowercase letters, digits, '-', '_' or '.' (max 40)",
        "kelompok '{value}' hanya boleh huruf kecil, angka, '-', '_' atau '.' (maks. 40)",
    ),
    "qb_options_not_list": ("options must be a list", "pilihan jawaban harus berupa daftar"),
    "qb_options_count": (
        "needs 2 to 5 options, found {count}",
        "harus ada 2 sampai 5 pilihan jawaban, ada {count}",
    ),
    "qb_option_blank": ("option {letter} is blank", "pilihan {letter} kosong"),
    "qb_option_duplicate": (
        "options {first} and {second} are the same",
        "pilihan {first} dan {second} sama",
    ),
    "qb_answer_letter": (
        "answer must be one letter A-E, got '{value}'",
        "kunci jawaban harus satu huruf A-E, tertulis '{value}'",
    ),
    "qb_answer_range": (
        "answer {value} is not among the options (only A-{last})",
        "kunci jawaban {value} tidak ada di pilihan (hanya A-{last})",
    ),
    "qb_duplicate_id": (
        "id '{id}' is used twice: {first} and {second}",
        "id '{id}' dipakai dua kali: {first} dan {second}",
    ),
    "qb_duplicate_id_bank": ("id '{id}' is used twice", "id '{id}' dipakai dua kali"),
    "qb_unknown_field": ("unknown field '{name}'", "isian '{name}' tidak dikenal"),
    "qb_missing_column": (
        "missing required column '{column}' (accepted names: {aliases})",
        "kolom wajib '{column}' tidak ada (nama yang diterima: {aliases})",
    ),
    "qb_duplicate_column": (
        "column '{column}' appears more than once ({names})",
        "kolom '{column}' muncul lebih dari sekali ({names})",
    ),
    "qb_no_questions": ("the file contains no questions", "berkas tidak berisi soal"),
    "qb_yaml_syntax": ("YAML syntax error: {detail}", "kesalahan penulisan YAML: {detail}"),
    "qb_yaml_top": (
        "the top level must be a mapping with a 'questions' list",
        "tingkat teratas harus berisi 'questions' berupa daftar soal",
    ),
    "qb_yaml_item": (
        "each question must be a mapping of field: value",
        "setiap soal harus berupa pasangan isian: nilai",
    ),
    "qb_encoding": (
        "the file cannot be read as text; save it as 'CSV UTF-8'",
        "berkas tidak dapat dibaca sebagai teks; simpan sebagai 'CSV UTF-8'",
    ),
    "qb_xlsx_unreadable": (
        "cannot open the Excel file: {detail}",
        "berkas Excel tidak dapat dibuka: {detail}",
    ),
    "qb_unsupported_format": (
        "unsupported file type '{suffix}' (use .yaml, .yml, .csv or .xlsx)",
        "jenis berkas '{suffix}' tidak didukung (gunakan .yaml, .yml, .csv atau .xlsx)",
    ),
    "qb_file_not_found": ("file not found", "berkas tidak ditemukan"),
    "qb_file_too_large": (
        "file is too large ({size} bytes, max {limit})",
        "berkas terlalu besar ({size} byte, maks. {limit})",
    ),
    "qb_too_many_rows": (
        "the file has more than {limit} rows; a bank holds at most {limit} questions",
        "berkas berisi lebih dari {limit} baris; bank soal paling banyak {limit} soal",
    ),
    "qb_unpacked_too_large": (
        "the Excel file unpacks to more than {limit_mb} MB (not a question bank)",
        "berkas Excel terurai menjadi lebih dari {limit_mb} MB (bukan bank soal)",
    ),
    "qb_caged_time": (
        "reading the file took too long; it is not read (a bank file reads in seconds)",
        "membaca berkas terlalu lama sehingga dihentikan (bank soal terbaca dalam hitungan detik)",
    ),
    "qb_caged_memory": (
        "reading the file needed too much memory; it is not read (not a question bank)",
        "membaca berkas butuh memori terlalu besar sehingga dihentikan (bukan bank soal)",
    ),
    "qb_invalid": ("{detail}", "nilai tidak valid: {detail}"),
}

FIELD_NAMES_ID = {
    "category": "kategori",
    "difficulty": "tingkat kesulitan",
    "text": "teks soal",
    "options": "pilihan jawaban",
    "answer": "kunci jawaban",
    "explanation": "pembahasan",
    "image": "gambar",
    "groups": "kelompok",
    "version": "versi",
}

# Field to report for errors that are not tied to one field by pydantic.
DEFAULT_FIELDS = {"qb_message_too_long": "text", "qb_caption_too_long": "text",
                  "qb_duplicate_id": "id"}


LOCATION_WORDS_ID = (("row ", "baris "), ("(header)", "(judul kolom)"), ("(line ", "(baris "))
LOCATION_WORDS_ID += (("(whole file)", "(seluruh berkas)"),)


def localize_location(location: str, lang: Lang) -> str:
    """'row 7' -> 'baris 7' etc. for Indonesian; English locations are returned unchanged."""
    if lang == "id":
        for en, ind in LOCATION_WORDS_ID:
            location = location.replace(en, ind)
    return location


def render(code: str, lang: Lang, ctx: dict[str, Any]) -> str:
    en, ind = MESSAGES.get(code, MESSAGES["qb_invalid"])
    values = dict(ctx)
    if lang == "id":
        if "field" in values:
            values["field"] = FIELD_NAMES_ID.get(str(values["field"]), values["field"])
        for key in ("first", "second"):
            if isinstance(values.get(key), str):
                values[key] = localize_location(values[key], lang)
    try:
        return (ind if lang == "id" else en).format(**values)
    except (KeyError, IndexError):
        return f"{code} {ctx}"


@dataclass(frozen=True)
class LoadError:
    """One problem in a question file. ``location`` is "row 7" or "questions[3]"."""

    file: str
    location: str
    field: str | None
    message: str
    message_id: str
    code: str = "qb_invalid"

    @classmethod
    def make(
        cls, file: str, location: str, field: str | None, code: str, /, **ctx: Any
    ) -> LoadError:
        """Build an error from a message code; ``ctx`` fills the templates in MESSAGES."""
        where = field or DEFAULT_FIELDS.get(code)
        return cls(file, location, where, render(code, "en", ctx), render(code, "id", ctx), code)

    def describe(self, lang: Lang = "en") -> str:
        location = localize_location(self.location, lang)
        where = ", ".join(p for p in (self.file, location, self.field) if p)
        text = self.message_id if lang == "id" else self.message
        return f"{where}: {text}" if where else text

    def __str__(self) -> str:
        return self.describe("en")


@dataclass(frozen=True)
class LoadResult(Generic[BankT]):
    """Either a bank (no errors) or every error found; never both.

    ``bank`` is a :class:`question_bank.schema.Bank`; the type is a parameter only so that this
    module need not import the schema (which imports the wording above)."""

    bank: BankT | None
    errors: list[LoadError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.bank is not None and not self.errors


def errors_from_validation(
    exc: ValidationError, file: str, location: str, field_prefix: str = ""
) -> list[LoadError]:
    """Turn a pydantic ``ValidationError`` (on Question or Bank) into LoadErrors."""
    out: list[LoadError] = []
    for item in exc.errors():
        loc = item.get("loc", ())
        name = str(loc[0]) if loc else None
        code = str(item["type"])
        ctx: dict[str, Any] = dict(item.get("ctx") or {})
        if code == "missing":
            code, ctx = "qb_blank", {"field": name}
        elif code == "extra_forbidden":
            code, ctx = "qb_unknown_field", {"name": name}
        elif code not in MESSAGES:
            code, ctx = "qb_invalid", {"detail": item.get("msg", code)}
        field_name = f"{field_prefix}{name}" if name else None
        out.append(LoadError.make(file, location, field_name, code, **ctx))
    return out


def format_report(
    errors: Iterable[LoadError], lang: Lang = "en", max_errors: int | None = None
) -> str:
    """Plain-text list of errors, one per line, optionally truncated with a count."""
    errors = list(errors)
    shown = errors if max_errors is None else errors[:max_errors]
    lines = [f"- {e.describe(lang)}" for e in shown]
    hidden = len(errors) - len(shown)
    if hidden:
        lines.append(f"... {hidden} more" if lang == "en" else f"... dan {hidden} lainnya")
    return "\n".join(lines)
