"""Where the supervisor sends the run next: pure functions of the state, typed for the graph."""

from __future__ import annotations

from typing import Literal

from orchestrator.state import SupportState

# A draft that fails review goes back to the solution agent once; a second failure escalates.
MAX_REVISIONS = 1

Step = Literal["triage", "research", "solution", "quality", "escalation", "finalize", "done"]


def next_step(state: SupportState) -> Step:
    """The supervisor's routing: the first thing the run still lacks."""
    if state.get("outcome"):
        return "done"
    if not state.get("triage"):
        return "triage"
    if "passages" not in state:
        return "research"
    if not state.get("draft"):
        return "solution"
    review = state.get("review")
    if review is None:
        return "quality"
    if not review["passed"] and state.get("revisions", 0) < MAX_REVISIONS:
        return "solution"
    if state.get("approval") is None:
        return "escalation"
    return "finalize"


def review_failures(state: SupportState) -> int:
    """How many reviews the draft has failed: the first review plus each revision's."""
    review = state.get("review")
    if not review or review["passed"]:
        return 0
    return state.get("revisions", 0) + 1
