"""The fake-applicant factory: valid by the bot's own rules, deterministic, a NIK per index."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from bot.domain import registration as reg
from bot.domain.fields import parse_nik
from bot.fake_people import DISTRICTS, Person, answers, nik, person, profile
from bot.recruitment import load_recruitment

TODAY = date(2023, 11, 10)
EXAMPLE = Path(__file__).resolve().parents[2] / "recruitment.example.yaml"


@pytest.mark.parametrize("p", [Person(), *(person(i) for i in range(0, 40_000, 997)),
                               *(person(i, seed=s) for i in range(50) for s in (1, 7))])
def test_every_answer_passes_the_bots_own_parsers_and_cross_check(p: Person) -> None:
    stored = profile(p, DISTRICTS, TODAY)  # every answer through reg.parse_text / parse_choice
    reg.cross_check(stored, TODAY)  # the NIK agrees with the sex and the birth date
    assert parse_nik(p.nik, TODAY).regency_code == "5207"
    assert not reg.missing(reg.Draft(True, {}, stored, frozenset(reg.DOCUMENTS)))


def test_answers_follow_the_forms_order() -> None:
    order = [spec.key for spec in reg.FIELDS]
    for p in (Person(), replace(Person(), experience=None)):
        keys = [key for key, _, _ in answers(p, DISTRICTS)]
        assert keys == [k for k in order if k in keys]
        assert ("experience_detail" in keys) == (p.experience is not None)


def test_the_districts_are_the_example_recruitments() -> None:
    region = load_recruitment(EXAMPLE).region
    assert tuple(region.districts) == DISTRICTS and region.regency_code == "5207"


def test_the_default_person_is_the_e2e_tests_siti_aminah() -> None:
    p = Person()
    assert (p.name, p.nik, p.sex, p.birth_date) == (
        "Siti Aminah", "5207014508950003", "F", "05-08-1995")
    assert profile(p, DISTRICTS, TODAY)["district"] == "Taliwang"


def test_deterministic_and_the_seed_varies_all_but_name_and_sex() -> None:
    assert person(5) == person(5) and person(5, seed=3) == person(5, seed=3)
    assert person(5) != person(6)
    others = {person(5, seed=s) for s in range(10)}
    assert len(others) > 1 and {(p.name, p.sex) for p in others} == {("Rizki Aminah", "M")}
    assert [person(i).sex for i in range(4)] == ["F", "M", "F", "M"]


def test_a_nik_of_its_own_for_every_index() -> None:
    count = 25_000  # past 9,999: the serials wrap to the next district code
    assert len({person(i).nik for i in range(count)}) == count
    assert len({person(i, seed=2).nik for i in range(0, count, 5)}) == count // 5
    assert nik(9_999, "M", date(1990, 1, 2)) == "5207020201900001"
    with pytest.raises(ValueError):
        nik(99 * 9_999, "M", date(1990, 1, 2))
