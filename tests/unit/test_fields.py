"""Field parsers: an example for every error code, plus property tests."""

from __future__ import annotations

import unicodedata
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.fields import (
    PROVINCE_CODES,
    FieldError,
    Nik,
    age_on,
    check_nik_birth_date,
    check_nik_sex,
    clean_text,
    parse_date,
    parse_email,
    parse_name,
    parse_nik,
    parse_phone,
)

TODAY = date(2025, 6, 1)


def error(fn, *args) -> FieldError:  # type: ignore[no-untyped-def]
    with pytest.raises(FieldError) as caught:
        fn(*args)
    return caught.value


# --------------------------------------------------------------------------- NIK


def test_sumbawa_barat_nik() -> None:
    nik = parse_nik("5207014508950003", TODAY)
    assert nik == Nik(
        value="5207014508950003",
        province_code="52",
        regency_code="5207",
        district_code="520701",
        birth_date=date(1995, 8, 5),
        sex="F",
        serial="0003",
    )
    assert nik.in_regency("5207") and nik.in_regency("52.07") and not nik.in_regency("5201")


@pytest.mark.parametrize(
    "typed", ["5207 0145 0895 0003", "52.07.01.450895.0003", "5207-01-450895-0003"]
)
def test_nik_separators_are_ignored(typed: str) -> None:
    assert parse_nik(typed, TODAY).value == "5207014508950003"


def test_nik_male_and_century() -> None:
    nik = parse_nik("5207010508050001", TODAY)
    assert (nik.sex, nik.birth_date) == ("M", date(2005, 8, 5))
    assert parse_nik("5207010508260001", TODAY).birth_date == date(1926, 8, 5)
    assert parse_nik("5207010106250001", TODAY).birth_date == date(2025, 6, 1)  # today
    assert parse_nik("5207010206250001", TODAY).birth_date == date(1925, 6, 2)  # tomorrow -> 1925
    assert parse_nik("5207012902000001", TODAY).birth_date == date(2000, 2, 29)  # leap 2000
    assert parse_nik("5207016902040001", TODAY).birth_date == date(2004, 2, 29)


@pytest.mark.parametrize(
    ("typed", "code", "params"),
    [
        ("52070145O8950003", "nik.not_digits", {}),
        ("5207014508950003a", "nik.not_digits", {}),
        ("520701450895000", "nik.length", {"expected": 16, "found": 15}),
        ("", "nik.length", {"expected": 16, "found": 0}),
        ("52070145089500031", "nik.length", {"expected": 16, "found": 17}),
        ("5007014508950003", "nik.province", {"province": "50"}),
        ("2007014508950003", "nik.province", {"province": "20"}),
        ("5200014508950003", "nik.regency", {}),
        ("5207004508950003", "nik.district", {}),
        ("5207013102230003", "nik.date", {"digits": "310223"}),  # 31 Feb
        ("5207017102230003", "nik.date", {"digits": "710223"}),  # 31 Feb, female
        ("5207010008950003", "nik.date", {"digits": "000895"}),
        ("5207013508950003", "nik.date", {"digits": "350895"}),
        ("5207014008950003", "nik.date", {"digits": "400895"}),
        ("5207017208950003", "nik.date", {"digits": "720895"}),
        ("5207010513950003", "nik.date", {"digits": "051395"}),
        ("5207010500950003", "nik.date", {"digits": "050095"}),
        ("5207012902010003", "nik.date", {"digits": "290201"}),
        ("5207014508950000", "nik.serial", {}),
    ],
)
def test_nik_errors(typed: str, code: str, params: dict) -> None:
    err = error(parse_nik, typed, TODAY)
    assert (err.code, err.params) == (code, params)


def test_nik_date_never_in_future() -> None:
    # 29-02-00 is 2000-02-29; if "today" were before it, 1900 has no 29 February either.
    assert error(parse_nik, "5207012902000001", date(2000, 2, 28)).code == "nik.date"


def test_nik_sex_check() -> None:
    nik = parse_nik("5207014508950003", TODAY)
    check_nik_sex(nik, "F")
    check_nik_sex(nik, "f")
    err = error(check_nik_sex, nik, "M")
    assert (err.code, err.params) == ("nik.sex_mismatch", {"nik_sex": "F", "stated": "M"})
    with pytest.raises(ValueError):
        check_nik_sex(nik, "X")


