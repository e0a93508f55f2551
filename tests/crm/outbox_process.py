"""A CRM process for the crash test: the suite's wiring, settings from the environment.

python -m tests.crm.outbox_process DATA_DIR   # create tickets forever, print each committed id

Its event bus is never started, so its relay never runs: the process dies with every ticket
event still in the CRM's own outbox table — where publishing after the commit lost them.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from fastmcp import Client

from events import EventSettings, bus_from_settings
from servers.settings import CoreSettings
from servers.registry import BUILDERS


async def create_tickets_forever(data_dir: Path) -> None:
    core = CoreSettings(data_dir=data_dir, default_tenant="demo")
    crm = BUILDERS["crm"](core, bus_from_settings(EventSettings(), data_dir))
    async with Client(crm.server) as client:
        n = 0
        while True:
            created = await client.call_tool("create_ticket", {
                "customer_id": "C-000002", "subject": f"Crash check {n}", "body": "Hello",
                "category": "billing",
            })
            print(created.structured_content["ticket"]["id"], flush=True)  # once committed
            n += 1


if __name__ == "__main__":
    asyncio.run(create_tickets_forever(Path(sys.argv[1])))
