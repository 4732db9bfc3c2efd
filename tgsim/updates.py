"""getUpdates long polling and webhook delivery."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from typing import TYPE_CHECKING, Any

import aiohttp

from .models import ApiError, Params, bad
from .registry import api

if TYPE_CHECKING:
    from .state import SimState

log = logging.getLogger("tgsim")
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
WEBHOOK_ACTIVE = ("Conflict: can't use getUpdates method while webhook is active; "
                  "use deleteWebhook to delete the webhook first")
TERMINATED = ("Conflict: terminated by other getUpdates request; "
              "make sure that only one bot instance is running")


class _Poll:
    terminated = False


def confirm(sim: SimState, offset: int | None) -> None:
    if offset is None or offset == 0:
        return
    if offset < 0:
        keep = -offset
        del sim.updates[: max(0, len(sim.updates) - keep)]
    else:
        sim.updates[:] = [u for u in sim.updates if u["update_id"] >= offset]


@api("getUpdates")
async def get_updates(sim: SimState, p: Params) -> Any:
    if sim.webhook.url:
        raise ApiError(409, WEBHOOK_ACTIVE)
    limit = min(100, max(1, p.int("limit", 100) or 100))
    timeout = max(0.0, p.float("timeout") or 0.0)
    allowed = p.obj("allowed_updates")
    if isinstance(allowed, list):
        sim.allowed_updates = [str(a) for a in allowed] or None
    confirm(sim, p.int("offset"))
    previous = sim.poller
    if isinstance(previous, _Poll):
        previous.terminated = True
        sim.touch()
    me = _Poll()
    sim.poller = me
    sim.touch()
    try:
        if timeout > 0 and not sim.updates:
            with contextlib.suppress(TimeoutError):
                await sim.wait_until(lambda: me.terminated or bool(sim.updates), timeout)
        if me.terminated:
            raise ApiError(409, TERMINATED)
    finally:
        if sim.poller is me:
            sim.poller = None
    return [dict(u) for u in sim.updates[:limit]]


@api("setWebhook")
async def set_webhook(sim: SimState, p: Params) -> Any:
    url = p.str("url") or ""
    if url and not url.startswith(("http://", "https://")):
        raise bad("bad webhook: An HTTPS URL must be provided for webhook")
    secret = p.str("secret_token")
    if secret is not None and secret != "" and not _SECRET.match(secret):
        raise bad("secret token contains unallowed characters")
    max_connections = p.int("max_connections", 40) or 40
    if not 1 <= max_connections <= 100:
        raise bad("bad webhook: max_connections must be between 1 and 100")
    if p.bool("drop_pending_updates"):
        sim.updates.clear()
    allowed = p.obj("allowed_updates")
    if isinstance(allowed, list):
        sim.webhook.allowed_updates = [str(a) for a in allowed] or None
    sim.webhook.url = url
    sim.webhook.secret = secret or None
    sim.webhook.max_connections = max_connections
    sim.webhook.last_error_date = None
    sim.webhook.last_error_message = None
    if url:
        start_webhook(sim)
    else:
        await stop_webhook(sim)
    sim.touch()
    return True


@api("deleteWebhook")
async def delete_webhook(sim: SimState, p: Params) -> Any:
    sim.webhook.url = ""
    sim.webhook.secret = None
    if p.bool("drop_pending_updates"):
        sim.updates.clear()
    await stop_webhook(sim)
    sim.touch()
    return True


@api("getWebhookInfo")
async def get_webhook_info(sim: SimState, p: Params) -> Any:
    hook = sim.webhook
    out: dict[str, Any] = {
        "url": hook.url,
        "has_custom_certificate": False,
        "pending_update_count": len(sim.updates),
    }
    if hook.url:
        out["max_connections"] = hook.max_connections
        if hook.allowed_updates:
            out["allowed_updates"] = hook.allowed_updates
    if hook.last_error_date is not None:
        out["last_error_date"] = hook.last_error_date
        out["last_error_message"] = hook.last_error_message
    return out


def start_webhook(sim: SimState) -> None:
    task = sim.webhook.task
    if task is None or task.done():
        sim.webhook.task = asyncio.get_running_loop().create_task(_deliver(sim))


async def stop_webhook(sim: SimState) -> None:
    task = sim.webhook.task
    sim.webhook.task = None
    if task is not None and not task.done() and task is not asyncio.current_task():
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _deliver(sim: SimState) -> None:
    """POST queued updates to the webhook, in order, retrying with a short backoff."""
    backoff = 0.05
    async with aiohttp.ClientSession() as session:
        while sim.webhook.url:
            if not sim.updates:
                await sim.wait_change(1.0)
                continue
            update = sim.updates[0]
            headers = {}
            if sim.webhook.secret:
                headers["X-Telegram-Bot-Api-Secret-Token"] = sim.webhook.secret
            error = None
            try:
                async with session.post(sim.webhook.url, json=update, headers=headers,
                                        timeout=aiohttp.ClientTimeout(total=10)) as resp:
                    await resp.read()
                    if not 200 <= resp.status < 300:
                        error = f"Wrong response from the webhook: {resp.status} {resp.reason}"
            except (aiohttp.ClientError, TimeoutError, OSError) as exc:
                error = f"Connection failed: {exc.__class__.__name__}"
            if error is None:
                if sim.updates and sim.updates[0] is update:
                    sim.updates.pop(0)
                    sim.touch()
                backoff = 0.05
                continue
            sim.webhook.last_error_date = sim.now()
            sim.webhook.last_error_message = error
            log.debug("tgsim webhook delivery failed: %s", error)
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, 1.0)
