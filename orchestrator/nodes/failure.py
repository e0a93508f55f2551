"""The failure path: any agent that raises (after its retries) ends the run here, cleanly."""

from __future__ import annotations

import httpx
from langgraph.errors import NodeError
from langgraph.runtime import Runtime

from events.types import RequestFailed
from orchestrator.deps import Deps
from orchestrator.nodes.trace import StepTimer, emit, step
from orchestrator.state import SupportState


# What a retry may get past: nodes retry these, and a failed run says so.
TRANSIENT_ERRORS = (httpx.TransportError, ConnectionError, TimeoutError)


def describe(error: BaseException) -> str:
    """A message safe to return: the exception type and its message, no traceback."""
    text = str(error) or type(error).__name__
    return f"{type(error).__name__}: {text}"[:500]


async def failed(state: SupportState, runtime: Runtime[Deps], error: NodeError) -> dict:
    timer = StepTimer()
    reason = f"{error.node} failed: {describe(error.error)}"
    # The event carries the error's kind only: its message may quote the data it failed on.
    await emit(runtime, state, RequestFailed(
        stage=error.node,
        error=type(error.error).__name__,
        retryable=isinstance(error.error, TRANSIENT_ERRORS),
    ))
    return {
        "outcome": {"status": "failed", "error": reason},
        "decisions": [step("failure", reason, timer)],
    }
