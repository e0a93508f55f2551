"""Long-term memory on LanceDB with real WordLlama embeddings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from memory.errors import NotFound
from memory.long_term import long_term_in
from tests.support.services import await_until


async def test_the_same_content_gets_the_same_id(long_term):
    first, status = await long_term.remember("t1", "c1", "Prefers email over phone calls.",
                                             kind="preference")
    again, again_status = await long_term.remember(
        "t1", "c1", "  prefers EMAIL over phone   calls. ", kind="preference"
    )
    assert (status, again_status) == ("created", "unchanged")
    assert again.id == first.id
    assert await long_term.table.count() == 1


async def test_a_near_duplicate_is_merged_not_repeated(long_term):
    original, _ = await long_term.remember(
        "t1", "c1", "Refund issued for duplicate charge in March", kind="resolution"
    )
    merged, status = await long_term.remember(
        "t1", "c1", "Refunded the duplicate March charge", kind="resolution", source="ticket:T-9"
    )
    assert status == "merged"
    assert merged.id == original.id
    assert merged.content == "Refunded the duplicate March charge"
    assert merged.source == "ticket:T-9"
    assert merged.mentions == 2 and merged.created_at == original.created_at
    assert await long_term.table.count() == 1
    # Either wording now finds the same memory, unchanged.
    for wording in ("Refund issued for duplicate charge in March",
                    "Refunded the duplicate March charge"):
        record, status = await long_term.remember("t1", "c1", wording, kind="resolution")
        assert (record.id, status) == (original.id, "unchanged")


async def test_similar_content_of_another_customer_or_kind_is_kept_apart(long_term):
    text = "Refund issued for duplicate charge in March"
    a, _ = await long_term.remember("t1", "c1", text, kind="resolution")
    b, _ = await long_term.remember("t1", "c2", text, kind="resolution")
    c, _ = await long_term.remember("t1", "c1", text, kind="fact")
    d, _ = await long_term.remember("t2", "c1", text, kind="resolution")
    assert len({a.id, b.id, c.id, d.id}) == 4


async def test_different_facts_are_not_merged(long_term):
    await long_term.remember("t1", "c1", "Prefers to be contacted by email", kind="preference")
    _, status = await long_term.remember(
        "t1", "c1", "Prefers to be contacted by phone", kind="preference"
    )
    assert status == "created"


async def test_recall_finds_by_meaning_with_filters(long_term):
    await long_term.remember("t1", "c1", "Uses the Android app on a Pixel phone")
    await long_term.remember("t1", "c1", "Prefers email over phone calls", kind="preference")
    await long_term.remember("t1", "c1", "Reset 2FA after losing the authenticator device",
                             kind="resolution", source="ticket:T-1")
    await long_term.remember("t1", "c2", "Uses the iPhone app")

    hits = await long_term.recall("t1", "which mobile app do they use", customer_id="c1")
    assert hits[0].content == "Uses the Android app on a Pixel phone"
    assert all(h.customer_id == "c1" for h in hits)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)

    resolutions = await long_term.recall("t1", "two-factor", kinds=["resolution"])
    assert [h.source for h in resolutions] == ["ticket:T-1"]
    assert await long_term.recall("t1", "app", source="nowhere") == []
    assert len(await long_term.recall("t1", "app", limit=2)) == 2
    tenant_wide = await long_term.recall("t1", "which mobile app do they use", limit=10)
    assert {h.customer_id for h in tenant_wide} == {"c1", "c2"}
    assert await long_term.recall("t1", "app", min_score=0.999) == []


async def test_expired_memories_are_never_returned_and_are_purged(long_term):
    soon = datetime.now(UTC) + timedelta(milliseconds=400)
    brief, _ = await long_term.remember("t1", "c1", "Has an open outage ticket", expires_at=soon)
    lasting, _ = await long_term.remember("t1", "c1", "Works in the finance team")
    assert (await long_term.get("t1", brief.id)).expires_at is not None

    async def expired():
        hits = await long_term.recall("t1", "outage ticket", customer_id="c1")
        return brief.id not in {h.id for h in hits}

    await await_until(expired, timeout=5, what="the memory to expire")
    with pytest.raises(NotFound, match="memory_id"):
        await long_term.get("t1", brief.id)
    assert [m.id for m in await long_term.of_customer("t1", "c1")] == [lasting.id]
    await long_term.purge_expired()
    assert await long_term.table.count() == 1


async def test_forget_removes_from_search_and_get(long_term):
    gone, _ = await long_term.remember("t1", "c1", "Lives in Lisbon")
    kept, _ = await long_term.remember("t1", "c2", "Lives in Lisbon")
    assert await long_term.forget("t1", gone.id) == 1
    with pytest.raises(NotFound):
        await long_term.get("t1", gone.id)
    hits = await long_term.recall("t1", "Lisbon", limit=10)
    assert [h.id for h in hits] == [kept.id]
    assert await long_term.forget_customer("t1", "c2") == 1
    assert await long_term.recall("t1", "Lisbon") == []
    assert await long_term.table.count() == 0


async def test_other_tenants_ids_are_not_found(long_term):
    mine, _ = await long_term.remember("t1", "c1", "Secret preference", kind="preference")
    with pytest.raises(NotFound):
        await long_term.get("t2", mine.id)
    assert await long_term.recall("t2", "preference") == []
    assert await long_term.forget("t2", mine.id) == 0
    assert await long_term.of_customer("t2", "c1") == []


async def test_memories_survive_a_restart(tmp_path, embedder):
    first = long_term_in(tmp_path / "data", embedder)
    await first.open()
    record, _ = await first.remember("t1", "c1", "Account owner is Dana", kind="fact")
    await first.close()

    second = long_term_in(tmp_path / "data", embedder)
    await second.open()
    try:
        assert (await second.get("t1", record.id)).content == "Account owner is Dana"
        assert (await second.recall("t1", "who owns the account"))[0].id == record.id
        _, status = await second.remember("t1", "c1", "Account owner is Dana", kind="fact")
        assert status == "unchanged"
    finally:
        await second.close()


async def test_indexes_keep_results_the_same(long_term):
    for i in range(30):
        await long_term.remember("t1", f"c{i % 3}", f"Customer note number {i} about topic {i}")
    before = await long_term.recall("t1", "note about topic 7", customer_id="c1", limit=5)
    await long_term.table.refresh_indexes()
    after = await long_term.recall("t1", "note about topic 7", customer_id="c1", limit=5)
    assert [h.id for h in after] == [h.id for h in before]


async def test_writes_are_compacted_and_indexed_as_they_accumulate(tmp_path, embedder):
    from memory.vector_store import MemoryTable

    table = MemoryTable(tmp_path / "memory.lance", embedder.dim, upkeep_every=10)
    memory = long_term_in(tmp_path, embedder)
    memory.table = table  # the same store, with upkeep after every 10 writes
    await memory.open()
    for i in range(25):
        await memory.remember("t1", f"c{i % 3}", f"Customer note number {i} about topic {i}")
    await memory.close()  # waits for an upkeep still running

    await table.open()
    try:
        fragments = (await table.table.stats())["fragment_stats"]["num_fragments"]
        indexes = {index.name for index in await table.table.list_indices()}
        recalled = await memory.recall("t1", "note about topic 7", customer_id="c1", limit=1)
    finally:
        await table.close()
    assert fragments < 25 / 2  # one per write without upkeep
    assert {"customer_id_idx", "uid_idx", "tenant_idx"} <= indexes
    assert recalled[0].content == "Customer note number 7 about topic 7"
