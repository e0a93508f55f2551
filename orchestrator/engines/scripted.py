"""A scripted engine for tests of the graph: answers come from lists, requests are recorded.

Ships with the code (like pydantic-ai's TestModel) so graph tests can force any path — a
review that fails twice, an urgent triage, a provider error — without a model.
"""

from __future__ import annotations

from collections.abc import Iterable

from orchestrator.domain import Draft, DraftRequest, Review, ReviewRequest, Triage, TriageRequest

from orchestrator.engines.base import EngineError

Scripted = Triage | Draft | Review | Exception


class ScriptedEngine:
    """Each call returns (or raises) the next scripted item of its kind, in order."""

    name = "scripted"
    reply_languages = None

    def __init__(
        self,
        triages: Iterable[Triage | Exception] = (),
        drafts: Iterable[Draft | Exception] = (),
        reviews: Iterable[Review | Exception] = (),
    ) -> None:
        self._script: dict[str, list[Scripted]] = {
            "triage": list(triages),
            "draft": list(drafts),
            "review": list(reviews),
        }
        self.requests: list[TriageRequest | DraftRequest | ReviewRequest] = []

    def _next(self, kind: str, request) -> Scripted:
        self.requests.append(request)
        if not self._script[kind]:
            raise EngineError(f"scripted: no {kind} left in the script")
        item = self._script[kind].pop(0)
        if isinstance(item, Exception):
            raise item
        return item

    async def triage(self, req: TriageRequest) -> Triage:
        return self._next("triage", req)

    async def draft(self, req: DraftRequest) -> Draft:
        return self._next("draft", req)

    async def review(self, req: ReviewRequest) -> Review:
        return self._next("review", req)

    async def aclose(self) -> None:
        """Nothing to release."""