def test_nik_birth_date_check() -> None:
    nik = parse_nik("5207014508950003", TODAY)
    check_nik_birth_date(nik, date(1995, 8, 5))
    check_nik_birth_date(nik, date(1895, 8, 5))  # only YY is in the NIK
    err = error(check_nik_birth_date, nik, date(1995, 8, 6))
    assert err.code == "nik.birth_mismatch"
    assert err.params == {"nik_date": "05-08-1995", "stated": "06-08-1995"}
    assert error(check_nik_birth_date, nik, date(1995, 9, 5)).code == "nik.birth_mismatch"
    assert error(check_nik_birth_date, nik, date(1996, 8, 5)).code == "nik.birth_mismatch"


BIRTHS = st.dates(
    min_value=TODAY.replace(year=TODAY.year - 100) + timedelta(days=1), max_value=TODAY
)


@given(
    province=st.sampled_from(sorted(PROVINCE_CODES)),
    regency=st.integers(1, 99),
    district=st.integers(1, 99),
    birth=BIRTHS,
    sex=st.sampled_from(["M", "F"]),
    serial=st.integers(1, 9999),
)
def test_nik_round_trip(
    province: str, regency: int, district: int, birth: date, sex: str, serial: int
) -> None:
    dd = birth.day + (40 if sex == "F" else 0)
    value = f"{province}{regency:02d}{district:02d}{dd:02d}{birth:%m}{birth:%y}{serial:04d}"
    nik = parse_nik(value, TODAY)
    assert nik.value == value
    assert nik.province_code == province
    assert nik.regency_code == f"{province}{regency:02d}"
    assert nik.district_code == f"{province}{regency:02d}{district:02d}"
    assert (nik.birth_date, nik.sex, nik.serial) == (birth, sex, f"{serial:04d}")
    check_nik_sex(nik, sex)
    check_nik_birth_date(nik, birth)


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    "typed",
    [
        "15-08-1995", "15/08/1995", "15.08.1995", "15-8-1995", " 15 / 8 / 1995 ",
        "15 Agustus 1995", "15 agustus 1995", "15 AGUSTUS 1995", "15 Agu 1995", "15 Agt 1995",
        "15 August 1995", "15 Aug 1995", "15 Aug. 1995", "15-Aug-1995", "15 August, 1995",
        "1995-08-15",
    ],
)  # fmt: skip
def test_dates_accepted(typed: str) -> None:
    assert parse_date(typed, TODAY) == date(1995, 8, 15)


def test_december_short_forms() -> None:
    assert parse_date("1 Des 1990", TODAY) == parse_date("1 dec 1990", TODAY) == date(1990, 12, 1)


@pytest.mark.parametrize(
    ("typed", "code", "params"),
    [
        ("", "date.format", {}),
        ("15 Agustusan 1995", "date.format", {}),
        ("15-08-95", "date.format", {}),
        ("15081995", "date.format", {}),
        ("31-02-1990", "date.invalid", {"day": 31, "month": 2, "year": 1990}),
        ("29-02-1900", "date.invalid", {"day": 29, "month": 2, "year": 1900}),
        ("15-13-1990", "date.invalid", {"day": 15, "month": 13, "year": 1990}),
        ("02-06-2025", "date.future", {"date": "02-06-2025", "today": "01-06-2025"}),
        ("31-12-1899", "date.too_old", {"year": 1899, "min_year": 1900}),
        ("01-01-0000", "date.too_old", {"year": 0, "min_year": 1900}),
    ],
)
def test_date_errors(typed: str, code: str, params: dict) -> None:
    err = error(parse_date, typed, TODAY)
    assert (err.code, err.params) == (code, params)


ID_MONTHS = "Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember"
EN_MONTHS = "January February March April May June July August September October November December"
SHORT_ID = "Jan Feb Mar Apr Mei Jun Jul Agu Sep Okt Nov Des"
SHORT_EN = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec"
NAMED = [names.split() for names in (ID_MONTHS, EN_MONTHS, SHORT_ID, SHORT_EN)]


def spellings(d: date) -> list[str]:
    numeric = [f"{d:%d}{sep}{d:%m}{sep}{d:%Y}" for sep in "-/."] + [f"{d.day}-{d.month}-{d:%Y}"]
    named = [f"{d.day} {names[d.month - 1]} {d:%Y}" for names in NAMED]
    return numeric + named + [n.upper() for n in named] + [n.lower() for n in named]


@given(st.dates(min_value=date(1900, 1, 1), max_value=TODAY))
def test_date_round_trip(d: date) -> None:
    for typed in spellings(d):
        assert parse_date(typed, TODAY) == d, typed


