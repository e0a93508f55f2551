"""The graph's state and how concurrent or repeated updates combine.

State holds plain JSON-able values (model dumps), so any process can read a checkpoint that
another wrote, whatever its Python types.
"""

from __future__ import annotations

import operator
from typing import Annotated, Any, TypedDict


def merged(left: dict | None, right: dict | None) -> dict:
    """Dict updates merge key by key; later values win."""
    return {**(left or {}), **(right or {})}


def unioned(left: list | None, right: list | None) -> list:
    """Set-like lists: union, kept sorted so checkpoints are deterministic."""
    return sorted(set(left or ()) | set(right or ()))


class RequestInput(TypedDict):
    request_id: str
    run_id: str
    tenant: str
    principal: str
    customer_ref: str
    subject: str
    message: str
    channel: str


class SupportState(TypedDict, total=False):
    request: RequestInput
    customer: dict[str, Any] | None
    context: Annotated[dict[str, Any], merged]
    """Session turns, long-term memories and ticket history the supervisor loaded."""
    triage: dict[str, Any] | None
    passages: list[dict[str, Any]]
    questions: list[str]
    """The questions the reply answers in turn (from research); empty: one question."""
    draft: dict[str, Any] | None
    review: dict[str, Any] | None
    revisions: int
    approval: dict[str, Any] | None
    """{required, reasons, handoff, decision, approval_id}: filled by the escalation agent."""
    outcome: dict[str, Any] | None
    decisions: Annotated[list[dict[str, Any]], operator.add]
    """The per-agent decision trace, appended by every agent."""
    metrics: Annotated[dict[str, float], merged]
    signals: Annotated[list[str], unioned]
    actions: Annotated[list[str], operator.add]
