"""The memory server's operations as plain async methods, scoped by tenant; no MCP here.

Composes the library tiers, turns "nothing there" into ``NotFound`` naming the field, and
publishes ``memory.written`` for every memory created or merged.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from events import EventPublisher, NullPublisher, make_event
from events.types import MemoryWritten
from memory.context import CHARS_PER_TOKEN, MemoryContext, MemoryManager, Strategy, Unit
from memory.errors import MemoryTierError, NotFound
from memory.long_term import LongTermMemory
from memory.models import MemoryKind, MemoryRecord, Role, SessionSnapshot, Turn, session_uri
from memory.session_cache import SessionCache
from memory.session_resilient import ResilientSessionCache
from memory.settings import MemorySettings
from memory.summary import render, summarize
from servers.memory.models import (
    AppendedTurns,
    AppendOutcome,
    CustomerMemories,
    ForgetOutcome,
    MemoryHealth,
    NewTurn,
    RecallResult,
    RememberOutcome,
    SessionSummary,
)

logger = logging.getLogger(__name__)


class MemoryService:
    def __init__(
        self,
        settings: MemorySettings,
        long_term: LongTermMemory,
        sessions: SessionCache,
        *,
        publisher: EventPublisher | None = None,
        sessions_described: str | None = None,
    ) -> None:
        """The three tiers as one service; ``long_term`` and ``sessions`` open with it."""
        self.settings = settings
        self.publisher = publisher or NullPublisher()
        self.long_term = long_term
        self.sessions = sessions
        self.manager = MemoryManager(self.sessions, self.long_term)
        self.backends = {
            "memory": long_term.describe(),
            "sessions": sessions_described or sessions.name,
            "embeddings": long_term.embedder.name,
        }

    async def open(self) -> None:
        await self.long_term.open()
        await self.sessions.open()

    async def close(self) -> None:
        await self.sessions.close()
        await self.long_term.close()

    async def remember(
        self,
        tenant: str,
        customer_id: str,
        content: str,
        *,
        kind: MemoryKind = "fact",
        source: str = "agent",
        expires_in_seconds: int | None = None,
    ) -> RememberOutcome:
        expires_at = (
            datetime.now(UTC) + timedelta(seconds=expires_in_seconds)
            if expires_in_seconds
            else None
        )
        record, status = await self.long_term.remember(
            tenant, customer_id, content, kind=kind, source=source, expires_at=expires_at
        )
        if status != "unchanged":
            await self._published(tenant, record)
        return RememberOutcome(memory_id=record.id, status=status, memory=record)

    async def _published(self, tenant: str, record: MemoryRecord) -> None:
        event = make_event(
            MemoryWritten(memory_id=record.id, customer_id=record.customer_id,
                          kind=record.kind, source=record.source),
            tenant=tenant,
        )
        try:
            await self.publisher.publish(event)
        except Exception:  # the memory is written; a failing bus must not undo that
            logger.exception("could not publish memory.written for %s", record.id)

    async def recall(
        self,
        tenant: str,
        query: str,
        *,
        customer_id: str | None = None,
        kinds: list[str] | None = None,
        source: str | None = None,
        limit: int = 5,
        min_score: float = 0.0,
    ) -> RecallResult:
        memories = await self.long_term.recall(
            tenant, query, customer_id=customer_id, kinds=kinds, source=source, limit=limit,
            min_score=min_score,
        )
        return RecallResult(query=query, memories=memories)

    async def get_memory(self, tenant: str, memory_id: str) -> MemoryRecord:
        return await self.long_term.get(tenant, memory_id)

    async def forget(
        self, tenant: str, *, memory_id: str | None = None, customer_id: str | None = None
    ) -> ForgetOutcome:
        if (memory_id is None) == (customer_id is None):
            raise MemoryTierError("memory_id: give exactly one of memory_id or customer_id")
        if memory_id is not None:
            removed = await self.long_term.forget(tenant, memory_id)
            if not removed:
                raise NotFound(f"memory_id: no memory with id {memory_id!r}")
            return ForgetOutcome(memories_removed=removed, sessions_removed=0)
        assert customer_id is not None
        removed = await self.long_term.forget_customer(tenant, customer_id)
        sessions = await self.sessions.delete_customer(tenant, customer_id)
        return ForgetOutcome(memories_removed=removed, sessions_removed=sessions)

    async def customer(self, tenant: str, customer_id: str) -> CustomerMemories:
        memories = await self.long_term.of_customer(tenant, customer_id)
        return CustomerMemories(customer_id=customer_id, memories=memories)

    async def get_session(
        self, tenant: str, session_id: str, *, last: int | None = None
    ) -> SessionSnapshot:
        snapshot = await self.sessions.get(tenant, session_id, last=last)
        if snapshot is None:
            raise NotFound(f"session_id: no session with id {session_id!r}")
        return snapshot

    async def append_turn(
        self,
        tenant: str,
        session_id: str,
        role: Role,
        content: str,
        *,
        customer_id: str | None = None,
        idempotency_key: str | None = None,
    ) -> AppendOutcome:
        """Add a turn; with an ``idempotency_key`` the session has seen, add nothing."""
        appended = await self.sessions.append_turn(
            tenant, session_id, Turn(role=role, content=content), customer_id=customer_id,
            idempotency_key=idempotency_key,
        )
        return AppendOutcome(session_id=session_id, turns=appended.turns,
                             created=appended.created, uri=session_uri(session_id))

    async def append_turns(
        self,
        tenant: str,
        session_id: str,
        turns: list[NewTurn],
        *,
        customer_id: str | None = None,
    ) -> AppendedTurns:
        """Add turns in order, each as ``append_turn`` would: one with a key the session has
        seen adds nothing, so a batch cut off part way adds only the rest when sent again."""
        created, held = [], 0
        for new in turns:
            appended = await self.sessions.append_turn(
                tenant, session_id, Turn(role=new.role, content=new.content),
                customer_id=customer_id, idempotency_key=new.idempotency_key,
            )
            created.append(appended.created)
            held = appended.turns
        return AppendedTurns(session_id=session_id, turns=held, created=created,
                             uri=session_uri(session_id))

    async def update_session(
        self,
        tenant: str,
        session_id: str,
        *,
        context: dict[str, Any] | None = None,
        facts: dict[str, Any] | None = None,
        fact_ttl_seconds: float | None = None,
    ) -> SessionSnapshot:
        """Merge context values (None removes one) and set short-lived facts."""
        if context:
            await self.sessions.set_context(tenant, session_id, context)
        ttl = fact_ttl_seconds or self.settings.fact_ttl_seconds
        for key, value in (facts or {}).items():
            await self.sessions.set_fact(tenant, session_id, key, value, ttl)
        return await self.get_session(tenant, session_id)

    async def summarize_session(
        self,
        tenant: str,
        session_id: str,
        *,
        max_sentences: int = 5,
        max_chars: int = 1_000,
        save: bool = False,
    ) -> SessionSummary:
        snapshot = await self.get_session(tenant, session_id)
        picked = summarize(snapshot.turns, max_sentences=max_sentences, max_chars=max_chars)
        summary = render(picked)
        memory_id = None
        if save:
            if not snapshot.customer_id:
                raise MemoryTierError(
                    f"save: session {session_id!r} has no customer to remember the summary for"
                )
            if summary:
                saved = await self.remember(
                    tenant, snapshot.customer_id, summary, kind="summary",
                    source=f"session:{session_id}",
                )
                memory_id = saved.memory_id
        return SessionSummary(
            session_id=session_id,
            customer_id=snapshot.customer_id,
            summary=summary,
            sentences=[s.text for s in picked],
            turns_summarized=len(snapshot.turns),
            method="extractive",
            memory_id=memory_id,
        )

    async def context(
        self,
        tenant: str,
        customer_id: str,
        message: str,
        *,
        session_id: str | None = None,
        strategy: Strategy = "hybrid",
        budget: int | None = None,
        unit: Unit = "chars",
    ) -> MemoryContext:
        if budget is None:
            chars = self.settings.context_budget_chars
            budget = chars if unit == "chars" else chars // CHARS_PER_TOKEN
        return await self.manager.context_for(
            tenant, customer_id, message, session_id=session_id, strategy=strategy,
            budget=budget, unit=unit,
        )

    async def health(self) -> MemoryHealth:
        if isinstance(self.sessions, ResilientSessionCache):
            cache = await self.sessions.health()
            return MemoryHealth(
                degraded=cache.degraded,
                session_cache=cache.backend,
                detail=cache.detail if cache.degraded else "ok",
                backends=self.backends,
            )
        answering = await self.sessions.ping()
        return MemoryHealth(
            degraded=not answering,
            session_cache=self.sessions.name,
            detail="ok" if answering else f"{self.sessions.name} session cache not answering",
            backends=self.backends,
        )

    async def readiness(self) -> dict[str, bool | str]:
        """Each backend answering; a session cache serving from its local tier is degraded."""
        health = await self.health()
        return {
            "memory_store": await self.long_term.ready(),
            "memory_session_cache": "degraded" if health.degraded else True,
        }
