"""Start and stop the whole bot: database, services, Application, polling or webhook."""

from __future__ import annotations

import asyncio
import logging
import signal
import time as wall_time
from dataclasses import dataclass
from datetime import time
from typing import Any

from telegram import Update
from telegram.ext import Application
from telegram.request import BaseRequest

from bot.app import build_application, publish_commands, publish_description
from bot.clock import Clock, SystemClock
from bot.config import Config, Mode
from bot.configerror import ConfigError
from bot.context import BotContext
from bot.inbox import Inbox
from bot.outbox import OutboxSender
from bot.processes import Membership, shared_budget
from bot.processor import PerChatUpdateProcessor
from bot.ratelimit import ChatRateLimiter
from bot.services import Services
from bot.webhook import WebhookServer
from storage import claims
from storage.backup import daily_backup
from storage.engine import open_database
from storage.pg import Pool, open_pool

log = logging.getLogger(__name__)


@dataclass
class RunningBot:
    app: Application[Any, Any, Any, Any, Any, Any]
    services: Services
    outbox: OutboxSender
    membership: Membership
    webhook: WebhookServer | None = None
    inbox: Inbox | None = None
    webhook_path: str | None = None
    owns_webhook: bool = False

    async def stop(self, grace_seconds: float = 10.0) -> None:
        """Stop taking updates, finish the ones in hand (those still waiting for their turn
        after `grace_seconds` are dropped), then close the database."""
        if self.webhook is not None and self.webhook_path is not None:
            self.webhook.leave(self.webhook_path)
        if self.webhook is not None and self.owns_webhook:
            await self.webhook.stop()
        if self.app.updater is not None and self.app.updater.running:
            await self.app.updater.stop()
        processor = self.app.update_processor
        limiter = self.app.bot.rate_limiter
        in_flight = limiter.in_flight if isinstance(limiter, ChatRateLimiter) else set()
        finish = (processor.finish(grace_seconds, in_flight)
                  if isinstance(processor, PerChatUpdateProcessor) and self.app.running
                  else asyncio.sleep(0))
        inbox = self.inbox.stop(grace_seconds, in_flight) if self.inbox else asyncio.sleep(0)
        await asyncio.gather(self.outbox.stop(), finish, inbox)
        await self.membership.stop()
        if self.app.running:
            await self.app.stop()
        await self.app.shutdown()
        # A bot whose token Telegram refused never initialized, and PTB's shutdown then
        # leaves its HTTP connections open (closing them twice is harmless).
        for request in self.app.bot._request:
            await request.shutdown()
        await self.services.db.close()


async def start_bot(
    config: Config,
    *,
    clock: Clock | None = None,
    request: BaseRequest | None = None,
    updates_request: BaseRequest | None = None,
    poll_timeout: int = 10,
    tick_seconds: float = 5.0,
    webhook: WebhookServer | None = None,
    pool: Pool | None = None,
) -> RunningBot:
    """One recruitment's bot, started. In webhook mode it takes its updates through `webhook`
    (several bots of one process share one), or a server of its own; on PostgreSQL its
    database connections come from `pool` (shared likewise), or a pool of its own."""
    settings = config.settings
    url = settings.database_url.get_secret_value() if settings.database_url else None
    db = await open_database(settings.database_path, url, schema=settings.database_schema,
                             pool=pool)
    services = Services.build(config, db, clock or SystemClock())
    app = build_application(services, request=request, updates_request=updates_request)
    limiter = app.bot.rate_limiter
    if db.shared and isinstance(limiter, ChatRateLimiter):
        limiter.share_through(shared_budget(db))
    membership = Membership(db, lease=settings.claim_lease_seconds)
    sender = OutboxSender(db, app.bot, services.clock, rate_per_second=settings.outbox_rate,
                          membership=membership)
    services.on_outbox = sender.notify
    running = RunningBot(app, services, sender, membership)
    try:
        await app.initialize()
        await services.sessions.seed()
        await membership.start()
        await app.start()
        sender.start()
        assert app.job_queue is not None
        app.job_queue.run_repeating(_tick, interval=tick_seconds, first=tick_seconds,
                                    name="tick", data=tick_seconds)
        if settings.backup_keep > 0 and url is None:  # PostgreSQL: the server's own backups
            at = time(settings.backup_hour, tzinfo=config.recruitment.zone)
            app.job_queue.run_daily(_backup, at, name="daily-backup")
        if settings.bot_mode is Mode.WEBHOOK:
            assert settings.webhook_url and settings.webhook_secret
            secret = settings.webhook_secret.get_secret_value()
            running.inbox = Inbox(app, db, membership, settings.max_concurrent_updates)
            running.inbox.start()
            if webhook is None:
                webhook = WebhookServer(secret, settings.webhook_listen, settings.webhook_port)
                running.owns_webhook = True
                await webhook.start()
            running.webhook = webhook
            running.webhook_path = webhook.serve(settings.webhook_url, app, running.inbox,
                                                 healthy=db.healthy)
            await app.bot.set_webhook(
                settings.webhook_url, secret_token=secret, allowed_updates=Update.ALL_TYPES
            )
        else:
            await app.bot.delete_webhook()
            assert app.updater is not None
            await app.updater.start_polling(
                poll_interval=0, timeout=poll_timeout, allowed_updates=Update.ALL_TYPES
            )
        # People are answered from here on; what fell due while the bot was down is done
        # now, beside them (an applicant acting on an overdue test has it submitted on the
        # spot; the tick runs twice safely), and the menus are published.
        await services.tick()
        await publish_commands(app)
        await publish_description(app, config.recruitment.name)
    except BaseException:
        await running.stop()
        raise
    log.info("bot @%s is running (%s, %s)", app.bot.username, settings.bot_mode.value,
             config.recruitment.code)
    return running


