"""The audit trail: one row per change (who, what, when, before/after), written in the same
transaction as the change itself and never updated afterwards."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio.engine import AsyncConnection

from servers.crm.models import AuditEntry
from servers.crm.store.tables import audit_log
from servers.crm.vocabulary import TICKET, format_id


# Built once, its values bound as it runs: every change writes one (see ``tickets``).
_INSERT = insert(audit_log)


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
    await conn.execute(_INSERT, {
        "tenant": tenant, "actor": actor, "action": action, "at": at,
        "customer_id": customer_number, "ticket_id": ticket_number,
        "before": before, "after": after,
    })


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
