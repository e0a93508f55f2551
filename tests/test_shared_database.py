"""The SQLite coordination tables (runs, approvals, job leases) and the checkpoints: WAL, so
readers do not wait for a writer, and no fsync per commit (a process crash loses nothing);
replicas starting together on a new database all start."""

import asyncio
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor

import sqlalchemy as sa

from core.shared_database import open_shared
from memory.checkpoints import SQLITE_FILE, open_checkpointer
from memory.settings import MemorySettings


async def test_the_shared_sqlite_tables_are_wal_without_an_fsync_per_commit(tmp_path):
    engine = await open_shared(f"sqlite+aiosqlite:///{tmp_path / 'shared.db'}", None,
                               sa.MetaData(), setup_lock_key=1)
    try:
        async with engine.connect() as conn:
            mode = (await conn.exec_driver_sql("PRAGMA journal_mode")).scalar()
            synchronous = (await conn.exec_driver_sql("PRAGMA synchronous")).scalar()
    finally:
        await engine.dispose()
    assert (mode, synchronous) == ("wal", 1)  # 1 is NORMAL


async def test_the_sqlite_checkpoints_are_wal_without_an_fsync_per_commit(tmp_path):
    async with open_checkpointer(MemorySettings(checkpoint_database_url=None), tmp_path) as saver:
        mode = await (await saver.conn.execute("PRAGMA journal_mode")).fetchone()
        synchronous = await (await saver.conn.execute("PRAGMA synchronous")).fetchone()
    assert (mode[0], synchronous[0]) == ("wal", 1)
    assert (tmp_path / SQLITE_FILE).exists()


REPLICAS = 6


def _open_at(path: str, moment: float) -> str:
    """In its own process: open the shared tables at ``moment``; "ok" or the error."""
    metadata = sa.MetaData()
    for name in ("runs", "approvals", "leases"):
        sa.Table(name, metadata, sa.Column("id", sa.Integer, primary_key=True))

    async def open_and_close() -> None:
        time.sleep(max(0.0, moment - time.time()))
        engine = await open_shared(f"sqlite+aiosqlite:///{path}", None, metadata, 1)
        await engine.dispose()

    try:
        asyncio.run(open_and_close())
    except Exception as error:  # reported to the test, which names it
        return f"{type(error).__name__}: {error}"
    return "ok"


def test_replicas_starting_together_on_a_new_sqlite_database_all_start(tmp_path):
    """Raced for real: without the write lock taken first, every round here had a replica
    fail with "table runs already exists"."""
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(REPLICAS, mp_context=spawn) as pool:
        for round_ in range(3):
            path, moment = str(tmp_path / f"shared-{round_}.db"), time.time() + 2.0
            outcomes = list(pool.map(_open_at, [path] * REPLICAS, [moment] * REPLICAS))
            assert outcomes == ["ok"] * REPLICAS, outcomes
