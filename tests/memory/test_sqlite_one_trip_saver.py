"""The SQLite checkpointer's reads and writes are one trip each to the connection's thread, and
what they store is what LangGraph's own async saver reads back (and the other way round)."""

from __future__ import annotations

import aiosqlite
import pytest
from langgraph.checkpoint.base import create_checkpoint, empty_checkpoint
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

from memory.checkpoints import SQLITE_FILE, open_checkpointer
from memory.settings import MemorySettings
from memory.sqlite_one_trip_saver import OneTripSqliteSaver

THREAD = {"configurable": {"thread_id": "run-1", "checkpoint_ns": ""}}


async def save_with_writes(saver) -> dict:
    """A checkpoint holding a value, then a task's pending writes on it; its config."""
    checkpoint = create_checkpoint(empty_checkpoint(), {"reply": "Hello"}, 1)
    checkpoint["channel_values"] = {"reply": "Hello"}
    saved = await saver.aput(THREAD, checkpoint, {"source": "loop", "step": 1}, {})
    await saver.aput_writes(saved, [("reply", "Bonjour"), ("notes", ["a", "b"])], "task-1")
    return saved


def pending(found) -> list[tuple[str, str, object]]:
    return sorted(found.pending_writes)


async def test_a_read_a_save_and_pending_writes_are_one_trip_each(tmp_path, sqlite_trips):
    async with open_checkpointer(MemorySettings(), tmp_path) as saver:
        assert isinstance(saver, OneTripSqliteSaver)
        await saver.aget_tuple(THREAD)  # set up, nothing there yet
        before = sqlite_trips["n"]
        saved = await save_with_writes(saver)
        assert sqlite_trips["n"] - before == 2  # the checkpoint, then its writes
        before = sqlite_trips["n"]
        found = await saver.aget_tuple(THREAD)
        assert sqlite_trips["n"] - before == 1  # the latest checkpoint and its pending writes
    assert found.config == saved
    assert found.checkpoint["channel_values"] == {"reply": "Hello"}
    assert found.metadata["step"] == 1
    assert pending(found) == [("task-1", "notes", ["a", "b"]), ("task-1", "reply", "Bonjour")]


async def test_what_it_saves_langgraphs_own_saver_reads_and_the_other_way_round(tmp_path):
    async with open_checkpointer(MemorySettings(), tmp_path) as saver:
        saved = await save_with_writes(saver)
        ours = await saver.aget_tuple(THREAD)
    async with aiosqlite.connect(tmp_path / SQLITE_FILE) as conn:
        theirs = await AsyncSqliteSaver(conn).aget_tuple(THREAD)
        assert theirs.config == saved
        assert theirs.checkpoint == ours.checkpoint
        assert pending(theirs) == pending(ours)
        # LangGraph's saver writes the next checkpoint; ours finds it as the latest.
        later = create_checkpoint(ours.checkpoint, {"reply": "Hi"}, 2)
        later["channel_values"] = {"reply": "Hi"}
        written = await AsyncSqliteSaver(conn).aput(saved, later, {"step": 2}, {})
    async with open_checkpointer(MemorySettings(), tmp_path) as saver:
        latest = await saver.aget_tuple(THREAD)
    assert latest.config == written
    assert latest.checkpoint["channel_values"] == {"reply": "Hi"}
    assert latest.parent_config == saved
    assert latest.pending_writes == []
