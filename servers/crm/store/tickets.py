"""Ticket rows: insert, read, guarded update, and keyset-paginated listing, per tenant.

The statements every request makes are built once, their values bound as they run: building
one costs SQLAlchemy about as much as running it (it coerces each value into the statement,
then works out the statement's cache key again).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Row, bindparam, func, insert, select, tuple_, update
from sqlalchemy.ext.asyncio.engine import AsyncConnection

from servers.crm.inputs import TicketFilters
from servers.crm.models import Ticket, TicketSummary, ticket_uri
from servers.crm.store.tables import tickets
from servers.crm.vocabulary import CUSTOMER, OPEN_STATUSES, TICKET, format_id


def _fields(row: Row) -> dict[str, Any]:
    ticket_id = format_id(TICKET, row.id)
    return {
        "id": ticket_id,
        "customer_id": format_id(CUSTOMER, row.customer_id),
        "subject": row.subject,
        "channel": row.channel,
        "status": row.status,
        "priority": row.priority,
        "category": row.category,
        "assignee": row.assignee,
        "assigned_group": row.assigned_group,
        "tags": list(row.tags),
        "sla_due_at": row.sla_due_at,
        "resolution_due_at": row.resolution_due_at,
        "first_response_at": row.first_response_at,
        "resolved_at": row.resolved_at,
        "created_at": row.created_at,
        "updated_at": row.updated_at,
        "version": row.version,
        "uri": ticket_uri(ticket_id),
    }


def to_ticket(row: Row) -> Ticket:
    return Ticket(**_fields(row), body=row.body, request_id=row.request_id)


def to_summary(row: Row) -> TicketSummary:
    return TicketSummary(**_fields(row))


# Listing pages leave the (possibly long) body out.
_SUMMARY_COLUMNS = [c for c in tickets.c if c.name not in ("body", "request_id")]


# An update's WHERE values are named apart from the columns its SET takes from the values.
_BY_KEY = (tickets.c.tenant == bindparam("where_tenant"), tickets.c.id == bindparam("where_id"))
_BY_ID = select(tickets).where(tickets.c.tenant == bindparam("tenant"),
                               tickets.c.id == bindparam("number"))
_BY_REQUEST = select(tickets).where(tickets.c.tenant == bindparam("tenant"),
                                    tickets.c.request_id == bindparam("request_id"))
_INSERT = insert(tickets).returning(*tickets.c)
_UPDATE_IF_VERSION = (
    update(tickets)
    .where(*_BY_KEY, tickets.c.version == bindparam("where_version"))
    .values(version=tickets.c.version + 1)
    .returning(*tickets.c)
)
_TOUCH = update(tickets).where(*_BY_KEY).returning(*tickets.c)
_TOUCH_FIRST_RESPONSE = _TOUCH.values(
    first_response_at=func.coalesce(tickets.c.first_response_at, bindparam("replied_at")))
_NEWEST_FIRST = (tickets.c.created_at.desc(), tickets.c.id.desc())
_COUNT_OPEN = select(func.count()).where(
    tickets.c.tenant == bindparam("tenant"),
    tickets.c.customer_id == bindparam("customer_number"),
    tickets.c.status.in_(OPEN_STATUSES),
)
# Each row carries the customer's open count: a profile's tickets and count in one statement.
_RECENT_OF_CUSTOMER = (
    select(*_SUMMARY_COLUMNS, _COUNT_OPEN.scalar_subquery().label("open_of_customer"))
    .where(tickets.c.tenant == bindparam("tenant"),
           tickets.c.customer_id == bindparam("customer_number"))
    .order_by(*_NEWEST_FIRST)
    .limit(bindparam("limit"))
)


async def ticket_row(conn: AsyncConnection, tenant: str, number: int) -> Row | None:
    return (await conn.execute(_BY_ID, {"tenant": tenant, "number": number})).first()


async def ticket_for_request(conn: AsyncConnection, tenant: str, request_id: str) -> Row | None:
    found = await conn.execute(_BY_REQUEST, {"tenant": tenant, "request_id": request_id})
    return found.first()


async def insert_ticket(conn: AsyncConnection, values: dict[str, Any]) -> Row:
    return (await conn.execute(_INSERT, values)).one()


async def update_if_version(
    conn: AsyncConnection, tenant: str, number: int, version: int, values: dict[str, Any]
) -> Row | None:
    """Apply ``values`` and bump the version, only if the ticket is still at ``version``.

    Under concurrent writers exactly one update per version matches; the others get None.
    """
    where = {"where_tenant": tenant, "where_id": number, "where_version": version}
    return (await conn.execute(_UPDATE_IF_VERSION, {**values, **where})).first()


async def touch(conn: AsyncConnection, tenant: str, number: int, now: datetime, *,
                first_response: bool = False) -> Row:
    """Mark the ticket changed at ``now``; the row as it is after. ``first_response`` also
    stops the first-response clock, unless an earlier agent reply already did."""
    values = {"updated_at": now, "where_tenant": tenant, "where_id": number}
    if first_response:
        return (await conn.execute(_TOUCH_FIRST_RESPONSE, {**values, "replied_at": now})).one()
    return (await conn.execute(_TOUCH, values)).one()


async def page(
    conn: AsyncConnection,
    tenant: str,
    filters: TicketFilters,
    *,
    customer_number: int | None,
    after: tuple[datetime, int] | None,
    limit: int,
) -> list[Row]:
    """Tickets newest first, starting strictly after the ``(created_at, id)`` key ``after``."""
    query = select(*_SUMMARY_COLUMNS).where(tickets.c.tenant == tenant)
    if filters.status:
        query = query.where(tickets.c.status.in_(filters.status))
    if filters.priority:
        query = query.where(tickets.c.priority.in_(filters.priority))
    if filters.category:
        query = query.where(tickets.c.category == filters.category)
    if customer_number is not None:
        query = query.where(tickets.c.customer_id == customer_number)
    if filters.assignee is not None:
        query = query.where(tickets.c.assignee == (filters.assignee or None))
    if filters.created_after is not None:
        query = query.where(tickets.c.created_at >= filters.created_after)
    if filters.created_before is not None:
        query = query.where(tickets.c.created_at < filters.created_before)
    if after is not None:
        query = query.where(tuple_(tickets.c.created_at, tickets.c.id) < tuple_(*after))
    query = query.order_by(*_NEWEST_FIRST).limit(limit)
    return list((await conn.execute(query)).all())


async def recent_of_customer(conn: AsyncConnection, tenant: str, customer_number: int,
                             limit: int) -> tuple[list[Row], int]:
    """The customer's newest ``limit`` tickets (``page`` unfiltered, as every profile reads),
    and how many of all their tickets are open: none when they have no ticket."""
    values = {"tenant": tenant, "customer_number": customer_number, "limit": limit}
    rows = list((await conn.execute(_RECENT_OF_CUSTOMER, values)).all())
    return rows, int(rows[0].open_of_customer) if rows else 0
