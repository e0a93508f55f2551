"""Bulk insertion for seeding: thousands of rows per statement.

Rows arrive linked by list index (``customer`` / ``ticket``). Ids are reserved up front (from
the sequence on PostgreSQL; past the largest id on SQLite, whose write transaction excludes
every other writer), so the rows go in as plain executemany batches, which is several times
faster than asking each batch to return its ids.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.ext.asyncio.engine import AsyncConnection

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


async def _reserve_ids(conn: AsyncConnection, table: Table, count: int) -> list[int]:
    if count == 0:
        return []
    if conn.dialect.name == "postgresql":
        query = text(
            "SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"
        )
        return list((await conn.execute(query, {"table": table.name, "n": count})).scalars())
    largest = (await conn.execute(select(func.coalesce(func.max(table.c.id), 0)))).scalar_one()
    return list(range(largest + 1, largest + 1 + count))


async def _insert(
    conn: AsyncConnection, table: Table, rows: Sequence[dict[str, Any]], *, ids: bool = False
) -> list[int]:
    """Insert ``rows``; with ``ids``, give them fresh ids and return those, in row order."""
    new_ids = await _reserve_ids(conn, table, len(rows)) if ids else []
    if ids:
        rows = [{**row, "id": row_id} for row, row_id in zip(rows, new_ids, strict=True)]
    for start in range(0, len(rows), BATCH):
        await conn.execute(insert(table), rows[start : start + BATCH])
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
