"""Fake applicants, for the playground's seed, the benchmarks, the chaos run and the e2e tests:
what a person types when registering, valid by the bot's own rules (the NIK agrees with the sex
and the birth date), and a registration filled in through the services.

    Person()            the e2e tests' default person: Siti Aminah, NIK 5207014508950003
    person(7)           the person numbered 7, the same every time, with a NIK of its own
    person(7, seed=3)   the person numbered 7 of another run: same name and sex, other details
    answers(p, districts)          the profile as the services take it, field by field
    profile(p, districts, today)   the profile as stored (to write rows directly)
    await fill_registration(svc, applicant_id, p, uploads)   up to the review, not submitted
    sim_uploads(sim, tag)          the three documents as pictures the simulator holds
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from bot.domain import registration as reg
from bot.services.registration import Upload

if TYPE_CHECKING:
    from tgsim import SimState

# First names alternate woman, man: the index's parity is the sex.
FIRST = ("Siti", "Ahmad", "Dewi", "Budi", "Nur", "Rizki", "Ayu", "Hendra", "Wulan", "Agus",
         "Fitri", "Joko", "Rina", "Yusuf", "Lina", "Taufik")
LAST = ("Aminah", "Saputra", "Lestari", "Hidayat", "Rahmawati", "Pratama", "Sari", "Wijaya",
        "Kurniawan", "Handayani", "Setiawan", "Putri")
# The districts of recruitment.example.yaml (Kabupaten Sumbawa Barat, regency 5207).
DISTRICTS = ("Sekongkang", "Jereweh", "Maluk", "Taliwang", "Brang Ene", "Brang Rea", "Seteluk",
             "Poto Tano")
EDUCATION = ("SMA", "SMA", "SMA", "D3", "S1", "SMP")  # codes of bot.domain.registration
OCCUPATIONS = ("Wiraswasta", "Ibu rumah tangga", "Mahasiswa", "Petani", "Guru honorer")
# A 1x1 grey PNG; each fake document gets its own bytes appended (so its own file_unique_id).
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360606060000000050001a5f645400000000049454e44ae426082"
)


@dataclass(frozen=True)
class Person:
    """What an applicant gives: sex and education as their codes, the district by its name."""

    name: str = "Siti Aminah"
    nik: str = "5207014508950003"  # a woman born 05-08-1995, regency 5207
    sex: str = "F"
    birth_place: str = "Taliwang"
    birth_date: str = "05-08-1995"
    phone: str = "0812 3456 7890"
    email: str = "siti.aminah@gmail.com"
    address: str = "Jl. Sudirman No. 5, Taliwang"
    district: str = "Taliwang"
    education: str = "SMA"
    occupation: str = "Wiraswasta"
    experience: str | None = "Sensus Pertanian 2023"  # None: no experience
    motorbike: bool = True
    devices: tuple[str, ...] = ("smartphone",)  # (): none


def nik(index: int, sex: str, birth: date) -> str:
    """A NIK of regency 5207 that agrees with `sex` and `birth` (a woman's day + 40), unique
    per index: serials 0001-9999, then the next district code (520702...)."""
    rounds, serial = divmod(index, 9999)
    if rounds > 98:
        raise ValueError(f"no fake NIK for index {index}")
    day = birth.day + (40 if sex == "F" else 0)
    return f"5207{rounds + 1:02d}{day:02d}{birth:%m%y}{serial + 1:04d}"


def person(index: int, seed: int = 0) -> Person:
    """The fake person numbered `index` (from 0): the same for the same index and seed. The
    name and sex follow the index; the seed varies the rest; the NIK is the index's own."""
    rng = random.Random(f"person:{seed}:{index}")
    first, last = FIRST[index % len(FIRST)], LAST[(index // len(FIRST)) % len(LAST)]
    sex = "FM"[index % 2]
    birth = date(rng.randint(1976, 2003), rng.randint(1, 12), rng.randint(1, 28))
    district = rng.choice(DISTRICTS)
    return Person(
        name=f"{first} {last}", nik=nik(index, sex, birth), sex=sex, birth_place=district,
        birth_date=f"{birth:%d-%m-%Y}", phone=f"0812{index + 1:08d}",
        email=f"{first}.{last}{index + 1}@gmail.com".lower(),
        address=f"Jl. Contoh No. {index % 300 + 1}, {district}", district=district,
        education=rng.choice(EDUCATION), occupation=rng.choice(OCCUPATIONS),
        experience="Sensus Pertanian 2023" if rng.random() < 0.3 else None,
        motorbike=rng.random() < 0.8)


def answers(p: Person, districts: Sequence[str]) -> list[tuple[str, str, bool]]:
    """The profile as `RegistrationService.answer` takes it, in the form's order: (field, raw,
    typed); a choice is its button's value (the district: its index in `districts`)."""
    out = [("full_name", p.name, True), ("nik", p.nik, True), ("sex", p.sex, False),
           ("birth_place", p.birth_place, True), ("birth_date", p.birth_date, True),
           ("phone", p.phone, True), ("email", p.email, True), ("address", p.address, True),
           ("district", str(list(districts).index(p.district)), False),
           ("education", p.education, False), ("occupation", p.occupation, True),
           ("experience", "1" if p.experience else "0", False)]
    if p.experience:
        out.append(("experience_detail", p.experience, True))
    out.append(("motorbike", "1" if p.motorbike else "0", False))
    return out


def profile(p: Person, districts: Sequence[str], today: date) -> dict[str, object]:
    """The profile as the services store it (the bot's own parsers over `answers`), for
    writing rows directly."""
    values: dict[str, object] = {"experience_detail": None}
    for key, raw, typed in answers(p, districts):
        values[key] = (reg.parse_text(key, raw, today) if typed
                       else reg.parse_choice(reg.SPECS[key], raw, tuple(districts)))
    values["devices"] = ",".join(d for d in reg.DEVICES if d in p.devices)
    return values


def sim_uploads(sim: SimState, tag: str) -> dict[str, Upload]:
    """The three documents as pictures the simulator holds (so the bot can show them again),
    each its own picture (per `tag` and kind)."""
    from tgsim.state import photo_sizes

    out = {}
    for kind in reg.DOCUMENTS:
        largest = photo_sizes(sim, PNG + f"{kind} {tag}".encode())[-1]
        out[kind] = Upload(largest["file_id"], largest["file_unique_id"], "photo",
                           largest["file_size"])
    return out


async def fill_registration(svc: Any, applicant_id: int, p: Person,
                            uploads: Mapping[str, Upload] | None = None) -> bool:
    """A whole registration through the services (`svc`: Services), up to the review, not
    submitted: consent, the declarations, every answer, the devices and the documents
    (`uploads` by kind; by default made-up files). False if registration is not open."""
    registration = svc.registration
    if isinstance(await registration.begin(applicant_id), str):
        return False
    await registration.consent(applicant_id)
    for name in reg.DECLARATIONS:
        await registration.declare(applicant_id, name, True)
    for key, raw, typed in answers(p, registration.districts):
        await registration.answer(applicant_id, key, raw, typed=typed)
    for device in p.devices:
        await registration.toggle_device(applicant_id, device)
    await registration.toggle_device(applicant_id, "done" if p.devices else "none")
    for kind in reg.DOCUMENTS:
        upload = (uploads or {}).get(kind) or Upload(f"{kind}{p.nik}", f"u{kind}{p.nik}",
                                                     "photo", 10)
        await registration.upload(applicant_id, kind, upload)
    return True
