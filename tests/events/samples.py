"""Sample events for the tests: small, valid, and numbered where order matters."""

from __future__ import annotations

from events import Envelope, make_event
from events.types import RequestReceived, RequestResolved, TicketCreated, ToolCalled


def received(request_id: str, n: int = 0, tenant: str = "acme") -> Envelope:
    """A request.received whose message_chars carries ``n`` (a per-request sequence number)."""
    return make_event(
        RequestReceived(channel="mcp", message_chars=n), tenant=tenant, request_id=request_id
    )


def resolved(request_id: str) -> Envelope:
    return make_event(
        RequestResolved(
            resolution="resolved", route="resolved", ticket_id="T-1", category="billing",
            priority="normal",
        ),
        tenant="acme",
        request_id=request_id,
    )


def ticket_created(ticket_id: str = "T-1", customer_id: str = "C-1", **subjects) -> Envelope:
    return make_event(
        TicketCreated(
            ticket_id=ticket_id,
            customer_id=customer_id,
            status="open",
            priority="high",
            category="billing",
            channel="email",
        ),
        tenant="acme",
        **subjects,
    )


def tool_called() -> Envelope:
    return make_event(
        ToolCalled(tool="search", server="kb", principal="p", duration_ms=1.5, outcome="ok"),
        tenant="acme",
    )
