"""On SQLite with the event bus, a ticket's events commit in the ticket's own transaction."""

import sqlite3

from fastmcp import Client

from events import EventSettings, bus_from_settings
from servers.settings import CoreSettings
from servers.suite import BUILDERS
from tests.support.services import await_until


async def test_ticket_events_commit_with_the_ticket_and_reach_the_log(tmp_path):
    core = CoreSettings(data_dir=tmp_path, default_tenant="demo")
    settings = EventSettings(outbox_path=tmp_path / "events.db")
    bus = bus_from_settings(settings, tmp_path)
    crm = BUILDERS["crm"](core, bus)  # registers crm.db's outbox before the relay starts
    async with bus:
        async with Client(crm.server) as client:
            created = await client.call_tool("create_ticket", {
                "customer_id": "C-000002", "subject": "Outbox check", "body": "Hello",
                "category": "billing",
            })
            ticket_id = created.structured_content["ticket"]["id"]
            with sqlite3.connect(tmp_path / "crm.db") as crm_db:
                staged = crm_db.execute(
                    "SELECT type FROM event_outbox WHERE subject_key = ?", (ticket_id,)
                ).fetchall()

            async def relayed():
                return [r.event for r in await bus.outbox.read()
                        if r.event.type == "ticket.created" and r.event.ticket_id == ticket_id]

            events = await await_until(relayed, what="the ticket event in the bus's log")
    assert staged == [("ticket.created",)]
    assert len(events) == 1 and events[0].payload["customer_id"] == "C-000002"
