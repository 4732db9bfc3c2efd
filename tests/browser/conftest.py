"""The browser tests use the end-to-end harness (simulator, bot_runner, clock)."""

from tests.e2e.conftest import bot, bot_runner, clock, sim  # noqa: F401
