"""A store's outbox table on a real PostgreSQL, drained into the bus's log."""

import asyncio
import logging
import sqlite3

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from events import Outbox, SQLiteSource, append_events, bus_from_settings, create_outbox_table
from events.postgres_outbox import PostgresSource
from tests.events.samples import received, ticket_created
from tests.support.postgres import POSTGRES_URL, temporary_schema
from tests.support.processes import free_port
from tests.support.services import await_until


@pytest.fixture
def schema():
    with temporary_schema("outbox_test") as name:
        yield name


@pytest.fixture
async def store(schema):
    """The store's side: an engine on the schema, with the outbox table created."""
    engine = create_async_engine(
        POSTGRES_URL, connect_args={"server_settings": {"search_path": schema}}
    )
    async with engine.begin() as conn:
        await conn.run_sync(create_outbox_table)
    yield engine
    await engine.dispose()


@pytest.fixture
async def source(schema):
    source = PostgresSource(POSTGRES_URL, schema=schema)
    yield source
    await source.close()


async def commit(store, *events) -> None:
    async with store.begin() as conn:
        await conn.run_sync(lambda sync_conn: append_events(sync_conn, events))


async def waiting(store) -> list[str]:
    async with store.connect() as conn:
        rows = await conn.execute(text("SELECT event_id FROM event_outbox ORDER BY seq"))
        return list(rows.scalars())


async def logged(outbox: Outbox) -> list[str]:
    return [record.event.id for record in await outbox.read(limit=10_000)]


async def test_events_are_in_the_table_only_once_their_transaction_commits(store):
    kept, lost = ticket_created("T-1"), ticket_created("T-2")
    with pytest.raises(RuntimeError):
        async with store.begin() as conn:
            await conn.run_sync(lambda sync_conn: append_events(sync_conn, [lost]))
            raise RuntimeError("the state change failed")
    await commit(store, kept)
    await commit(store, kept)  # the same event again is ignored
    assert await waiting(store) == [kept.id]


async def test_committed_events_reach_the_log_in_order_and_leave_the_table(
    store, source, local_settings, tmp_path
):
    events = [received(f"R-{i % 3}", i) for i in range(12)]
    await commit(store, *events[:5])
    await commit(store, *events[5:])
    bus = bus_from_settings(local_settings, tmp_path)
    bus.add_source(source)

    async def all_moved() -> list[str] | None:
        ids = await logged(bus.outbox)
        return ids if len(ids) >= len(events) else None

    async with bus:
        moved = await await_until(all_moved, what="the events in the log")
    assert moved == [event.id for event in events]
    assert await waiting(store) == []


async def test_a_table_not_created_yet_drains_nothing(schema, local_settings):
    outbox = Outbox(local_settings.outbox_path)
    source = PostgresSource(POSTGRES_URL, schema=schema)
    try:
        assert await source.drain(outbox, 100) == 0
    finally:
        await source.close()
        await outbox.close()


class RefusingOutbox(Outbox):
    async def carry(self, rows) -> None:
        raise OSError("disk full")


async def test_rows_stay_in_the_table_until_the_log_has_them(store, source, tmp_path):
    event = ticket_created("T-1")
    await commit(store, event)
    refusing = RefusingOutbox(tmp_path / "refusing.db")
    with pytest.raises(OSError):
        await source.drain(refusing, 100)
    await refusing.close()
    assert await waiting(store) == [event.id]

    outbox = Outbox(tmp_path / "events.db")
    try:
        assert await source.drain(outbox, 100) == 1
        assert await logged(outbox) == [event.id]
    finally:
        await outbox.close()
    assert await waiting(store) == []


async def test_rows_another_drainer_holds_are_skipped_not_moved_twice(
    store, source, schema, tmp_path
):
    events = [received("R-1", i) for i in range(6)]
    await commit(store, *events)
    outbox = Outbox(tmp_path / "events.db")
    try:
        async with store.connect() as other, other.begin():
            # Another replica's drain in progress: it holds the three oldest rows.
            await other.execute(
                text("SELECT seq FROM event_outbox ORDER BY seq LIMIT 3 FOR UPDATE")
            )
            assert await source.drain(outbox, 100) == 3
            assert await logged(outbox) == [event.id for event in events[3:]]
        # The other drainer gave up (rolled back): the rows are free again.
        assert await source.drain(outbox, 100) == 3
        assert sorted(await logged(outbox)) == sorted(event.id for event in events)
    finally:
        await outbox.close()


async def test_two_drainers_on_one_table_move_each_event_once(store, schema, tmp_path):
    events = [received(f"R-{i % 10}", i) for i in range(300)]
    for start in range(0, len(events), 50):
        await commit(store, *events[start : start + 50])
    replicas = [
        (Outbox(tmp_path / f"replica-{n}.db"), PostgresSource(POSTGRES_URL, schema=schema))
        for n in range(2)
    ]

    async def drain_all(outbox: Outbox, source: PostgresSource) -> None:
        while await source.drain(outbox, 7):
            pass

    try:
        await asyncio.gather(*(drain_all(outbox, source) for outbox, source in replicas))
        first, second = [await logged(outbox) for outbox, _ in replicas]
    finally:
        for outbox, source in replicas:
            await source.close()
            await outbox.close()
    assert first and second, "both drainers took part"
    assert not set(first) & set(second)
    assert sorted(first + second) == sorted(event.id for event in events)
    assert await waiting(store) == []


async def test_an_unreachable_store_does_not_hold_up_the_other_sources(
    local_settings, tmp_path, caplog
):
    """Its failure is logged once; rows from the sources that answer still reach the log."""
    crm = tmp_path / "crm.db"
    with sqlite3.connect(crm) as connection:
        create_outbox_table(connection)
        append_events(connection, [ticket_created("T-1")])
    absent = PostgresSource(
        f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/test", connect_timeout=1
    )
    bus = bus_from_settings(local_settings, tmp_path)
    bus.add_source(absent)
    bus.add_source(SQLiteSource(crm))
    with caplog.at_level(logging.WARNING, logger="events.relay"):
        try:
            for _ in range(2):
                await bus.relay.relay_once()
            moved = await logged(bus.outbox)
        finally:
            await bus.stop()
    assert len(moved) == 1
    warnings = [r for r in caplog.records if "cannot drain" in r.getMessage()]
    assert len(warnings) == 1


async def test_another_live_writer_s_rows_are_left_to_it_for_a_while(store, schema, tmp_path):
    """Its own commit wakes it: they reach its log. Once they have waited, anyone takes them
    (the writer is gone)."""
    mine, theirs = ticket_created("T-1"), ticket_created("T-2")
    await commit(store, mine)
    async with store.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO event_outbox (event_id, type, tenant, subject_key, body,"
                " written_at, origin) VALUES (:id, :type, 'acme', 'T-2', :body, 0, 'elsewhere:1')"
            ),
            {"id": theirs.id, "type": theirs.type, "body": theirs.model_dump_json()},
        )
    outbox = Outbox(tmp_path / "events.db")
    patient = PostgresSource(POSTGRES_URL, schema=schema, foreign_after=60)
    eager = PostgresSource(POSTGRES_URL, schema=schema, foreign_after=0)
    try:
        assert await patient.drain(outbox, 100) == 1
        assert await logged(outbox) == [mine.id]
        assert await eager.drain(outbox, 100) == 1
        assert await logged(outbox) == [mine.id, theirs.id]
    finally:
        await patient.close()
        await eager.close()
        await outbox.close()
