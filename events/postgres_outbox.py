"""A store's outbox table in PostgreSQL, and the source that drains it into the bus's log.

The store writes rows with ``append_events`` inside its own transaction, so a change and its
events commit together. ``PostgresSource.drain`` then moves committed rows into the local
log: it deletes a batch with ``FOR UPDATE SKIP LOCKED`` (replicas draining the same table
each take rows no one else holds), appends them to the log, and only then commits the
delete. A crash between the two commits leaves the rows to be moved again; the log ignores
an event id it already has and consumers dedupe by id, so that costs a duplicate at most.

Each row records the process that wrote it. A drainer takes its own process's rows at once
and other processes' rows only once they have waited ``foreign_after`` seconds: a live writer
is woken by its own commit and moves its rows within milliseconds, so they land in its own
log (its request timelines, its order per ticket), while the rows of a writer that died are
still carried by whoever polls next.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Sequence

from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from events.outbox import Outbox
from events.rows import STORED_COLUMNS, StoredRow

TABLE = "event_outbox"
# Rows only wait here until a relay moves them: no relayed_at, no retention, no log reads.
DDL = f"""CREATE TABLE IF NOT EXISTS {TABLE} (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    tenant TEXT NOT NULL,
    subject_key TEXT,
    body TEXT NOT NULL,
    written_at DOUBLE PRECISION NOT NULL,
    origin TEXT NOT NULL,
    queued_at TIMESTAMPTZ NOT NULL DEFAULT now()
)"""
_INSERT = (
    f"INSERT INTO {TABLE} ({', '.join(STORED_COLUMNS)}, origin)"
    f" VALUES ({', '.join(':' + c for c in STORED_COLUMNS)}, :origin)"
    " ON CONFLICT (event_id) DO NOTHING"
)
_UNDEFINED_TABLE = "42P01"
FOREIGN_AFTER_SECONDS = 5.0


def process_origin() -> str:
    """host:pid of this process: what its rows are marked with, and how its drainer knows
    them. Read on every call, so a forked child is a process of its own."""
    return f"{socket.gethostname()}:{os.getpid()}"


class PostgresOutboxTable:
    """The outbox table in the connection's schema (its search_path), on a SQLAlchemy sync
    Connection, inside the caller's transaction."""

    def create_table(self, connection: Connection) -> None:
        """Idempotent. Concurrent ``CREATE TABLE IF NOT EXISTS`` can still collide in
        PostgreSQL: callers that may start together run this under a lock (the CRM holds its
        setup lock)."""
        connection.execute(text(DDL))

    def append_rows(self, connection: Connection, rows: Sequence[StoredRow]) -> None:
        origin = process_origin()
        params = [{**dict(zip(STORED_COLUMNS, row, strict=True)), "origin": origin}
                  for row in rows]
        connection.execute(text(_INSERT), params)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _missing_table(error: DBAPIError) -> bool:
    """The store has not created its table yet (not migrated, or never used the outbox)."""
    return getattr(error.orig, "sqlstate", None) == _UNDEFINED_TABLE


class PostgresSource:
    """The outbox table of a PostgreSQL database (in ``schema``), as a relay source.

    It keeps a one-connection pool of its own, opened on the first drain and closed by the
    relay, so it works whether or not the store that writes the table is open in this process
    (a new process carries what a crashed one committed as soon as its relay starts).
    """

    def __init__(
        self,
        url: str | URL,
        *,
        schema: str | None = None,
        foreign_after: float = FOREIGN_AFTER_SECONDS,
        connect_timeout: float = 5.0,
    ) -> None:
        self.url = url
        self.schema = schema
        self.foreign_after = foreign_after
        self._connect_timeout = connect_timeout
        self._engine: AsyncEngine | None = None
        table = f"{_quoted(schema)}.{TABLE}" if schema else TABLE
        # The database's clock decides what has waited long enough: hosts' clocks may differ.
        self._take = text(
            f"DELETE FROM {table} WHERE seq IN (SELECT seq FROM {table}"
            " WHERE origin = :origin OR queued_at < now() - make_interval(secs => :foreign)"
            " ORDER BY seq LIMIT :limit FOR UPDATE SKIP LOCKED)"
            f" RETURNING seq, {', '.join(STORED_COLUMNS)}"
        )

    def describe(self) -> str:
        where = make_url(self.url).render_as_string(hide_password=True)
        return f"{where} ({self.schema or 'search_path'}.{TABLE})"

    def _engine_or_new(self) -> AsyncEngine:
        if self._engine is None:
            self._engine = create_async_engine(
                self.url,
                pool_size=1,
                max_overflow=0,
                pool_pre_ping=True,
                hide_parameters=True,
                # A database that does not answer must not hold up the relay's other work.
                connect_args={"timeout": self._connect_timeout},
            )
        return self._engine

    async def drain(self, outbox: Outbox, limit: int) -> int:
        """Move up to ``limit`` committed rows into ``outbox``, oldest first; how many moved."""
        foreign = float(self.foreign_after)
        params = {"origin": process_origin(), "foreign": foreign, "limit": limit}
        try:
            async with self._engine_or_new().connect() as conn, conn.begin():
                taken = (await conn.execute(self._take, params)).all()
                if not taken:
                    return 0
                # RETURNING has no order; the log gets the rows in the order they were written.
                taken.sort(key=lambda row: row[0])
                await outbox.carry([tuple(row[1:]) for row in taken])
                # Leaving the block commits the delete: only now that the log has the rows.
        except DBAPIError as error:
            if _missing_table(error):
                return 0
            raise
        return len(taken)

    async def close(self) -> None:
        if self._engine is not None:
            engine, self._engine = self._engine, None
            await engine.dispose()
