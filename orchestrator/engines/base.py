"""The interface every LLM engine implements, and its errors; the types it speaks are in
``orchestrator.domain``."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from orchestrator.domain import Draft, DraftRequest, Review, ReviewRequest, Triage, TriageRequest


class EngineError(RuntimeError):
    """An engine could not produce its answer (provider failure, malformed output)."""


class EngineConfigError(EngineError):
    """The engine named by settings cannot be built; the message names the variable to fix."""


@runtime_checkable
class LLMEngine(Protocol):
    name: str
    """'offline', 'anthropic:<model>' or 'openai:<model>'."""
    reply_languages: frozenset[str] | None
    """The languages (ISO 639-1) it writes replies in; None: the customer's, whichever."""

    async def triage(self, req: TriageRequest) -> Triage: ...

    async def draft(self, req: DraftRequest) -> Draft: ...

    async def review(self, req: ReviewRequest) -> Review: ...
