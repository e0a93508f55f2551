"""The CRM database: one async engine, migrated on open, with read and write transactions.

SQLite (the default) and PostgreSQL behave alike here: a write transaction sees the latest
committed rows and holds its locks until commit. On SQLite that takes ``BEGIN IMMEDIATE``
(the write lock is taken up front, so two writers queue instead of failing mid-transaction);
on PostgreSQL row locks and ``WHERE version = ...`` guards do the same job.

With the event bus, events are written into an outbox table in this same database, in the
transaction of the change they describe (``stage_events``); ``event_source`` is how the bus's
relay finds that table, and ``events_committed`` wakes it once such a transaction commits.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio.engine import AsyncConnection, AsyncEngine, create_async_engine

from core.sqlite_one_trip import one_trip_options
from core.sqlite_wal import sqlite_file, switch_file_to_wal

from events.outbox_table import append_events, create_outbox_table
from events.sources import EventSource, SQLiteSource

from servers.crm.settings import CrmSettings
from servers.crm.store import audit

MIGRATIONS = Path(__file__).with_name("migrations")
VERSION_TABLE = "crm_alembic_version"
# The newest revision in migrations/versions (tests/crm/test_migrations.py holds them equal).
HEAD_REVISION = "0004"
# Any fixed 64-bit number: replicas starting together take turns migrating and seeding.
SETUP_LOCK_KEY = 0x5D_C4_11
_WRITE = "crm_write"
_STAGED = "crm_staged_events"


ASYNC_DRIVERS = {"postgresql": "asyncpg", "sqlite": "aiosqlite"}


def with_async_driver(url: URL) -> URL:
    """'postgresql://...' means asyncpg and 'sqlite:///...' aiosqlite: the drivers installed."""
    backend = "postgresql" if url.drivername == "postgres" else url.get_backend_name()
    if backend in ASYNC_DRIVERS and url.drivername in (backend, "postgres"):
        return url.set(drivername=f"{backend}+{ASYNC_DRIVERS[backend]}")
    return url


class CrmDatabase:
    def __init__(
        self,
        url: str,
        *,
        schema: str | None = None,
        pool_size: int = 5,
        max_overflow: int = 10,
        pool_timeout: float = 10.0,
        sqlite_busy_timeout_ms: int = 10_000,
    ) -> None:
        self.url = with_async_driver(make_url(url))
        self.schema = schema
        self._pool = {
            "pool_size": pool_size,
            "max_overflow": max_overflow,
            "pool_timeout": pool_timeout,
        }
        self._busy_timeout_ms = sqlite_busy_timeout_ms
        self._engine: AsyncEngine | None = None
        self._ready = False  # set once migrated: readiness must not run ahead of migrations
        self.transactional_outbox = False
        """When set, events are written in the same transaction as the change."""
        self.events_committed: Callable[[], None] | None = None
        """Called after a transaction that staged events has committed (the relay's wake)."""
        self._sqlite_writer = asyncio.Lock()
        """SQLite has one writer: this process's writers queue here, in order, instead of
        in SQLite's busy handler, whose growing sleeps left some writes waiting seconds."""

    @property
    def sqlite_path(self) -> Path | None:
        return sqlite_file(self.url.database) if self.dialect == "sqlite" else None

    def event_source(self) -> EventSource | None:
        """The outbox table this database keeps with ``transactional_outbox``, as the bus's
        relay reads it; None where no other connection could (an in-memory SQLite)."""
        if self.dialect == "postgresql":
            from events.postgres_outbox import PostgresSource

            return PostgresSource(self.url, schema=self.schema)
        if self.sqlite_path is not None:
            return SQLiteSource(self.sqlite_path)
        return None

    @classmethod
    def from_settings(cls, settings: CrmSettings, data_dir: Path) -> CrmDatabase:
        return cls(
            settings.url_for(data_dir),
            schema=settings.database_schema,
            pool_size=settings.pool_size,
            max_overflow=settings.max_overflow,
            pool_timeout=settings.pool_timeout,
            sqlite_busy_timeout_ms=settings.sqlite_busy_timeout_ms,
        )

    @property
    def dialect(self) -> str:
        return self.url.get_backend_name()

    def describe(self) -> str:
        """The URL with any password hidden: safe for the start-up line."""
        return self.url.render_as_string(hide_password=True)

    @property
    def engine(self) -> AsyncEngine:
        if self._engine is None:
            raise RuntimeError("the CRM database is not open")
        return self._engine

    async def open(self) -> None:
        if self._engine is not None:
            return
        keep_rows_out_of_logs()
        if (path := self.sqlite_path) is not None:
            await asyncio.to_thread(switch_file_to_wal, path)
        self._engine = self._create_engine()
        try:
            await self._migrate()
            if self.transactional_outbox:
                async with self.write() as conn:
                    await self.setup_lock(conn)
                    await conn.run_sync(create_outbox_table)
        except BaseException:
            await self.close()
            raise
        self._ready = True

    async def close(self) -> None:
        self._ready = False
        if self._engine is not None:
            engine, self._engine = self._engine, None
            await engine.dispose()

    def _create_engine(self) -> AsyncEngine:
        connect_args: dict[str, Any] = {}
        if self.dialect == "postgresql" and self.schema:
            connect_args["server_settings"] = {"search_path": self.schema}
        engine = create_async_engine(
            self.url,
            # Statements may be logged at DEBUG; their parameters (emails, phones) never are.
            hide_parameters=True,
            pool_pre_ping=self.dialect == "postgresql",
            connect_args=connect_args,
            **self._pool,
            **one_trip_options(self.url),
        )
        if self.dialect == "sqlite":
            _take_over_sqlite_transactions(engine, self._busy_timeout_ms)
        return engine

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncConnection]:
        """A connection whose statements share one consistent snapshot."""
        async with self.engine.connect() as conn:
            yield conn

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncConnection]:
        """One atomic write: everything commits together or nothing does."""
        async with self._writer_turn(), self.engine.connect() as conn:
            await conn.execution_options(**{_WRITE: True})
            try:
                async with conn.begin(), audit.recorded_together(conn):
                    yield conn
                staged = conn.info.get(_STAGED, False)
            finally:
                # info lives with the pooled DBAPI connection: never leave the mark behind.
                conn.info.pop(_STAGED, None)
        if staged and self.events_committed is not None:
            self.events_committed()

    def _writer_turn(self) -> contextlib.AbstractAsyncContextManager:
        return self._sqlite_writer if self.dialect == "sqlite" else contextlib.nullcontext()

    async def stage_events(self, conn: AsyncConnection, events: list) -> list:
        """Write ``events`` into this transaction's outbox when there is one; what is left
        (all of them, without an outbox) is for the caller to publish after the commit."""
        if not self.transactional_outbox or not events:
            return events
        await conn.run_sync(lambda sync_conn: append_events(sync_conn, events))
        conn.info[_STAGED] = True
        return []

    async def setup_lock(self, conn: AsyncConnection) -> None:
        """Serialise start-up work (migrations, demo data) across processes sharing the store."""
        if self.dialect == "postgresql":
            await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SETUP_LOCK_KEY})

    async def _at_head(self) -> bool:
        """Whether the schema is already at ``HEAD_REVISION``: a restart, most often. Then
        alembic (about 80 ms with its import, at every start) has nothing to do."""
        async with self.engine.connect() as conn:
            try:
                found = await conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}"))
            except DBAPIError:  # no version table yet: a new database
                return False
            return found.scalars().all() == [HEAD_REVISION]

    async def _migrate(self) -> None:
        if await self._at_head():
            return
        if self.dialect == "postgresql" and self.schema:
            async with self.write() as conn:
                await self.setup_lock(conn)
                await conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{self.schema}"'))
        async with self.engine.connect() as conn:
            sqlite = self.dialect == "sqlite"
            if sqlite:
                # A batch migration copies a table that others reference: SQLite wants its
                # foreign keys off for that, and the pragma only works outside a transaction.
                await _sqlite_pragma(conn, "foreign_keys=OFF")
            try:
                await conn.execution_options(**{_WRITE: True})
                async with conn.begin():
                    await self.setup_lock(conn)
                    await conn.run_sync(upgrade_to_head)
                    if sqlite and (await conn.exec_driver_sql("PRAGMA foreign_key_check")).first():
                        raise RuntimeError("CRM migration left rows with broken references")
            finally:
                if sqlite:
                    await _sqlite_pragma(conn, "foreign_keys=ON")

    async def ping(self) -> bool:
        """True once open (migrated) and answering; False while it is still migrating."""
        if not self._ready:
            return False
        async with self.read() as conn:
            await conn.execute(text("SELECT 1"))
        return True


