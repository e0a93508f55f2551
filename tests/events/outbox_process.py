"""A separate process using the bus, for the crash test (settings come from the environment).

python -m tests.events.outbox_process publish   # publish forever, print each committed id
python -m tests.events.outbox_process relay     # relay what is in the outbox, then exit
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from events import EventSettings, bus_from_settings, make_event
from events.types import RequestReceived


async def publish_forever(data_dir: Path) -> None:
    async with bus_from_settings(EventSettings(), data_dir) as bus:
        n = 0
        while True:
            event = make_event(
                RequestReceived(channel="mcp", message_chars=n // 4),
                tenant="acme",
                request_id=f"R-{n % 4}",
            )
            await bus.publish(event)
            print(event.id, flush=True)  # printed only once committed
            n += 1


async def relay_all(data_dir: Path) -> None:
    async with bus_from_settings(EventSettings(), data_dir) as bus:
        await bus.relay.wait_idle(60)
        print("relayed", flush=True)


if __name__ == "__main__":
    mode, data_dir = sys.argv[1], Path(sys.argv[2])
    asyncio.run(publish_forever(data_dir) if mode == "publish" else relay_all(data_dir))
