"""A customer's timeline: sign-up, subscriptions, tickets, their changes, messages and notes,
merged newest first with an exact keyset cursor over ``(time, kind, id)``."""

from __future__ import annotations

import heapq
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import ColumnElement, Row, Select, select, tuple_
from sqlalchemy.ext.asyncio.engine import AsyncConnection

from servers.crm.models import TimelineEntry
from servers.crm.store.customers import to_amount
from servers.crm.store.tables import (
    audit_log,
    customers,
    subscriptions,
    ticket_messages,
    ticket_notes,
    tickets,
)
from servers.crm.vocabulary import TICKET, format_id

TimelineKey = tuple[datetime, int, int]
"""(when, rank of the kind, row id): the order entries are listed in, newest first."""

EXCERPT = 140


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= EXCERPT else flat[: EXCERPT - 1] + "…"


def _changes(before: dict | None, after: dict | None) -> str:
    before, after = before or {}, after or {}
    return "; ".join(f"{field} {before.get(field)!r} -> {after[field]!r}" for field in after)


def _signed_up(tenant: str, customer: int) -> Select:
    c = customers.c
    return select(c.created_at.label("at"), c.id, c.tier).where(
        c.tenant == tenant, c.id == customer
    )


def _subscribed(tenant: str, customer: int) -> Select:
    s = subscriptions.c
    return select(
        s.started_at.label("at"), s.id, s.plan, s.amount_minor, s.currency, s.status
    ).where(s.tenant == tenant, s.customer_id == customer)


def _opened(tenant: str, customer: int) -> Select:
    t = tickets.c
    return select(
        t.created_at.label("at"),
        t.id,
        t.id.label("ticket_id"),
        t.subject,
        t.category,
        t.priority,
    ).where(t.tenant == tenant, t.customer_id == customer)


def _changed(tenant: str, customer: int) -> Select:
    a = audit_log.c
    return select(a.at, a.id, a.ticket_id, a.actor, a.before, a.after).where(
        a.tenant == tenant, a.customer_id == customer, a.action == "ticket.updated"
    )


def _wrote(tenant: str, customer: int) -> Select:
    m = ticket_messages.c
    return (
        select(m.created_at.label("at"), m.id, m.ticket_id, m.author_type, m.body)
        .join(tickets, tickets.c.id == m.ticket_id)
        .where(m.tenant == tenant, tickets.c.customer_id == customer)
    )


def _noted(tenant: str, customer: int) -> Select:
    n = ticket_notes.c
    return (
        select(n.created_at.label("at"), n.id, n.ticket_id, n.author, n.body)
        .join(tickets, tickets.c.id == n.ticket_id)
        .where(n.tenant == tenant, tickets.c.customer_id == customer)
    )


def _profile_changed(tenant: str, customer: int) -> Select:
    a = audit_log.c
    return select(a.at, a.id, a.actor, a.after).where(
        a.tenant == tenant, a.customer_id == customer, a.action == "customer.updated"
    )


def _ticket_of(row: Row) -> str:
    return format_id(TICKET, row.ticket_id)


_SOURCES: tuple[tuple[str, Callable[[str, int], Select], Callable[[Row], str]], ...] = (
    ("customer_created", _signed_up, lambda r: f"Became a customer ({r.tier} tier)"),
    (
        "subscription_started",
        _subscribed,
        lambda r: (
            f"Started the {r.plan} plan at {to_amount(r.amount_minor, r.currency)} "
            f"{r.currency} (now {r.status})"
        ),
    ),
    (
        "ticket_created",
        _opened,
        lambda r: f"Opened {_ticket_of(r)}: {r.subject} [{r.category}]",
    ),
    (
        "ticket_updated",
        _changed,
        lambda r: f"{r.actor} changed {_ticket_of(r)}: {_changes(r.before, r.after)}",
    ),
    (
        "message",
        _wrote,
        lambda r: f"{r.author_type.capitalize()} wrote on {_ticket_of(r)}: {_excerpt(r.body)}",
    ),
    (
        "note",
        _noted,
        lambda r: f"Internal note by {r.author} on {_ticket_of(r)}: {_excerpt(r.body)}",
    ),
    # Appended last: a kind's rank is part of the cursors already handed out.
    (
        "customer_updated",
        _profile_changed,
        lambda r: f"{r.actor} updated the profile: {', '.join(sorted(r.after or {}))}",
    ),
)


def _older_than(query: Select, rank: int, before: TimelineKey) -> Select:
    """Rows of one kind whose (time, rank, id) sorts strictly below ``before``."""
    at_column = query.selected_columns.at
    id_column = query.selected_columns.id
    at, cursor_rank, row_id = before
    condition: ColumnElement[bool]
    if rank < cursor_rank:
        condition = at_column <= at
    elif rank == cursor_rank:
        condition = tuple_(at_column, id_column) < tuple_(at, row_id)
    else:
        condition = at_column < at
    return query.where(condition)


async def entries(
    conn: AsyncConnection,
    tenant: str,
    customer_number: int,
    *,
    before: TimelineKey | None,
    limit: int,
) -> tuple[list[TimelineEntry], TimelineKey | None]:
    """Up to ``limit`` entries older than ``before``, and the key to continue from (or None)."""
    candidates: list[tuple[TimelineKey, TimelineEntry]] = []
    for rank, (kind, build_query, describe) in enumerate(_SOURCES):
        query = build_query(tenant, customer_number)
        if before is not None:
            query = _older_than(query, rank, before)
        at_column, id_column = query.selected_columns.at, query.selected_columns.id
        query = query.order_by(at_column.desc(), id_column.desc()).limit(limit + 1)
        for row in (await conn.execute(query)).all():
            ticket_number = getattr(row, "ticket_id", None)
            entry = TimelineEntry(
                at=row.at,
                kind=kind,
                ticket_id=format_id(TICKET, ticket_number) if ticket_number else None,
                summary=describe(row),
            )
            candidates.append(((row.at, rank, row.id), entry))
    newest = heapq.nlargest(limit + 1, candidates, key=lambda pair: pair[0])
    more = len(newest) > limit
    page = newest[:limit]
    return [entry for _, entry in page], (page[-1][0] if more and page else None)
