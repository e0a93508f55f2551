"""Writes named by a key (a ticket's request_id, a message's or note's idempotency_key): the
first call writes, every repeat — sequential or concurrent — gets what the first one wrote."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.exc import IntegrityError

from servers.crm.store.database import CrmDatabase

Written = tuple[Any, list]
"""(the result, the events staged in its transaction)."""


async def once_per_key(
    db: CrmDatabase,
    key: str | None,
    find: Callable[[Any, str], Awaitable[Any]],
    repeat: Callable[[Any], Any],
    write: Callable[[Any], Awaitable[Written]],
) -> Written:
    """``write(conn)`` in one write transaction, unless ``find(conn, key)`` shows the key
    already wrote: then ``repeat(that row)``, with no events. A concurrent call with the same
    key that commits first makes this one's insert fail on the key's unique index; the row it
    wrote is then read and repeated the same way. Without a key every call writes."""
    try:
        async with db.write() as conn:
            if key is not None and (existing := await find(conn, key)) is not None:
                return repeat(existing), []
            return await write(conn)
    except IntegrityError:
        if key is None:
            raise
        async with db.read() as conn:
            existing = await find(conn, key)
        if existing is None:
            raise
        return repeat(existing), []


async def rerun_after_race(db: CrmDatabase, write: Callable[[Any], Awaitable[Written]]) -> Written:
    """``write(conn)`` in one write transaction, run once more should a concurrent call with
    the same keys commit first (a unique index refuses this one's insert, and the transaction
    is rolled back whole): the second run finds what that call wrote. ``write`` looks for its
    keys itself; for a write keyed several ways at once (a ticket and its first reply)."""
    try:
        async with db.write() as conn:
            return await write(conn)
    except IntegrityError:
        async with db.write() as conn:
            return await write(conn)
