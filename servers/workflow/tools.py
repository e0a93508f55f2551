"""The workflow server's tools, resources and prompts: each one hop from ``WorkflowService``.

Every one takes who is calling from the request (``CURRENT_CALLER``): the tenant scopes every
read and the principal is recorded as the decider of an approval. The tenant is never an
argument.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated

from fastmcp import Context
from fastmcp.exceptions import PromptError
from fastmcp.prompts import prompt
from fastmcp.resources import resource
from fastmcp.tools import tool
from mcp.types import ToolAnnotations
from pydantic import AwareDatetime, Field

from orchestrator.models import (
    ApprovalIdArg,
    DecisionArg,
    EditedReplyArg,
    Priority,
    ReasonArg,
    ResolveOutcome,
)
from orchestrator.runner import OrchestratorError
from servers.auth import APPROVALS_DECIDE, WORKFLOW_READ
from servers.crm.models import CustomerId
from servers.errors import caller_errors, resource_errors
from servers.identity import Caller
from servers.lifespan_context import CURRENT_CALLER, service
from servers.workflow.models import (
    AnalyticsReport,
    ApprovalList,
    RequestDetail,
    RequestPage,
    RequestRef,
    RequestStatus,
)
from servers.views.pages import APPROVALS_VIEW, REQUEST_VIEW, opens
from servers.views.resources import approvals_view, request_view
from servers.workflow.queries import RunFilters
from servers.workflow.service import WorkflowError, WorkflowService

READ_ONLY = ToolAnnotations(
    readOnlyHint=True, destructiveHint=False, idempotentHint=True, openWorldHint=False
)
# Deciding sends (or withholds) the reply and updates the CRM ticket; a second call is refused.
DECIDES = ToolAnnotations(
    readOnlyHint=False, destructiveHint=False, idempotentHint=False, openWorldHint=False
)
ERRORS = (WorkflowError, OrchestratorError)

Since = Annotated[
    AwareDatetime | None, Field(description="From this time, inclusive (ISO 8601 with offset).")
]
Until = Annotated[
    AwareDatetime | None, Field(description="Up to this time, exclusive (ISO 8601 with offset).")
]

WORKFLOW = service("workflow")


@tool(annotations=READ_ONLY, tags={WORKFLOW_READ})
@caller_errors(*ERRORS)
async def list_requests(
    status: Annotated[RequestStatus | None, Field(description="Only runs in this state.")]
    = None,
    category: Annotated[
        str | None,
        Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$", description="Only this category."),
    ] = None,
    priority: Annotated[Priority | None, Field(description="Only this priority.")] = None,
    customer_id: Annotated[
        CustomerId | None, Field(description="Only this CRM customer, e.g. 'C-000003'.")
    ] = None,
    since: Since = None,
    until: Until = None,
    cursor: Annotated[
        str | None,
        Field(max_length=512, description="next_cursor of the previous page; omit first."),
    ] = None,
    limit: Annotated[int, Field(ge=1, le=100, description="Most runs per page.")] = 20,
    service: WorkflowService = WORKFLOW,
    who: Caller = CURRENT_CALLER,
) -> RequestPage:
    """List support requests (one row per orchestrator run), newest first.

    Filter by status, category, priority, customer and start time; page with `cursor`.
    Read one in full with `get_request`.
    """
    filters = RunFilters(status, category, priority, customer_id, since, until)
    return await service.list_requests(who.tenant, filters, cursor=cursor, limit=limit)


@tool(annotations=READ_ONLY, tags={WORKFLOW_READ}, meta=opens(REQUEST_VIEW))
@caller_errors(*ERRORS)
async def get_request(
    request_id: RequestRef, service: WorkflowService = WORKFLOW, who: Caller = CURRENT_CALLER
) -> RequestDetail:
    """One request in full: status, outcome, the per-agent decision trace (timings,
    citations), the approval record and the request's event timeline.

    Takes a request id (its latest run) or a run id (that run)."""
    return await service.get_request(who.tenant, request_id)


@tool(annotations=READ_ONLY, tags={APPROVALS_DECIDE}, meta=opens(APPROVALS_VIEW))
@caller_errors(*ERRORS)
async def list_pending_approvals(
    limit: Annotated[int, Field(ge=1, le=200, description="Most approvals to return.")] = 50,
    service: WorkflowService = WORKFLOW,
    who: Caller = CURRENT_CALLER,
) -> ApprovalList:
    """Replies waiting for a human decision, oldest first, with the proposed reply, ticket
    changes, any refund, and why policy asks a human."""
    return await service.pending_approvals(who.tenant, limit)


@tool(annotations=DECIDES, tags={APPROVALS_DECIDE})
@caller_errors(*ERRORS)
async def decide_approval(
    approval_id: ApprovalIdArg,
    decision: DecisionArg,
    ctx: Context,
    edited_reply: EditedReplyArg = None,
    reason: ReasonArg = None,
    service: WorkflowService = WORKFLOW,
    who: Caller = CURRENT_CALLER,
) -> ResolveOutcome:
    """Decide a pending approval — once; a second decision is refused — and let the
    paused run finish (ticket updated, reply sent unless rejected). You are recorded as
    the decider. Returns the run's outcome."""

    async def progress(done: float, total: float, text: str) -> None:
        await ctx.report_progress(done, total, text)

    return await service.decide_approval(
        who, approval_id, decision, edited_reply=edited_reply, reason=reason,
        progress=progress,
    )


