"""Solution: a reply grounded in the retrieved passages, every factual step cited."""

from __future__ import annotations

from langgraph.runtime import Runtime

from events.types import RequestDrafted
from orchestrator.deps import Deps
from orchestrator.domain import DraftRequest, Passage, Triage
from orchestrator.gratitude import thanks_reply
from orchestrator.nodes.trace import StepTimer, emit, step
from orchestrator.nodes.triage import customer_model
from orchestrator.state import SupportState


async def solution(state: SupportState, runtime: Runtime[Deps]) -> dict:
    timer = StepTimer()
    review = state.get("review")
    revising = bool(review and not review["passed"])
    triage = Triage.model_validate(state["triage"])
    if triage.gratitude:  # nothing to answer: no steps, no sources
        draft = thanks_reply(customer_model(state))
    else:
        draft = await runtime.context.engine.draft(
            DraftRequest(
                message=triage.redacted_message,
                customer=customer_model(state),
                triage=triage,
                passages=[Passage.model_validate(p) for p in state["passages"]],
                questions=state.get("questions", []),
                feedback=review["issues"] if revising else [],
            )
        )
    uris = [c.uri for c in draft.citations]
    await emit(runtime, state, RequestDrafted(
        engine=runtime.context.engine.name, citations=uris,
        answer_chars=len(draft.reply), revision=int(revising),
    ))
    update: dict = {
        "draft": draft.model_dump(mode="json"),
        "review": None,
        "decisions": [
            step("solution", f"{'revised' if revising else 'drafted'} reply citing "
                 f"{len(uris)} articles", timer, uris)
        ],
    }
    if revising:
        update["revisions"] = state.get("revisions", 0) + 1
    return update
