"""Reading a file made by others in a cage: a separate process with a memory ceiling and a
time limit. Whatever the file does to its reader (a forged sheet size, a zip bomb, a parser
stuck in a loop), the bot's own process keeps its memory and keeps answering."""

from __future__ import annotations

import asyncio
import multiprocessing
import resource
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

MEMORY_BYTES = 1024 * 1024 * 1024  # the reader's address space: 1 GiB
SECONDS = 60.0

T = TypeVar("T")


class Caged(Exception):
    """The reader ran out of memory or time (`reason`: "memory" or "time")."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))


async def run(function: Callable[..., T], *args: object, seconds: float = SECONDS) -> T:
    """`function(*args)` in a fresh process (spawned: nothing of the bot's state is copied);
    raises Caged when it takes too much memory or time."""
    pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_limit_memory)
    loop = asyncio.get_running_loop()
    try:
        return await asyncio.wait_for(loop.run_in_executor(pool, function, *args), seconds)
    except TimeoutError:
        raise Caged("time") from None
    except (MemoryError, BrokenProcessPool):
        raise Caged("memory") from None
    finally:
        for process in list(getattr(pool, "_processes", {}).values()):
            process.kill()  # a reader past its time is stopped, not waited for
        pool.shutdown(wait=False, cancel_futures=True)
