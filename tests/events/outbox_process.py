"""A separate process using the bus, for the crash test (settings come from the environment).

python -m tests.events.outbox_process publish   # publish forever, print each committed id
python -m tests.events.outbox_process relay     # relay what is in the outbox, then exit
python -m tests.events.outbox_process relay-shared  # ... and the PostgreSQL outbox is empty
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


async def relay_shared(data_dir: Path) -> None:
    """Another replica: its relay drains the PostgreSQL outbox, the rows of a dead one too."""
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    settings = EventSettings()
    engine = create_async_engine(settings.shared_outbox_url())
    query = text(f'SELECT count(*) FROM "{settings.database_schema}".event_outbox')
    try:
        async with bus_from_settings(settings, data_dir):
            while True:
                async with engine.connect() as conn:
                    if (await conn.execute(query)).scalar() == 0:
                        break
                await asyncio.sleep(0.2)
    finally:
        await engine.dispose()
    print("relayed", flush=True)


if __name__ == "__main__":
    mode, data_dir = sys.argv[1], Path(sys.argv[2])
    job = {"publish": publish_forever, "relay": relay_all, "relay-shared": relay_shared}[mode]
    asyncio.run(job(data_dir))
