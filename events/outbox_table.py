"""Writing events into a store's own outbox table, inside the store's transaction.

A store (SQLite or PostgreSQL) calls ``append_events`` in the transaction that makes its
change, so the change and its events commit together; the bus's relay moves them into the
log through an event source (``events.sources``, ``events.postgres_outbox``). Each database
has its table behind ``OutboxTable``, one module each.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Protocol

from sqlalchemy.engine import Connection

from events.envelope import Envelope
from events.postgres_outbox import PostgresOutboxTable
from events.rows import StoredRow, outbox_rows
from events.sqlite_outbox_table import SQLiteOutboxTable

StoreConnection = sqlite3.Connection | Connection
"""A sqlite3 connection, or a SQLAlchemy sync Connection on SQLite or PostgreSQL (from an
AsyncConnection: ``await conn.run_sync(lambda c: append_events(c, events))``)."""


class OutboxTable(Protocol):
    def create_table(self, connection: StoreConnection) -> None: ...

    def append_rows(self, connection: StoreConnection, rows: Sequence[StoredRow]) -> None: ...


def outbox_table(connection: StoreConnection) -> OutboxTable:
    """The outbox table of the database behind ``connection``."""
    if isinstance(connection, Connection) and connection.dialect.name == "postgresql":
        return PostgresOutboxTable()
    return SQLiteOutboxTable()


def create_outbox_table(connection: StoreConnection) -> None:
    """Create the outbox table in the caller's database (idempotent)."""
    outbox_table(connection).create_table(connection)


def append_events(connection: StoreConnection, events: Sequence[Envelope]) -> None:
    """Write outbox rows inside the caller's open transaction; the caller commits. An event
    id already present is ignored, so re-publishing the same event is harmless."""
    outbox_table(connection).append_rows(connection, outbox_rows(events))
