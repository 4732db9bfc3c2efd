"""Two recruitments in one deployment (RECRUITMENT_FILES): two offices, each with its own bot
and staff group, served by one process on one database; neither office's staff can see the
other's applicants, not even the same person's."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import yaml
from openpyxl import load_workbook
from telegram.error import InvalidToken

from bot import runner
from bot.clock import ManualClock
from bot.config import Config, load_configs
from bot.configerror import ConfigError
from bot.runner import Deployment, RunningBot, start_deployment
from storage.engine import open_database
from tests.e2e.conftest import ROOT, running_simulator
from tests.e2e.journeys import Person, register, reply_with, submit
from tests.e2e.test_foundation import SECRET, free_port
from tests.e2e.test_staff_commands import ask, ask_message
from tests.e2e.test_staff_review import card_for
from tgsim import Limits, SimChat, Simulator, SimUser

pytestmark = pytest.mark.both_engines

BUDI = Person(name="Budi Santoso", nik="5205011508950004", sex="M", birth_date="15-08-1995",
              birth_place="Dompu", district="Woja", education="S1", phone="0813 1111 2222",
              email="budi.santoso@gmail.com", address="Jl. Soekarno Hatta No. 2, Dompu")
DOMPU = {"province_code": "52", "regency_code": "5205", "regency_name": "Kabupaten Dompu",
         "districts": ["Dompu", "Woja", "Pajo", "Huu", "Kilo", "Kempo", "Manggelewa", "Pekat"]}


def recruitment_file(tmp_path: Path, code: str, name: str, token_env: str, group: SimChat,
                     region: dict | None = None) -> str:
    data = yaml.safe_load((ROOT / "recruitment.example.yaml").read_text(encoding="utf-8"))
    data.update(code=code, name=name, region=region or data["region"],
                bot={"token_env": token_env, "staff_chat_id": group.chat_id},
                review={"group_cards": True})
    data["test"]["allow_bundled_bank"] = True
    path = tmp_path / f"{code}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return str(path)


@pytest.fixture
async def sim_b() -> AsyncIterator[Simulator]:
    """The second office's bot (its own token) on a Telegram of its own: the same people, by
    the same ids, talk to both bots."""
    async for simulator in running_simulator(Limits(enabled=False), token="222222:DOMPU-token"):
        yield simulator


async def deploy(sim: Simulator, sim_b: Simulator, tmp_path: Path, clock: ManualClock,
                 request: pytest.FixtureRequest, groups: tuple[SimChat, SimChat],
                 token_b: str | None = None, **settings: object) -> Deployment:
    """KSB's bot on `sim`, Dompu's on `sim_b`, in one process on one database (the test's
    engine), configured as an operator would: RECRUITMENT_FILES and a token variable each."""
    files = ",".join([
        recruitment_file(tmp_path, "mitra-ksb-2024", "Rekrutmen KSB", "BOT_KSB", groups[0]),
        recruitment_file(tmp_path, "mitra-dompu-2024", "Rekrutmen Dompu", "BOT_DOMPU",
                         groups[1], DOMPU),
    ])
    engine = request.getfixturevalue("engine")
    url = request.getfixturevalue("pg_dsn") if engine == "postgresql" else None
    ksb, dompu = load_configs(
        {"BOT_KSB": sim.token, "BOT_DOMPU": token_b or sim_b.token}, _env_file=None,
        recruitment_files=files, database_path=tmp_path / "mitra.sqlite3", database_url=url,
        bot_api_base_url=sim.base_url, **settings)
    dompu = Config(dompu.settings.model_copy(update={"bot_api_base_url": sim_b.base_url}),
                   dompu.recruitment)
    return await start_deployment([ksb, dompu], clock=clock, poll_timeout=1)


async def office(sim: Simulator) -> tuple[SimChat, SimUser, SimUser]:
    """An office's staff group: an administrator and a member."""
    admin, member = sim.user("Admin"), sim.user("Member")
    return sim.group("Panitia", members=[admin, member], admins=[admin]), admin, member


