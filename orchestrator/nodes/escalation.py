"""Escalation: when policy says a human must approve, pause the run with ``interrupt()``.

The interrupt carries what needs approval in the shape of LangChain's human-in-the-loop
middleware (action requests + review configs); the run resumes with one decision. Nothing
here has side effects: LangGraph re-runs this node from the top when the run resumes.
"""

from __future__ import annotations

from langgraph.runtime import Runtime
from langgraph.types import interrupt

from orchestrator.deps import Deps
from orchestrator.domain import Customer, Triage
from orchestrator.language import DEFAULT, language_name
from orchestrator.models import ApprovalDecision
from orchestrator.nodes.trace import StepTimer, step
from orchestrator.nodes.triage import customer_model
from orchestrator.policy import needs_approval
from orchestrator.routing import review_failures
from orchestrator.state import SupportState

NO_ANSWER = "no help-center article answers this request"


def proposed_ticket_changes(triage: dict) -> dict:
    """What sending the reply will do to the ticket."""
    return {
        "status": "resolved",
        "priority": triage["priority"],
        "category": triage["category"],
    }


def approval_request(state: SupportState, reasons: list[str]) -> dict:
    """The interrupt value: one action to review, with the decisions allowed."""
    triage = state["triage"]
    draft = state["draft"]
    arguments = {
        "reply": draft["reply"],
        "citations": [c["uri"] for c in draft["citations"]],
        "ticket_changes": proposed_ticket_changes(triage),
    }
    if {"refund", "credit"} & set(triage.get("signals", [])):
        arguments["refund"] = {"requested": True, "note": "the customer asks for money back"}
    return {
        "action_requests": [
            {"name": "send_reply", "arguments": arguments, "description": "; ".join(reasons)}
        ],
        "review_configs": [
            {"action_name": "send_reply", "allowed_decisions": ["approve", "edit", "reject"]}
        ],
        "request_id": state["request"]["request_id"],
        "subject": state["request"]["subject"],
        # The reviewer reads what the customer wrote beside the proposed reply.
        "message": state["request"]["message"],
        "customer_id": (state.get("customer") or {}).get("id"),
        "reasons": reasons,
    }


def no_reply_in(language: str) -> str:
    return f"written in {language_name(language)}, a language this engine does not reply in"


def handoff(reason: str, timer: StepTimer) -> dict:
    return {
        "approval": {"required": False, "handoff": True, "reasons": [reason]},
        "decisions": [step("escalation", f"handed to a human: {reason}", timer)],
    }


async def escalation(state: SupportState, runtime: Runtime[Deps]) -> dict:
    timer = StepTimer()
    language = state["triage"].get("language", DEFAULT)
    writes = runtime.context.engine.reply_languages
    if writes is not None and language not in writes:
        return handoff(no_reply_in(language), timer)
    if not state["draft"]["citations"] and not state["triage"].get("gratitude"):
        return handoff(NO_ANSWER, timer)
    customer: Customer = customer_model(state)
    rules = runtime.context.policy.approval_rules(state["request"]["tenant"])
    reasons = needs_approval(
        Triage.model_validate(state["triage"]), customer, review_failures(state), rules
    )
    if unanswered := state["draft"].get("unanswered"):
        reasons.append(f"{len(unanswered)} of the questions have no help-center answer")
    if not reasons:
        return {
            "approval": {"required": False, "reasons": []},
            "decisions": [step("escalation", "no approval needed", timer)],
        }
    answer = interrupt(approval_request(state, reasons))
    decision = ApprovalDecision.model_validate(answer["decision"])
    return {
        "approval": {
            "required": True,
            "reasons": reasons,
            "approval_id": answer["approval_id"],
            "decision": decision.model_dump(mode="json"),
            "decided_by": answer["decided_by"],
            "decided_at": answer["decided_at"],
        },
        "decisions": [
            step("escalation", f"{decision.type} by {answer['decided_by']} "
                 f"({'; '.join(reasons)})", timer)
        ],
    }
