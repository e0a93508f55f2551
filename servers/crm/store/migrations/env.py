"""Alembic environment: always run from code, on a connection the CRM hands over.

``CrmDatabase.open`` calls ``command.upgrade`` with ``config.attributes["connection"]`` set;
there is no alembic.ini. To write a new revision, add a file to ``versions/`` by hand (or run
``alembic revision`` with ``script_location`` pointing here) and give it the next number.
"""

from alembic import context

from servers.crm.store.database import VERSION_TABLE
from servers.crm.store.tables import is_crm_object, metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("CRM migrations run from code: CrmDatabase.open() migrates on start-up")

context.configure(
    connection=connection,
    target_metadata=metadata,
    include_name=is_crm_object,
    version_table=VERSION_TABLE,
    render_as_batch=connection.dialect.name == "sqlite",
    transactional_ddl=True,
)
with context.begin_transaction():
    context.run_migrations()
