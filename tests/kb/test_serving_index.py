"""The serving index answers searches from memory and follows the store of record: this
process's writes at once, another writer's within its store's refresh interval, and a tenant too large
to hold is searched in LanceDB."""

from __future__ import annotations

import asyncio

import numpy as np

from embeddings import HashingEmbedder
from servers.kb.article_index import SearchFilters
from servers.kb.models import ArticleInput
from servers.kb.service import KnowledgeBase
from servers.kb.serving_index import ServingIndex, _best
from servers.kb.store import ArticleStore

EMBEDDER = HashingEmbedder(dim=64)
REFUND = ArticleInput(id="refunds", title="Refunds for double charges", category="billing",
                      body="A double charge is refunded within five days.")
EXPORT = ArticleInput(id="export", title="Exporting projects to CSV", category="data-export",
                      body="Open settings, choose export, and pick CSV for every project.")


class CountingStore(ArticleStore):
    """The LanceDB store, counting how often a serving snapshot is read from it."""

    loads = 0

    async def passages_of(self, tenant, columns):
        self.loads += 1
        return await super().passages_of(tenant, columns)


async def opened(tmp_path, *, check_seconds=None, max_passages=1000) -> KnowledgeBase:
    store = CountingStore.in_dir(tmp_path, EMBEDDER.dim, refresh_seconds=check_seconds)
    index = ServingIndex(store, max_passages=max_passages)
    kb = KnowledgeBase(index, EMBEDDER, search_cache_size=0)
    await kb.open()
    return kb


async def found(kb: KnowledgeBase, query: str, tenant: str = "acme") -> list[str]:
    return [hit.article_id for hit in (await kb.search(tenant, query, limit=5)).hits]


async def test_own_writes_are_searched_at_once(tmp_path):
    kb = await opened(tmp_path)
    await kb.upsert("acme", REFUND)
    assert await found(kb, "refund double charge") == ["refunds"]
    await kb.upsert("acme", EXPORT)
    assert "export" in await found(kb, "export projects to CSV")
    await kb.delete("acme", "refunds")
    assert "refunds" not in await found(kb, "refund double charge")
    await kb.close()


async def test_another_writer_is_seen_within_the_check_interval(tmp_path):
    watching = await opened(tmp_path, check_seconds=0)
    unaware = await opened(tmp_path, check_seconds=None)
    writer = KnowledgeBase(ArticleStore.in_dir(tmp_path, EMBEDDER.dim), EMBEDDER)
    await writer.open()
    await writer.upsert("acme", REFUND)
    assert await found(watching, "refund double charge") == ["refunds"]
    await writer.upsert("acme", EXPORT)
    assert "export" in await found(watching, "export projects to CSV")
    # None: only its own writes move it on, as LanceDB without a consistency interval.
    assert await found(unaware, "refund double charge export projects") == []
    for kb in (watching, unaware, writer):
        await kb.close()


async def test_a_burst_of_first_searches_reads_the_tenant_once(tmp_path):
    kb = await opened(tmp_path)
    await kb.upsert("acme", REFUND)
    results = await asyncio.gather(*(found(kb, f"refund {n}") for n in range(20)))
    assert all(result == ["refunds"] for result in results)
    assert kb.store.store.loads == 1


async def test_a_tenant_too_large_to_hold_is_searched_in_lancedb(tmp_path):
    kb = await opened(tmp_path, max_passages=1)
    await kb.upsert("acme", REFUND)
    await kb.upsert("acme", EXPORT)
    vector = EMBEDDER.embed(["export projects"])[0]
    served = await kb.store.search("acme", "export projects", vector, SearchFilters(), 5)
    stored = await kb.store.store.search("acme", "export projects", vector, SearchFilters(), 5)
    assert [row["chunk_id"] for row in served] == [row["chunk_id"] for row in stored]
    assert kb.store.store.loads == 0
    await kb.close()


async def test_filters_and_tenants_hold_in_memory(tmp_path):
    kb = await opened(tmp_path)
    await kb.upsert("acme", REFUND)
    await kb.upsert("acme", EXPORT)
    await kb.upsert("rival", EXPORT)
    billing = await kb.search("acme", "export CSV refund", filters=SearchFilters(
        category="billing"))
    assert [hit.article_id for hit in billing.hits] == ["refunds"]
    assert await found(kb, "refund double charge", tenant="rival") == ["export"]
    assert await found(kb, "anything", tenant="nobody") == []
    await kb.close()


def test_the_best_rows_come_best_first_with_ties_in_table_order():
    scores = np.array([0.2, 0.9, 0.5, 0.9, 0.0, 0.5])
    assert _best(scores, None, 4, positive_only=False) == [1, 3, 2, 5]
    assert _best(scores, None, 10, positive_only=True) == [1, 3, 2, 5, 0]
    kept = np.array([True, False, True, True, True, True])
    assert _best(scores, kept, 3, positive_only=True) == [3, 2, 5]
    assert _best(scores, np.zeros(6, dtype=bool), 3, positive_only=False) == []
