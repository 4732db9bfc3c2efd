"""Deployment settings, read from the environment (and an optional `.env` file)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.configerror import ConfigError
from bot.recruitment import Recruitment, load_recruitment

# The seed letter's schedule, next to the code (a deployment sets RECRUITMENT_FILE).
DEFAULT_RECRUITMENT_FILE = Path(__file__).resolve().parent.parent / "recruitment.example.yaml"


class Mode(StrEnum):
    POLLING = "polling"
    WEBHOOK = "webhook"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", frozen=True
    )

    bot_token: SecretStr | None = None
    staff_chat_id: int | None = None
    database_path: Path = Path("data/mitra.sqlite3")
    # PostgreSQL instead of the SQLite file: postgresql://user:password@host/name (a secret:
    # it may hold a password). Several bot processes may share it.
    database_url: SecretStr | None = None
    # Several processes on one PostgreSQL: how long a process's hold on a chat lasts unless
    # renewed; after a process dies, its chats wait this long for another to take them.
    claim_lease_seconds: Annotated[float, Field(ge=2, le=600)] = 30.0
    recruitment_file: Path = DEFAULT_RECRUITMENT_FILE
    bot_mode: Mode = Mode.POLLING
    webhook_url: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: Annotated[int, Field(gt=0, lt=65536)] = 8443
    webhook_secret: Annotated[SecretStr | None, Field()] = None
    bot_api_base_url: str | None = None
    bot_api_file_url: str | None = None
    max_concurrent_updates: Annotated[int, Field(ge=1, le=256)] = 32
    # Messages per second the outbox sends (decisions, reminders, broadcasts): just under
    # Telegram's 30/s for bulk messages.
    outbox_rate: Annotated[float, Field(gt=0, le=1000)] = 28.0
    log_level: str = "INFO"
    # The key of every scored form's seed. Unset: made at first use and kept in the database
    # (the usual case). Set it only to share one key between databases; never log it.
    draw_secret: SecretStr | None = None
    # A daily online backup of the database at backup_hour (local time), the newest kept.
    backup_dir: Path = Path("data/backups")
    backup_keep: Annotated[int, Field(ge=0, le=365)] = 7
    backup_hour: Annotated[int, Field(ge=0, le=23)] = 2

    @model_validator(mode="after")
    def _webhook_complete(self) -> Settings:
        if self.bot_mode is Mode.WEBHOOK:
            missing = [
                name
                for name, value in (
                    ("WEBHOOK_URL", self.webhook_url),
                    ("WEBHOOK_SECRET", self.webhook_secret),
                )
                if not value
            ]
            if missing:
                raise ValueError(f"BOT_MODE=webhook also needs {', '.join(missing)}")
            secret = self.webhook_secret.get_secret_value() if self.webhook_secret else ""
            if not (32 <= len(secret) <= 256) or not all(
                c.isascii() and (c.isalnum() or c in "_-") for c in secret
            ):
                raise ValueError("WEBHOOK_SECRET must be 32-256 characters of A-Z a-z 0-9 _ - "
                                 "(make one with: python -c 'import secrets; "
                                 "print(secrets.token_urlsafe(32))')")
        return self

    @model_validator(mode="after")
    def _database_url_scheme(self) -> Settings:
        url = self.database_url.get_secret_value() if self.database_url else ""
        if url and not url.startswith(("postgresql://", "postgres://")):
            raise ValueError("DATABASE_URL must start with postgresql:// (leave it unset for "
                             "the SQLite file at DATABASE_PATH)")
        return self

    @property
    def database(self) -> str:
        """Where the data is, for people: never any part of DATABASE_URL (a password may hide
        in it in more ways than one, some of them not quite valid)."""
        return "PostgreSQL (DATABASE_URL)" if self.database_url else str(self.database_path)

    @property
    def file_url(self) -> str | None:
        if self.bot_api_file_url:
            return self.bot_api_file_url
        if self.bot_api_base_url:
            return self.bot_api_base_url.rstrip("/").removesuffix("/bot") + "/file/bot"
        return None


@dataclass(frozen=True)
class Config:
    settings: Settings
    recruitment: Recruitment


def load_settings(**overrides: object) -> Settings:
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            message = err["msg"].removeprefix("Value error, ")
            names = [str(part).upper() for part in err["loc"][:1]]
            problems.append(f"{names[0]}: {message}" if names else message)
        raise ConfigError(problems) from None


def load_config(**overrides: object) -> Config:
    """Settings plus the recruitment file, with every problem collected before failing."""
    problems: list[str] = []
    settings: Settings | None = None
    recruitment: Recruitment | None = None
    try:
        settings = load_settings(**overrides)
    except ConfigError as exc:
        problems += exc.problems
    path = (
        settings.recruitment_file
        if settings
        else Path(os.environ.get("RECRUITMENT_FILE", DEFAULT_RECRUITMENT_FILE))
    )
    try:
        recruitment = load_recruitment(path)
    except ConfigError as exc:
        problems += exc.problems
    if problems or settings is None or recruitment is None:
        raise ConfigError(problems)
    return Config(settings, recruitment)
