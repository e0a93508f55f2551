"""Turn a run's state (and its approval row) into the structured result callers see."""

from __future__ import annotations

from typing import Any

from orchestrator.models import AgentStep, ApprovalRecord, Citation, ResolveOutcome


def approval_record(row: dict[str, Any] | None) -> ApprovalRecord | None:
    if row is None:
        return None
    decision = row.get("decision") or {}
    actions = (row.get("request") or {}).get("action_requests") or [{}]
    proposed = actions[0].get("arguments", {})
    return ApprovalRecord(
        approval_id=row["approval_id"],
        status=row["status"],
        reasons=row["reasons"],
        decision=decision.get("type"),
        decided_by=row.get("decided_by"),
        decided_at=row.get("decided_at"),
        edits=decision.get("edited_reply"),
        message=decision.get("message"),
        ticket_changes=proposed.get("ticket_changes", {}),
        refund=proposed.get("refund"),
    )


def build_outcome(values: dict[str, Any], approval: dict | None, *, paused: bool) -> ResolveOutcome:
    request = values["request"]
    triage = values.get("triage") or {}
    draft = values.get("draft") or {}
    outcome = values.get("outcome") or {}
    status = "pending_approval" if paused else outcome.get("status", "failed")
    reply = outcome.get("reply") if outcome else draft.get("reply")
    if status == "pending_approval":
        reply = draft.get("reply")
    return ResolveOutcome(
        status=status,
        request_id=request["request_id"],
        run_id=request["run_id"],
        reply=reply,
        citations=[Citation(**c) for c in draft.get("citations", [])],
        category=triage.get("category"),
        priority=triage.get("priority"),
        sentiment=triage.get("sentiment"),
        confidence=triage.get("confidence"),
        language=triage.get("language"),
        ticket_id=outcome.get("ticket_id"),
        customer_id=(values.get("customer") or {}).get("id"),
        new_customer=bool((values.get("customer") or {}).get("new")),
        actions=values.get("actions", []),
        approval=approval_record(approval),
        trace=[AgentStep(**step) for step in values.get("decisions", [])],
        error=outcome.get("error"),
    )
