"""An engine backed by a hosted model with structured (JSON-schema) outputs.

The engine translates: it redacts PII locally, writes prompts, asks a ``StructuredClient`` for
an instance of a small output model, and turns the answer into the domain models. Provider
modules only adapt an SDK to ``StructuredClient`` (and map its exceptions to ``EngineError``).
Signals found by the local rules are added to the model's, and the local quality checks run
on every review, so PII and risk routing never rest on a model's word alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol, TypeVar

from pydantic import BaseModel, Field, ValidationError, create_model

from orchestrator import prompts
from orchestrator.citations import MARKER, citation_for, render_sources, split_sources
from orchestrator.domain import (
    KB_CATEGORIES,
    Claim,
    Draft,
    DraftRequest,
    Passage,
    PiiFinding,
    Priority,
    Review,
    ReviewRequest,
    Sentiment,
    Signal,
    Triage,
    TriageRequest,
)
from orchestrator.engines.base import EngineError
from orchestrator.pii import find_pii, redact
from orchestrator.draft_checks import MAX_REPLY_CHARS, MIN_REPLY_CHARS, local_issues
from orchestrator.signals import find_signals, merge_signals

OutputT = TypeVar("OutputT", bound=BaseModel)
MAX_PASSAGES = 8
MAX_REASONS = 6


@dataclass(frozen=True, slots=True)
class ProviderOptions:
    """How to reach a provider; the same for every SDK."""

    model: str
    api_key: str = field(repr=False)
    base_url: str | None = None
    timeout: float = 60.0
    max_retries: int = 2
    max_output_tokens: int = 2048

    def sdk_arguments(self) -> dict:
        """What both official SDK clients take."""
        return dict(
            api_key=self.api_key,
            base_url=self.base_url,
            timeout=self.timeout,
            max_retries=self.max_retries,
        )


def provider_failure(name: str, error: Exception) -> EngineError:
    """Map an SDK exception once; status errors keep only the status (the body may echo input)."""
    status = getattr(error, "status_code", None)
    if isinstance(status, int):
        return EngineError(f"{name}: the provider answered HTTP {status} ({type(error).__name__})")
    return EngineError(f"{name}: the provider call failed ({type(error).__name__}: {error})")


class StructuredClient(Protocol):
    name: str
    """'<provider>:<model>', used in errors."""

    async def complete(self, system: str, user: str, output: type[OutputT]) -> OutputT:
        """Ask for an instance of ``output``; raise ``EngineError`` on any failure."""
        ...

    async def aclose(self) -> None: ...


class DraftClaim(BaseModel):
    text: str = Field(description="One factual sentence of the reply, without its marker.")
    passage: int = Field(description="Number of the passage that supports it, e.g. 2.")


class DraftOutput(BaseModel):
    reply: str = Field(description="The reply with [n] markers, without a sources list.")
    claims: list[DraftClaim] = Field(description="Every factual sentence and its passage.")


class ReviewOutput(BaseModel):
    unsupported_claims: list[int] = Field(
        description="Numbers of the claims their cited passage does not support."
    )
    issues: list[str] = Field(description="Other things to fix; empty when none.")


def triage_output_model(categories: Sequence[str]) -> type[BaseModel]:
    """The triage verdict a model returns; the category is an enum of the KB's categories."""
    return create_model(
        "TriageVerdict",
        category=(Literal[tuple(categories)], Field(description="The category.")),
        priority=(Priority, Field(description="low, normal, high or urgent.")),
        sentiment=(Sentiment, Field(description="How the customer feels.")),
        sentiment_score=(float, Field(description="-1 (furious) to 1 (delighted).")),
        confidence=(float, Field(description="0 to 1: how sure the category is.")),
        signals=(list[Signal], Field(description="Risk and urgency cues that apply.")),
        reasons=(list[str], Field(description="Short reasons for the verdict.")),
    )


def malformed(name: str, output: type[BaseModel], error: ValidationError) -> EngineError:
    """An error that names the bad fields, never their content (it may hold personal data)."""
    problems = "; ".join(
        f"{'.'.join(map(str, e['loc'])) or 'output'}: {e['type']}" for e in error.errors()
    )
    return EngineError(f"{name}: malformed {output.__name__} from the provider ({problems})")


def validate_output(name: str, output: type[OutputT], text: str) -> OutputT:
    try:
        return output.model_validate_json(text)
    except ValidationError as error:
        raise malformed(name, output, error) from None


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def _numbered(passages: list[Passage], by_question: bool = False) -> str:
    """Help-center passages are published text: they go as they are (support addresses too)."""
    blocks = []
    for number, passage in enumerate(passages, start=1):
        heading = f" — {passage.heading}" if passage.heading else ""
        part = f" [for question {passage.part + 1}]" if by_question else ""
        blocks.append(
            f"[{number}]{part} {passage.title}{heading} ({passage.uri})\n{passage.text}"
        )
    return "\n\n".join(blocks)


