"""Working state: the LangGraph checkpointer, chosen once from settings.

SQLite in the data directory by default (one machine, any number of processes); PostgreSQL
when ``SUPPORTDESK_MEMORY_CHECKPOINT_DATABASE_URL`` is set, so any replica can resume any run.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from langgraph.checkpoint.base import BaseCheckpointSaver

from core.sqlite_wal import switch_file_to_wal
from memory.settings import MemorySettings

logger = logging.getLogger(__name__)

SQLITE_FILE = "checkpoints.sqlite"
# Another process may hold the SQLite write lock for a moment; wait for it, don't fail.
SQLITE_BUSY_SECONDS = 30.0
# Any constant shared by every replica: serialises concurrent first-time migrations.
POSTGRES_SETUP_LOCK = 0x5D_C4_EC_0B
SETUP_LOCK_POLL_SECONDS = 0.05


def describe_url(url: str) -> str:
    """The URL without its password, for logs and the start-up line."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    netloc = f"{parts.username}:***@{host}" if parts.username else f"***@{host}"
    return urlunsplit(parts._replace(netloc=netloc))


def describe_checkpointer(settings: MemorySettings, data_dir: Path) -> str:
    if settings.checkpoint_database_url is not None:
        return f"postgres at {describe_url(settings.checkpoint_database_url.get_secret_value())}"
    return f"sqlite at {data_dir / SQLITE_FILE}"


@asynccontextmanager
async def open_checkpointer(
    settings: MemorySettings, data_dir: Path
) -> AsyncIterator[BaseCheckpointSaver]:
    """An async LangGraph checkpointer, its tables created, closed on exit."""
    if settings.checkpoint_database_url is not None:
        url = settings.checkpoint_database_url.get_secret_value()
        async with _postgres(url, settings.checkpoint_pool_size) as saver:
            yield saver
    else:
        async with _sqlite(data_dir / SQLITE_FILE) as saver:
            yield saver


@asynccontextmanager
async def _sqlite(path: Path) -> AsyncIterator[BaseCheckpointSaver]:
    import aiosqlite

    from memory.sqlite_one_trip_saver import OneTripSqliteSaver

    # WAL before the saver's setup asks for it (then a no-op): see core.sqlite_wal.
    await asyncio.to_thread(switch_file_to_wal, path)
    async with aiosqlite.connect(path, timeout=SQLITE_BUSY_SECONDS) as conn:
        # In WAL, NORMAL survives a process crash (not a power cut) without an fsync per
        # checkpoint, as the CRM and the outbox do.
        await conn.execute("PRAGMA synchronous=NORMAL")
        saver = OneTripSqliteSaver(conn)
        await saver.setup()
        logger.debug("checkpoints in sqlite at %s", path)
        yield saver


async def _take_setup_lock(conn) -> None:
    """Wait for the setup lock by polling, never inside a blocked statement: the saver's
    CREATE INDEX CONCURRENTLY waits for every open transaction, so a replica blocked in
    ``pg_advisory_lock`` would deadlock with the replica migrating (seen on a first start of
    two replicas at once)."""
    while True:
        cursor = await conn.execute(
            "SELECT pg_try_advisory_lock(%s) AS locked", (POSTGRES_SETUP_LOCK,)
        )
        if (await cursor.fetchone())["locked"]:
            return
        await asyncio.sleep(SETUP_LOCK_POLL_SECONDS)


@asynccontextmanager
async def _postgres(url: str, pool_size: int) -> AsyncIterator[BaseCheckpointSaver]:
    from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
    from psycopg.rows import dict_row
    from psycopg_pool import AsyncConnectionPool

    # The saver needs autocommit and dict rows; prepared statements break behind poolers.
    pool = AsyncConnectionPool(
        url,
        min_size=1,
        # One connection holds the setup lock while the saver migrates on another.
        max_size=max(2, pool_size),
        open=False,
        kwargs={"autocommit": True, "prepare_threshold": None, "row_factory": dict_row},
    )
    await pool.open(wait=True, timeout=10)
    try:
        saver = AsyncPostgresSaver(pool)
        async with pool.connection() as conn:
            await _take_setup_lock(conn)
            try:
                await saver.setup()
            finally:
                await conn.execute("SELECT pg_advisory_unlock(%s)", (POSTGRES_SETUP_LOCK,))
        logger.debug("checkpoints in postgres at %s", describe_url(url))
        yield saver
    finally:
        await pool.close()
