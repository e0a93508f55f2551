"""The audit trail: one row per change (who, what, when, before/after), written in the same
transaction as the change itself and never updated afterwards.

In a CRM write (``CrmDatabase.write``) a change's entries are inserted together as it ends,
in the order recorded: one statement for a ticket opened, answered and set resolved, not
three trips to the database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio.engine import AsyncConnection

from servers.crm.models import AuditEntry
from servers.crm.store.tables import audit_log
from servers.crm.vocabulary import TICKET, format_id


# Built once, its values bound as it runs: every change writes one (see ``tickets``).
_INSERT = insert(audit_log)
# In the connection's info while entries wait for the end of their write.
_WAITING = "audit_entries_waiting"


async def record(
    conn: AsyncConnection,
    *,
    tenant: str,
    actor: str,
    action: str,
    at: datetime,
    customer_number: int,
    ticket_number: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    entry = {
        "tenant": tenant, "actor": actor, "action": action, "at": at,
        "customer_id": customer_number, "ticket_id": ticket_number,
        "before": before, "after": after,
    }
    waiting = conn.info.get(_WAITING)
    if waiting is None:
        await conn.execute(_INSERT, entry)
    else:
        waiting.append(entry)


@asynccontextmanager
async def recorded_together(conn: AsyncConnection) -> AsyncIterator[None]:
    """Entries recorded in the block are inserted in one statement as it ends; none when it
    raises (its transaction is rolled back)."""
    conn.info[_WAITING] = waiting = []
    try:
        yield
        if waiting:
            await conn.execute(_INSERT, waiting)
    finally:
        # info lives with the pooled DBAPI connection: never leave the list behind.
        conn.info.pop(_WAITING, None)


async def history_of_ticket(
    conn: AsyncConnection, tenant: str, ticket_number: int
) -> list[AuditEntry]:
    query = (
        select(audit_log)
        .where(audit_log.c.tenant == tenant, audit_log.c.ticket_id == ticket_number)
        .order_by(audit_log.c.id)
    )
    return [
        AuditEntry(
            at=row.at,
            action=row.action,
            actor=row.actor,
            ticket_id=format_id(TICKET, row.ticket_id),
            before=row.before,
            after=row.after,
        )
        for row in (await conn.execute(query)).all()
    ]
