"""SQLAlchemy's aiosqlite driver with one trip to the connection's thread per statement.

aiosqlite runs each sqlite3 call on the connection's own thread, and SQLAlchemy's adapter
makes four calls per statement: open a cursor, execute, fetch the rows, close the cursor.
Each is a hand-off to that thread and a wake-up of the event loop (about 60 µs on a quiet
machine, more under load), so a resolution spent some 75 of its 130 hand-offs on cursor
bookkeeping. Here the four run together, in one hand-off, and the rows come back with it.

A transaction's ``BEGIN`` travels with its first statement: it is held until then and run
just before it, on the same trip (SQLite takes no lock for a deferred ``BEGIN`` anyway, and an
``IMMEDIATE`` one takes the write lock right before the statement that needs it). A
transaction that ends before any statement never began, and its end makes no trip.

The URL stays ``sqlite+aiosqlite``: only the DBAPI module SQLAlchemy is given changes
(``create_async_engine(url, **one_trip_options(url))``). Transactions, isolation, errors and
the connection's pool are SQLAlchemy's and aiosqlite's own, unchanged.
"""

from __future__ import annotations

import collections
import re
import sqlite3
from typing import Any

from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.engine import URL, make_url
from sqlalchemy.util.concurrency import await_

_Outcome = tuple[Any, list | None, int, int | None]
_BEGIN = re.compile(r"\s*BEGIN\b", re.IGNORECASE)


def _run_statement(connection: Any, operation: Any, parameters: Any, many: bool,
                   begin: str | None = None) -> _Outcome:
    """On the connection's thread: the whole statement, cursor opened and closed here, after
    the ``begin`` of its transaction when it is the first."""
    if begin is not None:
        connection._conn.execute(begin)
    cursor: sqlite3.Cursor = connection._conn.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        rows = cursor.fetchall() if cursor.description else None
        return cursor.description, rows, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


async def _held() -> None:
    """Awaited for a ``BEGIN`` held for the next statement."""


class OneTripCursor(AsyncAdapt_aiosqlite_cursor):
    """A cursor that holds a statement's outcome; there is no sqlite3 cursor behind it."""

    __slots__ = ("_description", "_rowcount", "_lastrowid", "_arraysize")

    def __init__(self, adapt_connection: AsyncAdapt_aiosqlite_connection) -> None:
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._rows = collections.deque()
        self._soft_closed_memoized = {}
        self._description = None
        self._rowcount = -1
        self._lastrowid = None
        self._arraysize = 1

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._lastrowid

    @property
    def arraysize(self) -> int:
        return self._arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._arraysize = value

    def execute(self, operation: Any, parameters: Any = None) -> None:
        if not parameters and _BEGIN.match(operation):
            self._adapt_connection._begin = operation  # run with the next statement
            self._description, self._rowcount, self._lastrowid = None, -1, None
            self._rows.clear()
            # SQLAlchemy requires an awaited call of a statement it runs (exec_driver_sql):
            # one that completes at once, no trip.
            await_(_held())
            return
        try:
            await_(self._run(operation, parameters, many=False))
        except Exception as error:
            self._adapt_connection._handle_exception(error)

    def executemany(self, operation: Any, seq_of_parameters: Any) -> None:
        try:
            await_(self._run(operation, seq_of_parameters, many=True))
        except Exception as error:
            self._adapt_connection._handle_exception(error)

    async def _run(self, operation: Any, parameters: Any, *, many: bool) -> None:
        adapted = self._adapt_connection
        async with adapted._execute_mutex:
            begin, adapted._begin = adapted._begin, None
            description, rows, rowcount, lastrowid = await self._connection._execute(
                _run_statement, self._connection, operation, parameters, many, begin
            )
        self._description, self._rowcount, self._lastrowid = description, rowcount, lastrowid
        self._rows = collections.deque(rows or ())

    async def _async_soft_close(self) -> None:
        """Nothing to close: the statement's cursor closed on the connection's thread."""

    def close(self) -> None:
        self._rows.clear()

    def setinputsizes(self, *inputsizes: Any) -> None:
        """sqlite3 ignores input sizes."""


class OneTripConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ("_begin",)
    _cursor_cls = OneTripCursor

    def __init__(self, dbapi: Any, connection: Any) -> None:
        super().__init__(dbapi, connection)
        self._begin: str | None = None
        """The ``BEGIN`` of a transaction no statement has run in yet."""

    def commit(self) -> None:
        if self._begin is not None:  # it never began: nothing to commit
            self._begin = None
            return
        super().commit()

    def rollback(self) -> None:
        """No trip when no transaction is open. SQLAlchemy's pool rolls back every connection
        given back to it, also after reads that began none (outside the CRM, reads begin no
        transaction); the connection is idle then, so asking it is safe from this thread."""
        self._begin = None
        connection: sqlite3.Connection | None = self._connection._connection
        if connection is not None and not connection.in_transaction:
            return
        super().rollback()


class OneTripAiosqlite(AsyncAdapt_aiosqlite_dbapi):
    """The DBAPI module SQLAlchemy's aiosqlite dialect is given in place of its own."""

    def connect(self, *args: Any, **kwargs: Any) -> OneTripConnection:
        connection = super().connect(*args, **kwargs)
        return OneTripConnection(self, connection._connection)


def one_trip_options(url: str | URL) -> dict[str, Any]:
    """``create_async_engine`` keyword arguments that make an aiosqlite engine one trip per
    statement; none for any other URL."""
    if make_url(url).drivername != "sqlite+aiosqlite":
        return {}
    import aiosqlite

    return {"module": OneTripAiosqlite(aiosqlite, sqlite3)}
