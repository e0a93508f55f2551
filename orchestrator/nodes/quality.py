"""Quality: grounding, PII, tone and length checks on the draft; may send it back once."""

from __future__ import annotations

from langgraph.runtime import Runtime

from events.types import RequestReviewed
from orchestrator.deps import Deps
from orchestrator.domain import Draft, Passage, Review, ReviewRequest, Triage
from orchestrator.draft_checks import local_issues
from orchestrator.nodes.trace import StepTimer, emit, step
from orchestrator.nodes.triage import customer_model
from orchestrator.state import SupportState


async def quality(state: SupportState, runtime: Runtime[Deps]) -> dict:
    timer = StepTimer()
    draft, triage = Draft.model_validate(state["draft"]), Triage.model_validate(state["triage"])
    passages = [Passage.model_validate(p) for p in state["passages"]]
    if triage.gratitude:  # a thank-you cites nothing: only the local checks apply
        issues = local_issues(draft, customer_model(state), passages)
        review = Review(passed=not issues, issues=issues, grounded_ratio=1.0)
    else:
        review = await runtime.context.engine.review(
            ReviewRequest(draft=draft, passages=passages, customer=customer_model(state),
                          triage=triage)
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
