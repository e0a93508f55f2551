"""Event sources: outbox tables that stores keep in their own databases.

A store writes its events with ``append_events`` in the same transaction as its change; the
bus's relay reaches that table through a source, which moves committed rows into the local log
(``Outbox.carry``) and then removes them from the store. Every source copies before it
removes, so a crash in between moves rows again rather than losing them: the log skips an
event id it already holds, and consumers dedupe by id.

    bus.add_source(SQLiteSource(data_dir / "crm.db"))
    bus.add_source(PostgresSource(url, schema="crm"))   # events.postgres_outbox
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Protocol

from events.outbox import Outbox
from events.rows import STORED_COLUMNS
from events.sqlite_worker import SQLiteWorker, transaction


class EventSource(Protocol):
    """A store's outbox table, as the relay sees it."""

    def describe(self) -> str: ...

    async def drain(self, outbox: Outbox, limit: int, sink=None) -> int:
        """Move up to ``limit`` committed rows into ``outbox``, oldest first; how many moved.
        A table not created yet counts as empty. ``sink``: the relay's broker, for a source
        that delivers to it directly (PostgreSQL); others carry into ``outbox`` regardless."""
        ...

    async def close(self) -> None: ...


def _oldest(connection: sqlite3.Connection, limit: int) -> list[tuple]:
    has_table = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'event_outbox'"
    ).fetchone()
    if not has_table:
        return []
    return connection.execute(
        f"SELECT seq, {', '.join(STORED_COLUMNS)} FROM event_outbox ORDER BY seq LIMIT ?",
        (limit,),
    ).fetchall()


def _delete_through(connection: sqlite3.Connection, last: int) -> None:
    connection.execute("DELETE FROM event_outbox WHERE seq <= ?", (last,))


class SQLiteSource:
    """The outbox table in a store's SQLite file.

    Only the holder of the log's relay lease drains, so one reader at a time takes the oldest
    rows and deletes through the last one it moved.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._worker: SQLiteWorker | None = None

    def describe(self) -> str:
        return f"{self.path} (event_outbox)"

    async def drain(self, outbox: Outbox, limit: int, sink=None) -> int:
        if not self.path.exists():  # opening it would create the store's file
            return 0
        if self._worker is None:
            self._worker = SQLiteWorker(self.path, setup=lambda _: None, name="event-source")
        rows = await self._worker.run(_oldest, limit)
        if not rows:
            return 0
        await outbox.carry([row[1:] for row in rows])
        await self._worker.run(transaction, _delete_through, rows[-1][0])
        return len(rows)

    async def close(self) -> None:
        if self._worker is not None:
            worker, self._worker = self._worker, None
            await worker.close()
