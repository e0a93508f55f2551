"""On SQLite this process's writers take turns before SQLite's single write lock, so racing
writes neither fail nor wait in SQLite's busy handler."""

import asyncio

from sqlalchemy import text

from servers.crm.store.database import CrmDatabase


async def test_racing_writes_all_commit_even_with_no_busy_wait(tmp_path):
    # busy_timeout 1 ms: a writer that met another's lock in SQLite would fail at once.
    db = CrmDatabase(f"sqlite+aiosqlite:///{tmp_path / 'crm.db'}", sqlite_busy_timeout_ms=1)
    await db.open()
    try:
        async with db.write() as conn:
            await conn.execute(text("CREATE TABLE tally (n INTEGER)"))

        async def add(n: int) -> None:
            async with db.write() as conn:
                await conn.execute(text("INSERT INTO tally VALUES (:n)"), {"n": n})
                await asyncio.sleep(0)  # let the other writers run into this one
                await conn.execute(text("UPDATE tally SET n = n WHERE n = :n"), {"n": n})

        await asyncio.gather(*(add(n) for n in range(40)))
        async with db.read() as conn:
            assert (await conn.execute(text("SELECT count(*) FROM tally"))).scalar() == 40
    finally:
        await db.close()
