"""SQLite's write-ahead log, turned on while other processes open the same new file.

WAL is a property of the file: once on, every later connection finds it there, and asking
again takes no lock. The first switch needs the file to itself, and while another process
holds the write lock SQLite refuses at once with "database is locked", without waiting out the
busy timeout (waiting could deadlock). Replicas starting together on a new data directory meet
exactly that, so the switch is tried again until it lands.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

# As long as the event log, the shared tables and the checkpoints wait for a writer's lock.
SWITCH_SECONDS = 30.0
_FIRST_PAUSE = 0.005
_LONGEST_PAUSE = 0.1


def turn_on_wal(connection: sqlite3.Connection, *, within: float = SWITCH_SECONDS) -> None:
    """``PRAGMA journal_mode=WAL``, tried again for up to ``within`` seconds while another
    process holds the lock it needs."""
    deadline = time.monotonic() + within
    pause = _FIRST_PAUSE
    while True:
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() + pause > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, _LONGEST_PAUSE)


def sqlite_file(database: str | None) -> Path | None:
    """The file a SQLite URL's database part names; None for an in-memory database."""
    return None if database in (None, "", ":memory:") else Path(database)


def switch_file_to_wal(path: Path) -> None:
    """The database at ``path`` (created if missing) in WAL mode for every connection opened
    after this. Blocks: run it off the event loop."""
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        turn_on_wal(connection)
    finally:
        connection.close()
