from pathlib import Path

import pytest
import yaml

from bot.config import Mode, Settings, load_config
from bot.configerror import ConfigError
from bot.recruitment import load_recruitment


def write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "recruitment.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def example(example_recruitment_file: Path) -> dict:
    return yaml.safe_load(example_recruitment_file.read_text(encoding="utf-8"))


def test_example_file_is_valid_and_localised(example_recruitment_file: Path) -> None:
    r = load_recruitment(example_recruitment_file)
    assert r.timezone == "Asia/Makassar"
    assert r.region.regency_code == "5207"
    assert len(r.region.districts) == 8
    assert r.test.questions == 30 and r.test.minutes == 60
    start = r.stages.registration.start
    assert start.utcoffset().total_seconds() == 8 * 3600
    assert (start.year, start.month, start.day, start.hour) == (2023, 11, 1, 0)
    assert r.stages.registration.end.hour == 23  # a date alone means the whole day


def test_session_outside_test_window_is_named(tmp_path: Path, example: dict) -> None:
    example["sessions"][0]["start"] = "2023-12-20 08:00"
    example["sessions"][0]["end"] = "2023-12-20 10:00"
    with pytest.raises(ConfigError) as err:
        load_recruitment(write(tmp_path, example))
    text = "\n".join(err.value.problems)
    assert "sessions[0] (S1)" in text and "stages.test" in text


def test_unknown_time_zone_is_named(tmp_path: Path, example: dict) -> None:
    example["timezone"] = "Asia/Atlantis"
    with pytest.raises(ConfigError) as err:
        load_recruitment(write(tmp_path, example))
    assert any(p.endswith("timezone: unknown time zone 'Asia/Atlantis' (example: Asia/Makassar)")
               for p in err.value.problems)


def test_every_problem_is_reported_at_once(tmp_path: Path, example: dict) -> None:
    example["region"]["regency_code"] = "52x7"
    example["quota"]["accepted"] = 0
    example["stages"]["test"] = {"start": "2023-11-30 10:00", "end": "2023-11-01 10:00"}
    example["tset"] = {}
    del example["name"]
    with pytest.raises(ConfigError) as err:
        load_recruitment(write(tmp_path, example))
    text = "\n".join(err.value.problems)
    for field in ("region.regency_code", "quota.accepted", "stages.test", "tset", "name"):
        assert field in text, field
    assert "tset: is not a known setting" in text
    assert "name: is required but missing" in text


def test_blueprint_must_add_up(tmp_path: Path, example: dict) -> None:
    example["test"]["blueprint"]["logika"] = 7
    with pytest.raises(ConfigError) as err:
        load_recruitment(write(tmp_path, example))
    assert "blueprint asks for 31 questions but questions is 30" in "\n".join(err.value.problems)


def test_yaml_syntax_error_and_missing_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("code: [unclosed", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_recruitment(bad)
    with pytest.raises(ConfigError, match="not found"):
        load_recruitment(tmp_path / "absent.yaml")


def test_settings_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                   example_recruitment_file: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BOT_TOKEN", "123:abc")
    monkeypatch.setenv("STAFF_CHAT_ID", "-1001234")
    monkeypatch.setenv("RECRUITMENT_FILE", str(example_recruitment_file))
    config = load_config()
    assert config.settings.bot_token is not None
    assert config.settings.bot_token.get_secret_value() == "123:abc"
    assert "123:abc" not in repr(config.settings)
    assert config.settings.staff_chat_id == -1001234
    assert config.settings.bot_mode is Mode.POLLING


def test_webhook_mode_needs_url_and_valid_secret() -> None:
    with pytest.raises(ValueError, match="WEBHOOK_URL, WEBHOOK_SECRET"):
        Settings(_env_file=None, bot_mode="webhook")
    with pytest.raises(ValueError, match="WEBHOOK_SECRET must be"):
        Settings(_env_file=None, bot_mode="webhook", webhook_url="https://x/y",
                 webhook_secret="has spaces")
    with pytest.raises(ValueError, match="WEBHOOK_SECRET must be 32-256"):  # guessable
        Settings(_env_file=None, bot_mode="webhook", webhook_url="https://x/y",
                 webhook_secret="x")
    assert Settings(_env_file=None, bot_mode="webhook", webhook_url="https://x/y",
                    webhook_secret="a" * 32).webhook_secret


def test_file_url_derived_from_base_url() -> None:
    s = Settings(_env_file=None, bot_api_base_url="http://127.0.0.1:8081/bot")
    assert s.file_url == "http://127.0.0.1:8081/file/bot"


@pytest.mark.parametrize(("zone", "name"), [("Asia/Makassar", "WITA"), ("Asia/Jakarta", "WIB"),
                                            ("Asia/Pontianak", "WIB"), ("Asia/Jayapura", "WIT"),
                                            ("Asia/Singapore", "Asia/Singapore")])
def test_the_time_zone_reads_as_people_say_it(tmp_path: Path, example: dict, zone: str,
                                              name: str) -> None:
    example["timezone"] = zone
    assert load_recruitment(write(tmp_path, example)).zone_name == name


def test_the_committees_contact_is_optional_text_and_nothing_else(tmp_path: Path,
                                                                   example: dict) -> None:
    r = load_recruitment(write(tmp_path, example))
    assert r.contact.email == "bps5207@bps.go.id" and r.contact.reachable()
    example["contact"] = {"whatsapp": "0812 0000 0000", "fax": "1"}
    with pytest.raises(ConfigError) as err:
        load_recruitment(write(tmp_path, example))
    assert any("contact.fax" in p for p in err.value.problems)
    example["contact"] = {"address": "Taliwang"}
    assert not load_recruitment(write(tmp_path, example)).contact.reachable()


def test_no_part_of_a_database_url_is_ever_shown() -> None:
    from bot.config import Settings

    for url in ("postgresql:///db?user=u&password=secret4&host=/tmp",
                "postgresql://u:sec@ret2@host/mitra", "postgresql://u:sec/ret3@host/db",
                "postgresql://mitra:pw5@db:5432/mitra"):
        shown = Settings(_env_file=None, database_url=url).database  # type: ignore[call-arg]
        assert not any(part in shown for part in ("secret4", "sec", "ret2", "ret3", "pw5",
                                                  "mitra")), shown
