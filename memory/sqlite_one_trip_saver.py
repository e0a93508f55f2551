"""LangGraph's SQLite checkpointer with one trip to the connection's thread per read or write.

``AsyncSqliteSaver`` hands every sqlite3 call to aiosqlite's thread on its own: reading a
checkpoint is four to six hand-offs (cursor, execute, fetch, execute, fetch, close) and
saving one three, each a wake-up of the event loop; a resolution made thirteen. Here a read,
a save and a write of pending writes each run as LangGraph's own sync ``SqliteSaver`` runs
them (same statements, same commits), over the same sqlite3 connection, on that connection's
thread, in one hand-off. The async saver's lock still orders them with its other methods.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import aiosqlite
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import (
    ChannelVersions,
    Checkpoint,
    CheckpointMetadata,
    CheckpointTuple,
)
from langgraph.checkpoint.serde.base import SerializerProtocol
from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver


class OneTripSqliteSaver(AsyncSqliteSaver):
    def __init__(self, conn: aiosqlite.Connection, *,
                 serde: SerializerProtocol | None = None) -> None:
        super().__init__(conn, serde=serde)
        # The sqlite3 connection aiosqlite opened on its thread; used only there.
        self._on_thread = SqliteSaver(conn._conn, serde=self.serde)

    async def setup(self) -> None:
        await super().setup()
        # The tables are the async saver's to create; the sync one reads what it found.
        self._on_thread.is_setup = True
        self._on_thread._has_task_path = self._has_task_path

    async def aget_tuple(self, config: RunnableConfig) -> CheckpointTuple | None:
        await self.setup()
        async with self.lock:
            return await self.conn._execute(self._on_thread.get_tuple, config)

    async def aput(self, config: RunnableConfig, checkpoint: Checkpoint,
                   metadata: CheckpointMetadata, new_versions: ChannelVersions) -> RunnableConfig:
        await self.setup()
        async with self.lock:
            return await self.conn._execute(self._on_thread.put, config, checkpoint, metadata,
                                            new_versions)

    async def aput_writes(self, config: RunnableConfig, writes: Sequence[tuple[str, Any]],
                          task_id: str, task_path: str = "") -> None:
        await self.setup()
        async with self.lock:
            await self.conn._execute(self._on_thread.put_writes, config, writes, task_id,
                                     task_path)
