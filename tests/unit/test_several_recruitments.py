"""One deployment, several recruitments (RECRUITMENT_FILES): each its own bot, staff group and
data; every problem named at once."""

from pathlib import Path

import pytest
import yaml

from bot.config import load_configs
from bot.configerror import ConfigError


@pytest.fixture
def office(tmp_path: Path, example_recruitment_file: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)  # no .env of the checkout
    for name in ("BOT_TOKEN", "STAFF_CHAT_ID", "RECRUITMENT_FILE", "RECRUITMENT_FILES"):
        monkeypatch.delenv(name, raising=False)
    example = yaml.safe_load(example_recruitment_file.read_text(encoding="utf-8"))

    def write(name: str, code: str, bot: dict | None, regency: str = "5207") -> str:
        data = {**example, "code": code, "region": {**example["region"], "regency_code": regency}}
        if bot is not None:
            data["bot"] = bot
        path = tmp_path / f"{name}.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        return str(path)

    return write


def test_each_recruitment_has_its_own_bot_group_and_data(office) -> None:  # type: ignore[no-untyped-def]
    files = ",".join([
        office("ksb", "mitra-ksb-2024", {"token_env": "BOT_KSB", "staff_chat_id": -1001}),
        office("dompu", "mitra-dompu-2024", {"token_env": "BOT_DOMPU", "staff_chat_id": -1002},
               "5205"),
    ])
    environ = {"BOT_KSB": "111:aaa", "BOT_DOMPU": "222:bbb"}
    ksb, dompu = load_configs(
        environ, _env_file=None, recruitment_files=files, database_path="data/mitra.sqlite3",
        bot_mode="webhook", webhook_url="https://bot.example.org/tg/",
        webhook_secret="x" * 32)
    assert [c.recruitment.code for c in (ksb, dompu)] == ["mitra-ksb-2024", "mitra-dompu-2024"]
    assert ksb.settings.bot_token and ksb.settings.bot_token.get_secret_value() == "111:aaa"
    assert dompu.settings.bot_token and dompu.settings.bot_token.get_secret_value() == "222:bbb"
    assert (ksb.settings.staff_chat_id, dompu.settings.staff_chat_id) == (-1001, -1002)
    # a bot's data and address go by its id, so next year's file on the same bot finds them
    assert ksb.settings.database_schema == "bot_111"
    assert dompu.settings.database_schema == "bot_222"
    assert ksb.settings.database_path == Path("data/mitra-bot111.sqlite3")
    assert dompu.settings.webhook_url == "https://bot.example.org/tg/222"


def test_every_problem_is_named_at_once(office) -> None:  # type: ignore[no-untyped-def]
    files = ",".join([
        office("a", "mitra-a-2024", None, "5201"),
        office("b", "mitra-b-2024", {"token_env": "BOT_B", "staff_chat_id": -1005}, "5202"),
        office("c", "mitra-c-2024", {"token_env": "BOT_C", "staff_chat_id": -1005}, "5202"),
        office("d", "mitra-d-2024", {"token_env": "BOT_UNSET", "staff_chat_id": -1006}),
        office("e", "mitra-e-2024", {"token_env": "BOT_E", "staff_chat_id": -1007}),
        "missing.yaml",
    ])
    with pytest.raises(ConfigError) as err:
        load_configs({"BOT_B": "1:b", "BOT_C": "2:c", "BOT_E": "xyz"}, _env_file=None,
                     recruitment_files=files)
    problems = "\n".join(err.value.problems)
    assert "a.yaml: needs a bot section" in problems
    assert "BOT_UNSET, which is not set" in problems
    assert "the same bot.staff_chat_id" in problems
    assert "does not hold a bot token" in problems
    assert "recruitment file not found: missing.yaml" in problems
    assert "1:b" not in problems and "2:c" not in problems and "xyz" not in problems


def test_one_recruitment_may_name_its_bot_in_the_file_or_the_environment(office) -> None:  # type: ignore[no-untyped-def]
    path = office("ksb", "mitra-ksb-2024", {"token_env": "BOT_KSB", "staff_chat_id": -1001})
    (config,) = load_configs({"BOT_KSB": "111:aaa"}, _env_file=None, recruitment_file=path)
    assert config.settings.bot_token and config.settings.bot_token.get_secret_value() == "111:aaa"
    assert config.settings.staff_chat_id == -1001
    assert config.settings.database_schema is None  # one recruitment: the tables where they were
    (config,) = load_configs({"BOT_KSB": "111:aaa"}, _env_file=None, recruitment_file=path,
                             bot_token="999:zzz", staff_chat_id=-1009)
    assert config.settings.bot_token and config.settings.bot_token.get_secret_value() == "999:zzz"
    assert config.settings.staff_chat_id == -1009


def test_a_slip_in_the_list_or_a_setting_for_one_bot_is_named(office, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ksb = office("ksb", "mitra-ksb-2024", {"token_env": "BOT_KSB", "staff_chat_id": -1001})
    environ = {"BOT_KSB": "111:aaa"}
    # empty entries (a trailing comma) are nothing
    (config,) = load_configs(environ, _env_file=None, recruitment_files=f" {ksb}, ,")
    assert config.settings.staff_chat_id == -1001
    with pytest.raises(ConfigError) as err:
        load_configs(environ, _env_file=None, recruitment_files=f"{ksb},{tmp_path}",
                     bot_token="999:zzz", database_schema="mine")
    problems = "\n".join(err.value.problems)
    assert f"recruitment file {tmp_path} cannot be read" in problems  # a folder
    assert "BOT_TOKEN names one recruitment's bot" in problems
    assert "DATABASE_SCHEMA names one recruitment's tables" in problems
    assert "999:zzz" not in problems
    with pytest.raises(ConfigError) as err:
        load_configs(environ, _env_file=None, recruitment_files=" , ")
    assert err.value.problems == ["RECRUITMENT_FILES names no file"]


def test_a_one_recruitment_sqlite_file_is_not_left_behind_unseen(office, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ksb = office("ksb", "mitra-ksb-2024", {"token_env": "BOT_KSB", "staff_chat_id": -1001})
    (tmp_path / "mitra.sqlite3").write_bytes(b"")
    with pytest.raises(ConfigError) as err:
        load_configs({"BOT_KSB": "1:a"}, _env_file=None, recruitment_files=ksb,
                     database_path=tmp_path / "mitra.sqlite3")
    assert "move it there first" in err.value.problems[0]
