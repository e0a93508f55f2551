"""Service levels inside the CRM's write transactions: the clocks a ticket starts with, the
marks that stop them, the scan that warns and flags breaches, and round-robin assignment.

Every mark is a unique row written in the same transaction as the event it raises, so each
target of each ticket is met, warned about or breached once, whichever replica gets there.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from events import Envelope, make_event
from events.types import SlaBreached, SlaMet, SlaWarning
from servers.crm.errors import CrmError
from servers.crm.store import customers, sla
from servers.crm.ticket_policy import TicketPolicy
from servers.crm.vocabulary import CUSTOMER, SLA_BY_PRIORITY, TICKET, format_id

DONE_STATUSES = ("resolved", "closed")

_EVENTS = {"met": SlaMet, "warning": SlaWarning, "breached": SlaBreached}
SCAN_BATCH = 500


def clocks(policy: TicketPolicy, tenant: str, priority: str, tier: str | None,
           opened_at: datetime) -> dict[str, datetime | None]:
    """The due-time columns of a ticket opened (or re-prioritised) with these facts."""
    due = policy.due_times(tenant, priority, tier, opened_at)
    return {
        "sla_due_at": due.first_response or opened_at + SLA_BY_PRIORITY[priority],
        "resolution_due_at": due.resolution,
    }


def _event(kind: str, tenant: str, row: Any, target: str, due_at: datetime) -> Envelope:
    payload = _EVENTS[kind](ticket_id=format_id(TICKET, row.id), target=target,
                            due_at=due_at.isoformat(), group=row.assigned_group)
    return make_event(payload, tenant=tenant, request_id=row.request_id,
                      ticket_id=format_id(TICKET, row.id),
                      customer_id=format_id(CUSTOMER, row.customer_id))


def due_of(row: Any, target: str) -> datetime | None:
    return row.sla_due_at if target == "first_response" else row.resolution_due_at


async def stop_clock(conn, tenant: str, row: Any, target: str, now: datetime) -> list[Envelope]:
    """The first agent reply (or the resolution) came at ``now``: met, or a breach not yet
    flagged by the scan."""
    due_at = due_of(row, target)
    if due_at is None:
        return []
    kind = "met" if now <= due_at else "breached"
    if not await sla.mark(conn, tenant, row.id, target, kind, due_at, now):
        return []
    return [_event(kind, tenant, row, target, due_at)]


async def scan(conn, policy: TicketPolicy, now: datetime) -> list[Envelope]:
    """Warn about clocks about to run out and flag those that ran out, once each."""
    horizon = now + policy.longest_warning()
    found: list[Envelope] = []
    for row in await sla.clocks_running_out(conn, horizon, SCAN_BATCH):
        for target, stopped in (("first_response", row.first_response_at),
                                ("resolution", row.resolved_at)):
            due_at = due_of(row, target)
            if stopped is not None or due_at is None:
                continue
            if now >= due_at:
                kind = "breached"
            elif now >= due_at - policy.warn_before(row.tenant):
                kind = "warning"
            else:
                continue
            if await sla.mark(conn, row.tenant, row.id, target, kind, due_at, now):
                found.append(_event(kind, row.tenant, row, target, due_at))
    return found


async def assignee_from(conn, policy: TicketPolicy, tenant: str, group: str) -> str | None:
    """The group's next agent in round-robin order, or None when it has none."""
    members = policy.members(tenant, group)
    if not members:
        return None
    return members[await sla.next_turn(conn, tenant, group) % len(members)]


async def ticket_values(conn, policy: TicketPolicy, tenant: str, row,
                        wanted: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The columns a change writes: the fields that differ, plus the SLA clocks a new
    priority moves, the resolution a done status records, the agent a new group picks."""
    group = wanted.pop("group", None)
    if group is not None and not policy.members(tenant, group):
        raise CrmError(f"group: {group!r} is not an assignment group in the policy")
    values = {field: value for field, value in wanted.items() if row._mapping[field] != value}
    if group is not None and group != row.assigned_group:
        values["assigned_group"] = group
        if "assignee" not in wanted:
            agent = await assignee_from(conn, policy, tenant, group)
            if agent is not None and agent != row.assignee:
                values["assignee"] = agent
    if not values:
        return values
    if "priority" in values:
        owner = await customers.customer_row(conn, tenant, row.customer_id)
        values.update(clocks(policy, tenant, values["priority"],
                             owner.tier if owner else None, row.created_at))
    if values.get("status") in DONE_STATUSES and row.resolved_at is None:
        values["resolved_at"] = now
    return values
