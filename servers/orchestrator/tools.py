"""The orchestrator's tools: one customer request end to end, and deciding an approval."""

from __future__ import annotations

from typing import Annotated, Literal

from fastmcp import Context
from fastmcp.tools import tool
from mcp.types import ToolAnnotations
from mcp_types import InputRequiredResult
from pydantic import Field, StringConstraints

from orchestrator.models import (
    ApprovalDecision,
    ApprovalIdArg,
    CustomerMessage,
    DecisionArg,
    EditedReplyArg,
    ReasonArg,
    RequestId,
    ResolveOutcome,
    Subject,
)
from orchestrator.runner import Orchestrator, OrchestratorError, ResolveInput
from servers.auth import APPROVALS_DECIDE, SUPPORT_RESOLVE
from servers.crm.models import ExternalId
from servers.errors import caller_errors
from servers.identity import Caller
from servers.lifespan_context import CURRENT_CALLER, service
from servers.orchestrator.approval import answered, ask_later, ask_now, can_elicit, is_modern
from servers.views.pages import APPROVAL_VIEW, opens
from servers.views.resources import approval_view

ACTS = ToolAnnotations(
    readOnlyHint=False, destructiveHint=False, idempotentHint=False, openWorldHint=False
)
ORCHESTRATOR = service("orchestrator")


def reporting(ctx: Context):
    """Progress notifications to the caller, one per agent step (rate-limited by the run:
    ``orchestrator.progress``)."""

    async def progress(done: float, total: float, text: str) -> None:
        await ctx.report_progress(done, total, text)

    return progress


@tool(annotations=ACTS, tags={SUPPORT_RESOLVE}, meta=opens(APPROVAL_VIEW))
@caller_errors(OrchestratorError)
async def triage_and_resolve(
    subject: Subject,
    message: CustomerMessage,
    ctx: Context,
    customer: Annotated[
        str | None,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=320),
        Field(description="Customer email or CRM id. A new email creates the customer."),
    ] = None,
    customer_name: Annotated[
        str | None,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
        Field(description="The customer's name, used when this request creates them."),
    ] = None,
    external_id: Annotated[
        ExternalId | None,
        Field(description="Who the customer is elsewhere, as 'system:id' — e.g. a chat "
              "widget's visitor id 'chat:v_8f3a' for a visitor without an email."),
    ] = None,
    channel: Annotated[
        Literal["email", "chat", "web", "phone", "api"],
        Field(description="Where the request came in."),
    ] = "web",
    request_id: Annotated[
        RequestId | None,
        Field(description="Continue this earlier conversation (its request id)."),
    ] = None,
    orchestrator: Orchestrator = ORCHESTRATOR,
    who: Caller = CURRENT_CALLER,
) -> ResolveOutcome | InputRequiredResult:
    """Handle one customer-support request end to end and return the outcome.

    Triage (category, priority, sentiment, PII), help-center research, a reply citing the
    articles it relies on, a quality check, and — for urgent, security, refund, VIP or
    low-confidence cases — a human approval (you may be asked to approve, edit or reject).
    Then the CRM ticket is created or updated, the reply added and the resolution
    remembered. Identify the customer by `customer` (email or CRM id) and/or
    `external_id`; someone the CRM has never seen is created on first contact. Status is
    resolved, pending_approval, escalated, rejected or failed.
    """
    progress = reporting(ctx)
    if ctx.request_state and ctx.input_responses:
        return await answered(ctx, orchestrator, who, progress)
    result = await orchestrator.start(
        ResolveInput(customer, subject, message, channel, request_id, customer_name,
                     external_id),
        who, progress,
    )
    if result.paused is None or not can_elicit(ctx):
        return result.outcome
    if is_modern(ctx):
        return ask_later(result.paused)
    return await ask_now(ctx, orchestrator, result.paused, who, progress) or result.outcome


@tool(annotations=ACTS, tags={APPROVALS_DECIDE})
@caller_errors(OrchestratorError)
async def resolve_approval(
    approval_id: ApprovalIdArg,
    decision: DecisionArg,
    ctx: Context,
    edited_reply: EditedReplyArg = None,
    reason: ReasonArg = None,
    orchestrator: Orchestrator = ORCHESTRATOR,
    who: Caller = CURRENT_CALLER,
) -> ResolveOutcome:
    """Decide a pending approval (single use) and let the paused run finish.

    Records who decided. Works from any process that shares the run store."""
    result = await orchestrator.resume(
        approval_id,
        ApprovalDecision(type=decision, edited_reply=edited_reply, message=reason),
        who,
        reporting(ctx),
    )
    return result.outcome


TOOLS = (triage_and_resolve, resolve_approval)
RESOURCES = (approval_view,)
