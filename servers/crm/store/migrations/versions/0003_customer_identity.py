"""Customers as a support team meets them: first-time visitors without an email, external ids
(a chat widget's visitor id, another helpdesk's user id) and a version for safe updates.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04

Existing customers keep their email and start at version 1. SQLite cannot relax a NOT NULL
column in place, so there the batch copies ``customers``; PostgreSQL alters it directly.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("customers") as batch:
        batch.alter_column("email", existing_type=sa.String(320), nullable=True)
        batch.add_column(sa.Column("version", sa.Integer, nullable=False, server_default="1"))
    op.create_table(
        "customer_external_ids",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("tenant", sa.String(64), nullable=False),
        sa.Column("customer_id", sa.Integer, nullable=False),
        sa.Column("system", sa.String(32), nullable=False),
        sa.Column("external_id", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_customer_external_ids"),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"],
            name="fk_customer_external_ids_customer_id_customers",
        ),
        sa.UniqueConstraint(
            "tenant", "system", "external_id",
            name="uq_customer_external_ids_tenant_system_external_id",
        ),
    )
    op.create_index(
        "ix_customer_external_ids_tenant_customer_id",
        "customer_external_ids",
        ["tenant", "customer_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_customer_external_ids_tenant_customer_id", "customer_external_ids")
    op.drop_table("customer_external_ids")
    with op.batch_alter_table("customers") as batch:
        batch.drop_column("version")
        batch.alter_column("email", existing_type=sa.String(320), nullable=False)