class ProviderEngine:
    def __init__(self, client: StructuredClient, categories: Sequence[str] = KB_CATEGORIES):
        self.client = client
        self.name = client.name
        self.reply_languages = None  # the model replies in the customer's language
        self.categories = tuple(categories)
        self._triage_output = triage_output_model(self.categories)

    async def aclose(self) -> None:
        await self.client.aclose()

    async def triage(self, req: TriageRequest) -> Triage:
        spans = find_pii(req.message)
        message = redact(req.message, spans)
        subject = redact(req.subject)
        customer = req.customer
        who = (
            f"tier {customer.tier}, {'VIP' if customer.vip else 'not VIP'}"
            if customer
            else "unknown"
        )
        history = " | ".join(redact(item) for item in req.history[-3:]) or "none"
        system = prompts.TRIAGE_SYSTEM.format(categories=", ".join(self.categories))
        user = prompts.TRIAGE_USER.format(
            customer=who, history=history, subject=subject or "(none)", message=message
        )
        verdict = await self.client.complete(system, user, self._triage_output)
        local = find_signals(f"{subject}\n{message}")
        return Triage(
            category=verdict.category,
            priority=verdict.priority,
            sentiment=verdict.sentiment,
            sentiment_score=_clamp(verdict.sentiment_score, -1.0, 1.0),
            pii=[PiiFinding(kind=s.kind, start=s.start, end=s.end) for s in spans],
            redacted_message=message,
            confidence=_clamp(verdict.confidence, 0.0, 1.0),
            signals=merge_signals(verdict.signals, local),
            reasons=[str(reason)[:200] for reason in verdict.reasons[:MAX_REASONS]],
        )

    async def draft(self, req: DraftRequest) -> Draft:
        passages = req.passages[:MAX_PASSAGES]
        name = req.customer.first_name if req.customer else ""
        feedback = (
            prompts.DRAFT_FEEDBACK.format(issues="\n".join(f"- {i}" for i in req.feedback))
            if req.feedback
            else ""
        )
        system = prompts.DRAFT_SYSTEM.format(min_chars=MIN_REPLY_CHARS, max_chars=MAX_REPLY_CHARS)
        user = prompts.DRAFT_USER.format(
            name=name or "(unknown: greet with 'Hi there,')",
            category=req.triage.category,
            priority=req.triage.priority,
            sentiment=req.triage.sentiment,
            message=redact(req.message),
            questions=prompts.DRAFT_QUESTIONS.format(
                count=len(req.questions),
                questions="\n".join(f"{n}. {q}" for n, q in enumerate(req.questions, 1)),
            ) if len(req.questions) > 1 else "",
            passages=_numbered(passages, by_question=len(req.questions) > 1)
            or "(none: say a specialist will follow up)",
            feedback=feedback,
        )
        output = await self.client.complete(system, user, DraftOutput)
        return assemble_draft(self.name, output, passages)

    async def review(self, req: ReviewRequest) -> Review:
        draft = req.draft
        claims = "\n".join(
            f"{n}. {claim.text} (cites {claim.uri})" for n, claim in enumerate(draft.claims, 1)
        )
        user = prompts.REVIEW_USER.format(
            message=req.triage.redacted_message,
            reply=redact(draft.reply),
            claims=redact(claims) or "(none)",
            passages=_numbered(req.passages[:MAX_PASSAGES]),
        )
        output = await self.client.complete(prompts.REVIEW_SYSTEM, user, ReviewOutput)
        count = len(draft.claims)
        unsupported = sorted({n for n in output.unsupported_claims if 1 <= n <= count})
        issues = [f"grounding: claim {n} is not supported by its cited source" for n in unsupported]
        if not count:
            issues.append("grounding: the reply answers nothing from the knowledge base")
        issues.extend(f"review: {issue.strip()}" for issue in output.issues if issue.strip())
        issues.extend(local_issues(draft, req.customer, req.passages))
        ratio = (count - len(unsupported)) / count if count else 0.0
        return Review(passed=not issues, issues=issues, grounded_ratio=round(ratio, 4))


def assemble_draft(name: str, output: DraftOutput, passages: list[Passage]) -> Draft:
    """Number the cited passages in order of first use and add the Sources list."""
    body, _ = split_sources(output.reply)
    for claim in output.claims:
        if not 1 <= claim.passage <= len(passages):
            raise EngineError(
                f"{name}: malformed DraftOutput from the provider "
                f"(claims.passage: {claim.passage} is not one of the {len(passages)} passages)"
            )
    cited = [n for n in (int(m) for m in MARKER.findall(body)) if 1 <= n <= len(passages)]
    cited += [claim.passage for claim in output.claims]
    # One source per article, even when several of its passages were offered.
    order = list(dict.fromkeys(passages[n - 1].uri for n in cited))
    renumber = {n: order.index(passages[n - 1].uri) + 1 for n in set(cited)}

    def replace(match: re.Match[str]) -> str:
        number = int(match.group(1))
        return f"[{renumber[number]}]" if number in renumber else match.group()

    body = MARKER.sub(replace, body).rstrip()
    first = {uri: next(p for p in passages if p.uri == uri) for uri in order}
    citations = [citation_for(first[uri]) for uri in order]
    claims = [Claim(text=c.text, uri=passages[c.passage - 1].uri) for c in output.claims]
    reply = f"{body}\n\n{render_sources(citations)}" if citations else body
    return Draft(reply=reply, citations=citations, claims=claims)
