"""One call for everything relevant to a customer and a message, within a size budget.

Strategies: ``recent`` (newest turns, newest memories), ``relevant`` (turns and memories
closest in meaning to the message), ``hybrid`` (newest turns and most relevant memories: the
default). Turns and memories each get half the budget first; what one side leaves is spent on
the other. Items are whole: one that does not fit is skipped, never cut.
"""

from __future__ import annotations

import math
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, Field

from memory.long_term import LongTermMemory
from memory.models import MemoryRecord, Turn
from memory.session_cache import SessionCache

Strategy = Literal["recent", "relevant", "hybrid"]
Unit = Literal["chars", "tokens"]
# Candidates considered on each side before the budget decides.
CANDIDATES = 50
CHARS_PER_TOKEN = 4


class MemoryContext(BaseModel):
    customer_id: str = Field(description="Customer the context is for.")
    session_id: str | None = Field(description="Session whose turns were considered.")
    strategy: Strategy = Field(description="How turns and memories were chosen.")
    budget: int = Field(description="Size budget, in `unit`.")
    unit: Unit = Field(description="'chars', or 'tokens' (estimated as characters / 4).")
    used: int = Field(description="Size of what was included, in `unit`.")
    turns: list[Turn] = Field(description="Session turns included, oldest first.")
    memories: list[MemoryRecord] = Field(description="Long-term memories included, best first.")
    facts: dict[str, Any] = Field(description="The session's live short-lived facts.")
    omitted: int = Field(description="Candidates left out to stay within the budget.")
    text: str = Field(description="The context rendered as one block for a prompt.")


def cost(text: str, unit: Unit) -> int:
    chars = len(text) + 1
    return chars if unit == "chars" else math.ceil(chars / CHARS_PER_TOKEN)


def _fill(
    sides: list[list[tuple[Any, str]]], budget: int, unit: Unit
) -> tuple[list[list[Any]], int, int]:
    """Pick items from each ranked side: an equal share each, then the leftovers in turn."""
    share = budget // len(sides)
    picked: list[set[int]] = [set() for _ in sides]
    spent = [0] * len(sides)
    used = 0
    for within_share in (True, False):
        for side, items in enumerate(sides):
            for index, (_, text) in enumerate(items):
                size = cost(text, unit)
                if index in picked[side] or used + size > budget:
                    continue
                if within_share and spent[side] + size > share:
                    continue
                picked[side].add(index)
                spent[side] += size
                used += size
    chosen = [[items[i][0] for i in sorted(picked[s])] for s, items in enumerate(sides)]
    omitted = sum(len(items) for items in sides) - sum(len(p) for p in picked)
    return chosen, used, omitted


class MemoryManager:
    def __init__(self, sessions: SessionCache, long_term: LongTermMemory) -> None:
        self.sessions = sessions
        self.long_term = long_term

    async def context_for(
        self,
        tenant: str,
        customer_id: str,
        message: str,
        *,
        session_id: str | None = None,
        strategy: Strategy = "hybrid",
        budget: int = 4_000,
        unit: Unit = "chars",
    ) -> MemoryContext:
        snapshot = (
            await self.sessions.get(tenant, session_id, last=CANDIDATES) if session_id else None
        )
        turns = snapshot.turns if snapshot else []
        if strategy == "relevant" and turns and message:
            vectors = await self.long_term.embed([message, *(t.content for t in turns)])
            closeness = vectors[1:] @ vectors[0]
            ranked_turns = [turns[i] for i in np.argsort(-closeness, kind="stable")]
        else:
            ranked_turns = list(reversed(turns))
        memories: list[MemoryRecord]
        if strategy == "recent" or not message:
            memories = await self.long_term.of_customer(tenant, customer_id, limit=CANDIDATES)
        else:
            memories = list(
                await self.long_term.recall(
                    tenant, message, customer_id=customer_id, limit=CANDIDATES
                )
            )
        (picked_turns, picked_memories), used, omitted = _fill(
            [
                [(t, f"{t.role}: {t.content}") for t in ranked_turns],
                [(m, f"[{m.kind}] {m.content}") for m in memories],
            ],
            budget,
            unit,
        )
        picked_turns.sort(key=lambda t: (t.at, t.id))
        return MemoryContext(
            customer_id=customer_id,
            session_id=session_id,
            strategy=strategy,
            budget=budget,
            unit=unit,
            used=used,
            turns=picked_turns,
            memories=[MemoryRecord(**m.model_dump(exclude={"score"})) for m in picked_memories],
            facts=snapshot.facts if snapshot else {},
            omitted=omitted,
            text=_render(picked_turns, picked_memories),
        )


def _render(turns: list[Turn], memories: list[MemoryRecord]) -> str:
    parts = []
    if memories:
        parts.append("Known about this customer:")
        parts.extend(f"- [{m.kind}] {m.content}" for m in memories)
    if turns:
        parts.append("Conversation so far:")
        parts.extend(f"{t.role}: {t.content}" for t in turns)
    return "\n".join(parts)
