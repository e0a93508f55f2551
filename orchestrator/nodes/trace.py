"""What every agent records: its step in the decision trace, and the domain event it caused."""

from __future__ import annotations

import time
from typing import Any

from langgraph.runtime import Runtime

from events import EventPayload, make_event, stable_event_id
from orchestrator.deps import Deps
from orchestrator.state import SupportState


class StepTimer:
    def __init__(self) -> None:
        self.started = time.perf_counter()

    @property
    def ms(self) -> float:
        return round((time.perf_counter() - self.started) * 1000, 2)


def step(agent: str, summary: str, timer: StepTimer, citations: list[str] = ()) -> dict[str, Any]:
    """One entry of the decision trace; agents return it under ``decisions``."""
    return {
        "agent": agent,
        "summary": summary,
        "duration_ms": timer.ms,
        "citations": list(citations),
    }


async def emit(runtime: Runtime[Deps], state: SupportState, payload: EventPayload) -> None:
    """Publish a request event; the run id, as correlation id, ties every event of the run.

    Its id is stable for the run, the type and the revision: a step LangGraph runs again
    (after a crash, from the last checkpoint) publishes a duplicate the log drops.
    """
    request = state["request"]
    customer = state.get("customer") or {}
    revision = str(getattr(payload, "revision", ""))
    await runtime.context.publisher.publish(
        make_event(
            payload,
            tenant=request["tenant"],
            request_id=request["request_id"],
            customer_id=customer.get("id"),
            correlation_id=request["run_id"],
            event_id=stable_event_id(request["run_id"], payload.event_type, revision),
        )
    )
