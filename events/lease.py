"""One relay at a time per outbox file: a renewable lease stored in the same database.

Processes sharing a data directory each run a relay; only the lease holder sends, so a row is
not sent twice in the normal case. A holder that dies stops renewing and its lease expires —
at once when it ran on this host and its process is gone.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import time
import uuid

from events.sqlite_worker import transaction

LEASE_DDL = """CREATE TABLE IF NOT EXISTS event_relay_lease (
    name TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    expires_at REAL NOT NULL
)"""


def new_owner_id() -> str:
    """host:pid:random — the pid lets a successor on the same host see the holder is gone."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _holder_is_gone(owner: str) -> bool:
    host, _, rest = owner.partition(":")
    pid_text = rest.split(":", 1)[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        return False
    return False


def _claim(connection: sqlite3.Connection, name: str, owner: str, ttl: float) -> bool:
    connection.execute(LEASE_DDL)
    now = time.time()
    row = connection.execute(
        "SELECT owner, expires_at FROM event_relay_lease WHERE name = ?", (name,)
    ).fetchone()
    if row is not None:
        holder, expires_at = row
        if holder != owner and expires_at > now and not _holder_is_gone(holder):
            return False
    connection.execute(
        "INSERT INTO event_relay_lease (name, owner, expires_at) VALUES (?, ?, ?)"
        " ON CONFLICT(name) DO UPDATE SET owner = excluded.owner,"
        " expires_at = excluded.expires_at",
        (name, owner, now + ttl),
    )
    return True


def claim(connection: sqlite3.Connection, name: str, owner: str, ttl: float) -> bool:
    """Take or renew the lease ``name`` for ``ttl`` seconds; False while another holds it."""
    return transaction(connection, _claim, name, owner, ttl)


def release(connection: sqlite3.Connection, name: str, owner: str) -> None:
    connection.execute(LEASE_DDL)
    connection.execute("DELETE FROM event_relay_lease WHERE name = ? AND owner = ?", (name, owner))
