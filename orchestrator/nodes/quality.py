"""Quality: grounding, PII, tone and length checks on the draft; may send it back once."""

from __future__ import annotations

from langgraph.runtime import Runtime

from events.types import RequestReviewed
from orchestrator.deps import Deps
from orchestrator.domain import Draft, Passage, ReviewRequest, Triage
from orchestrator.nodes.trace import StepTimer, emit, step
from orchestrator.nodes.triage import customer_model
from orchestrator.state import SupportState


async def quality(state: SupportState, runtime: Runtime[Deps]) -> dict:
    timer = StepTimer()
    review = await runtime.context.engine.review(
        ReviewRequest(
            draft=Draft.model_validate(state["draft"]),
            passages=[Passage.model_validate(p) for p in state["passages"]],
            customer=customer_model(state),
            triage=Triage.model_validate(state["triage"]),
        )
    )
    await emit(runtime, state, RequestReviewed(
        passed=review.passed, issues=review.issues, revision=state.get("revisions", 0)
    ))
    verdict = "passed" if review.passed else "failed: " + "; ".join(review.issues)
    return {
        "review": review.model_dump(mode="json"),
        "metrics": {"grounded_ratio": review.grounded_ratio},
        "decisions": [step("quality", verdict, timer)],
    }
