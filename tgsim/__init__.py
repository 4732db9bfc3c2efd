"""tgsim: a local Telegram Bot API simulator (HTTP server + in-process transport + people).

Layers, bottom up; a module imports only its own layer or lower ones (even in a function or
under TYPE_CHECKING), which tests/unit/test_import_layers.py checks:

1. core     models (messages, users, chats, files as plain records), clock, limits, faults,
            state (``SimState``: the Telegram state machine), render (state as Bot API JSON)
2. Bot API  textparse, registry, methods_msg/methods_media/methods_misc/updates (handlers that
            register in ``registry.METHODS``), dispatch (latency, faults, token, limits, routing)
3. doors    transport (in-process ``SimRequest``), server (HTTP Bot API, ``SIM_KEY``), webui
            (the page), admin (``/sim`` JSON API), client (``SimUser``/``SimChat``: acting),
            balancer (one webhook URL in front of several bot processes, as nginx)
4. top      simulator (``Simulator`` = ``SimState`` with every door attached), this package
"""

from .client import SimChat, SimUser
from .clock import ManualClock, RealClock
from .faults import Faults
from .limits import Limits
from .models import Call, CallbackAnswer, FileRecord, SimMessage
from .simulator import Simulator
from .state import SimState
from .transport import SimRequest

__all__ = [
    "Call",
    "CallbackAnswer",
    "Faults",
    "FileRecord",
    "Limits",
    "ManualClock",
    "RealClock",
    "SimChat",
    "SimMessage",
    "SimRequest",
    "SimState",
    "SimUser",
    "Simulator",
]
