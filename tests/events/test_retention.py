"""Retention: the local log, and rows already relayed to Kafka, do not grow forever."""

import asyncio
import sqlite3
import time

from events import bus_from_settings
from tests.events.samples import received

HOUR = 3600


def age(path, event_ids, hours: float, column: str = "written_at") -> None:
    """Make rows look ``hours`` old, as if written (or relayed) back then."""
    with sqlite3.connect(path) as db:
        db.executemany(
            f"UPDATE event_outbox SET {column} = ? WHERE event_id = ?",
            [(time.time() - hours * HOUR, event_id) for event_id in event_ids],
        )


def stored_ids(path) -> set[str]:
    with sqlite3.connect(path) as db:
        return {row[0] for row in db.execute("SELECT event_id FROM event_outbox")}


async def wait_until(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.05)


async def test_the_local_log_forgets_events_older_than_its_retention(local_settings, tmp_path):
    old, recent = [received("R-1", 1), received("R-2", 2)], [received("R-3", 3)]
    keep_all = local_settings.model_copy(update={"local_log_retention_hours": None})
    settings = local_settings.model_copy(update={"local_log_retention_hours": 24.0})
    async with bus_from_settings(keep_all, tmp_path) as bus:
        await bus.publish(*old, *recent)
    age(settings.outbox_path, [e.id for e in old], hours=25)

    async with bus_from_settings(settings, tmp_path):
        await wait_until(lambda: stored_ids(settings.outbox_path) == {recent[0].id})


async def test_without_a_retention_the_local_log_keeps_everything(local_settings, tmp_path):
    events = [received("R-1", 1), received("R-2", 2)]
    settings = local_settings.model_copy(update={"local_log_retention_hours": None})
    async with bus_from_settings(settings, tmp_path) as bus:
        await bus.publish(*events)
        age(settings.outbox_path, [e.id for e in events], hours=10_000)
        await asyncio.sleep(0.3)  # several relay polls, had a relay been started
    assert stored_ids(settings.outbox_path) == {e.id for e in events}


async def test_relayed_rows_are_pruned_by_when_they_were_relayed(kafka_settings, tmp_path):
    settings = kafka_settings.model_copy(update={"relayed_retention_hours": 24.0})
    relayed, waiting = received("R-1", 1), received("R-2", 2)
    async with bus_from_settings(settings, tmp_path) as bus:
        await bus.publish(relayed)
        await wait_until(lambda: _relayed(settings.outbox_path, relayed.id))
    age(settings.outbox_path, [relayed.id], hours=25, column="relayed_at")
    # Written long ago but relayed only now (the broker was away): kept, counted from the relay.
    offline = settings.model_copy(
        update={"kafka_bootstrap_servers": None, "local_log_retention_hours": None}
    )
    async with bus_from_settings(offline, tmp_path) as bus:
        await bus.outbox.append([waiting])
    age(settings.outbox_path, [waiting.id], hours=10_000)

    async with bus_from_settings(settings, tmp_path):
        await wait_until(lambda: relayed.id not in stored_ids(settings.outbox_path))
        assert waiting.id in stored_ids(settings.outbox_path)


def _relayed(path, event_id: str) -> bool:
    with sqlite3.connect(path) as db:
        row = db.execute(
            "SELECT relayed_at FROM event_outbox WHERE event_id = ?", (event_id,)
        ).fetchone()
    return bool(row and row[0])
