"""The SQLite coordination tables (runs, approvals, job leases) and the checkpoints: WAL, so
readers do not wait for a writer, and no fsync per commit (a process crash loses nothing)."""

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
