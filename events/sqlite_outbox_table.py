"""The outbox table in a SQLite database: the local log's own table, and the one a SQLite
store (crm.db) writes its events to inside its transactions."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from sqlalchemy.engine import Connection

from events.rows import STORED_COLUMNS, StoredRow

OUTBOX_DDL = (
    """CREATE TABLE IF NOT EXISTS event_outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        event_id TEXT NOT NULL UNIQUE,
        type TEXT NOT NULL,
        tenant TEXT NOT NULL,
        subject_key TEXT,
        body TEXT NOT NULL,
        written_at REAL NOT NULL,
        relayed_at REAL,
        relay_error TEXT
    )""",
    # Only the rows still to relay are indexed: the relay's scan stays small as the log grows.
    """CREATE INDEX IF NOT EXISTS event_outbox_unrelayed
        ON event_outbox(seq) WHERE relayed_at IS NULL""",
)
INSERT = (
    f"INSERT OR IGNORE INTO event_outbox ({', '.join(STORED_COLUMNS)})"
    " VALUES (?, ?, ?, ?, ?, ?)"
)


class SQLiteOutboxTable:
    """On a sqlite3 connection or a SQLAlchemy (sync) Connection to SQLite."""

    def create_table(self, connection: sqlite3.Connection | Connection) -> None:
        for statement in OUTBOX_DDL:
            if isinstance(connection, Connection):
                connection.exec_driver_sql(statement)
            else:
                connection.execute(statement)

    def append_rows(
        self, connection: sqlite3.Connection | Connection, rows: Sequence[StoredRow]
    ) -> None:
        if isinstance(connection, Connection):
            connection.exec_driver_sql(INSERT, list(rows))
        else:
            connection.executemany(INSERT, rows)
