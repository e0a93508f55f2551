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

With a broker, a source can deliver instead (``drain(..., sink=...)``): it locks a batch,
sends it to Kafka, and deletes only what the broker took, in the same transaction — the rows
never wait on a pod's disk. A crash after the send resends the batch at most; consumers
dedupe by event id. ``PostgresOutbox`` is the bus's own such table: every event a process
publishes is committed there when ``SUPPORTDESK_EVENTS_DATABASE_URL`` is set.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Sequence

from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio.engine import AsyncEngine, create_async_engine

from events.envelope import Envelope
from events.errors import BrokerUnavailable
from events.outbox import Outbox, OutboxRow
from events.rows import STORED_COLUMNS, StoredRow, outbox_rows

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
        self._lock = text(
            f"SELECT seq, {', '.join(STORED_COLUMNS)} FROM {table}"
            " WHERE origin = :origin OR queued_at < now() - make_interval(secs => :foreign)"
            " ORDER BY seq LIMIT :limit FOR UPDATE SKIP LOCKED"
        )
        self._delete = text(f"DELETE FROM {table} WHERE seq = ANY(:seqs)")

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

    async def drain(self, outbox: Outbox, limit: int, sink=None) -> int:
        """Move up to ``limit`` committed rows into ``outbox``, oldest first; how many moved.
        With a ``sink`` (the relay's broker) deliver them there first: see the module."""
        foreign = float(self.foreign_after)
        params = {"origin": process_origin(), "foreign": foreign, "limit": limit}
        try:
            async with self._engine_or_new().connect() as conn, conn.begin():
                if sink is not None:
                    return await self._deliver(conn, params, outbox, sink)
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

    async def _deliver(self, conn, params: dict, outbox: Outbox, sink) -> int:
        """Send a locked batch to ``sink``; delete what it took (delivered, or rejected for
        good); copy the delivered rows into the local log as already relayed (this process's
        live updates and metrics read it). Raises BrokerUnavailable when nothing got through,
        which rolls the batch back for the next round."""
        locked = (await conn.execute(self._lock, params)).all()
        if not locked:
            return 0
        report = await sink.send([OutboxRow(row[0], *row[1:6]) for row in locked])
        done = [*report.delivered, *report.rejected]
        if not done:
            raise BrokerUnavailable(report.failure or "the broker took none of the batch")
        await conn.execute(self._delete, {"seqs": done})
        delivered = set(report.delivered)
        await outbox.carry([tuple(row[1:]) for row in locked if row[0] in delivered],
                           relayed=True)
        return len(done)

    async def close(self) -> None:
        if self._engine is not None:
            engine, self._engine = self._engine, None
            await engine.dispose()


class PostgresOutbox:
    """The bus's outbox table in PostgreSQL (``schema``, created with its table on the first
    publish): ``append`` commits events there; ``source`` is what the relay drains."""

    SETUP_LOCK = 7_201_511  # advisory lock: replicas starting together create the table once

    def __init__(self, url: str, *, schema: str, pool_size: int = 5) -> None:
        self.url, self.schema, self.pool_size = url, schema, pool_size
        self._engine: AsyncEngine | None = None

    def describe(self) -> str:
        where = make_url(self.url).render_as_string(hide_password=True)
        return f"{where} ({self.schema}.{TABLE})"

    async def _ready_engine(self) -> AsyncEngine:
        if self._engine is None:
            engine = create_async_engine(
                self.url, pool_size=self.pool_size, pool_pre_ping=True, hide_parameters=True,
                connect_args={"server_settings": {"search_path": self.schema}},
            )
            async with engine.begin() as conn:
                await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                                   {"key": self.SETUP_LOCK})
                await conn.execute(text(f"CREATE SCHEMA IF NOT EXISTS {_quoted(self.schema)}"))
                await conn.run_sync(PostgresOutboxTable().create_table)
            self._engine = engine
        return self._engine

    async def append(self, events: Sequence[Envelope]) -> None:
        """Commit ``events`` to the table; an event id already there is ignored."""
        if not events:
            return
        rows = outbox_rows(events)
        async with (await self._ready_engine()).begin() as conn:
            await conn.run_sync(lambda sync: PostgresOutboxTable().append_rows(sync, rows))

    def source(self) -> PostgresSource:
        return PostgresSource(self.url, schema=self.schema)

    async def close(self) -> None:
        if self._engine is not None:
            engine, self._engine = self._engine, None
            await engine.dispose()
