"""Consuming events: groups with committed positions, bounded retries, a dead-letter log.

Delivery is at least once: a position is committed only after its events were handled, so a
crash replays a few. Handlers make the effect happen once by recording the event id with the
effect (see ``events.projection.analytics``). An event whose handler keeps failing is sent
to the dead-letter log with the error after ``max_attempts`` tries, and consumption goes on.

Two implementations share this contract: ``LocalLogConsumer`` reads the outbox/local log with
a position stored per group in the same file; ``events.consumer_kafka.KafkaLogConsumer`` is
an aiokafka consumer group.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Collection
from dataclasses import dataclass
from typing import Protocol

from events.envelope import Envelope
from events.outbox import LogRecord, Outbox, wait_for_rows
from events.sqlite_worker import transaction

logger = logging.getLogger(__name__)

Handler = Callable[[Envelope], Awaitable[None]]


class EventConsumer(Protocol):
    group: str

    async def run(self, handler: Handler) -> None:
        """Handle events until ``stop``; commit positions after handling."""
        ...

    async def stop(self) -> None: ...


@contextlib.asynccontextmanager
async def consuming(consumer: EventConsumer, handler: Handler) -> AsyncIterator[EventConsumer]:
    """Run ``consumer`` in the background for the duration of the block."""
    task = asyncio.create_task(consumer.run(handler), name=f"consumer-{consumer.group}")
    try:
        yield consumer
    finally:
        await consumer.stop()
        try:
            await asyncio.wait_for(task, 10)
        except TimeoutError:
            logger.warning("consumer %s did not stop in time; cancelled", consumer.group)


def wants(event: Envelope, families: Collection[str] | None) -> bool:
    return families is None or event.family in families


async def handle_with_retries(
    handler: Handler, event: Envelope, *, max_attempts: int, backoff: float
) -> str | None:
    """Call ``handler`` up to ``max_attempts`` times; the last error's text if all failed."""
    delay = backoff
    for attempt in range(1, max_attempts + 1):
        try:
            await handler(event)
            return None
        except Exception as error:  # a handler's failure is data here: retried, then parked
            if attempt == max_attempts:
                return f"{type(error).__name__}: {error}"
            logger.warning(
                "handler failed on %s %s (try %d/%d)", event.type, event.id, attempt, max_attempts
            )
            await asyncio.sleep(delay)
            delay *= 2
    return None


@dataclass(frozen=True, slots=True)
class DeadLetter:
    group: str
    event: Envelope
    error: str
    attempts: int
    failed_at: float


CONSUMER_DDL = (
    """CREATE TABLE IF NOT EXISTS event_consumer_position (
        group_name TEXT PRIMARY KEY,
        position INTEGER NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS event_dead_letter (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        group_name TEXT NOT NULL,
        seq INTEGER NOT NULL,
        event_id TEXT NOT NULL,
        body TEXT NOT NULL,
        error TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        failed_at REAL NOT NULL
    )""",
)


def _ensure(connection: sqlite3.Connection) -> None:
    for statement in CONSUMER_DDL:
        connection.execute(statement)


def _position(connection: sqlite3.Connection, group: str) -> int:
    _ensure(connection)
    row = connection.execute(
        "SELECT position FROM event_consumer_position WHERE group_name = ?", (group,)
    ).fetchone()
    return row[0] if row else 0


def _commit(connection: sqlite3.Connection, group: str, position: int) -> None:
    connection.execute(
        "INSERT INTO event_consumer_position (group_name, position) VALUES (?, ?)"
        " ON CONFLICT(group_name) DO UPDATE SET position = excluded.position",
        (group, position),
    )


def _dead_letter(
    connection: sqlite3.Connection, group: str, record: LogRecord, error: str, attempts: int
) -> None:
    connection.execute(
        "INSERT INTO event_dead_letter"
        " (group_name, seq, event_id, body, error, attempts, failed_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            group,
            record.seq,
            record.event.id,
            record.event.model_dump_json(),
            error,
            attempts,
            time.time(),
        ),
    )


def _dead_letters(connection: sqlite3.Connection, group: str | None) -> list[DeadLetter]:
    _ensure(connection)
    rows = connection.execute(
        "SELECT group_name, body, error, attempts, failed_at FROM event_dead_letter"
        " WHERE ? IS NULL OR group_name = ? ORDER BY id",
        (group, group),
    ).fetchall()
    return [
        DeadLetter(name, Envelope.model_validate_json(body), error, attempts, failed_at)
        for name, body, error, attempts, failed_at in rows
    ]


class LocalLogConsumer:
    """A consumer group over the local log: position stored per group in the outbox file."""

    def __init__(
        self,
        outbox: Outbox,
        group: str,
        *,
        families: Collection[str] | None = None,
        max_attempts: int = 5,
        backoff: float = 0.1,
        batch: int = 500,
        poll_seconds: float = 0.5,
    ) -> None:
        self.outbox = outbox
        self.group = group
        self.families = frozenset(families) if families is not None else None
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.batch = batch
        self.poll_seconds = poll_seconds
        self._stopping = asyncio.Event()

    async def position(self) -> int:
        """The sequence number up to which this group has handled the log."""
        return await self.outbox.run(_position, self.group)

    async def dead_letters(self) -> list[DeadLetter]:
        return await self.outbox.run(_dead_letters, self.group)

    async def run(self, handler: Handler) -> None:
        self._stopping.clear()
        appended = self.outbox.listen()
        try:
            position = await self.position()
            while not self._stopping.is_set():
                appended.clear()
                records = await self.outbox.read(position, self.batch)
                if not records:
                    await wait_for_rows(appended, self._stopping, self.poll_seconds)
                    continue
                for record in records:
                    if wants(record.event, self.families):
                        await self._handle(handler, record)
                position = records[-1].seq
                await self.outbox.run(transaction, _commit, self.group, position)
        finally:
            self.outbox.unlisten(appended)

    async def _handle(self, handler: Handler, record: LogRecord) -> None:
        error = await handle_with_retries(
            handler, record.event, max_attempts=self.max_attempts, backoff=self.backoff
        )
        if error is not None:
            logger.error("dead-lettered %s %s: %s", record.event.type, record.event.id, error)
            await self.outbox.run(
                transaction, _dead_letter, self.group, record, error, self.max_attempts
            )

    async def stop(self) -> None:
        self._stopping.set()
