"""Fixtures for the simulator's own tests."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import telegram

from tgsim import Limits, ManualClock, Simulator

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _is_loopback(address: Any) -> bool:
    if not isinstance(address, tuple):  # AF_UNIX paths and the like stay on this machine
        return True
    host = address[0]
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _guarded_connect(self: socket.socket, address: Any) -> Any:
    if not _is_loopback(address):
        raise OSError(f"test tried to connect to {address!r}: only 127.0.0.1 is allowed")
    return _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> Any:
    if not _is_loopback(address):
        raise OSError(f"test tried to connect to {address!r}: only 127.0.0.1 is allowed")
    return _real_connect_ex(self, address)


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Refuse any socket connection that would leave this machine."""
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", _guarded_connect_ex)
    yield


@pytest.fixture(autouse=True)
def ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    """PTB 22.x warns on every RetryAfter unless this opt-in is set (filterwarnings=error)."""
    monkeypatch.setenv("PTB_TIMEDELTA", "1")


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(1_750_000_000.0)


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    """A started simulator without rate limits (limit tests build their own)."""
    simulator = Simulator(limits=Limits(enabled=False))
    await simulator.start()
    try:
        yield simulator
    finally:
        await simulator.stop()


def make_bot(simulator: Simulator, door: str) -> telegram.Bot:
    if door == "http":
        return telegram.Bot(simulator.token, base_url=simulator.base_url,
                            base_file_url=simulator.base_file_url)
    return telegram.Bot(simulator.token, request=simulator.request(),
                        get_updates_request=simulator.request())


@pytest.fixture(params=["http", "inproc"])
async def bot(request: pytest.FixtureRequest, sim: Simulator) -> AsyncIterator[telegram.Bot]:
    """A real python-telegram-bot Bot, once over HTTP and once through SimRequest."""
    the_bot = make_bot(sim, request.param)
    async with the_bot:
        yield the_bot
