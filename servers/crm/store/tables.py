"""The CRM's tables (SQLAlchemy Core). Every row carries its tenant; every query filters on it.

Changing a table here needs a new migration in ``migrations/versions``; a test compares the
migrated database with this metadata, so the two cannot drift apart.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

# Constraint names spelled out, so migrations on every backend name them alike.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in and out; SQLite stores them naive, PostgreSQL as timestamptz."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        # SQLite keeps text; without the offset every stored value sorts and compares alike.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _tenant() -> Column:
    return Column("tenant", String(64), nullable=False)


customers = Table(
    "customers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _tenant(),
    Column("name", String(200), nullable=False),
    Column("email", String(320)),  # none yet for a chat visitor known by an external id
    Column("phone", String(40)),
    Column("company", String(200)),
    Column("tier", String(16), nullable=False),
    Column("vip", Boolean, nullable=False, default=False),
    Column("locale", String(16), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("version", Integer, nullable=False, server_default="1"),
    UniqueConstraint("tenant", "email"),
    Index(None, "tenant", "company"),
)

# Who a customer is in other systems: a chat widget's visitor id, another helpdesk's user id.
customer_external_ids = Table(
    "customer_external_ids",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _tenant(),
    Column("customer_id", Integer, ForeignKey("customers.id"), nullable=False),
    Column("system", String(32), nullable=False),
    Column("external_id", String(200), nullable=False),
    UniqueConstraint("tenant", "system", "external_id"),
    Index(None, "tenant", "customer_id"),
)

subscriptions = Table(
    "subscriptions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _tenant(),
    Column("customer_id", Integer, ForeignKey("customers.id"), nullable=False),
    Column("plan", String(32), nullable=False),
    Column("amount_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("status", String(16), nullable=False),
    Column("renews_on", Date),
    Column("started_at", UtcDateTime, nullable=False),
    Index(None, "tenant", "customer_id"),
)

tickets = Table(
    "tickets",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _tenant(),
    Column("customer_id", Integer, ForeignKey("customers.id"), nullable=False),
    Column("request_id", String(128)),
    Column("subject", String(300), nullable=False),
    Column("body", Text, nullable=False),
    Column("channel", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("priority", String(16), nullable=False),
    Column("category", String(32), nullable=False),
    Column("assignee", String(120)),
    Column("assigned_group", String(80)),
    Column("tags", JSON, nullable=False),
    Column("sla_due_at", UtcDateTime, nullable=False),
    Column("resolution_due_at", UtcDateTime),
    Column("first_response_at", UtcDateTime),
    Column("resolved_at", UtcDateTime),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("version", Integer, nullable=False),
    UniqueConstraint("tenant", "request_id"),
    Index(None, "tenant", "created_at", "id"),
    Index(None, "tenant", "customer_id", "created_at"),
    Index(None, "tenant", "status", "created_at"),
    Index(None, "tenant", "assignee", "created_at"),
)

ticket_messages = Table(
    "ticket_messages",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _tenant(),
    Column("ticket_id", Integer, ForeignKey("tickets.id"), nullable=False),
    Column("author_type", String(16), nullable=False),
    Column("author", String(200), nullable=False),
    Column("body", Text, nullable=False),
    Column("idempotency_key", String(128)),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("tenant", "idempotency_key"),
    Index(None, "ticket_id", "id"),
)

ticket_notes = Table(
    "ticket_notes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _tenant(),
    Column("ticket_id", Integer, ForeignKey("tickets.id"), nullable=False),
    Column("author", String(200), nullable=False),
    Column("body", Text, nullable=False),
    Column("idempotency_key", String(128)),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("tenant", "idempotency_key"),
    Index(None, "ticket_id", "id"),
)

# Each SLA target of a ticket is met, warned about or breached once: the unique key decides.
sla_marks = Table(
    "sla_marks",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _tenant(),
    Column("ticket_id", Integer, ForeignKey("tickets.id"), nullable=False),
    Column("target", String(16), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("due_at", UtcDateTime, nullable=False),
    Column("at", UtcDateTime, nullable=False),
    UniqueConstraint("tenant", "ticket_id", "target", "kind"),
    Index(None, "tenant", "kind", "at"),
)

# Round-robin within an assignment group: how many tickets it has handed out.
assignment_turns = Table(
    "assignment_turns",
    metadata,
    Column("tenant", String(64), primary_key=True),
    Column("group_name", String(80), primary_key=True),
    Column("turns", Integer, nullable=False),
)

# Who changed what, when, from what to what: one row per change, never updated.
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _tenant(),
    Column("customer_id", Integer, nullable=False),
    Column("ticket_id", Integer),
    Column("action", String(32), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("before", JSON),
    Column("after", JSON),
    Index(None, "tenant", "ticket_id", "id"),
    Index(None, "tenant", "customer_id", "at"),
)


def is_crm_object(name: str | None, type_: str, parent_names: dict) -> bool:
    """For Alembic's comparisons: only the tables declared here belong to the CRM's schema; the
    event outbox beside them (``transactional_outbox``) is created and owned by ``events``."""
    return type_ != "table" or name in metadata.tables
