"""The one-trip aiosqlite driver: what SQLAlchemy sees is what its own aiosqlite driver gives,
in one hand-off to the connection's thread per statement instead of four, a transaction's
BEGIN with its first statement."""

from __future__ import annotations

import sqlite3

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import create_async_engine

from core.shared_database import open_shared
from core.sqlite_one_trip import OneTripAiosqlite, one_trip_options
from servers.crm.store.database import CrmDatabase

metadata = sa.MetaData()
notes = sa.Table(
    "notes", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("body", sa.String, nullable=False, unique=True),
)


@pytest.fixture
async def engine(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'notes.db'}"
    engine = create_async_engine(url, **one_trip_options(url))
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    yield engine
    await engine.dispose()


async def test_a_statement_is_one_trip_to_the_connection_thread(engine, sqlite_trips):
    async with engine.connect() as conn:
        await conn.execute(sa.select(sa.literal(1)))  # the pool's first checkout, begin
        before = sqlite_trips["n"]
        rows = (await conn.execute(sa.select(notes.c.id))).all()
        await conn.execute(notes.insert().values(body="one"))
        assert sqlite_trips["n"] - before == 2
    assert rows == []


async def test_a_connection_given_back_outside_a_transaction_makes_no_trip(engine, sqlite_trips):
    async with engine.connect() as conn:
        await conn.execute(sa.select(sa.literal(1)))  # the pool's first checkout
    before = sqlite_trips["n"]
    async with engine.connect() as conn:  # a read: sqlite3 begins no transaction for it
        await conn.execute(sa.select(notes.c.id))
    assert sqlite_trips["n"] - before == 1  # the statement; the pool's rollback had nothing to do


async def test_a_connection_given_back_inside_a_transaction_is_rolled_back(engine, sqlite_trips):
    async with engine.connect() as conn:
        await conn.execute(notes.insert().values(body="never committed"))
        before = sqlite_trips["n"]
    assert sqlite_trips["n"] - before == 1  # the rollback's trip
    async with engine.connect() as conn:
        assert (await conn.execute(sa.select(sa.func.count()).select_from(notes))).scalar() == 0


async def test_a_transactions_begin_travels_with_its_first_statement(
    engine, sqlite_trips, tmp_path
):
    async with engine.connect() as conn:
        await conn.execute(sa.select(sa.literal(1)))  # the pool's first checkout
        before = sqlite_trips["n"]
        await conn.exec_driver_sql("BEGIN IMMEDIATE")
        assert sqlite_trips["n"] == before  # held for the statement
        await conn.execute(notes.insert().values(body="first"))
        assert sqlite_trips["n"] - before == 1
        # The write lock is held from that statement on, as BEGIN IMMEDIATE takes it.
        other = sqlite3.connect(tmp_path / "notes.db", timeout=0)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.close()
        await conn.commit()
        assert sqlite_trips["n"] - before == 2
    async with engine.connect() as conn:
        assert (await conn.execute(sa.select(notes.c.body))).scalars().all() == ["first"]


async def test_a_transaction_ended_before_any_statement_makes_no_trip(engine, sqlite_trips):
    async with engine.connect() as conn:
        await conn.execute(sa.select(sa.literal(1)))
        before = sqlite_trips["n"]
        for end in (conn.commit, conn.rollback):
            await conn.exec_driver_sql("BEGIN IMMEDIATE")
            await end()
        assert sqlite_trips["n"] == before
        await conn.execute(notes.insert().values(body="after"))  # no BEGIN left over to run
        await conn.commit()
    async with engine.connect() as conn:
        assert (await conn.execute(sa.select(notes.c.body))).scalars().all() == ["after"]


async def test_a_begin_that_cannot_take_the_lock_fails_its_statement_and_leaves_none_open(
    tmp_path,
):
    url = f"sqlite+aiosqlite:///{tmp_path / 'locked.db'}"
    engine = create_async_engine(url, connect_args={"timeout": 0}, **one_trip_options(url))
    try:
        async with engine.begin() as conn:
            await conn.run_sync(metadata.create_all)
        holder = sqlite3.connect(tmp_path / "locked.db")
        holder.execute("BEGIN IMMEDIATE")
        async with engine.connect() as conn:
            await conn.exec_driver_sql("BEGIN IMMEDIATE")
            with pytest.raises(OperationalError, match="locked"):
                await conn.execute(notes.insert().values(body="waits"))
            await conn.rollback()
            holder.rollback()
            holder.close()
            await conn.exec_driver_sql("BEGIN IMMEDIATE")
            await conn.execute(notes.insert().values(body="then"))
            await conn.commit()
        async with engine.connect() as conn:
            assert (await conn.execute(sa.select(notes.c.body))).scalars().all() == ["then"]
    finally:
        await engine.dispose()


async def test_rows_keys_counts_and_inserted_keys_are_sqlalchemys(engine):
    async with engine.begin() as conn:
        inserted = await conn.execute(notes.insert().values(body="first"))
        assert inserted.inserted_primary_key == (1,)
        many = await conn.execute(notes.insert(), [{"body": "second"}, {"body": "third"}])
        assert many.rowcount == 2
        returned = await conn.execute(
            notes.insert().values(body="fourth").returning(notes.c.id, notes.c.body))
        assert returned.one()._asdict() == {"id": 4, "body": "fourth"}
        changed = await conn.execute(
            notes.update().where(notes.c.id > 2).values(body=notes.c.body + "!"))
        assert changed.rowcount == 2
    async with engine.connect() as conn:
        result = await conn.execute(sa.select(notes).order_by(notes.c.id))
        assert list(result.keys()) == ["id", "body"]
        assert result.all() == [(1, "first"), (2, "second"), (3, "third!"), (4, "fourth!")]
        streamed = await conn.stream(sa.select(notes.c.body).order_by(notes.c.id))
        assert [row.body async for row in streamed] == ["first", "second", "third!", "fourth!"]


async def test_errors_are_sqlalchemys_and_a_rolled_back_write_leaves_nothing(engine):
    with pytest.raises(IntegrityError, match="UNIQUE"):
        async with engine.begin() as conn:
            await conn.execute(notes.insert().values(body="same"))
            await conn.execute(notes.insert().values(body="same"))
    async with engine.connect() as conn:  # the same pooled connection, still usable
        assert (await conn.execute(sa.select(sa.func.count()).select_from(notes))).scalar() == 0


def test_only_aiosqlite_urls_get_the_driver():
    assert "module" in one_trip_options("sqlite+aiosqlite:///x.db")
    assert one_trip_options("sqlite:///x.db") == {}
    assert one_trip_options("postgresql+asyncpg://u@h/db") == {}


async def test_the_crm_and_the_shared_tables_use_it_on_sqlite(tmp_path):
    crm = CrmDatabase(f"sqlite+aiosqlite:///{tmp_path / 'crm.db'}")
    await crm.open()
    shared = await open_shared(f"sqlite+aiosqlite:///{tmp_path / 'shared.db'}", None,
                               sa.MetaData(), setup_lock_key=1)
    try:
        for engine in (crm.engine, shared):
            assert isinstance(engine.dialect.dbapi, OneTripAiosqlite)
    finally:
        await shared.dispose()
        await crm.close()
