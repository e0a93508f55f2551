"""Bulk insertion for seeding: thousands of rows per statement, ids handed back in order.

Rows arrive linked by list index (``customer`` / ``ticket``); each batch insert returns the
new ids in parameter order, which turns those indexes into foreign keys.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from sqlalchemy import Table, insert
from sqlalchemy.ext.asyncio import AsyncConnection

from servers.crm.store.tables import (
    audit_log,
    customers,
    subscriptions,
    ticket_messages,
    ticket_notes,
    tickets,
)

BATCH = 2_000
IMPORT_ACTOR = "demo-import"


class Seed(Protocol):
    customers: list[dict[str, Any]]
    subscriptions: list[dict[str, Any]]
    tickets: list[dict[str, Any]]
    messages: list[dict[str, Any]]
    notes: list[dict[str, Any]]


async def _insert(
    conn: AsyncConnection, table: Table, rows: Sequence[dict[str, Any]], *, ids: bool = False
) -> list[int]:
    new_ids: list[int] = []
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        if ids:
            query = insert(table).returning(table.c.id, sort_by_parameter_order=True)
            new_ids.extend((await conn.execute(query, batch)).scalars())
        else:
            await conn.execute(insert(table), batch)
    return new_ids


async def insert_seed(conn: AsyncConnection, tenant: str, seed: Seed) -> None:
    """Insert everything in ``seed`` for ``tenant``, inside the caller's transaction."""
    customer_ids = await _insert(
        conn, customers, [{**row, "tenant": tenant} for row in seed.customers], ids=True
    )

    def owned(row: dict[str, Any], link: str, ids: list[int], column: str) -> dict[str, Any]:
        values = {k: v for k, v in row.items() if k != link}
        return {**values, "tenant": tenant, column: ids[row[link]]}

    await _insert(
        conn,
        subscriptions,
        [owned(row, "customer", customer_ids, "customer_id") for row in seed.subscriptions],
    )
    ticket_rows = [owned(row, "customer", customer_ids, "customer_id") for row in seed.tickets]
    ticket_ids = await _insert(conn, tickets, ticket_rows, ids=True)
    await _insert(
        conn,
        ticket_messages,
        [owned(row, "ticket", ticket_ids, "ticket_id") for row in seed.messages],
    )
    await _insert(
        conn, ticket_notes, [owned(row, "ticket", ticket_ids, "ticket_id") for row in seed.notes]
    )
    await _insert(
        conn,
        audit_log,
        [
            {
                "tenant": tenant,
                "customer_id": row["customer_id"],
                "ticket_id": ticket_id,
                "action": "ticket.created",
                "actor": IMPORT_ACTOR,
                "at": row["created_at"],
                "before": None,
                "after": {
                    field: row[field] for field in ("status", "priority", "category", "channel")
                },
            }
            for row, ticket_id in zip(ticket_rows, ticket_ids, strict=True)
        ],
    )
