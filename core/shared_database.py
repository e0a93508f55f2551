"""The database replicas share for small coordination tables (runs, approvals, job leases,
notification deliveries): SQLite in the data directory, PostgreSQL when configured."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio.engine import AsyncEngine, create_async_engine

from core.sqlite_one_trip import one_trip_options
from core.sqlite_wal import sqlite_file, switch_file_to_wal


def asyncpg_url(url: str) -> str:
    """A plain PostgreSQL URL, as operators hand them out, with the async driver installed;
    any other URL as it is."""
    for scheme in ("postgresql://", "postgres://"):
        if url.startswith(scheme):
            return "postgresql+asyncpg://" + url.removeprefix(scheme)
    return url


async def open_shared(url: str, schema: str | None, metadata: sa.MetaData,
                      setup_lock_key: int,
                      upgrade: Callable[[sa.Connection], None] | None = None) -> AsyncEngine:
    """An engine on ``url`` with ``metadata``'s tables created (and ``upgrade`` run on them);
    on PostgreSQL inside ``schema`` (created if missing). Under an advisory lock (PostgreSQL)
    or the write lock (SQLite), so replicas starting together do not race to create or alter
    the same tables."""
    kwargs: dict[str, Any] = {}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"timeout": 30}
        if (path := sqlite_file(sa.make_url(url).database)) is not None:
            await asyncio.to_thread(switch_file_to_wal, path)
    elif schema:
        kwargs["connect_args"] = {"server_settings": {"search_path": schema}}
    engine = create_async_engine(url, **kwargs, **one_trip_options(url))
    if url.startswith("sqlite"):
        sa.event.listen(engine.sync_engine, "connect", _no_fsync_per_commit)
    async with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            await conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"),
                               {"key": setup_lock_key})
            if schema:
                await conn.execute(sa.text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
        else:
            # SQLite's write lock from the start: otherwise two replicas both find a table
            # missing and the second one's CREATE fails ("table ... already exists").
            await conn.exec_driver_sql("BEGIN IMMEDIATE")
        await conn.run_sync(metadata.create_all)
        if upgrade is not None:
            await conn.run_sync(upgrade)
    return engine


def _no_fsync_per_commit(dbapi_connection, _record) -> None:
    """In WAL (readers do not wait for a writer), NORMAL: a commit survives a process crash
    (not a power cut) without an fsync each, as the CRM, the outbox and the checkpoints do."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def aware(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything in these tables is UTC."""
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


class SharedTables:
    """A store over a few tables of the shared database: open, close, its engine."""

    metadata: sa.MetaData
    setup_lock_key: int

    def __init__(self, url: str, *, schema: str | None = None) -> None:
        """``schema``: the PostgreSQL schema to keep the tables in (created if missing)."""
        self.url, self.schema = url, schema
        self._engine: AsyncEngine | None = None

    def upgrade(self, connection: sa.Connection) -> None:
        """Bring tables made by an older release up to date (nothing to do by default)."""

    async def open(self) -> None:
        self._engine = await open_shared(self.url, self.schema, self.metadata,
                                         self.setup_lock_key, upgrade=self.upgrade)

    async def close(self) -> None:
        if self._engine is not None:
            await self._engine.dispose()
            self._engine = None

    @property
    def engine(self) -> AsyncEngine:
        if self._engine is None:
            raise RuntimeError(f"{type(self).__name__} is not open")
        return self._engine
