"""Finalize: carry out the outcome — ticket, reply, memory, events — each exactly once.

This runs after any interrupt, so a resumed run reaches it once; if a crash makes it run
again, every write is idempotent (keyed by the request and run ids). Once started it is
shielded from cancellation, so a client disconnect cannot leave it half done.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import anyio
from langgraph.runtime import Runtime

from events.types import RequestEscalated, RequestResolved
from orchestrator.deps import Deps
from orchestrator.nodes.trace import StepTimer, emit, step
from orchestrator.state import SupportState
from orchestrator.support_records import TicketRecord

if TYPE_CHECKING:  # the MCP client stays out of the domain's imports
    from orchestrator.support_tools import SupportTools


# The ticket's status for each outcome: a request left for a human stays open.
TARGET = {"resolved": "resolved", "escalated": "open", "rejected": "open"}


def decide_status(state: SupportState) -> str:
    approval = state["approval"]
    if approval.get("handoff"):
        return "escalated"
    decision = (approval.get("decision") or {}).get("type")
    return "rejected" if decision == "reject" else "resolved"


def route_taken(state: SupportState) -> str:
    """For analytics: answered on its own, through a human approval, or handed to a human."""
    approval = state["approval"]
    if approval.get("handoff"):
        return "escalated"
    return "approval" if approval.get("required") else "resolved"


def final_reply(state: SupportState) -> str:
    decision = state["approval"].get("decision") or {}
    if decision.get("type") == "edit" and decision.get("edited_reply"):
        return decision["edited_reply"]
    return state["draft"]["reply"]


async def finalize(state: SupportState, runtime: Runtime[Deps]) -> dict:
    timer = StepTimer()
    with anyio.CancelScope(shield=True):
        return await _finalize(state, runtime, timer)


async def _finalize(state: SupportState, runtime: Runtime[Deps], timer: StepTimer) -> dict:
    tools = runtime.context.tools
    request, triage = state["request"], state["triage"]
    customer_id = state["customer"]["id"]
    status = decide_status(state)
    actions: list[str] = []

    reply = final_reply(state) if status == "resolved" else None
    handoff_group = runtime.context.policy.escalation_group(request["tenant"])

    async def ticket_thread() -> tuple[TicketRecord, list[str]]:
        fields = {"customer_id": customer_id, "subject": request["subject"],
                  "body": triage["redacted_message"], "channel": request["channel"],
                  "category": triage["category"], "priority": triage["priority"],
                  "idempotency_key": request["request_id"]}
        replied = False
        if reply:
            # The reply and its status go in the ticket's own write (a request answered at
            # once is one write): no moment when the customer has the answer and the ticket
            # still reads open.
            ticket, replied = await tools.ensure_answered_ticket(
                reply=reply, reply_key=f"{request['run_id']}:reply", status=TARGET[status],
                **fields)
        else:
            ticket = await tools.ensure_ticket(**fields)
        done = await _update_ticket(tools, state, ticket, status, replied, handoff_group)
        return ticket, [f"ticket {ticket['id']} ready", *done]

    # The ticket (created, then answered) and the customer's memory are independent: write
    # them side by side.
    (ticket, ticket_actions), memory_actions = await asyncio.gather(
        ticket_thread(), _update_memory(tools, state, customer_id, status, reply),
    )
    actions += ticket_actions + memory_actions
    labels = {"route": route_taken(state), "ticket_id": ticket["id"],
              "category": triage["category"], "priority": triage["priority"]}
    if status == "escalated":
        event = RequestEscalated(reasons=state["approval"].get("reasons", []), **labels)
    else:
        event = RequestResolved(resolution=status, actions=actions, **labels)
    await emit(runtime, state, event)
    return {
        "outcome": {"status": status, "ticket_id": ticket["id"], "reply": reply},
        "actions": actions,
        "decisions": [step("finalize", f"{status}; ticket {ticket['id']}", timer)],
    }


async def _update_ticket(tools: SupportTools, state: SupportState, ticket: TicketRecord,
                         status: str, replied: bool,
                         handoff_group: str | None) -> list[str]:
    """Note, hand-off and state of the ticket as it came back; ``replied``: a reply was just
    added to it, setting its status."""
    request, triage = state["request"], state["triage"]
    ticket_id = ticket["id"]
    actions = []
    target = TARGET[status]
    changed = replied
    if replied:
        actions.append("reply added to the ticket thread")
    note = _note_for(status, state)
    if note:
        await tools.add_note(ticket_id, note, idempotency_key=f"{request['run_id']}:note")
        actions.append("internal note added")
    # A request left for a human goes to the policy's escalation group (its next agent in
    # turn); without one, to the built-in "tier2" queue.
    handoff = {}
    if status != "resolved":
        handoff = {"group": handoff_group} if handoff_group else {"assignee": "tier2"}
    changed |= await tools.set_ticket_state(
        ticket, status=target, priority=triage["priority"], category=triage["category"],
        **handoff,
    )
    if changed:
        actions.append(f"ticket set to {target}")
    return actions


async def _update_memory(tools, state: SupportState, customer_id: str, status: str,
                         reply: str | None) -> list[str]:
    request, triage = state["request"], state["triage"]
    answered = ", ".join(c["article_id"] for c in state["draft"]["citations"])
    # The long-term memory and the conversation's turns are stores apart, each write keyed:
    # side by side, and a repeated step redoes neither.
    await asyncio.gather(
        tools.remember_resolution(
            customer_id,
            f"{request['subject']}: {status} ({triage['category']})"
            + (f"; answered with {answered}" if status == "resolved" and answered else ""),
            source=f"request:{request['request_id']}",
        ),
        tools.record_turns(
            customer_id,
            request["request_id"],
            [("customer", triage["redacted_message"])] + ([("agent", reply)] if reply else []),
            idempotency_key=request["run_id"],
        ),
    )
    return ["resolution remembered", "conversation turns recorded"]


def _note_for(status: str, state: SupportState) -> str | None:
    approval = state["approval"]
    if status == "escalated":
        return "Escalated to a human agent: " + "; ".join(approval["reasons"])
    if status == "rejected":
        decision = approval["decision"]
        return f"Proposed reply rejected by {approval['decided_by']}: {decision.get('message') or 'no reason given'}"
    if approval.get("required"):
        return f"Reply approved by {approval['decided_by']} ({'; '.join(approval['reasons'])})"
    return None
