"""The failure path: any agent that raises (after its retries) ends the run here, cleanly."""

from __future__ import annotations

from langgraph.errors import NodeError
from langgraph.runtime import Runtime

from orchestrator.deps import Deps
from orchestrator.nodes.trace import StepTimer, emit, step
from orchestrator.state import SupportState


def describe(error: BaseException) -> str:
    """A message safe to return: the exception type and its message, no traceback."""
    text = str(error) or type(error).__name__
    return f"{type(error).__name__}: {text}"[:500]


async def failed(state: SupportState, runtime: Runtime[Deps], error: NodeError) -> dict:
    timer = StepTimer()
    reason = f"{error.node} failed: {describe(error.error)}"
    await emit(runtime, state, "request.failed", node=error.node, error=describe(error.error))
    return {
        "outcome": {"status": "failed", "error": reason},
        "decisions": [step("failure", reason, timer)],
    }
