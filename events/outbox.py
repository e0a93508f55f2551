"""The durable outbox: an append-only SQLite table that is also the local event log.

Publishing is one INSERT (concurrent publishers share one commit). Rows keep a sequence
number, so the log can be read back and replayed from any point; the relay marks the rows it
has handed to Kafka. Stores write their own outbox rows with ``events.outbox_table``; the
bus's relay carries them into this log.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import AsyncIterator, Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from events.envelope import Envelope
from events.rows import StoredRow, outbox_rows
from events.sqlite_outbox_table import INSERT, SQLiteOutboxTable
from events.sqlite_worker import SQLiteWorker, Synchronous, transaction

T = TypeVar("T")

async def wait_for_rows(appended: asyncio.Event, stopping: asyncio.Event, timeout: float) -> None:
    """Until rows are appended in this process, ``stopping`` is set, or ``timeout`` passes
    (the poll that finds rows other processes wrote)."""
    waits = [asyncio.ensure_future(appended.wait()), asyncio.ensure_future(stopping.wait())]
    try:
        await asyncio.wait(waits, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waits:
            waiter.cancel()


@dataclass(frozen=True, slots=True)
class LogRecord:
    """One event in the local log, at its sequence number."""

    seq: int
    event: Envelope


@dataclass(frozen=True, slots=True)
class OutboxRow:
    """A row as the relay ships it: the stored JSON as is, no parsing on the hot path."""

    seq: int
    event_id: str
    type: str
    tenant: str
    subject_key: str | None
    body: str

    @property
    def family(self) -> str:
        return self.type.split(".", 1)[0]


def _records(rows: Iterable[tuple[int, str]]) -> list[LogRecord]:
    return [LogRecord(seq, Envelope.model_validate_json(body)) for seq, body in rows]


def _insert(connection: sqlite3.Connection, rows: list[tuple]) -> None:
    connection.executemany(INSERT, rows)


def _insert_relayed(connection: sqlite3.Connection, rows: list[tuple]) -> None:
    connection.executemany(INSERT, rows)
    connection.executemany(
        "UPDATE event_outbox SET relayed_at = ? WHERE event_id = ? AND relayed_at IS NULL",
        [(time.time(), row[0]) for row in rows],
    )


def _read(connection: sqlite3.Connection, after: int, limit: int) -> list[tuple[int, str]]:
    return connection.execute(
        "SELECT seq, body FROM event_outbox WHERE seq > ? ORDER BY seq LIMIT ?", (after, limit)
    ).fetchall()


def _unrelayed(connection: sqlite3.Connection, limit: int) -> list[OutboxRow]:
    rows = connection.execute(
        "SELECT seq, event_id, type, tenant, subject_key, body FROM event_outbox"
        " WHERE relayed_at IS NULL ORDER BY seq LIMIT ?",
        (limit,),
    ).fetchall()
    return [OutboxRow(*row) for row in rows]


def _mark_relayed(
    connection: sqlite3.Connection, seqs: Sequence[int], errors: dict[int, str]
) -> None:
    now = time.time()
    connection.executemany(
        "UPDATE event_outbox SET relayed_at = ?, relay_error = ? WHERE seq = ?",
        [(now, errors.get(seq), seq) for seq in seqs],
    )


class Outbox:
    """The outbox / local log in one SQLite file (WAL), driven from asyncio."""

    def __init__(self, path: Path, *, synchronous: Synchronous = "NORMAL") -> None:
        self.path = path
        self._worker = SQLiteWorker(
            path, setup=SQLiteOutboxTable().create_table, synchronous=synchronous, name="outbox"
        )
        self._pending: list[tuple[list[tuple], asyncio.Future[None]]] = []
        self._flusher: asyncio.Task[None] | None = None
        self._listeners: set[asyncio.Event] = set()

    async def run(self, fn: Callable[..., T], *args: object) -> T:
        """Run ``fn(connection, *args)`` on the outbox connection (for the relay's lease,
        consumer offsets and dead letters, which live in the same file)."""
        return await self._worker.run(fn, *args)

    async def append(self, events: Sequence[Envelope]) -> None:
        """Durably append ``events``; returns once they are committed.

        Appends that arrive while a commit is running share the next one, so many concurrent
        publishers cost one transaction rather than one each.
        """
        if events:
            await self.carry(outbox_rows(events))

    async def carry(self, rows: Sequence[StoredRow], *, relayed: bool = False) -> None:
        """Durably append rows as a store kept them (an event source moving them into the
        log); a row whose event id is already in the log is skipped. ``relayed``: the source
        has delivered them to the broker itself; they are here for this process's readers."""
        if not rows:
            return
        if relayed:
            await self._worker.run(transaction, _insert_relayed, list(rows))
            self.notify()
            return
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append((list(rows), done))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush(), name="outbox-flush")
        await done

    async def _flush(self) -> None:
        while self._pending:
            batch, self._pending = self._pending, []
            rows = [row for rows, _ in batch for row in rows]
            try:
                await self._worker.run(transaction, _insert, rows)
            except Exception as error:  # every waiter hears of it; the next batch still runs
                for _, done in batch:
                    if not done.done():
                        done.set_exception(error)
                continue
            for _, done in batch:
                if not done.done():
                    done.set_result(None)
            self.notify()

    def listen(self) -> asyncio.Event:
        """An event set whenever rows are appended in this process (clear it after waking)."""
        listener = asyncio.Event()
        self._listeners.add(listener)
        return listener

    def unlisten(self, listener: asyncio.Event) -> None:
        self._listeners.discard(listener)

    def notify(self) -> None:
        for listener in self._listeners:
            listener.set()

    async def read(self, after: int = 0, limit: int = 1000) -> list[LogRecord]:
        """Records with a sequence number above ``after``, oldest first."""
        return _records(await self._worker.run(_read, after, limit))

    async def replay(
        self, after: int = 0, *, types: Collection[str] | None = None, batch: int = 1000
    ) -> AsyncIterator[LogRecord]:
        """Every record above ``after`` (optionally of ``types``), oldest first."""
        while records := await self.read(after, batch):
            for record in records:
                if types is None or record.event.type in types:
                    yield record
            after = records[-1].seq

    async def unrelayed(self, limit: int) -> list[OutboxRow]:
        """The oldest rows not yet relayed, in sequence order."""
        return await self._worker.run(_unrelayed, limit)

    async def mark_relayed(self, seqs: Sequence[int], errors: dict[int, str] | None = None) -> None:
        if seqs:
            await self._worker.run(transaction, _mark_relayed, seqs, errors or {})

    async def count_unrelayed(self) -> int:
        return await self._worker.run(
            lambda c: c.execute(
                "SELECT count(*) FROM event_outbox WHERE relayed_at IS NULL"
            ).fetchone()[0]
        )

    async def last_seq(self) -> int:
        return await self._worker.run(
            lambda c: c.execute("SELECT coalesce(max(seq), 0) FROM event_outbox").fetchone()[0]
        )

    async def prune_relayed(self, older_than: float) -> int:
        """Delete rows relayed before the epoch time ``older_than``; returns how many."""
        return await self._worker.run(
            transaction,
            lambda c: (
                c.execute(
                    "DELETE FROM event_outbox WHERE relayed_at IS NOT NULL AND relayed_at < ?",
                    (older_than,),
                ).rowcount
            ),
        )

    async def prune_written(self, older_than: float) -> int:
        """Delete rows written before the epoch time ``older_than``, relayed or not (the log's
        retention when there is no broker); returns how many."""
        return await self._worker.run(
            transaction,
            lambda c: (
                c.execute("DELETE FROM event_outbox WHERE written_at < ?", (older_than,)).rowcount
            ),
        )

    async def close(self) -> None:
        if self._flusher is not None:
            await asyncio.shield(self._flusher)
        await self._worker.close()
