"""Triage: category, priority, sentiment, PII and confidence, from the configured engine."""

from __future__ import annotations

from langgraph.runtime import Runtime

from events.types import RequestTriaged
from orchestrator.deps import Deps
from orchestrator.domain import Customer, TriageRequest
from orchestrator.gratitude import is_gratitude
from orchestrator.language import DEFAULT, language_name, language_of
from orchestrator.message_text import own_words, without_quotes
from orchestrator.nodes.trace import StepTimer, emit, step
from orchestrator.questions import split_questions
from orchestrator.state import SupportState


def customer_model(state: SupportState) -> Customer:
    customer = state["customer"] or {}
    fields = {key: customer.get(key) for key in ("id", "tier", "vip", "locale", "new")
              if customer.get(key) is not None}
    return Customer.model_validate({**fields, "name": given_name(customer)})


def given_name(customer: dict) -> str:
    """The customer's name, or "" where the CRM stands in the email's local part or the chat
    visitor's id for a name never given: "Hi newperson," and "Hi Visitor," greet no one."""
    name = customer.get("name") or ""
    stand_ins = {f"Visitor {ref.split(':', 1)[-1]}" for ref in customer.get("external_ids", [])}
    if customer.get("email"):
        stand_ins.add(customer["email"].split("@", 1)[0])
    return "" if name in stand_ins else name


async def triage(state: SupportState, runtime: Runtime[Deps]) -> dict:
    timer = StepTimer()
    request = state["request"]
    # Quoted earlier messages and the signature are not what the customer asks now.
    message = own_words(request["message"])
    language = await language_of(f"{request['subject']}\n{message}")
    result = await runtime.context.engine.triage(
        TriageRequest(
            subject=request["subject"],
            message=message,
            customer=customer_model(state),
            history=state.get("context", {}).get("history", []),
            language=language,
        )
    )
    gratitude = is_gratitude(request["subject"], without_quotes(request["message"]))
    questions = [] if gratitude else split_questions(result.redacted_message)
    result = result.model_copy(
        update={"language": language, "gratitude": gratitude, "questions": questions}
    )
    await emit(runtime, state, RequestTriaged(
        category=result.category, priority=result.priority, sentiment=result.sentiment,
        confidence=result.confidence, pii_kinds=sorted({f.kind for f in result.pii}),
    ))
    summary = (
        f"{result.category}, {result.priority} priority, {result.sentiment} sentiment, "
        f"confidence {result.confidence:.2f}"
        + (f", PII redacted ({len(result.pii)})" if result.pii else "")
        + (f", written in {language_name(language)}" if language != DEFAULT else "")
        + (", a thank-you" if gratitude else "")
        + (f", {len(questions)} questions" if len(questions) > 1 else "")
        + (", quoted text and signature set aside" if message != request["message"].strip()
           else "")
    )
    return {
        "triage": result.model_dump(mode="json"),
        "signals": list(result.signals),
        "metrics": {"triage_confidence": result.confidence},
        "decisions": [step("triage", summary, timer)],
    }
