"""Notes take an idempotency key, unique per tenant, as messages do.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27

Existing notes keep a null key (a unique constraint allows any number of nulls). SQLite cannot
add a constraint to a table, so there the batch copies ``ticket_notes`` into a new table with
it; PostgreSQL gets a plain ADD COLUMN and ADD CONSTRAINT.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

CONSTRAINT = "uq_ticket_notes_tenant_idempotency_key"


def upgrade() -> None:
    with op.batch_alter_table("ticket_notes") as batch:
        batch.add_column(sa.Column("idempotency_key", sa.String(128)))
        batch.create_unique_constraint(CONSTRAINT, ["tenant", "idempotency_key"])


def downgrade() -> None:
    with op.batch_alter_table("ticket_notes") as batch:
        batch.drop_constraint(CONSTRAINT, type_="unique")
        batch.drop_column("idempotency_key")