@tool(annotations=READ_ONLY, tags={WORKFLOW_READ})
@caller_errors(*ERRORS)
async def request_analytics(
    since: Since = None,
    until: Until = None,
    service: WorkflowService = WORKFLOW,
    who: Caller = CURRENT_CALLER,
) -> AnalyticsReport:
    """Support volumes by category, priority, status and route (resolved on its own,
    through an approval, or escalated to a human), resolution and escalation rates and
    time to resolve, and the share of SLA targets met, for [since, until). Omit both for
    all time."""
    return await service.request_analytics(who.tenant, since, until)


@resource(
    "workflow://requests/{request_id}", mime_type="application/json", tags={WORKFLOW_READ}
)
@resource_errors(*ERRORS)
async def request_resource(
    request_id: str, service: WorkflowService = WORKFLOW, who: Caller = CURRENT_CALLER
) -> str:
    """A request in full: outcome, trace, approval and event timeline."""
    return (await service.get_request(who.tenant, request_id)).model_dump_json()


@resource(
    "workflow://approvals/pending", mime_type="application/json", tags={APPROVALS_DECIDE}
)
async def pending_resource(
    service: WorkflowService = WORKFLOW, who: Caller = CURRENT_CALLER
) -> str:
    """The approvals waiting for a human, oldest first."""
    return (await service.pending_approvals(who.tenant)).model_dump_json()


@resource("workflow://analytics", mime_type="application/json", tags={WORKFLOW_READ})
async def analytics_resource(
    service: WorkflowService = WORKFLOW, who: Caller = CURRENT_CALLER
) -> str:
    """Request analytics over all time."""
    return (await service.request_analytics(who.tenant)).model_dump_json()


@resource("workflow://policy", mime_type="application/json", tags={WORKFLOW_READ})
async def policy_resource(
    service: WorkflowService = WORKFLOW, who: Caller = CURRENT_CALLER
) -> str:
    """The policy in force for you: which approval rules hold, and where they come from
    (the built-in policy, or SUPPORTDESK_POLICY_PATH)."""
    return json.dumps(service.orchestrator.policy.in_force(who.tenant))


@prompt(tags={APPROVALS_DECIDE})
async def review_pending_approvals(
    service: WorkflowService = WORKFLOW, who: Caller = CURRENT_CALLER
) -> str:
    """Walk a human through the replies waiting for approval, one at a time."""
    pending = await service.pending_approvals(who.tenant)
    if not pending.approvals:
        return "There are no support replies waiting for approval. Tell the user so."
    items = "\n\n".join(
        f"{n}. approval_id {a.approval_id} (request {a.request_id}, customer "
        f"{a.customer_id}, {a.category or 'uncategorised'}, {a.priority or '?'} priority)\n"
        f"   Why a human must decide: {'; '.join(a.reasons)}\n"
        f"   Refund requested: {'yes' if a.proposed and a.proposed.refund else 'no'}\n"
        f"   Proposed reply:\n   ---\n{a.proposed.reply if a.proposed else ''}\n   ---"
        for n, a in enumerate(pending.approvals, 1)
    )
    more = "\n(More are waiting; list them again when these are done.)" if pending.more else ""
    return (
        "You are helping a support lead review replies that policy holds for a human.\n"
        "Go through them one at a time. For each: summarise the customer's situation and "
        "why it was held, show the proposed reply, and ask the user to approve it, edit it "
        "(ask for the new text) or reject it (ask for the reason). Then call the "
        "`decide_approval` tool with the approval_id and their decision, report the "
        "outcome, and move to the next. Never decide without the user's answer.\n\n"
        f"Pending approvals ({len(pending.approvals)}):\n\n{items}{more}"
    )


@prompt(tags={WORKFLOW_READ})
@caller_errors(WorkflowError, as_error=PromptError)
async def daily_support_summary(
    day: Annotated[
        str | None,
        Field(description="The UTC day to summarise (YYYY-MM-DD); today if omitted."),
    ] = None,
    service: WorkflowService = WORKFLOW,
    who: Caller = CURRENT_CALLER,
) -> str:
    """Write the daily support summary for a day, from the request analytics."""
    try:
        start_day = date.fromisoformat(day) if day else datetime.now(UTC).date()
    except ValueError:
        raise WorkflowError("day: not a date in the form YYYY-MM-DD") from None
    since = datetime.combine(start_day, time(), tzinfo=UTC)
    figures = await service.request_analytics(
        who.tenant, since, since + timedelta(days=1)
    )
    data = json.dumps(figures.model_dump(mode="json"), indent=2)
    return (
        f"Write the daily support summary for {start_day.isoformat()} (UTC) for the "
        "support team, from the figures below and nothing else. In under 200 words: "
        "how many requests came in and how they were handled (resolved automatically, "
        "through an approval, escalated to a human, failed), the resolution and "
        "escalation rates, time to resolve (median and p90), the busiest categories and "
        "any urgent or high-priority volume worth attention. Say plainly when there were "
        "no requests. Round rates to whole percent and times to minutes or seconds.\n\n"
        f"Figures (JSON):\n{data}"
    )


TOOLS = (
    list_requests, get_request, list_pending_approvals, decide_approval, request_analytics,
)
RESOURCES = (
    request_resource, pending_resource, analytics_resource, policy_resource, approvals_view,
    request_view,
)
PROMPTS = (review_pending_approvals, daily_support_summary)
