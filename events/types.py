"""The event types: one payload model per type, a registry, a typed constructor and parser.

Payloads carry ids, labels, counts and outcomes — never message text, argument values or
contact details, so events can be kept and shipped without leaking PII.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from events.envelope import Envelope


class EventPayload(BaseModel):
    """Base of every payload: the class names its event type and schema version."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    event_type: ClassVar[str]
    schema_version: ClassVar[int] = 1


# --- the support request's life --------------------------------------------------------


class RequestReceived(EventPayload):
    event_type = "request.received"
    channel: str = Field(description="Where the request came in: 'mcp', 'email', 'chat', ...")
    message_chars: int = Field(ge=0, description="Length of the customer's message.")


class RequestTriaged(EventPayload):
    event_type = "request.triaged"
    category: str = Field(description="Category the request was classified into.")
    priority: str = Field(description="Priority: 'low', 'normal', 'high' or 'urgent'.")
    sentiment: str = Field(description="Customer sentiment: 'negative', 'neutral', 'positive'.")
    confidence: float = Field(ge=0, le=1, description="Classifier confidence.")
    route: str | None = Field(default=None, description="Route suggested at triage, if any.")
    pii_kinds: list[str] = Field(default_factory=list, description="Kinds of PII found.")


class RequestResearched(EventPayload):
    event_type = "request.researched"
    hits: int = Field(ge=0, description="Knowledge-base passages retrieved.")
    citations: list[str] = Field(default_factory=list, description="Cited article uris.")
    top_score: float | None = Field(default=None, description="Best retrieval score.")


class RequestDrafted(EventPayload):
    event_type = "request.drafted"
    engine: str = Field(description="Engine that drafted: 'offline', 'anthropic:<model>', ...")
    citations: list[str] = Field(default_factory=list, description="Article uris cited.")
    answer_chars: int = Field(ge=0, description="Length of the drafted answer.")
    revision: int = Field(default=0, ge=0, description="0 for a first draft, 1 for a revision.")


class RequestReviewed(EventPayload):
    event_type = "request.reviewed"
    passed: bool = Field(description="Whether the draft passed the quality checks.")
    issues: list[str] = Field(default_factory=list, description="Names of failed checks.")
    revision: int = Field(default=0, ge=0, description="How many times it was sent back.")


class RequestEscalated(EventPayload):
    event_type = "request.escalated"
    reasons: list[str] = Field(description="Why a human must decide, e.g. ['vip', 'refund'].")
    approval_id: str | None = Field(default=None, description="Approval it waits on.")
    route: str = Field(description="'approval' (waits on a decision) or 'escalated' (handed over).")
    ticket_id: str | None = Field(default=None, description="Ticket it was handed over on.")
    category: str | None = Field(default=None, description="Category at triage.")
    priority: str | None = Field(default=None, description="Priority at triage.")


class ApprovalRequested(EventPayload):
    event_type = "approval.requested"
    approval_id: str = Field(description="Id the decision is made against.")
    action: str = Field(description="What needs approval, e.g. 'send_answer', 'refund'.")
    reasons: list[str] = Field(default_factory=list, description="Why approval is needed.")


class ApprovalDecided(EventPayload):
    event_type = "approval.decided"
    approval_id: str = Field(description="The approval decided.")
    decision: Literal["approve", "edit", "reject"] = Field(description="What the human chose.")
    decided_by: str = Field(description="Principal who decided.")


class RequestResolved(EventPayload):
    event_type = "request.resolved"
    resolution: Literal["resolved", "rejected"] = Field(
        description="'resolved' (a reply went out) or 'rejected' (a human refused the reply)."
    )
    route: str = Field(description="'resolved' on its own or through an 'approval'.")
    ticket_id: str = Field(description="Ticket the request ended on.")
    category: str = Field(description="Category at triage.")
    priority: str = Field(description="Priority at triage.")
    actions: list[str] = Field(default_factory=list, description="Actions taken.")


class RequestFailed(EventPayload):
    event_type = "request.failed"
    stage: str = Field(description="Workflow step that failed, e.g. 'research'.")
    error: str = Field(description="Error kind (a class or code, not a message with data).")
    retryable: bool = Field(default=False, description="Whether retrying may succeed.")


class ApprovalReminder(EventPayload):
    event_type = "approval.reminder"
    approval_id: str = Field(description="The approval still waiting.")
    waiting_minutes: int = Field(ge=0, description="How long it has waited.")


# --- SLAs --------------------------------------------------------------------------------


class _SlaEvent(EventPayload):
    ticket_id: str
    target: Literal["first_response", "resolution"] = Field(description="Which clock.")
    due_at: str = Field(description="When the target is (was) due, ISO 8601 UTC.")
    group: str | None = Field(default=None, description="The ticket's assignment group.")


