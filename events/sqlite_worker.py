"""One SQLite connection owned by one thread, driven from asyncio.

sqlite3 calls block, so each store runs them on its own single worker thread: calls are
serialised (no locking needed around the connection) and the event loop never waits on disk.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Literal, TypeVar

from core.sqlite_wal import turn_on_wal

T = TypeVar("T")

Synchronous = Literal["OFF", "NORMAL", "FULL"]


def connect(path: Path, *, synchronous: Synchronous = "NORMAL") -> sqlite3.Connection:
    """A WAL-mode connection that waits for, rather than fails on, another writer's lock."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # isolation_level=None: transactions are explicit (BEGIN IMMEDIATE ... COMMIT).
    connection = sqlite3.connect(path, isolation_level=None, timeout=30.0)
    turn_on_wal(connection)
    connection.execute(f"PRAGMA synchronous={synchronous}")
    return connection


class SQLiteWorker:
    """Runs functions of a connection on a private thread; opens the file on first use."""

    def __init__(
        self,
        path: Path,
        *,
        setup: Callable[[sqlite3.Connection], None],
        synchronous: Synchronous = "NORMAL",
        name: str = "sqlite",
    ) -> None:
        self.path = path
        self._setup = setup
        self._synchronous: Synchronous = synchronous
        self._name = name
        self._executor: ThreadPoolExecutor | None = None
        self._connection: sqlite3.Connection | None = None

    async def run(self, fn: Callable[..., T], *args: object) -> T:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=self._name)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self._call, fn, args)

    def _call(self, fn: Callable[..., T], args: tuple[object, ...]) -> T:
        if self._connection is None:
            connection = connect(self.path, synchronous=self._synchronous)
            self._setup(connection)
            self._connection = connection
        return fn(self._connection, *args)

    async def close(self) -> None:
        if self._executor is None:
            return
        executor, self._executor = self._executor, None
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(executor, self._close_connection)
        executor.shutdown(wait=True)

    def _close_connection(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def transaction(connection: sqlite3.Connection, fn: Callable[..., T], *args: object) -> T:
    """Run ``fn`` inside BEGIN IMMEDIATE ... COMMIT (rolled back if it raises)."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        result = fn(connection, *args)
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")
    return result
