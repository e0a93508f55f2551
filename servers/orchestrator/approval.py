"""Asking a human to approve through MCP, in the way the client's protocol era allows.

- 2025-11-25 client with elicitation: a live ``elicitation/create`` during the call;
- 2026-07-28 client with elicitation: an ``InputRequiredResult``; its ``request_state`` holds
  only ids and is sealed (AES-GCM, expiring, bound to the caller) by the MCP SDK;
- otherwise, or when the human declines: status ``pending_approval`` and an approval id that
  ``resolve_approval`` (or the workflow server) decides later, in any process.
"""

from __future__ import annotations

import json
from typing import Literal

from fastmcp import Context
from fastmcp.server.elicitation import get_elicitation_schema
from mcp.server.request_state import RequestStateSecurity
from mcp_types import ElicitRequest, ElicitRequestFormParams, InputRequiredResult
from pydantic import BaseModel, Field

from orchestrator.models import ApprovalDecision, ResolveOutcome
from orchestrator.runner import Orchestrator, OrchestratorError, Paused, Progress
from servers.identity import Caller

FIRST_MODERN_VERSION = "2026-07-28"
APPROVAL_KEY = "approval"
AUDIENCE = "supportdesk-orchestrator"


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


def can_elicit(ctx: Context) -> bool:
    capabilities = getattr(ctx.session, "client_capabilities", None)
    return bool(capabilities and capabilities.elicitation)


def is_modern(ctx: Context) -> bool:
    rc = ctx.request_context
    return bool(rc and rc.protocol_version and rc.protocol_version >= FIRST_MODERN_VERSION)


async def ask_now(
    ctx: Context, orchestrator: Orchestrator, paused: Paused, who: Caller, progress: Progress
) -> ResolveOutcome | None:
    """Legacy era: elicit during the call; None when the human does not answer."""
    answer = await ctx.elicit(question(paused), response_type=ApprovalForm)
    if answer.action != "accept":
        return None
    result = await orchestrator.resume(paused.approval_id, answer.data.to_decision(), who,
                                       progress)
    return result.outcome


def ask_later(paused: Paused) -> InputRequiredResult:
    """Modern era: the question as an input request; the sealed state names only ids."""
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


async def answered(
    ctx: Context, orchestrator: Orchestrator, who: Caller, progress: Progress
) -> ResolveOutcome:
    """2026-07-28 retry: the sealed state names the run; the answer decides it."""
    state = json.loads(ctx.request_state)
    answer = ctx.input_responses.get(APPROVAL_KEY)
    if answer is None or answer.action != "accept":
        outcome = await orchestrator.outcome_of(who, state["run_id"])
        if outcome is None:
            raise OrchestratorError("request_state: no such run for this caller")
        return outcome
    form = ApprovalForm.model_validate(answer.content or {})
    result = await orchestrator.resume(state["approval_id"], form.to_decision(), who, progress)
    return result.outcome


def request_state_security(keys: list[str] | None, ttl: float) -> RequestStateSecurity:
    """Sealing for ``request_state``; replicas must share ``keys`` to accept each other's."""
    if not keys:
        return RequestStateSecurity.ephemeral(ttl=ttl, audience=AUDIENCE)
    return RequestStateSecurity(keys=keys, ttl=ttl, audience=AUDIENCE)
