"""tgsim: a local Telegram Bot API simulator (HTTP server + in-process transport + people)."""

from .client import SimChat, SimUser
from .clock import ManualClock, RealClock
from .faults import Faults
from .limits import Limits
from .models import Call, CallbackAnswer, FileRecord, SimMessage
from .simulator import Simulator
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
    "SimUser",
    "Simulator",
]
