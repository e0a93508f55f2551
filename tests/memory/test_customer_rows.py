"""Customer-scoped memory reads answered in process while the LanceDB table's version holds."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from memory.customer_rows import CustomerRows
from memory.long_term import long_term_in
from memory.memory_rows import MemoryFilter
from memory.vector_store import MemoryTable


def count_table_queries(memory) -> list[str]:
    """Record every query the long-term memory's LanceDB table runs from now on."""
    table, queries = memory.table, []
    rows, nearest = table.rows, table.nearest

    async def counted_rows(where, **options):
        queries.append(f"rows {where}")
        return await rows(where, **options)

    async def counted_nearest(vector, where, limit, **options):
        queries.append(f"nearest {where}")
        return await nearest(vector, where, limit, **options)

    table.rows, table.nearest = counted_rows, counted_nearest
    return queries


async def test_each_customer_is_read_from_the_table_once(tmp_path, embedder):
    memory = long_term_in(tmp_path, embedder)
    await memory.open()
    try:
        queries = count_table_queries(memory)
        await memory.remember("t1", "c1", "Prefers email over phone calls.", kind="preference")
        await memory.remember("t1", "c2", "Works in the Berlin office.")

        recalled = await memory.recall("t1", "how to contact them", customer_id="c1")
        _, status = await memory.remember("t1", "c1", "Asked about refunds: resolved")
        again = await memory.recall("t1", "refunds", customer_id="c1")
        _, repeat = await memory.remember("t1", "c1", "Asked about refunds: resolved")

        assert [m.content for m in recalled] == ["Prefers email over phone calls."]
        assert (status, repeat) == ("created", "unchanged")
        assert again[0].content == "Asked about refunds: resolved"
        # Own writes kept what was held true: one read per customer, none since.
        assert len(queries) == 2
        assert "customer_id = 'c1'" in queries[0] and "customer_id = 'c2'" in queries[1]
    finally:
        await memory.close()


async def test_another_processs_writes_are_read_at_once(tmp_path, embedder):
    ours, theirs = long_term_in(tmp_path, embedder), long_term_in(tmp_path, embedder)
    await ours.open()
    await theirs.open()
    try:
        await ours.remember("t1", "c1", "Prefers email over phone calls.", kind="preference")
        assert len(await ours.recall("t1", "contact", customer_id="c1")) == 1

        await theirs.remember("t1", "c1", "On the enterprise plan since May.")
        recalled = await ours.recall("t1", "which plan", customer_id="c1")
        assert recalled[0].content == "On the enterprise plan since May."
        # Their write is a repeat to us too, not a second copy.
        _, status = await ours.remember("t1", "c1", "On the enterprise plan since May.")
        assert status == "unchanged"
        # Our write after theirs: what we held is read again, not carried forward.
        await ours.remember("t1", "c1", "Asked for an invoice copy.")
        await theirs.forget_customer("t1", "c1")
        assert await ours.recall("t1", "invoice", customer_id="c1") == []
    finally:
        await ours.close()
        await theirs.close()


async def test_a_customer_with_too_many_memories_is_read_from_the_table(tmp_path, embedder):
    memory = long_term_in(tmp_path, embedder)
    memory.table = MemoryTable(tmp_path / "memory.lance", embedder.dim,
                               customer_rows=CustomerRows(max_rows_per_customer=3))
    await memory.open()
    try:
        for fact in ("Prefers email over phone calls.", "Works in the Berlin office.",
                     "Uses the API every day.", "Has two admins on the account."):
            await memory.remember("t1", "c1", fact)
        queries = count_table_queries(memory)
        for _ in range(2):
            recalled = await memory.recall("t1", "the customer", customer_id="c1", limit=10)
            assert len(recalled) == 4
        assert sum(q.startswith("nearest") for q in queries) == 2
    finally:
        await memory.close()


def row(uid: str, customer: str, vector: list[float]) -> dict:
    return {"uid": uid, "tenant": "t1", "customer_id": customer, "id": uid, "kind": "fact",
            "namespace": f"t1.{customer}.memories", "source": "agent", "content_hashes": [],
            "expires_ms": None, "indexed": True, "vector": vector}


def test_the_least_recently_used_customers_go_first():
    held = CustomerRows(max_rows=3)
    held.put(("t1", "a"), 1, [row("a1", "a", [1, 0]), row("a2", "a", [0, 1])])
    held.put(("t1", "b"), 1, [row("b1", "b", [1, 0])])
    held.select(("t1", "a"), MemoryFilter(), None)  # a is now the most recent
    held.put(("t1", "c"), 1, [row("c1", "c", [1, 0])])
    assert held.holds(("t1", "a"), 1) and held.holds(("t1", "c"), 1)
    assert not held.holds(("t1", "b"), 1)


def test_own_writes_carry_entries_forward_only_when_nothing_came_between():
    held = CustomerRows()
    held.put(("t1", "a"), 4, [row("a1", "a", [1, 0])])
    held.wrote(4, 5, [row("a2", "a", [0, 1])])
    assert held.holds(("t1", "a"), 5)
    nearest = held.nearest(("t1", "a"), np.array([0.0, 2.0]), MemoryFilter(), 2)
    assert [(r["uid"], round(r["_distance"], 6)) for r in nearest] == [("a2", 0.0), ("a1", 1.0)]
    held.wrote(6, 8, [row("a3", "a", [1, 1])])
    assert not held.holds(("t1", "a"), 5) and not held.holds(("t1", "a"), 8)


async def test_a_memory_remembered_again_after_it_expired_is_one_row_again(tmp_path, embedder):
    """Its id comes from its content, so the new copy replaces the expired row (a merge),
    where a brand-new memory is appended."""
    now = [1_000_000.0]
    memory = long_term_in(tmp_path, embedder, clock=lambda: now[0])
    await memory.open()
    try:
        until = datetime.fromtimestamp(now[0] + 10, UTC)
        first, _ = await memory.remember("t1", "c1", "Has an open outage ticket", expires_at=until)
        now[0] += 20  # expired, and not yet purged (that is at most once a minute)
        assert await memory.recall("t1", "outage", customer_id="c1") == []
        again, status = await memory.remember("t1", "c1", "Has an open outage ticket")
        assert (status, again.id) == ("created", first.id)
        assert await memory.table.count() == 1
        assert [m.id for m in await memory.recall("t1", "outage", customer_id="c1")] == [first.id]
    finally:
        await memory.close()
