"""The memory manager: recent turns and relevant memories within a budget, by strategy."""

from __future__ import annotations

import pytest

from memory.context import MemoryManager, cost
from memory.models import Turn
from memory.session_local import InProcessSessionCache


@pytest.fixture
async def manager(long_term):
    sessions = InProcessSessionCache(ttl_seconds=60, max_turns=50)
    for i, text in enumerate([
        "My invoice shows a double charge.",
        "Also the Android app crashes when I open reports.",
        "And I would like to change my billing email.",
        "Thanks, that is all for today.",
    ]):
        role = "customer" if i % 2 == 0 else "agent"
        await sessions.append_turn("t1", "s1", Turn(role=role, content=text), customer_id="c1")
    await long_term.remember("t1", "c1", "Prefers email over phone calls", kind="preference")
    await long_term.remember("t1", "c1", "Uses the Android app on a Pixel phone")
    await long_term.remember("t1", "c1", "Refunded a duplicate charge in January",
                             kind="resolution")
    await long_term.remember("t1", "c2", "Another customer's crash report")
    return MemoryManager(sessions, long_term)


async def test_hybrid_gives_newest_turns_and_most_relevant_memories(manager):
    context = await manager.context_for("t1", "c1", "the mobile app keeps crashing",
                                        session_id="s1", budget=10_000)
    assert [t.content for t in context.turns][-1] == "Thanks, that is all for today."
    assert len(context.turns) == 4
    assert context.memories[0].content == "Uses the Android app on a Pixel phone"
    assert {m.customer_id for m in context.memories} == {"c1"}
    assert context.omitted == 0
    assert "Known about this customer:" in context.text and "customer: My invoice" in context.text


async def test_relevant_ranks_turns_by_meaning_and_recent_by_time(manager):
    relevant = await manager.context_for("t1", "c1", "Android app crash", session_id="s1",
                                         strategy="relevant", budget=140)
    assert relevant.turns[0].content == "Also the Android app crashes when I open reports."
    recent = await manager.context_for("t1", "c1", "Android app crash", session_id="s1",
                                       strategy="recent", budget=140)
    assert recent.turns[-1].content == "Thanks, that is all for today."
    assert recent.memories[0].content == "Refunded a duplicate charge in January"


@pytest.mark.parametrize("unit", ["chars", "tokens"])
async def test_the_budget_is_never_exceeded(manager, unit):
    for budget in (20, 60, 150, 400):
        context = await manager.context_for("t1", "c1", "billing", session_id="s1",
                                            budget=budget, unit=unit)
        included = [f"{t.role}: {t.content}" for t in context.turns] + [
            f"[{m.kind}] {m.content}" for m in context.memories]
        assert context.used == sum(cost(text, unit) for text in included) <= budget
        assert context.omitted == 4 + 3 - len(included)


async def test_without_a_session_only_memories_count(manager):
    context = await manager.context_for("t1", "c1", "email", budget=1_000)
    assert context.turns == [] and context.session_id is None
    assert context.memories[0].content == "Prefers email over phone calls"
