"""Run the simulator standalone: ``python -m tgsim --port 8081 --token 123:ABC``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from .limits import Limits
from .simulator import Simulator


async def serve(args: argparse.Namespace) -> None:
    sim = Simulator(token=args.token, limits=Limits(enabled=not args.no_limits),
                    bot_username=args.bot_username)
    sim.faults.latency = args.latency
    await sim.start(host=args.host, port=args.port)
    print(f"tgsim: Bot API at {sim.base_url}  (files: {sim.base_file_url}, admin: {sim.url}/sim)",
          flush=True)
    print(f"tgsim: playground page at {sim.url}/", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await sim.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tgsim", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default="123456:TEST-token")
    parser.add_argument("--bot-username", default="mitra_test_bot")
    parser.add_argument("--no-limits", action="store_true")
    parser.add_argument("--latency", type=float, default=0.0)
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args))


if __name__ == "__main__":
    main()
