"""The table of implemented Bot API methods."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import Params
    from .state import SimState

Handler = Callable[["SimState", "Params"], Awaitable[Any]]


@dataclass(frozen=True)
class Spec:
    name: str
    handler: Handler
    kind: str | None  # "send" (rate limited, may be forced 429), "edit" (rate limited), None


METHODS: dict[str, Spec] = {}


def api(name: str, kind: str | None = None) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        METHODS[name.lower()] = Spec(name, handler, kind)
        return handler

    return register