async def test_staff_of_one_recruitment_see_nothing_of_the_other(
    sim: Simulator, sim_b: Simulator, tmp_path: Path, clock: ManualClock,
    request: pytest.FixtureRequest,
) -> None:
    sim_b.group("Another chat")  # so that the two staff groups have different ids
    group_a, admin_a, member_a = await office(sim)
    group_b, admin_b, member_b = await office(sim_b)
    siti, budi = sim.user("Siti", username="siti_ksb"), sim_b.user("Budi", username="budi")
    assert siti.id == budi.id  # one Telegram account, in both offices' eyes
    deployment = await deploy(sim, sim_b, tmp_path, clock, request, (group_a, group_b))
    try:
        await register(siti)
        await submit(siti)
        await card_for(admin_a, group_a)
        await register(budi, person=BUDI)  # the same account: no profile carried over from KSB
        await submit(budi)
        await card_for(admin_b, group_b)

        for term in ("Siti", "5207014508950003", "@siti_ksb"):
            assert await ask(member_b, group_b, f"/cari {term}") == "Tidak ditemukan.", term
        assert "Siti" not in await ask(member_b, group_b, "/data 1")
        stats = await ask(member_b, group_b, "/statistik")
        assert "• menunggu pemeriksaan: 1" in stats and "• Woja: 1" in stats
        assert await rows_exported(sim_b, admin_b, group_b) == [("Budi Santoso", BUDI.nik)]
        assert await rows_exported(sim, admin_a, group_a) == [("Siti Aminah", Person().nik)]
        assert await ask(member_a, group_a, "/cari Budi") == "Tidak ditemukan."

        for running, name in zip(deployment.bots, ("Siti Aminah", "Budi Santoso"), strict=True):
            rows = await running.services.db.fetchall("SELECT full_name FROM profiles")
            assert [r[0] for r in rows] == [name]
    finally:
        await deployment.stop()


async def rows_exported(sim: Simulator, admin: SimUser, group: SimChat) -> list[tuple]:
    document = await ask_message(admin, group, "/ekspor")
    assert document.file is not None
    book = load_workbook(io.BytesIO(sim.file_bytes(document.file["file_id"])))
    header, *data = list(book.active.iter_rows(values_only=True))
    return [(row[header.index("Nama")], row[header.index("NIK")]) for row in data]


async def test_one_webhook_port_serves_each_bot_at_its_own_path(
    sim: Simulator, sim_b: Simulator, tmp_path: Path, clock: ManualClock,
    request: pytest.FixtureRequest,
) -> None:
    sim_b.group("Another chat")
    groups = (sim.group("Panitia KSB"), sim_b.group("Panitia Dompu"))
    siti, budi = sim.user("Siti"), sim_b.user("Budi")
    port = free_port()
    base = f"http://127.0.0.1:{port}/telegram"
    deployment = await deploy(sim, sim_b, tmp_path, clock, request, groups, bot_mode="webhook",
                              webhook_url=base, webhook_secret=SECRET, webhook_port=port)
    try:
        assert sim.webhook.url == f"{base}/123456"  # by bot: next year's file keeps its path
        assert sim_b.webhook.url == f"{base}/222222"
        await siti.send("/start")
        await budi.send("/start")
        assert "Rekrutmen KSB" in (await reply_with(siti, "Selamat datang")).text
        assert "Rekrutmen Dompu" in (await reply_with(budi, "Selamat datang")).text
        async with aiohttp.ClientSession() as http:
            signed = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
            async with http.post(f"{base}/333333", json={"update_id": 1},
                                 headers=signed) as resp:
                assert resp.status == 404  # no bot there
            async with http.get(f"http://127.0.0.1:{port}/healthz") as resp:
                assert resp.status == 200 and (await resp.json())["ok"] is True
    finally:
        await deployment.stop()


async def test_one_bot_that_cannot_start_stops_the_whole_start(
    sim: Simulator, sim_b: Simulator, tmp_path: Path, clock: ManualClock,
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch,
) -> None:
    sim_b.group("Another chat")
    groups = (sim.group("Panitia KSB"), sim_b.group("Panitia Dompu"))
    monkeypatch.setattr(sim_b, "token", "222222:REVOKED")  # Dompu's token is refused
    started: list[RunningBot] = []
    real_start = runner.start_bot

    async def start_bot(*args: Any, **kwargs: Any) -> RunningBot:
        started.append(await real_start(*args, **kwargs))
        return started[-1]

    monkeypatch.setattr(runner, "start_bot", start_bot)
    with pytest.raises(InvalidToken):
        await deploy(sim, sim_b, tmp_path, clock, request, groups, token_b="222222:DOMPU-token")
    assert len(started) == 1 and not started[0].app.running  # KSB's, started and stopped


async def test_data_of_a_one_recruitment_deployment_is_not_left_behind_unseen(
    sim: Simulator, sim_b: Simulator, tmp_path: Path, clock: ManualClock,
    request: pytest.FixtureRequest,
) -> None:
    engine = request.getfixturevalue("engine")
    url = request.getfixturevalue("pg_dsn") if engine == "postgresql" else None
    earlier = await open_database(tmp_path / "mitra.sqlite3", url)  # one recruitment's tables
    await earlier.close()
    sim_b.group("Another chat")
    groups = (sim.group("Panitia KSB"), sim_b.group("Panitia Dompu"))
    with pytest.raises(ConfigError) as refused:
        await deploy(sim, sim_b, tmp_path, clock, request, groups)
    assert "move it there first" in refused.value.problems[0]
