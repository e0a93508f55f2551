"""The versioned schema: migrations build exactly the tables the code declares, once, and
bring a database made by an earlier release up to date without losing its rows."""

import subprocess
import sys
from datetime import UTC, datetime

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import create_async_engine

from servers.crm.inputs import NewNote
from servers.crm.service import CrmService
from servers.crm.store import tables
from servers.crm.store.database import HEAD_REVISION, MIGRATIONS, VERSION_TABLE
from servers.crm.store.tables import is_crm_object, metadata
from servers.crm.vocabulary import TICKET, format_id


def head_revision() -> str:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head()


async def test_the_migrated_schema_matches_the_declared_tables(make_database):
    database = make_database()
    database.transactional_outbox = True  # its table lives beside the CRM's, not in them
    await database.open()
    try:
        async with database.read() as conn:
            def differences(sync_conn):
                context = MigrationContext.configure(
                    sync_conn, opts={"version_table": VERSION_TABLE, "include_name": is_crm_object}
                )
                return compare_metadata(context, metadata)

            assert await conn.run_sync(differences) == []
    finally:
        await database.close()


async def test_opening_again_migrates_nothing_and_stays_at_head(make_database):
    for _ in range(2):
        database = make_database()
        await database.open()
        async with database.read() as conn:
            versions = (await conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}"))).all()
        await database.close()
        assert versions == [(head_revision(),)]


def test_the_revision_the_code_calls_head_is_alembics_head():
    assert HEAD_REVISION == head_revision()


def test_a_database_at_head_opens_without_alembic(tmp_path):
    """A restart finds the schema at head and never loads alembic (about 80 ms of a start)."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'crm.db'}"
    program = (
        "import asyncio, sys\n"
        "from servers.crm.store.database import CrmDatabase\n"
        "async def main():\n"
        f"    database = CrmDatabase({url!r})\n"
        "    await database.open()\n"
        "    await database.close()\n"
        "asyncio.run(main())\n"
        "print('alembic' in sys.modules)\n"
    )
    first, again = (subprocess.run([sys.executable, "-c", program], capture_output=True,
                                   text=True, check=True).stdout.strip() for _ in range(2))
    assert (first, again) == ("True", "False")


def migrate_to(revision: str):
    """Upgrade a connection to ``revision`` exactly as CrmDatabase.open does to head."""
    from alembic import command
    from alembic.config import Config

    def run(sync_conn) -> None:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = sync_conn
        command.upgrade(config, revision)

    return run


def engine_for(database):
    """An engine on the database's store that, unlike ``open``, migrates nothing by itself."""
    settings = {"server_settings": {"search_path": database.schema}} if database.schema else {}
    return create_async_engine(database.url, connect_args=settings)


async def test_a_database_at_0001_upgrades_and_keeps_its_notes(empty_database):
    when = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
    engine = engine_for(empty_database)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(migrate_to("0001"))
            customer = (await conn.execute(insert(tables.customers).values(
                tenant="acme", name="Ada", email="ada@example.com", tier="pro", vip=False,
                locale="en-GB", created_at=when).returning(tables.customers.c.id))).scalar_one()
            ticket = (await conn.execute(insert(tables.tickets).values(
                tenant="acme", customer_id=customer, subject="Export stuck", body="Since Monday.",
                channel="web", status="open", priority="normal", category="data-export",
                tags=[], sla_due_at=when, created_at=when, updated_at=when, version=1,
            ).returning(tables.tickets.c.id))).scalar_one()
            # The 0001 table has no idempotency_key column: name its columns by hand.
            await conn.execute(text(
                "INSERT INTO ticket_notes (tenant, ticket_id, author, body, created_at) "
                "VALUES ('acme', :ticket, 'maya', 'Written before keys.', :at)"
            ), {"ticket": ticket, "at": when})
    finally:
        await engine.dispose()

    crm = CrmService(empty_database)
    await crm.open()
    try:
        ticket_id = format_id(TICKET, ticket)
        note = NewNote(body="Written after.", idempotency_key="run-1:note")
        first = await crm.add_note("acme", "bot", ticket_id, note)
        again = await crm.add_note("acme", "bot", ticket_id, note)
        unkeyed = await crm.add_note("acme", "bot", ticket_id, NewNote(body="No key."))
        detail = await crm.get_ticket("acme", ticket_id)
        async with empty_database.read() as conn:
            versions = (await conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}"))).all()
    finally:
        await crm.close()
    assert versions == [(head_revision(),)]
    assert [(n.author, n.body) for n in detail.notes] == [
        ("maya", "Written before keys."), ("bot", "Written after."), ("bot", "No key.")
    ]
    assert (first.created, again.created, again.note) == (True, False, first.note)
    assert unkeyed.created  # old and new notes without a key never collide
