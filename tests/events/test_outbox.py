"""The durable outbox as the local event log: append, read back, replay, transactional writes."""

import asyncio
import sqlite3

import sqlalchemy as sa

from events import (
    Outbox,
    SQLiteSource,
    append_events,
    bus_from_settings,
    create_outbox_table,
)
from tests.events.samples import received, ticket_created


async def test_published_events_can_be_read_back_in_order(local_settings, tmp_path):
    events = [received(f"R-{i % 3}", i) for i in range(20)]
    async with bus_from_settings(local_settings, tmp_path) as bus:
        for event in events[:10]:
            await bus.publish(event)
        await bus.publish(*events[10:])
        records = await bus.outbox.read()
    assert [r.event for r in records] == events
    assert [r.seq for r in records] == sorted(r.seq for r in records)


async def test_the_log_survives_reopening_and_replays_from_any_point(local_settings, tmp_path):
    events = [received("R-1", 1), ticket_created("T-1"), received("R-2", 2), ticket_created("T-2")]
    async with bus_from_settings(local_settings, tmp_path) as bus:
        await bus.publish(*events)
    reopened = Outbox(local_settings.outbox_path)
    try:
        everything = [r async for r in reopened.replay()]
        tickets = [r.event async for r in reopened.replay(types={"ticket.created"})]
        tail = [r.event async for r in reopened.replay(after=everything[1].seq, batch=1)]
    finally:
        await reopened.close()
    assert [r.event for r in everything] == events
    assert tickets == [events[1], events[3]]
    assert tail == events[2:]


async def test_concurrent_publishers_all_commit(local_settings, tmp_path):
    events = [received(f"R-{i}", i) for i in range(300)]
    async with bus_from_settings(local_settings, tmp_path) as bus:
        await asyncio.gather(*(bus.publish(event) for event in events))
        assert await bus.outbox.last_seq() == 300
        stored = {r.event.id for r in await bus.outbox.read(limit=1000)}
    assert stored == {event.id for event in events}


async def test_publishing_the_same_event_twice_stores_it_once(local_settings, tmp_path):
    event = received("R-1")
    async with bus_from_settings(local_settings, tmp_path) as bus:
        await bus.publish(event)
        await bus.publish(event, received("R-2"))
        records = await bus.outbox.read()
    assert [r.event.request_id for r in records] == ["R-1", "R-2"]


async def test_a_store_writes_events_in_its_own_transaction(local_settings, tmp_path):
    """Rolled back with the state change, or committed with it and then carried into the log."""
    crm = tmp_path / "crm.db"
    connection = sqlite3.connect(crm, isolation_level=None)
    connection.execute("CREATE TABLE tickets (id TEXT PRIMARY KEY)")
    create_outbox_table(connection)

    connection.execute("BEGIN")
    connection.execute("INSERT INTO tickets VALUES ('T-1')")
    append_events(connection, [ticket_created("T-1")])
    connection.execute("ROLLBACK")
    assert connection.execute("SELECT count(*) FROM event_outbox").fetchone() == (0,)

    kept = ticket_created("T-2")
    connection.execute("BEGIN")
    connection.execute("INSERT INTO tickets VALUES ('T-2')")
    append_events(connection, [kept])
    connection.execute("COMMIT")
    connection.close()

    bus = bus_from_settings(local_settings, tmp_path)
    bus.add_source(SQLiteSource(crm))
    appended = bus.outbox.listen()
    async with bus:
        await asyncio.wait_for(appended.wait(), 10)  # the relay carried the row in
        records = await bus.outbox.read()
    assert [r.event for r in records] == [kept]
    with sqlite3.connect(crm) as check:
        assert check.execute("SELECT count(*) FROM event_outbox").fetchone() == (0,)


def test_a_sqlalchemy_transaction_can_carry_events(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'crm.db'}")
    event = ticket_created("T-3")
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE tickets (id TEXT PRIMARY KEY)")
        create_outbox_table(connection)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("INSERT INTO tickets VALUES ('T-3')")
            append_events(connection, [event])
            raise RuntimeError("the state change failed")
    except RuntimeError:
        pass
    with engine.begin() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM event_outbox").scalar() == 0
        connection.exec_driver_sql("INSERT INTO tickets VALUES ('T-3')")
        append_events(connection, [event])
    with engine.connect() as connection:
        body = connection.exec_driver_sql("SELECT body FROM event_outbox").scalar()
    engine.dispose()
    assert event.id in body


async def test_two_processes_views_of_one_file_agree(local_settings, tmp_path):
    """Another Outbox on the same file (as another process would have) sees every row."""
    async with bus_from_settings(local_settings, tmp_path) as bus:
        await bus.publish(received("R-1"))
        other = Outbox(local_settings.outbox_path)
        try:
            await other.append([received("R-2")])
            await bus.publish(received("R-3"))
            mine = [r.event.request_id for r in await bus.outbox.read()]
            theirs = [r.event.request_id for r in await other.read()]
        finally:
            await other.close()
    assert mine == theirs == ["R-1", "R-2", "R-3"]


def test_a_store_added_twice_is_drained_once(local_settings, tmp_path):
    bus = bus_from_settings(local_settings, tmp_path)
    bus.add_source(SQLiteSource(tmp_path / "crm.db"))
    bus.add_source(SQLiteSource(tmp_path / "crm.db"))
    bus.add_source(SQLiteSource(tmp_path / "other.db"))
    assert [source.path.name for source in bus.relay.sources] == ["crm.db", "other.db"]
