"""SLA marks and assignment turns: rows whose unique keys make "once" hold across replicas."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Row, and_, exists, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio.engine import AsyncConnection

from servers.crm.store.tables import assignment_turns, sla_marks, tickets
from servers.crm.vocabulary import OPEN_STATUSES


def _dialect(conn: AsyncConnection):
    """The dialect module whose INSERT knows ON CONFLICT: PostgreSQL's, else SQLite's."""
    return postgresql if conn.dialect.name == "postgresql" else sqlite


def _insert(conn: AsyncConnection, table):
    return _dialect(conn).insert(table)


# Built once per dialect, its values bound as it runs: every reply and resolution marks (see
# ``tickets``).
_MARK = {
    dialect: dialect.insert(sla_marks).on_conflict_do_nothing(
        index_elements=["tenant", "ticket_id", "target", "kind"])
    for dialect in (postgresql, sqlite)
}


async def mark(
    conn: AsyncConnection, tenant: str, ticket_number: int, target: str, kind: str,
    due_at: datetime, at: datetime,
) -> bool:
    """Record that ``target`` of the ticket was met/warned/breached; False if it already was."""
    values = {"tenant": tenant, "ticket_id": ticket_number, "target": target, "kind": kind,
              "due_at": due_at, "at": at}
    return (await conn.execute(_MARK[_dialect(conn)], values)).rowcount == 1


def _not_marked(target: str, kind: str):
    return ~exists().where(
        sla_marks.c.tenant == tickets.c.tenant, sla_marks.c.ticket_id == tickets.c.id,
        sla_marks.c.target == target, sla_marks.c.kind == kind,
    )


async def clocks_running_out(conn: AsyncConnection, horizon: datetime, limit: int) -> list[Row]:
    """Open tickets (every tenant) with a clock still running that is due before ``horizon``
    and not yet breached: what the SLA scan looks at."""
    first_response = and_(tickets.c.first_response_at.is_(None),
                          tickets.c.sla_due_at <= horizon,
                          _not_marked("first_response", "breached"))
    resolution = and_(tickets.c.resolved_at.is_(None),
                      tickets.c.resolution_due_at.is_not(None),
                      tickets.c.resolution_due_at <= horizon,
                      _not_marked("resolution", "breached"))
    query = (
        select(tickets.c.id, tickets.c.tenant, tickets.c.customer_id, tickets.c.request_id,
               tickets.c.sla_due_at, tickets.c.resolution_due_at, tickets.c.first_response_at,
               tickets.c.resolved_at, tickets.c.assigned_group)
        .where(tickets.c.status.in_(OPEN_STATUSES), or_(first_response, resolution))
        .order_by(tickets.c.id)
        .limit(limit)
    )
    return list((await conn.execute(query)).all())


async def marks_since(conn: AsyncConnection, tenant: str, since: datetime) -> dict[str, int]:
    """How many targets were met and breached since ``since``: the share of SLAs met."""
    query = select(sla_marks.c.kind).where(
        sla_marks.c.tenant == tenant, sla_marks.c.at >= since,
        sla_marks.c.kind.in_(("met", "breached")),
    )
    counts = {"met": 0, "breached": 0}
    for (kind,) in (await conn.execute(query)).all():
        counts[kind] += 1
    return counts


async def next_turn(conn: AsyncConnection, tenant: str, group: str) -> int:
    """The group's next turn (0, 1, 2, …), taken atomically: concurrent tickets get distinct
    turns, so round-robin holds across replicas."""
    statement = _insert(conn, assignment_turns).values(tenant=tenant, group_name=group, turns=1)
    statement = statement.on_conflict_do_update(
        index_elements=["tenant", "group_name"],
        set_={"turns": assignment_turns.c.turns + 1},
    ).returning(assignment_turns.c.turns)
    return int((await conn.execute(statement)).scalar_one()) - 1
