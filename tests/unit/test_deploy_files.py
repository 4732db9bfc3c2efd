"""The deployment files refer only to what the project has (nothing here runs Docker)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_dockerfile_copies_only_existing_project_files() -> None:
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        if line.startswith("COPY "):
            sources = line.split()[1:-1]
            for source in sources:
                assert (ROOT / source).exists(), source
    assert "python -m bot" in (ROOT / "Dockerfile").read_text()


def test_systemd_unit_runs_the_bot_after_checking_its_config() -> None:
    unit = (ROOT / "deploy" / "mitra-bot.service").read_text()
    assert "UMask=0077" in unit and "StateDirectoryMode=0700" in unit  # personal data
    assert "ExecStartPre=/opt/mitra-bot/.venv/bin/python -m bot check-config" in unit
    assert "ExecStart=/opt/mitra-bot/.venv/bin/python -m bot\n" in unit
    assert "EnvironmentFile=" in unit and "BOT_TOKEN" not in unit.split("[Service]")[1]


def test_the_two_process_setup_shares_one_postgresql_behind_one_url() -> None:
    import yaml

    compose = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())
    bots = {name: s for name, s in compose["services"].items() if name.startswith("bot")}
    assert len(bots) == 2
    for service in bots.values():
        env = service["environment"]
        assert env["DATABASE_URL"].startswith("postgresql://") and env["BOT_MODE"] == "webhook"
        assert (ROOT / "deploy" / service["env_file"]).resolve().parent == ROOT
    nginx = (ROOT / "deploy" / "nginx-two-processes.conf").read_text()
    assert all(f"server {name}:8443" in nginx for name in bots)
    assert "./nginx-two-processes.conf:" in str(compose["services"]["nginx"]["volumes"])
    example = (ROOT / "deploy" / "bot.env.example").read_text()
    assert "BOT_TOKEN=" in example and "WEBHOOK_SECRET=" in example
