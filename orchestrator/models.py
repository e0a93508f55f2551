"""What a support run takes, what it returns, and the approval it may wait for."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints

RunStatus = Literal["resolved", "pending_approval", "escalated", "rejected", "failed"]
DecisionType = Literal["approve", "edit", "reject"]
Priority = Literal["low", "normal", "high", "urgent"]


# A request id becomes the CRM ticket's request_id, the memory session id and, as
# 'request:<id>', a memory source (at most 128 characters): this one definition fits all three,
# so whatever a tool's schema accepts works to the end of the run.
REQUEST_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,119}$"
RequestId = Annotated[
    str,
    StringConstraints(pattern=REQUEST_ID_PATTERN),
    Field(description="A request (conversation) id: a letter or digit, then letters, digits, "
          "'.', '_' or '-'; at most 120 characters."),
]
Subject = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=300),
    Field(description="Subject of the request."),
]
CustomerMessage = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000),
    Field(description="What the customer wrote."),
]

# The arguments of a decision, shared by every tool that decides an approval.
ApprovalIdArg = Annotated[
    str,
    Field(pattern=r"^apr-[0-9a-f]{16}$",
          description="The approval to decide, e.g. 'apr-0123456789abcdef'."),
]
DecisionArg = Annotated[
    DecisionType,
    Field(description="approve sends the reply; edit sends edited_reply; reject sends "
          "nothing and needs a reason."),
]
EditedReplyArg = Annotated[
    str | None,
    StringConstraints(strip_whitespace=True, max_length=8000),
    Field(description="The reply to send (edit only)."),
]
ReasonArg = Annotated[
    str | None,
    StringConstraints(strip_whitespace=True, max_length=2000),
    Field(description="Why (required to reject)."),
]


class ApprovalDecision(BaseModel):
    """A human's answer, in the approve / edit / reject shape of LangChain's HITL middleware."""

    type: DecisionType = Field(description="approve, edit (with an edited reply) or reject.")
    edited_reply: str | None = Field(
        default=None, max_length=8000, description="The reply to send instead (edit only)."
    )
    message: str | None = Field(
        default=None, max_length=2000, description="Why: required for reject, optional otherwise."
    )


class ApprovalRecord(BaseModel):
    approval_id: str = Field(description="Id to decide this approval by.")
    status: Literal["pending", "decided"] = Field(description="Whether a human has decided.")
    reasons: list[str] = Field(description="Why policy asks a human to approve.")
    decision: DecisionType | None = Field(default=None, description="What the human decided.")
    decided_by: str | None = Field(default=None, description="Principal who decided.")
    decided_at: datetime | None = Field(default=None, description="When (UTC).")
    edits: str | None = Field(default=None, description="The edited reply, when edited.")
    message: str | None = Field(default=None, description="The decider's reason.")
    ticket_changes: dict[str, Any] = Field(
        default_factory=dict, description="Ticket fields that sending the reply sets."
    )
    refund: dict[str, Any] | None = Field(default=None, description="The refund asked for, if any.")


class AgentStep(BaseModel):
    agent: str = Field(description="supervisor, triage, research, solution, quality, escalation…")
    summary: str = Field(description="What the agent decided, in one line.")
    duration_ms: float = Field(description="Time the step took.")
    citations: list[str] = Field(default_factory=list, description="kb:// uris it relied on.")


class Citation(BaseModel):
    uri: str = Field(description="kb://articles/{id}")
    article_id: str
    title: str
    url: str | None = Field(default=None, description="The article's public page, if any.")


class ResolveOutcome(BaseModel):
    """The structured result of one triage_and_resolve run."""

    status: RunStatus = Field(description="How the run ended (or that it waits for approval).")
    request_id: str = Field(description="The conversation this run belongs to.")
    run_id: str = Field(description="This run.")
    reply: str | None = Field(default=None, description="The reply sent (or proposed).")
    citations: list[Citation] = Field(default_factory=list, description="Articles cited.")
    category: str | None = None
    priority: Priority | None = None
    sentiment: str | None = None
    confidence: float | None = None
    language: str | None = Field(
        default=None, description="ISO 639-1 code of the language the customer wrote in."
    )
    ticket_id: str | None = Field(default=None, description="CRM ticket for this request.")
    customer_id: str | None = Field(default=None, description="The CRM customer served.")
    new_customer: bool = Field(
        default=False, description="True when this request created the customer (first contact)."
    )
    actions: list[str] = Field(default_factory=list, description="Side effects performed.")
    approval: ApprovalRecord | None = Field(default=None, description="Approval, if one was needed.")
    trace: list[AgentStep] = Field(default_factory=list, description="Per-agent decision trace.")
    error: str | None = Field(default=None, description="What failed, for status 'failed'.")
