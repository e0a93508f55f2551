"""The workflow server's data: requests and their runs, approvals, timelines, analytics."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints

from events.projection import RequestAnalytics
from orchestrator.models import DecisionType, Priority, ResolveOutcome

RequestStatus = Literal[
    "running", "resolved", "pending_approval", "escalated", "rejected", "failed"
]
REQUEST_REF_PATTERN = r"^[A-Za-z0-9._:-]{1,128}$"
RequestRef = Annotated[
    str,
    StringConstraints(pattern=REQUEST_REF_PATTERN),
    Field(description="A request id (req-…, or the id the caller chose) or a run id (run-…)."),
]


class RequestSummary(BaseModel):
    """One run of the support workflow, as a row of a listing."""

    request_id: str = Field(description="The conversation the run belongs to.")
    run_id: str = Field(description="This run.")
    customer_id: str | None = Field(description="CRM customer id.")
    status: RequestStatus = Field(description="Where the run is, or how it ended.")
    category: str | None = Field(description="Category from triage (None while running).")
    priority: Priority | None = Field(description="Priority from triage (None while running).")
    created_at: datetime = Field(description="When the run started (UTC).")
    updated_at: datetime = Field(description="When the run last changed (UTC).")


class RequestPage(BaseModel):
    requests: list[RequestSummary] = Field(description="Newest first.")
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; None on the last page."
    )


class ProposedAction(BaseModel):
    """What the human is asked to approve: the reply, the ticket changes, any refund."""

    description: str = Field(description="Why approval is needed, in one line.")
    reply: str = Field(description="The reply that would be sent to the customer.")
    citations: list[str] = Field(description="kb:// uris the reply relies on.")
    ticket_changes: dict[str, Any] = Field(description="Ticket fields that would be set.")
    refund: dict[str, Any] | None = Field(description="The refund asked for, if any.")
    allowed_decisions: list[DecisionType] = Field(description="What the human may decide.")


class Approval(BaseModel):
    """An approval: what was asked, and — once decided — who decided what, and why."""

    approval_id: str
    request_id: str
    run_id: str
    customer_id: str | None = None
    subject: str | None = Field(default=None, description="The request's subject.")
    message: str | None = Field(default=None, description="What the customer wrote.")
    status: Literal["pending", "decided"]
    reasons: list[str] = Field(description="Why policy asks a human.")
    proposed: ProposedAction | None = Field(description="The action under review.")
    category: str | None = None
    priority: Priority | None = None
    created_at: datetime = Field(description="When the run paused for it (UTC).")
    decision: DecisionType | None = None
    decided_by: str | None = Field(default=None, description="Principal who decided.")
    decided_at: datetime | None = None
    reason: str | None = Field(default=None, description="The decider's reason.")
    edited_reply: str | None = Field(default=None, description="The reply as edited.")


class ApprovalList(BaseModel):
    approvals: list[Approval] = Field(description="Pending approvals, oldest first.")
    more: bool = Field(description="Whether more are pending than were returned.")


class TimelineEvent(BaseModel):
    """One event of the request, as the event log holds it (ids and labels, no message text)."""

    event_id: str
    type: str = Field(description="e.g. request.triaged, approval.decided.")
    occurred_at: datetime
    run_id: str | None = Field(description="The run that caused it (its correlation id).")
    details: dict[str, Any] = Field(description="Labels, counts and ids from its payload.")


class RequestDetail(BaseModel):
    """A request's latest run in full: outcome, per-agent trace, approval and timeline."""

    request: RequestSummary
    outcome: ResolveOutcome | None = Field(
        description="Reply, citations, actions, per-agent trace with timings (None while "
        "the run has not stopped yet)."
    )
    approval: Approval | None = Field(description="The run's approval, if one was needed.")
    runs: list[str] = Field(description="Every run of this request, newest first.")
    timeline: list[TimelineEvent] = Field(
        description="The request's events from the event log, oldest first."
    )


class AnalyticsReport(RequestAnalytics):
    """Request analytics plus how far the figures lag behind the event log."""

    events_behind: int | None = Field(
        description="Log events not yet counted (None when unknown, e.g. on Kafka)."
    )
