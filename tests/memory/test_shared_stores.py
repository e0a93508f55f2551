"""Durable tiers shared between processes: checkpoints (SQLite, PostgreSQL) and LanceDB.

Real subprocesses write; this process restarts nothing but reopens the stores, as another
replica or a restarted server would.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from langgraph.types import Command

from memory.checkpoints import describe_checkpointer, open_checkpointer
from memory.long_term import long_term_in
from memory.settings import MemorySettings
from tests.memory.workers import approval_graph, thread
from tests.support.processes import server_env
from tests.support.services import postgres_schema

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(params=["sqlite", "postgres"])
def checkpoint_url(request) -> str | None:
    if request.param == "sqlite":
        yield None
        return
    with postgres_schema() as url:
        yield url


def start_worker(job: str, data_dir: Path, prefix: str, count: int,
                 database_url: str | None = None) -> subprocess.Popen:
    extra = {"SUPPORTDESK_MEMORY_CHECKPOINT_DATABASE_URL": database_url} if database_url else {}
    return subprocess.Popen(
        [sys.executable, "-m", "tests.memory.workers", job, str(data_dir), prefix, str(count)],
        cwd=REPO,
        env=server_env(data_dir, extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(worker: subprocess.Popen) -> None:
    out, err = worker.communicate(timeout=120)
    assert worker.returncode == 0 and out.strip() == "done", err


def settings_for(url: str | None) -> MemorySettings:
    return MemorySettings(checkpoint_database_url=url)


async def test_a_paused_run_resumes_in_another_process(tmp_path, checkpoint_url):
    finish(start_worker("pause", tmp_path, "run", 1, checkpoint_url))

    async with open_checkpointer(settings_for(checkpoint_url), tmp_path) as saver:
        graph = approval_graph(saver)
        paused = await graph.aget_state(thread("run-0"))
        assert paused.next == ("approve",)
        assert paused.tasks[0].interrupts[0].value == {"question": "approve run-0?"}
        result = await graph.ainvoke(Command(resume="yes"), thread("run-0"))
    assert result["steps"] == ["drafted run-0", "approved", "finished with yes"]

    # And the finished run is durable too: a fresh open sees it complete.
    async with open_checkpointer(settings_for(checkpoint_url), tmp_path) as saver:
        done = await approval_graph(saver).aget_state(thread("run-0"))
    assert done.next == () and done.values["decision"] == "yes"


async def test_two_processes_checkpointing_at_once_lose_nothing(tmp_path, checkpoint_url):
    async with open_checkpointer(settings_for(checkpoint_url), tmp_path):
        pass  # tables exist before the race, as after any first start
    workers = [start_worker("pause", tmp_path, name, 8, checkpoint_url) for name in "ab"]
    for worker in workers:
        finish(worker)
    async with open_checkpointer(settings_for(checkpoint_url), tmp_path) as saver:
        graph = approval_graph(saver)
        for name in "ab":
            for i in range(8):
                state = await graph.aget_state(thread(f"{name}-{i}"))
                assert state.next == ("approve",), f"{name}-{i}"
                assert state.values["steps"] == [f"drafted {name}-{i}"]


async def test_checkpointer_choice_is_described_without_secrets(tmp_path):
    assert describe_checkpointer(MemorySettings(), tmp_path) == (
        f"sqlite at {tmp_path / 'checkpoints.sqlite'}"
    )
    with_password = MemorySettings(
        checkpoint_database_url="postgresql://app:hunter2@db.internal:5432/supportdesk"
    )
    described = describe_checkpointer(with_password, tmp_path)
    assert "hunter2" not in described and "db.internal:5432" in described


async def test_two_processes_writing_memories_lose_nothing(tmp_path, embedder):
    workers = [start_worker("remember", tmp_path, name, 15) for name in "ab"]
    for worker in workers:
        finish(worker)
    memory = long_term_in(tmp_path, embedder)
    await memory.open()
    try:
        assert await memory.table.count() == 30
        for name in "ab":
            for i in range(15):
                hits = await memory.recall("t1", "likes tea", customer_id=f"{name}-c{i}")
                assert [h.content for h in hits] == [f"Customer {name} {i} likes tea"]
    finally:
        await memory.close()
