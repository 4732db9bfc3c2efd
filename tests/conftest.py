"""Shared fixtures, and a guard: no test may reach anything but this machine's loopback."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("PTB_TIMEDELTA", "1")  # as bot/__init__.py does, for tests of tgsim alone
ROOT = Path(__file__).resolve().parent.parent
LOOPBACK = {"127.0.0.1", "::1", "localhost", None}

_real_getaddrinfo = socket.getaddrinfo


def _guarded_getaddrinfo(host, *args, **kwargs):  # type: ignore[no-untyped-def]
    if host not in LOOPBACK and host != b"localhost":
        raise OSError(f"test tried to reach {host!r}: only the local simulator is allowed")
    return _real_getaddrinfo(host, *args, **kwargs)


@pytest.fixture(autouse=True)
def no_internet(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(socket, "getaddrinfo", _guarded_getaddrinfo)
    yield


@pytest.fixture
def example_recruitment_file() -> Path:
    return ROOT / "recruitment.example.yaml"
