"""`python -m bot` runs the bot; `python -m bot check-config` only validates the settings."""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot import logredact
from bot.configerror import ConfigError

if TYPE_CHECKING:
    from bot.config import Settings

NO_TOKEN = """\
No Telegram bot token is set, so the bot cannot start.

  1. In Telegram, open @BotFather, send /newbot and follow the steps.
     It answers with a token that looks like 123456789:AAH...
  2. Give it to the bot, either in the environment:
         export BOT_TOKEN=123456789:AAH...
     or as a line BOT_TOKEN=123456789:AAH... in a file named .env in this folder.
  3. Also set STAFF_CHAT_ID to the id of the committee's private group.
  4. Run again: python -m bot

To try it without Telegram, start the offline playground instead:
    python -m bot playground
and open the address it prints in a browser (see README.md).
"""


BANK_NOTE = {
    False: "Question bank: the scored test uses only a bank imported by the committee (send "
           "the file to the staff group with the caption /impor, then activate it). The bundled "
           "bank is public, keys included, so it is refused for scoring; until a bank is "
           "imported, /mulai tells applicants the test is not ready and alerts the staff group.",
    True: "WARNING: test.allow_bundled_bank is true: the scored test may draw from the bundled "
          "bank, which is public (anyone can read its keys in the source). Only for a demo or "
          "a rehearsal; a real recruitment imports its own bank with /impor.",
}


NO_CONTACT = ("WARNING: contact has no whatsapp, phone or email: messages that send applicants "
              "to the committee (/help, questions the bot cannot answer, a NIK already taken) "
              "can only name the office. Add them to the recruitment file's contact section.")


# Libraries that log what people sent and the bot token: PTB logs every Bot API call's
# parameters (message texts, NIKs, phones, names) and every update at DEBUG; httpx and httpcore
# log request URLs, which contain the token. Whatever LOG_LEVEL says, they stay at WARNING, so
# DEBUG only makes this project's own (personal-data-free) logging more detailed.
QUIET_LIBRARIES = ("telegram", "httpx", "httpcore", "apscheduler", "aiosqlite", "tornado")


def setup_logging(level: str, handler: logging.Handler | None = None) -> None:
    """The root logger at `level` (to stderr, or to `handler`), libraries quiet, every line
    through the redaction filter."""
    logging.basicConfig(
        level=level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        handlers=[handler] if handler else None,
    )
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLogger().level))
    logredact.install()


def backup_now(settings: Settings, args: list[str]) -> int:
    """`python -m bot backup [FILE]`: an online copy, safe while the bot runs."""
    from datetime import datetime

    from storage.backup import backup, check

    if settings.database_url is not None:
        print("The database is PostgreSQL: back it up with pg_dump (or your server's own "
              "backups); this command copies the SQLite file only.", file=sys.stderr)
        return 2
    if not settings.database_path.exists():
        print(f"No database at {settings.database_path}", file=sys.stderr)
        return 2
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    default = settings.backup_dir / f"{settings.database_path.stem}-{stamp}.sqlite3"
    made = backup(settings.database_path, Path(args[0]) if args else default)
    print(f"Backup written to {made} (integrity: {check(made)})")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] == "playground":
        from bot.playground import main as playground

        return playground(args[1:])
    if args and args[0] not in ("run", "check-config", "backup"):
        print("usage: python -m bot [run | check-config | playground | backup [FILE]]",
              file=sys.stderr)
        return 2
    from bot.config import load_configs

    try:
        configs = load_configs()
    except ConfigError as exc:
        print("The configuration has problems:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 2
    if args and args[0] == "backup":
        if len(configs) > 1 and args[1:]:
            print("Several recruitments: each is backed up to its own file in BACKUP_DIR "
                  "(leave FILE out).", file=sys.stderr)
            return 2
        return max(backup_now(config.settings, args[1:]) for config in configs)
    if configs[0].settings.bot_token is None:
        print(NO_TOKEN, file=sys.stderr)
        return 2
    if args and args[0] == "check-config":
        for config in configs:
            r, settings = config.recruitment, config.settings
            print(f"OK: {r.name} ({r.code}), {len(r.sessions)} sessions, mode "
                  f"{settings.bot_mode.value}, database {settings.database}")
            print(BANK_NOTE[r.test.allow_bundled_bank])
            if not r.contact.reachable():
                print(NO_CONTACT)
        return 0
    setup_logging(configs[0].settings.log_level)
    # Imported here so that the checks above answer in well under a second.
    from bot.runner import run_until_stopped

    try:
        asyncio.run(run_until_stopped(configs))
    except ConfigError as exc:  # found on starting (the database's own state)
        print("The configuration has problems:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
