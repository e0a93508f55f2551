"""The versioned schema: migrations build exactly the tables the code declares, once."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from servers.crm.store.database import MIGRATIONS, VERSION_TABLE
from servers.crm.store.tables import metadata


def head_revision() -> str:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head()


async def test_the_migrated_schema_matches_the_declared_tables(make_database):
    database = make_database()
    await database.open()
    try:
        async with database.read() as conn:
            def differences(sync_conn):
                context = MigrationContext.configure(
                    sync_conn, opts={"version_table": VERSION_TABLE}
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
