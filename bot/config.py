"""Deployment settings, read from the environment (and an optional `.env` file)."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
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
BOT_TOKEN = re.compile(r"^\d+:[A-Za-z0-9_-]+$")


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
    # PostgreSQL: the schema holding the tables (unset: the server's default, public).
    database_schema: Annotated[str | None, Field(pattern=r"^[a-z_][a-z0-9_]{0,62}$")] = None
    recruitment_file: Path = DEFAULT_RECRUITMENT_FILE
    # Several recruitments in one deployment (regencies, years): their files, separated
    # by commas, each naming its own bot and staff group in its `bot` section; each keeps its
    # data apart (see load_configs). Unset: RECRUITMENT_FILE alone.
    recruitment_files: str | None = None
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
        if not self.database_url:
            return str(self.database_path)
        return f"PostgreSQL (DATABASE_URL), schema {self.database_schema or 'public'}"

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


def load_configs(environ: Mapping[str, str] | None = None, **overrides: object) -> list[Config]:
    """Every recruitment this deployment serves, with every problem collected before failing.

    RECRUITMENT_FILE alone: one recruitment, its bot from BOT_TOKEN and STAFF_CHAT_ID (or, for
    what they leave unset, from the file's `bot` section). RECRUITMENT_FILES: several, each
    with its own bot and staff group from its `bot` section, and its data kept apart by its
    bot's id (the digits before the token's colon; a new token for the same bot keeps it):
    Telegram's chat, message and file ids are the bot's own, and next year's recruitment on the
    same bot finds its returning applicants. On PostgreSQL the schema bot_<id>, on SQLite the
    file DATABASE_PATH with -bot<id> added to its name; in webhook mode its bot's URL is
    WEBHOOK_URL/<id>."""
    environ = os.environ if environ is None else environ
    settings = load_settings(**overrides)
    if not settings.recruitment_files:
        config = load_config(**overrides)
        return [Config(_single_bot(config, environ), config.recruitment)]
    problems = [f"{name.upper()} names one recruitment's {what}: with RECRUITMENT_FILES each "
                "file's bot section names its own (leave it unset)"
                for name, what in (("bot_token", "bot"), ("staff_chat_id", "group"),
                                   ("database_schema", "tables"))
                if getattr(settings, name) is not None]
    configs = []
    for name in filter(None, (n.strip() for n in settings.recruitment_files.split(","))):
        path = Path(name)
        try:
            recruitment = load_recruitment(path)
        except ConfigError as exc:
            problems += exc.problems
            continue
        if recruitment.bot is None:
            problems.append(f"{path}: needs a bot section (token_env, staff_chat_id): with "
                            "RECRUITMENT_FILES each recruitment has its own bot")
        elif not environ.get(recruitment.bot.token_env):
            problems.append(f"{path}: bot.token_env is {recruitment.bot.token_env}, which is "
                            "not set in the environment")
        elif not BOT_TOKEN.match(environ[recruitment.bot.token_env]):
            problems.append(f"{path}: {recruitment.bot.token_env} does not hold a bot token "
                            "(digits, a colon, then letters and digits, as @BotFather gives it)")
        else:
            configs.append(Config(_own_bot(settings, recruitment, path, environ), recruitment))
    for what, values in (
        ("bot", [c.settings.database_schema for c in configs]),  # bot_<id>
        ("bot.staff_chat_id", [c.settings.staff_chat_id for c in configs]),
    ):
        if len(set(values)) < len(values):
            problems.append(f"RECRUITMENT_FILES: two recruitments have the same {what}; each "
                            "needs its own bot and staff group")
    if not settings.database_url and settings.database_path.exists():
        problems.append(f"{settings.database_path} holds a recruitment's data from when this "
                        "deployment served one; with RECRUITMENT_FILES each bot's data lives "
                        "in its own file: move it there first (README, Deploying)")
    if problems or not configs:
        raise ConfigError(problems or ["RECRUITMENT_FILES names no file"])
    return configs


def _single_bot(config: Config, environ: Mapping[str, str]) -> Settings:
    """One recruitment: the file's `bot` section fills what BOT_TOKEN and STAFF_CHAT_ID leave
    unset."""
    settings, bot = config.settings, config.recruitment.bot
    if bot is None:
        return settings
    updates: dict[str, object] = {}
    if settings.bot_token is None and environ.get(bot.token_env):
        updates["bot_token"] = SecretStr(environ[bot.token_env])
    if settings.staff_chat_id is None:
        updates["staff_chat_id"] = bot.staff_chat_id
    return settings.model_copy(update=updates)


def bot_id(token: str) -> str:
    """The bot's id: the digits before the token's colon (public, and kept by a new token)."""
    return token.split(":", 1)[0]


def _own_bot(settings: Settings, recruitment: Recruitment, path: Path,
             environ: Mapping[str, str]) -> Settings:
    """One of several recruitments: its bot, its staff group, its data, its webhook path."""
    assert recruitment.bot is not None
    token = environ[recruitment.bot.token_env]
    bot = bot_id(token)
    db_path = settings.database_path
    updates: dict[str, object] = {
        "bot_token": SecretStr(token),
        "staff_chat_id": recruitment.bot.staff_chat_id,
        "recruitment_file": path,
        "recruitment_files": None,
        "database_path": db_path.with_name(f"{db_path.stem}-bot{bot}{db_path.suffix}"),
        "database_schema": f"bot_{bot}",
    }
    if settings.webhook_url:
        updates["webhook_url"] = f"{settings.webhook_url.rstrip('/')}/{bot}"
    return settings.model_copy(update=updates)