async def _tick(context: BotContext) -> None:
    """Every few seconds; with several bot processes, one of them runs each tick."""
    period = float(context.job.data) if context.job and context.job.data else 5.0
    async with context.services.db.write() as conn:
        due = await claims.run_due(conn, "tick", wall_time.time(), period * 0.8)
    if due:
        await context.services.tick()


async def _backup(context: BotContext) -> None:
    settings = context.services.config.settings
    made = await asyncio.to_thread(daily_backup, settings.database_path, settings.backup_dir,
                                   context.services.clock.now(), settings.backup_keep)
    log.info("daily backup written: %s", made.name)


def stop_signal() -> asyncio.Event:
    """Set by Ctrl+C or SIGTERM (systemd, docker stop); watched from the very start, so a stop
    while the bot is still starting is a clean stop too."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop


@dataclass
class Deployment:
    """Every recruitment one process serves: a bot each, one webhook port, one database pool."""

    bots: list[RunningBot]
    webhook: WebhookServer | None
    pool: Pool | None

    async def stop(self) -> None:
        """The webhook first (nginx gives its updates to another process, where a path
        being left would have answered 404), then every bot, then the pool, whatever fails."""
        try:
            if self.webhook is not None:
                await self.webhook.stop()
            for failed in await asyncio.gather(*(running.stop() for running in self.bots),
                                               return_exceptions=True):
                if isinstance(failed, BaseException):
                    log.error("a bot did not stop cleanly: %s", type(failed).__name__)
        finally:
            if self.pool is not None:
                await self.pool.close()


async def start_deployment(configs: list[Config], **kwargs: Any) -> Deployment:
    """Start a bot for each recruitment (`kwargs` as start_bot's). One that cannot start stops
    them all: a half-started deployment would leave an office's applicants unanswered
    without a word (the service manager restarts the whole)."""
    settings = configs[0].settings  # the database and webhook settings are the deployment's
    url = settings.database_url.get_secret_value() if settings.database_url else None
    # connections: 8 for one bot, 2 more for each other, at most 40 (half of them writing)
    size = min(40, 6 + 2 * len(configs))
    deployment = Deployment([], None, await open_pool(url, size=size) if url else None)
    try:
        if deployment.pool is not None and settings.database_schema is not None:
            await _nothing_left_behind(deployment.pool)
        if settings.bot_mode is Mode.WEBHOOK:
            assert settings.webhook_secret is not None
            deployment.webhook = WebhookServer(settings.webhook_secret.get_secret_value(),
                                               settings.webhook_listen, settings.webhook_port)
            await deployment.webhook.start()
        for config in configs:
            deployment.bots.append(await start_bot(
                config, webhook=deployment.webhook, pool=deployment.pool, **kwargs))
    except BaseException:
        await deployment.stop()
        raise
    return deployment


async def _nothing_left_behind(pool: Pool) -> None:
    """Bots in schemas of their own, while the default schema still holds a recruitment's
    tables (from when this database served one): its returning applicants would be missed."""
    async with pool.connections.acquire() as conn:
        if await conn.fetchval("SELECT to_regclass('public.schema_version') IS NOT NULL AND "
                               "to_regclass('public.outbox') IS NOT NULL"):
            raise ConfigError([
                "the database's public schema holds a recruitment's data from when it served "
                "one recruitment; with RECRUITMENT_FILES each bot's data lives in "
                "bot_<its id>: move it there first (README, Deploying)"])


async def run_until_stopped(configs: list[Config]) -> None:
    stop = stop_signal()
    deployment = await start_deployment(configs)
    try:
        await stop.wait()
    finally:
        log.info("stopping")
        await deployment.stop()
