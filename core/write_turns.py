"""Writers that must take turns: a read-then-write (look for a duplicate, then insert) is
only safe when no other writer of the same key runs between the two steps.

In one process an asyncio lock per key is enough. Replicas sharing one store (LanceDB on
object storage) take a PostgreSQL advisory lock per key instead: it lives in a transaction,
so a replica that dies mid-write releases it with its connection — no lease to expire.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Protocol
from weakref import WeakValueDictionary

import sqlalchemy as sa
from sqlalchemy.ext.asyncio.engine import AsyncEngine, create_async_engine


class WriteTurns(Protocol):
    def hold(self, key: str) -> contextlib.AbstractAsyncContextManager[None]:
        """Until the block ends, no other holder of ``key`` runs."""
        ...

    async def close(self) -> None: ...


class LocalTurns:
    """Turns within this process (one store used by one process)."""

    def __init__(self) -> None:
        self._locks: WeakValueDictionary[str, asyncio.Lock] = WeakValueDictionary()

    @contextlib.asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        async with lock:
            yield

    async def close(self) -> None:
        return None


class PostgresTurns:
    """Turns across processes: ``pg_advisory_xact_lock`` on a 64-bit hash of the key (within
    this ``namespace``), held for the block's transaction. Local locks go first so a process
    spends one connection per key at most."""

    def __init__(self, url: str, namespace: str, *, pool_size: int = 4) -> None:
        self.url, self.namespace, self.pool_size = url, namespace, pool_size
        self._local = LocalTurns()
        self._engine: AsyncEngine | None = None

    def _engine_or_new(self) -> AsyncEngine:
        if self._engine is None:
            self._engine = create_async_engine(
                self.url, pool_size=self.pool_size, pool_pre_ping=True, hide_parameters=True
            )
        return self._engine

    @contextlib.asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        async with self._local.hold(key):
            async with self._engine_or_new().connect() as conn, conn.begin():
                await conn.execute(
                    sa.text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
                    {"key": f"{self.namespace}:{key}"},
                )
                yield

    async def close(self) -> None:
        if self._engine is not None:
            engine, self._engine = self._engine, None
            await engine.dispose()
