"""The bank linter: each pattern it looks for, in a bank that has it and one that does not."""

from __future__ import annotations

from qb_helpers import make_question

from question_bank import Bank, Question
from question_bank.lint import lint


def described(questions: list[Question], blueprint: dict | None = None) -> list[str]:
    bank = Bank(version="t", questions=tuple(questions))
    return [w.describe("id") for w in lint(bank, blueprint or {"logika": 1})[1]]


def varied(n: int, category: str = "logika") -> list[Question]:
    """n questions whose keys sit in every position, never the longest, no cycle."""
    letters = "ABDCADBCBADC"
    out = []
    for i in range(n):
        key = letters[i % len(letters)]
        options = ["pilihan panjang sekali", "dua kata", "tiga kata ini", "empat"]
        options["ABCD".index(key)] = "kunci"
        out.append(make_question(f"{category[:3]}-{i}", category, text=f"Soal ke-{i} {i * 7}",
                                 options=tuple(options), answer=key))
    return out


def test_a_clean_bank_has_no_warnings() -> None:
    assert described(varied(12)) == []


def test_the_key_as_longest_option_is_counted_per_category() -> None:
    qs = [q.model_copy(update={"options": tuple(o if i != q.answer_index else
                                                "jawaban yang paling panjang dan lengkap"
                                                for i, o in enumerate(q.options))})
          for q in varied(12)]
    warnings = described(qs)
    assert warnings == ["logika: kunci adalah pilihan terpanjang pada 12 dari 12 soal (100%, "
                        "maks. 35%): perpanjang pengecohnya"]


def test_key_position_and_cycle() -> None:
    same = [q.model_copy(update={"answer": "A", "options": ("kunci", *q.options[1:])})
            for q in varied(10)]
    assert any("kunci berada di pilihan A" in w for w in described(same))
    cycling = [q.model_copy(update={"answer": "ABCD"[i % 4]}) for i, q in enumerate(varied(12))]
    assert any("bergeser satu huruf" in w for w in described(cycling))


def test_near_duplicates_and_a_stem_that_gives_a_key_away_unless_grouped() -> None:
    a = make_question("A", text="Skala pengukuran untuk variabel jenis kelamin adalah")
    b = make_question("B", text="Skala pengukuran untuk variabel jenis kelamin ialah")
    c = make_question("C", text="Petugas mencacah rumah tangga di blok sensus pada pagi hari",
                      options=("blok sensus", "desa", "kecamatan", "dusun"), answer="A")
    d = make_question("D", text="Wilayah kerja terkecil untuk pencacahan BPS disebut ...",
                      options=("blok sensus", "desa", "kecamatan", "dusun"), answer="A")
    warnings = described([a, b, c, d])
    assert any(w.startswith("A dan B hampir sama soalnya") for w in warnings)
    assert any(w.startswith('soal C memuat kunci soal D ("blok sensus")') for w in warnings)
    grouped = [q.model_copy(update={"groups": (group,)})
               for q, group in ((a, "skala"), (b, "skala"), (c, "blok"), (d, "blok"))]
    assert described(grouped) == []


def test_cells_against_the_blueprint() -> None:
    qs = varied(4)  # all easy
    warnings = described(qs, {"logika": {1: 2, 3: 1}})
    assert "logika · sulit: bank berisi 0 soal, cetak biru meminta 1" in warnings[0]
    assert any("logika · mudah: 4 soal untuk 2 per lembar; minimal 6" in w for w in warnings)