class SlaWarning(_SlaEvent):
    event_type = "sla.warning"


class SlaBreached(_SlaEvent):
    event_type = "sla.breached"


class SlaMet(_SlaEvent):
    event_type = "sla.met"


# --- other domains ---------------------------------------------------------------------


class CustomerCreated(EventPayload):
    event_type = "customer.created"
    customer_id: str
    tier: str = Field(description="Support tier the customer starts on.")
    vip: bool = Field(default=False)
    identified_by: list[str] = Field(
        description="What identifies them: 'email' and/or external id systems, e.g. 'chat'."
    )


class CustomerUpdated(EventPayload):
    event_type = "customer.updated"
    customer_id: str
    version: int = Field(ge=1, description="Customer version after the change.")
    fields: list[str] = Field(description="Names of the changed fields (never their values).")


class TicketCreated(EventPayload):
    event_type = "ticket.created"
    ticket_id: str
    customer_id: str
    status: str
    priority: str
    category: str
    channel: str


class TicketUpdated(EventPayload):
    event_type = "ticket.updated"
    ticket_id: str
    version: int = Field(ge=1, description="Ticket version after the change.")
    changes: dict[str, tuple[Any, Any]] = Field(description="{field: [before, after]}.")


class MemoryWritten(EventPayload):
    event_type = "memory.written"
    memory_id: str
    customer_id: str
    kind: str = Field(description="Memory kind, e.g. 'preference', 'fact', 'episode'.")
    source: str = Field(description="What wrote it, e.g. 'workflow', 'agent', 'import'.")


class ToolCalled(EventPayload):
    event_type = "tool.called"
    tool: str = Field(description="Tool name as the server registers it (no namespace).")
    server: str = Field(description="Server that ran it: 'kb', 'crm', ...")
    principal: str = Field(description="Who called.")
    duration_ms: float = Field(ge=0)
    outcome: Literal["ok", "error"]


PAYLOAD_TYPES: dict[str, type[EventPayload]] = {
    model.event_type: model
    for model in (
        RequestReceived,
        RequestTriaged,
        RequestResearched,
        RequestDrafted,
        RequestReviewed,
        RequestEscalated,
        ApprovalRequested,
        ApprovalDecided,
        RequestResolved,
        RequestFailed,
        ApprovalReminder,
        SlaWarning,
        SlaBreached,
        SlaMet,
        CustomerCreated,
        CustomerUpdated,
        TicketCreated,
        TicketUpdated,
        MemoryWritten,
        ToolCalled,
    )
}
"""Event type -> payload model of its newest known version."""

P = TypeVar("P", bound=EventPayload)

_SUBJECTS = ("request_id", "ticket_id", "customer_id")


def make_event(
    payload: EventPayload,
    *,
    tenant: str,
    request_id: str | None = None,
    ticket_id: str | None = None,
    customer_id: str | None = None,
    correlation_id: str | None = None,
    cause: Envelope | None = None,
    event_id: str | None = None,
) -> Envelope:
    """An envelope around a typed payload.

    ``event_id``: a stable id (``stable_event_id``) for an event that a retried step may
    publish again; a fresh ULID otherwise.

    Subject ids not given are taken from payload fields of the same name. ``cause`` is the
    event this one follows from: it sets the causation id and carries the correlation id on.
    """
    subjects = {"request_id": request_id, "ticket_id": ticket_id, "customer_id": customer_id}
    for name in _SUBJECTS:
        if subjects[name] is None:
            subjects[name] = getattr(payload, name, None)
    if cause is not None:
        correlation_id = correlation_id or cause.correlation_id or cause.id
    identity = {"id": event_id} if event_id else {}
    return Envelope(
        **identity,
        type=payload.event_type,
        version=payload.schema_version,
        tenant=tenant,
        correlation_id=correlation_id,
        causation_id=cause.id if cause is not None else None,
        payload=payload.model_dump(mode="json"),
        **subjects,
    )


def parse_payload(envelope: Envelope) -> EventPayload | dict[str, Any]:
    """The typed payload of a known type and version; the raw dict otherwise (kept, not lost).

    An unknown type, or a version newer than this code knows, comes back as the dict it
    arrived as, so a consumer built before the change can still store or forward it.
    """
    model = PAYLOAD_TYPES.get(envelope.type)
    if model is None or envelope.version > model.schema_version:
        return dict(envelope.payload)
    return model.model_validate(envelope.payload)


def payload_as(envelope: Envelope, model: type[P]) -> P:
    """The payload as ``model``; raises if the envelope is of another type or a newer version."""
    if envelope.type != model.event_type or envelope.version > model.schema_version:
        raise ValueError(
            f"type: expected {model.event_type} v{model.schema_version}, "
            f"got {envelope.type} v{envelope.version}"
        )
    return model.model_validate(envelope.payload)
