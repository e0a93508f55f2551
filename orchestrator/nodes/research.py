"""Research: hybrid knowledge-base search from the subject and the redacted message."""

from __future__ import annotations

from langgraph.runtime import Runtime

from events.types import RequestResearched
from orchestrator.deps import Deps
from orchestrator.nodes.trace import StepTimer, emit, step
from orchestrator.state import SupportState

PASSAGES = 5


def search_query(state: SupportState) -> str:
    """Subject and message, with PII already redacted: nothing personal leaves for search."""
    parts = [state["request"]["subject"], state["triage"]["redacted_message"]]
    return "\n".join(part for part in parts if part)


async def research(state: SupportState, runtime: Runtime[Deps]) -> dict:
    timer = StepTimer()
    # Unfiltered on purpose: a wrong triage category must not hide the answering article.
    passages = await runtime.context.tools.search_kb(search_query(state), limit=PASSAGES)
    uris = [p["uri"] for p in passages]
    await emit(runtime, state, RequestResearched(
        hits=len(passages), citations=uris,
        top_score=max((p["score"] for p in passages), default=None),
    ))
    return {
        "passages": passages,
        "decisions": [step("research", f"{len(passages)} passages", timer, uris)],
    }