def test_age_on() -> None:
    birth = date(2000, 2, 29)
    assert age_on(birth, date(2018, 2, 28)) == 17
    assert age_on(birth, date(2018, 3, 1)) == 18
    assert age_on(date(1995, 8, 15), date(2025, 8, 14)) == 29
    assert age_on(date(1995, 8, 15), date(2025, 8, 15)) == 30
    assert age_on(date(1995, 8, 15), date(1995, 8, 15)) == 0
    with pytest.raises(ValueError):
        age_on(date(1995, 8, 15), date(1995, 8, 14))


# --------------------------------------------------------------------------- phone


@pytest.mark.parametrize(
    "typed",
    [
        "0812-3456-7890", "+62 812 3456 7890", "6281234567890", "+6281234567890",
        "81234567890", "(0812) 3456 7890", "0812.3456.7890", "+62 (0)812 3456 7890",
        "0062 812 3456 7890",
    ],
)  # fmt: skip
def test_phones_accepted(typed: str) -> None:
    assert parse_phone(typed) == "+6281234567890"


@pytest.mark.parametrize(
    ("typed", "code", "params"),
    [
        ("", "phone.format", {}),
        ("nomor saya 0812", "phone.format", {}),
        ("0812-3456-7", "phone.format", {"found": 9, "min": 10, "max": 13}),
        ("0812 3456 7890 123", "phone.format", {"found": 15, "min": 10, "max": 13}),
        ("123", "phone.format", {}),
        ("0370 123456", "phone.not_mobile", {"number": "0370123456"}),
        ("+62 370 123456", "phone.not_mobile", {"number": "0370123456"}),
        ("+60 12 345 6789", "phone.foreign", {"number": "+60123456789"}),
        ("0060 12 345 6789", "phone.foreign", {"number": "+60123456789"}),
    ],
)
def test_phone_errors(typed: str, code: str, params: dict) -> None:
    err = error(parse_phone, typed)
    assert (err.code, err.params) == (code, params)


@given(st.text("0123456789", min_size=8, max_size=11))
def test_phone_round_trip(rest: str) -> None:
    national = "8" + rest
    a, b, c = national[:3], national[3:7], national[7:]
    expected = "+62" + national
    for typed in (
        "0" + national, "62" + national, "+62" + national, national,
        f"0{a}-{b}-{c}", f"+62 {a} {b} {c}", f"(0{a}) {b} {c}", f"0{a} {b}{c}",
    ):  # fmt: skip
        assert parse_phone(typed) == expected, typed


# --------------------------------------------------------------------------- e-mail


def test_emails_accepted() -> None:
    assert parse_email("  Budi.Santoso+mitra@Gmail.COM ") == "Budi.Santoso+mitra@gmail.com"
    assert parse_email("a@bps.go.id") == "a@bps.go.id"
    assert (
        parse_email("nama_saya-1%x@mail-server.sumbawa.id")
        == "nama_saya-1%x@mail-server.sumbawa.id"
    )
    assert parse_email("a@yahoo.co.id") == "a@yahoo.co.id"


@pytest.mark.parametrize(
    "typed",
    [
        "", "budi", "budi@", "@gmail.com", "budi@@gmail.com", "bu@di@gmail.com", "budi@gmail",
        ".budi@gmail.com", "budi.@gmail.com", "bu..di@gmail.com", "bu di@gmail.com",
        "budi@gmail..com", "budi@-gmail.com", "budi@gmail-.com", "budi@gmail.c", "budi@gmail.c0m",
        "budi@gmail.com.", "bùdi@gmail.com", "budi@gmäil.com", "a" * 65 + "@gmail.com",
        "a@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 63 + "." + "e" * 62 + ".com",
    ],
)  # fmt: skip
def test_email_format_errors(typed: str) -> None:
    err = error(parse_email, typed)
    assert (err.code, err.params) == ("email.format", {})


@pytest.mark.parametrize(
    ("typed", "suggestion"),
    [
        ("budi@gmail.con", "gmail.com"), ("budi@GMAIL.CO", "gmail.com"),
        ("budi@yahoo.cm", "yahoo.com"), ("budi@hotmail.con", "hotmail.com"),
        ("budi@outlook.co", "outlook.com"), ("budi@ymail.con", "ymail.com"),
        ("budi@gmial.com", "gmail.com"),
    ],
)  # fmt: skip
def test_email_typos(typed: str, suggestion: str) -> None:
    err = error(parse_email, typed)
    assert err.code == "email.typo"
    assert err.params == {"suggestion": suggestion, "address": f"budi@{suggestion}"}


