"""The orchestrator MCP server: ``triage_and_resolve`` and ``resolve_approval``.

When the graph pauses for approval the tool asks the human through MCP, in the way the
client's protocol era allows:
- 2025-11-25 client with elicitation: a live ``elicitation/create`` during the call;
- 2026-07-28 client with elicitation: an ``InputRequiredResult``; its ``request_state`` holds
  only ids and is sealed (AES-GCM, expiring, bound to the caller) by the MCP SDK;
- otherwise, or when the human declines: status ``pending_approval`` and an approval id that
  ``resolve_approval`` (or the workflow server) decides later, in any process.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Annotated, Literal

from fastmcp import Context, FastMCP
from fastmcp.server.elicitation import get_elicitation_schema
from mcp.server.request_state import RequestStateSecurity
from mcp.types import ToolAnnotations
from mcp_types import ElicitRequest, ElicitRequestFormParams, InputRequiredResult
from pydantic import BaseModel, Field, StringConstraints

from orchestrator.models import (
    ApprovalDecision,
    CustomerMessage,
    RequestId,
    Subject,
    ApprovalIdArg,
    DecisionArg,
    EditedReplyArg,
    ReasonArg,
    ResolveOutcome,
)
from orchestrator.runner import Orchestrator, OrchestratorError, Paused, ResolveInput
from servers.auth import APPROVALS_DECIDE, SUPPORT_RESOLVE
from servers.crm.models import ExternalId
from servers.correlation import Correlation
from servers.input_guard import RefuseNulCharacters
from servers.errors import caller_errors
from servers.identity import Caller, current_caller

FIRST_MODERN_VERSION = "2026-07-28"
APPROVAL_KEY = "approval"

INSTRUCTIONS = """\
Customer-support orchestrator. `triage_and_resolve` handles one customer request end to end:
triage, help-center research, a cited reply, quality review and — when policy requires — a
human approval, then updates the CRM ticket and memory. A run waiting for approval returns
status `pending_approval` with an approval id; decide it with `resolve_approval`.
"""


class ApprovalForm(BaseModel):
    """The question a human answers: flat fields, as elicitation forms require."""

    decision: Literal["approve", "edit", "reject"] = Field(
        description="approve sends the reply; edit sends your version; reject sends nothing."
    )
    edited_reply: str = Field(default="", description="Your version of the reply (edit only).")
    reason: str = Field(default="", description="Why (required when rejecting).")

    def to_decision(self) -> ApprovalDecision:
        return ApprovalDecision(
            type=self.decision,
            edited_reply=self.edited_reply.strip() or None,
            message=self.reason.strip() or None,
        )


def question(paused: Paused) -> str:
    action = paused.request["action_requests"][0]
    return (
        f"Approval needed ({action['description']}).\n\n"
        f"Proposed reply:\n{action['arguments']['reply']}\n\n"
        "Approve it, edit it, or reject it with a reason."
    )


def _is_modern(ctx: Context) -> bool:
    rc = ctx.request_context
    return bool(rc and rc.protocol_version and rc.protocol_version >= FIRST_MODERN_VERSION)


def _can_elicit(ctx: Context) -> bool:
    capabilities = getattr(ctx.session, "client_capabilities", None)
    return bool(capabilities and capabilities.elicitation)


def build_server(
    orchestrator: Orchestrator,
    *,
    default_tenant: str,
    security: RequestStateSecurity | None = None,
    lifespan: Callable[[FastMCP], AbstractAsyncContextManager[None]] | None = None,
) -> FastMCP:
    """The orchestrator server; ``lifespan`` opens the graph's stores and connections."""

    @asynccontextmanager
    async def default_lifespan(_: FastMCP) -> AsyncIterator[dict]:
        yield {}

    mcp = FastMCP(
        "supportdesk-orchestrator",
        instructions=INSTRUCTIONS,
        lifespan=lifespan or default_lifespan,
        mask_error_details=True, strict_input_validation=True,
        request_state_security=security or request_state_security(None, 3600.0),
    )
    mcp.add_middleware(Correlation("orchestrator"))
    mcp.add_middleware(RefuseNulCharacters())

    def caller() -> Caller:
        return current_caller(default_tenant)

    async def ask_now(ctx: Context, paused: Paused, who: Caller, progress) -> ResolveOutcome | None:
        """Legacy era: elicit during the call; None when the human does not answer."""
        answer = await ctx.elicit(question(paused), response_type=ApprovalForm)
        if answer.action != "accept":
            return None
        result = await orchestrator.resume(paused.approval_id, answer.data.to_decision(), who,
                                           progress)
        return result.outcome

    @mcp.tool(
        annotations=ToolAnnotations(
            readOnlyHint=False, destructiveHint=False, idempotentHint=False, openWorldHint=False
        ),
        tags={SUPPORT_RESOLVE},
    )
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
    ) -> ResolveOutcome | InputRequiredResult:
        """Handle one customer-support request end to end and return the outcome.

        Triage (category, priority, sentiment, PII), help-center research, a reply citing the
        articles it relies on, a quality check, and — for urgent, security, refund, VIP or
        low-confidence cases — a human approval (you may be asked to approve, edit or reject).
        Then the CRM ticket is created or updated, the reply added and the resolution
        remembered. Identify the customer by `customer` (email or CRM id) and/or
        `external_id`; someone the CRM has never seen is created on first contact. Status is resolved, pending_approval, escalated, rejected or failed.
        """
        who = caller()

        async def progress(done: float, total: float, text: str) -> None:
            await ctx.report_progress(done, total, text)

        if ctx.request_state and ctx.input_responses:
            return await _answered(ctx, who, progress)
        result = await orchestrator.start(
            ResolveInput(customer, subject, message, channel, request_id, customer_name,
                         external_id),
            who, progress,
        )
        if result.paused is None or not _can_elicit(ctx):
            return result.outcome
        if not _is_modern(ctx):
            return await ask_now(ctx, result.paused, who, progress) or result.outcome
        paused = result.paused
        return InputRequiredResult(
            input_requests={
                APPROVAL_KEY: ElicitRequest(
                    params=ElicitRequestFormParams(
                        message=question(paused),
                        requested_schema=get_elicitation_schema(ApprovalForm),
                    )
                )
            },
            request_state=json.dumps(
                {"approval_id": paused.approval_id, "run_id": paused.run_id,
                 "interrupt_id": paused.interrupt_id}
            ),
        )

    async def _answered(ctx: Context, who: Caller, progress) -> ResolveOutcome:
        """2026-07-28 retry: the sealed state names the run; the answer decides it."""
        state = json.loads(ctx.request_state)
        answer = ctx.input_responses.get(APPROVAL_KEY)
        if answer is None or answer.action != "accept":
            outcome = await orchestrator.outcome_of(who, state["run_id"])
            if outcome is None:
                raise OrchestratorError("request_state: no such run for this caller")
            return outcome
        form = ApprovalForm.model_validate(answer.content or {})
        result = await orchestrator.resume(state["approval_id"], form.to_decision(), who,
                                           progress)
        return result.outcome

    @mcp.tool(
        annotations=ToolAnnotations(
            readOnlyHint=False, destructiveHint=False, idempotentHint=False, openWorldHint=False
        ),
        tags={APPROVALS_DECIDE},
    )
    @caller_errors(OrchestratorError)
    async def resolve_approval(
        approval_id: ApprovalIdArg,
        decision: DecisionArg,
        ctx: Context,
        edited_reply: EditedReplyArg = None,
        reason: ReasonArg = None,
    ) -> ResolveOutcome:
        """Decide a pending approval (single use) and let the paused run finish.

        Records who decided. Works from any process that shares the run store."""

        async def progress(done: float, total: float, text: str) -> None:
            await ctx.report_progress(done, total, text)

        result = await orchestrator.resume(
            approval_id,
            ApprovalDecision(type=decision, edited_reply=edited_reply, message=reason),
            caller(),
            progress,
        )
        return result.outcome

    return mcp


def request_state_security(keys: list[str] | None, ttl: float) -> RequestStateSecurity:
    """Sealing for ``request_state``; replicas must share ``keys`` to accept each other's."""
    if not keys:
        return RequestStateSecurity.ephemeral(ttl=ttl, audience="supportdesk-orchestrator")
    return RequestStateSecurity(keys=keys, ttl=ttl, audience="supportdesk-orchestrator")
