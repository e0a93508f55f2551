"""Customers, subscriptions, tickets with messages and notes, and the audit trail.

Revision ID: 0001
Revises:
Create Date: 2026-11-20
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer, primary_key=True, autoincrement=True)


def _tenant() -> sa.Column:
    return sa.Column("tenant", sa.String(64), nullable=False)


def upgrade() -> None:
    _customers_and_subscriptions()
    _tickets()
    _conversation_and_audit()


def _customers_and_subscriptions() -> None:
    op.create_table(
        "customers",
        _id(),
        _tenant(),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("phone", sa.String(40)),
        sa.Column("company", sa.String(200)),
        sa.Column("tier", sa.String(16), nullable=False),
        sa.Column("vip", sa.Boolean, nullable=False),
        sa.Column("locale", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_customers"),
        sa.UniqueConstraint("tenant", "email", name="uq_customers_tenant_email"),
    )
    op.create_index("ix_customers_tenant_company", "customers", ["tenant", "company"])

    op.create_table(
        "subscriptions",
        _id(),
        _tenant(),
        sa.Column("customer_id", sa.Integer, nullable=False),
        sa.Column("plan", sa.String(32), nullable=False),
        sa.Column("amount_minor", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("renews_on", sa.Date),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_subscriptions"),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name="fk_subscriptions_customer_id_customers"
        ),
    )
    op.create_index(
        "ix_subscriptions_tenant_customer_id", "subscriptions", ["tenant", "customer_id"]
    )


def _tickets() -> None:
    op.create_table(
        "tickets",
        _id(),
        _tenant(),
        sa.Column("customer_id", sa.Integer, nullable=False),
        sa.Column("request_id", sa.String(128)),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("priority", sa.String(16), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("assignee", sa.String(120)),
        sa.Column("tags", sa.JSON, nullable=False),
        sa.Column("sla_due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_tickets"),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name="fk_tickets_customer_id_customers"
        ),
        sa.UniqueConstraint("tenant", "request_id", name="uq_tickets_tenant_request_id"),
    )
    for columns in (
        ["tenant", "created_at", "id"],
        ["tenant", "customer_id", "created_at"],
        ["tenant", "status", "created_at"],
        ["tenant", "assignee", "created_at"],
    ):
        op.create_index(f"ix_tickets_{'_'.join(columns)}", "tickets", columns)


def _conversation_and_audit() -> None:
    op.create_table(
        "ticket_messages",
        _id(),
        _tenant(),
        sa.Column("ticket_id", sa.Integer, nullable=False),
        sa.Column("author_type", sa.String(16), nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("idempotency_key", sa.String(128)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_ticket_messages"),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name="fk_ticket_messages_ticket_id_tickets"
        ),
        sa.UniqueConstraint(
            "tenant", "idempotency_key", name="uq_ticket_messages_tenant_idempotency_key"
        ),
    )
    op.create_index("ix_ticket_messages_ticket_id_id", "ticket_messages", ["ticket_id", "id"])

    op.create_table(
        "ticket_notes",
        _id(),
        _tenant(),
        sa.Column("ticket_id", sa.Integer, nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_ticket_notes"),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name="fk_ticket_notes_ticket_id_tickets"
        ),
    )
    op.create_index("ix_ticket_notes_ticket_id_id", "ticket_notes", ["ticket_id", "id"])

    op.create_table(
        "audit_log",
        _id(),
        _tenant(),
        sa.Column("customer_id", sa.Integer, nullable=False),
        sa.Column("ticket_id", sa.Integer),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("before", sa.JSON),
        sa.Column("after", sa.JSON),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_tenant_ticket_id_id", "audit_log", ["tenant", "ticket_id", "id"])
    op.create_index(
        "ix_audit_log_tenant_customer_id_at", "audit_log", ["tenant", "customer_id", "at"]
    )


def downgrade() -> None:
    for table in (
        "audit_log",
        "ticket_notes",
        "ticket_messages",
        "tickets",
        "subscriptions",
        "customers",
    ):
        op.drop_table(table)