LOCAL = st.from_regex(r"[A-Za-z0-9_%+\-]{1,10}(\.[A-Za-z0-9_%+\-]{1,10}){0,3}", fullmatch=True)
LABEL = st.from_regex(r"[A-Za-z0-9]([A-Za-z0-9\-]{0,10}[A-Za-z0-9])?", fullmatch=True)
TLD = st.from_regex(r"[A-Za-z]{2,6}", fullmatch=True)


@given(LOCAL, st.lists(LABEL, min_size=1, max_size=3), TLD)
def test_email_round_trip(local: str, labels: list[str], tld: str) -> None:
    domain = ".".join([*labels, tld])
    try:
        assert parse_email(f" {local}@{domain} ") == f"{local}@{domain.lower()}"
    except FieldError as err:  # e.g. a generated "gmail.co" is a typo on purpose
        assert err.code == "email.typo"


# --------------------------------------------------------------------------- name


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("  Siti   Nurhaliza ", "Siti Nurhaliza"),
        ("I Made Sutarja, S.Pd.", "I Made Sutarja, S.Pd."),
        ("Ni'mah Al-Farisi", "Ni'mah Al-Farisi"),
        ("Ni’mah", "Ni'mah"),
        ("José Müller", "José Müller"),
        ("Jose\u0301", "José"),  # decomposed accent is composed
        ("Ida", "Ida"),
    ],
)
def test_names_accepted(typed: str, expected: str) -> None:
    assert parse_name(typed) == expected


@pytest.mark.parametrize(
    ("typed", "code", "params"),
    [
        ("", "name.length", {"found": 0, "min": 3, "max": 100}),
        ("  Al ", "name.length", {"found": 2, "min": 3, "max": 100}),
        ("A" * 101, "name.length", {"found": 101, "min": 3, "max": 100}),
        ("Budi 123", "name.characters", {"found": "123"}),
        ("Budi_Santoso!", "name.characters", {"found": "!_"}),
        ("Budi 😀", "name.characters", {"found": "😀"}),
        ("\u3164\u3164\u3164", "name.characters", {"found": "\u3164"}),  # invisible filler
        ("Budi Sаntoso", "name.characters", {"found": "а"}),  # a Cyrillic look-alike "a"
        ("Bu\u0301\u0301\u0301\u0301di", "name.characters", {"found": "\u0301"}),  # stacked
        ("A. -", "name.letters", {"min": 2}),
    ],
)
def test_name_errors(typed: str, code: str, params: dict) -> None:
    err = error(parse_name, typed)
    assert (err.code, err.params) == (code, params)


LATIN = st.characters(categories=["Lu", "Ll"], max_codepoint=0x24F).filter(
    lambda c: "LATIN" in unicodedata.name(c, ""))
NAME_WORD = st.text(LATIN, min_size=2, max_size=12)  # Latin letters, as on a KTP


@given(st.lists(NAME_WORD, min_size=1, max_size=5))
def test_name_round_trip(words: list[str]) -> None:
    name = unicodedata.normalize("NFC", " ".join(words))
    if 3 <= len(name) <= 100:
        assert parse_name(f"  {'   '.join(name.split(' '))} ") == name


# --------------------------------------------------------------------------- any text


def only_field_errors(text: str, today: date) -> None:
    for parse in (
        lambda: parse_nik(text, today),
        lambda: parse_date(text, today),
        lambda: parse_phone(text),
        lambda: parse_email(text),
        lambda: parse_name(text),
    ):
        try:
            parse()
        except FieldError as err:
            assert isinstance(err.code, str) and err.code.count(".") == 1


@given(st.text(), st.dates())
def test_parsers_raise_only_field_error(text: str, today: date) -> None:
    only_field_errors(text, today)


@given(st.text(alphabet="0123456789 .-+()/@abcAgustus", max_size=24), st.dates())
def test_parsers_raise_only_field_error_on_nearly_valid_text(text: str, today: date) -> None:
    only_field_errors(text, today)


@pytest.mark.parametrize(("typed", "stored"), [
    ("Jl. Bintang\x01 No. 1", "Jl. Bintang No. 1"),
    ("Petani\u202e ikan", "Petani ikan"),  # a right-to-left override
    ("Wira\u200bswasta", "Wiraswasta"),  # a zero-width space
    ("  Jl.  Sudirman\n No. 5 ", "Jl. Sudirman No. 5"),
])
def test_free_text_is_stored_without_control_or_invisible_characters(typed: str,
                                                                     stored: str) -> None:
    assert clean_text(typed) == stored
