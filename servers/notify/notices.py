"""From a domain event to a notification: which type it is, the ids involved, one line of
text and a link. Only ids, labels and — where the policy allows — the ticket subject; never
message text or contact details (events carry none)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from events import Envelope

# event type -> notification type
NOTICE_OF = {
    "approval.requested": "approval.waiting",
    "approval.reminder": "approval.reminder",
    "sla.warning": "sla.warning",
    "sla.breached": "sla.breached",
    "request.escalated": "request.escalated",
    "request.failed": "request.failed",
}
FAMILIES = frozenset(t.split(".")[0] for t in NOTICE_OF)


class Notice(BaseModel):
    type: str
    event_id: str
    tenant: str
    at: str
    ids: dict[str, str] = Field(description="approval_id, request_id, ticket_id, customer_id.")
    group: str | None = None
    summary: str
    subject: str | None = None
    link: str | None = None


def notice_for(event: Envelope, link_base: str | None) -> Notice | None:
    kind = NOTICE_OF.get(event.type)
    payload = event.payload
    if kind is None or (kind == "request.escalated" and payload.get("route") != "escalated"):
        return None  # an escalation to an approval is told as approval.waiting
    ids = {name: value for name, value in (
        ("approval_id", payload.get("approval_id")), ("request_id", event.request_id),
        ("ticket_id", event.ticket_id or payload.get("ticket_id")),
        ("customer_id", event.customer_id)) if value}
    return Notice(type=kind, event_id=event.id, tenant=event.tenant,
                  at=event.occurred_at.isoformat(), ids=ids, group=payload.get("group"),
                  summary=_summary(kind, payload, ids), link=_link(ids, link_base))


def _summary(kind: str, payload: dict[str, Any], ids: dict[str, str]) -> str:
    ticket = ids.get("ticket_id", "")
    reasons = "; ".join(payload.get("reasons", []))
    target = str(payload.get("target", "")).replace("_", " ")
    return {
        "approval.waiting": f"A reply waits for approval {ids.get('approval_id')}: {reasons}",
        "approval.reminder": f"Approval {ids.get('approval_id')} still waits, after "
                             f"{payload.get('waiting_minutes')} min",
        "sla.warning": f"Ticket {ticket}: {target} due at {payload.get('due_at')}",
        "sla.breached": f"Ticket {ticket}: {target} SLA breached (was due "
                        f"{payload.get('due_at')})",
        "request.escalated": f"Ticket {ticket} handed to a human: {reasons}",
        "request.failed": f"Request {ids.get('request_id')} failed at {payload.get('stage')} "
                          f"({payload.get('error')})",
    }[kind]


def _link(ids: dict[str, str], base: str | None) -> str | None:
    if "approval_id" in ids:
        path = ("approvals", ids["approval_id"])
    elif "ticket_id" in ids:
        path = ("tickets", ids["ticket_id"])
    elif "request_id" in ids:
        path = ("requests", ids["request_id"])
    else:
        return None
    if base:
        return f"{base.rstrip('/')}/{path[0]}/{path[1]}"
    scheme = "crm" if path[0] == "tickets" else "workflow"
    return f"{scheme}://{path[0]}/{path[1]}"