async def _sqlite_pragma(conn: AsyncConnection, pragma: str) -> None:
    """Run a pragma on the driver connection itself, outside any transaction."""
    raw = await conn.get_raw_connection()
    await raw.driver_connection.execute(f"PRAGMA {pragma}")


class _DropDebug(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno > logging.DEBUG


# SQLAlchemy's DEBUG records print result rows, aiosqlite's each call with its parameters:
# both carry customers' emails and phones, so they never pass, whatever the log level.
ROW_LEVEL_LOGGERS = ("sqlalchemy.engine.Engine", "aiosqlite")


def keep_rows_out_of_logs() -> None:
    for name in ROW_LEVEL_LOGGERS:
        log = logging.getLogger(name)
        if not any(isinstance(f, _DropDebug) for f in log.filters):
            log.addFilter(_DropDebug())


def upgrade_to_head(sync_conn) -> None:
    """Alembic, driven from code on the caller's connection (and inside its transaction)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = sync_conn
    command.upgrade(config, "head")


def _take_over_sqlite_transactions(engine: AsyncEngine, busy_timeout_ms: int) -> None:
    """Let SQLAlchemy, not the sqlite3 module, say when transactions begin, and how."""

    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in (  # WAL is on already (see ``open``): it is the file's, not a session's
            "synchronous=NORMAL",
            "foreign_keys=ON",
            f"busy_timeout={int(busy_timeout_ms)}",
        ):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def on_begin(conn) -> None:
        writing = conn.get_execution_options().get(_WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")
