"""With the event bus, a ticket's events commit in the ticket's own transaction, in the CRM's
own database (SQLite or PostgreSQL), and the bus's relay carries them into its log."""

import sqlite3
from datetime import UTC, datetime

import pytest
from fastmcp import Client
from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import create_async_engine

from events import bus_from_settings
from servers.crm.store.tables import customers
from servers.settings import CoreSettings
from servers.registry import BUILDERS
from tests.events.samples import ticket_created
from tests.support.broker import fast_event_settings
from tests.support.postgres import POSTGRES_URL, temporary_schema
from tests.support.services import await_until


class CrmStore:
    """Where the suite's CRM keeps its data in this test, and what its outbox table holds."""

    def __init__(self, data_dir, schema: str | None) -> None:
        self.data_dir = data_dir
        self.schema = schema

    async def staged(self, ticket_id: str) -> list[str]:
        """Types of the events waiting in the CRM's outbox table for ``ticket_id``."""
        if self.schema is None:
            with sqlite3.connect(self.data_dir / "crm.db") as db:
                rows = db.execute(
                    "SELECT type FROM event_outbox WHERE subject_key = ? ORDER BY seq",
                    (ticket_id,),
                )
                return [row[0] for row in rows]
        engine = create_async_engine(POSTGRES_URL)
        try:
            async with engine.connect() as conn:
                return list(await conn.scalars(
                    text(f'SELECT type FROM "{self.schema}".event_outbox'
                         " WHERE subject_key = :ticket ORDER BY seq"),
                    {"ticket": ticket_id},
                ))
        finally:
            await engine.dispose()


@pytest.fixture
def crm_store(backend, tmp_path, monkeypatch):
    """The CRM the suite builds from settings: crm.db in the data dir, or a fresh schema."""
    if backend == "sqlite":
        yield CrmStore(tmp_path, None)
        return
    with temporary_schema("crm_outbox") as schema:
        monkeypatch.setenv("SUPPORTDESK_CRM_DATABASE_URL", POSTGRES_URL)
        monkeypatch.setenv("SUPPORTDESK_CRM_DATABASE_SCHEMA", schema)
        yield CrmStore(tmp_path, schema)


async def create_ticket(client) -> str:
    created = await client.call_tool("create_ticket", {
        "customer_id": "C-000002", "subject": "Outbox check", "body": "Hello",
        "category": "billing",
    })
    return created.structured_content["ticket"]["id"]


async def ticket_events_in_log(bus, ticket_id: str):
    return [r.event for r in await bus.outbox.read(limit=10_000)
            if r.event.type.startswith("ticket.") and r.event.ticket_id == ticket_id]


async def test_ticket_events_wait_in_the_crm_database_until_the_relay_carries_them(
    crm_store, tmp_path
):
    core = CoreSettings(data_dir=tmp_path, default_tenant="demo")
    bus = bus_from_settings(fast_event_settings(outbox_path=tmp_path / "events.db"), tmp_path)
    crm = BUILDERS["crm"](core, bus)  # registers the CRM's outbox before the relay starts
    # The relay is not running yet: nothing can move the event, and nothing publishes it.
    async with Client(crm.server) as client:
        ticket_id = await create_ticket(client)
        staged = await crm_store.staged(ticket_id)
        before = await ticket_events_in_log(bus, ticket_id)
        async with bus:
            events = await await_until(
                lambda: ticket_events_in_log(bus, ticket_id), what="the ticket event in the log"
            )
        left = await crm_store.staged(ticket_id)
    assert staged == ["ticket.created"]
    assert before == []
    assert len(events) == 1 and events[0].payload["customer_id"] == "C-000002"
    assert left == []


async def test_a_ticket_commit_wakes_the_relay_without_waiting_for_its_poll(crm_store, tmp_path):
    core = CoreSettings(data_dir=tmp_path, default_tenant="demo")
    settings = fast_event_settings(outbox_path=tmp_path / "events.db", relay_poll_seconds=600)
    bus = bus_from_settings(settings, tmp_path)
    crm = BUILDERS["crm"](core, bus)
    async with bus, Client(crm.server) as client:
        ticket_id = await create_ticket(client)
        await client.call_tool("update_ticket", {
            "ticket_id": ticket_id, "expected_version": 1, "priority": "urgent",
        })

        async def both_carried():
            events = await ticket_events_in_log(bus, ticket_id)
            return events if len(events) == 2 else None

        events = await await_until(both_carried, timeout=10, what="both ticket events")
    assert [event.type for event in events] == ["ticket.created", "ticket.updated"]


async def test_staged_events_roll_back_with_the_change_and_wake_only_on_commit(empty_database):
    database = empty_database
    database.transactional_outbox = True
    wakes: list[str] = []
    database.events_committed = lambda: wakes.append("woken")
    kept, lost = ticket_created("T-1"), ticket_created("T-2")
    customer = {
        "tenant": "acme", "name": "Quinn", "email": "quinn@example.com", "tier": "pro",
        "vip": False, "locale": "en", "created_at": datetime(2026, 1, 1, tzinfo=UTC),
    }
    await database.open()
    try:
        with pytest.raises(RuntimeError):
            async with database.write() as conn:
                await conn.execute(insert(customers).values(customer))
                assert await database.stage_events(conn, [lost]) == []
                raise RuntimeError("the change failed after its events were staged")
        assert wakes == []
        async with database.write() as conn:
            await conn.execute(insert(customers).values(customer))
            await database.stage_events(conn, [kept])
        async with database.write() as conn:  # a write without events wakes nobody
            await conn.execute(text("SELECT 1"))
        async with database.read() as conn:
            staged = list(await conn.scalars(text("SELECT event_id FROM event_outbox")))
            stored = await conn.scalar(text("SELECT count(*) FROM customers"))
    finally:
        await database.close()
    assert staged == [kept.id]
    assert stored == 1
    assert wakes == ["woken"]
