"""The knowledge base as plain async methods: what the MCP tools, the CLI and the tests call.

Every method takes the tenant: each tenant has its own help center, and another tenant's
article ids do not exist for it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace

import anyio.to_thread

from embeddings import Embedder, embed_soon
from servers.kb.chunking import chunk_article
from servers.kb.models import (
    Article,
    ArticleInput,
    ArticleSummary,
    CategoryArticles,
    CategoryCount,
    DeleteOutcome,
    SearchHit,
    SearchResult,
    UpsertOutcome,
    article_uri,
)
from servers.kb.search_cache import SearchCache
from servers.kb.article_index import (
    ArticleIndex,
    ChunkRow,
    SearchFilters,
    reciprocal_rank_fusion,
)

logger = logging.getLogger(__name__)

# How many chunk candidates each ranking gives per requested hit before collapsing to one per
# article. Deep enough that articles with many near passages don't crowd out one whose single
# passage answers (4 hid the audit log from "who changed the permissions?").
CANDIDATES_PER_HIT = 8

Progress = Callable[[str, int], None]
"""Told ``(stage, chunks)`` as a write moves on: 'chunked', 'embedded', then 'written'."""


class KnowledgeBaseError(Exception):
    """Base error of the knowledge base; messages are safe to show the caller."""


class ArticleNotFound(KnowledgeBaseError):
    def __init__(self, article_id: str) -> None:
        super().__init__(f"article_id: no article with id {article_id!r}")
        self.article_id = article_id


class KnowledgeBase:
    def __init__(
        self,
        store: ArticleIndex,
        embedder: Embedder,
        *,
        chunk_chars: int = 900,
        search_cache_size: int = 1024,
    ) -> None:
        """Articles in ``store`` (open it with ``open``), embedded by ``embedder``."""
        self.embedder = embedder
        self.chunk_chars = chunk_chars
        self.store = store
        self.search_cache: SearchCache[SearchResult] = SearchCache(search_cache_size)
        # Reads of the article table (articles read whole: research reads the first one found
        # for every request; category counts), kept for its version as results are for the
        # chunk table's.
        self.article_cache: SearchCache[Article | list[CategoryCount]] = SearchCache(
            search_cache_size)

    async def open(self) -> None:
        await self.store.open()
        stored = await self.store.stored_dim()
        if stored != self.embedder.dim:
            raise KnowledgeBaseError(
                f"the knowledge base ({self.store.describe()}) holds {stored}-dim vectors but "
                f"the embedder {self.embedder.name!r} makes {self.embedder.dim}-dim ones; "
                "use another data directory or re-ingest"
            )

    async def close(self) -> None:
        await self.store.close()

    async def warm(self, tenant: str) -> None:
        """Load now what ``tenant``'s first search would: the embedding model (in a worker
        thread; once loaded, a query is embedded on the event loop) and the passages served
        from memory."""
        await anyio.to_thread.run_sync(self.embedder.load)
        await self.store.prepare(tenant)

    async def upsert(
        self, tenant: str, article: ArticleInput, *, markdown: bool = True
    ) -> UpsertOutcome:
        """Write an article; unchanged content does nothing, changed chunks alone are embedded."""
        return (await self.upsert_many(tenant, [(article, markdown)]))[0]

    async def upsert_many(
        self,
        tenant: str,
        items: list[tuple[ArticleInput, bool]],
        progress: Progress | None = None,
    ) -> list[UpsertOutcome]:
        """Upsert (article, is_markdown) pairs with one embedding batch and one commit per table.

        Ids must be unique within a batch.
        """
        ids = [article.id for article, _ in items]
        if len(set(ids)) != len(ids):
            raise KnowledgeBaseError("article_id: the same id appears twice in one batch")
        known = await self.store.hashes_for(tenant, ids)
        unchanged = {
            article.id
            for article, _ in items
            if known.get(article.id) == (article.digest(), self.embedder.name)
        }
        changed = [(a, md) for a, md in items if a.id not in unchanged]
        same_model = [a.id for a, _ in changed if known.get(a.id, ("", ""))[1] == self.embedder.name]
        reusable = await self.store.chunk_vectors_for(tenant, same_model)

        plans = []
        to_embed: list[str] = []
        for article, markdown in changed:
            chunks = chunk_article(article.body, markdown=markdown, max_chars=self.chunk_chars)
            old = reusable.get(article.id, {})
            fingerprints = [chunk.fingerprint(article.title) for chunk in chunks]
            missing = [i for i, fp in enumerate(fingerprints) if fp not in old]
            plans.append((article, chunks, fingerprints, missing, len(to_embed)))
            to_embed.extend(chunks[i].embedding_text(article.title) for i in missing)
        counts = await self.store.chunk_counts_for(tenant, sorted(unchanged)) if unchanged else {}
        work = sum(len(plan[1]) for plan in plans) + sum(counts.values())
        report = progress or (lambda stage, n: None)
        report("chunked", work)
        fresh = await embed_soon(self.embedder, to_embed)
        report("embedded", work)

        writes = []
        outcomes: dict[str, UpsertOutcome] = {}
        for article, chunks, fingerprints, missing, offset in plans:
            vectors = dict(reusable.get(article.id, {}))
            for row, i in enumerate(missing):
                vectors[fingerprints[i]] = fresh[offset + row]
            rows = [
                ChunkRow(
                    chunk_id=f"{article.id}#{chunk.index}",
                    chunk_index=chunk.index,
                    heading=chunk.heading,
                    text=chunk.text,
                    fingerprint=fingerprints[chunk.index],
                    vector=vectors[fingerprints[chunk.index]],
                )
                for chunk in chunks
            ]
            writes.append((article, rows))
            outcomes[article.id] = UpsertOutcome(
                article_id=article.id,
                status="updated" if article.id in known else "created",
                chunks=len(chunks),
                embedded=len(missing),
                uri=article_uri(article.id),
            )
        if writes:
            await self.store.write_many(tenant, writes, self.embedder.name, all_new=not known)
        report("written", work)
        for article_id in unchanged:
            outcomes[article_id] = UpsertOutcome(
                article_id=article_id,
                status="unchanged",
                chunks=counts.get(article_id, 0),
                embedded=0,
                uri=article_uri(article_id),
            )
        return [outcomes[article_id] for article_id in ids]

    async def get(self, tenant: str, article_id: str) -> Article:
        key = ("article", tenant, article_id)
        version = await self.store.articles_version() if self.article_cache.size else 0
        if (cached := self.article_cache.get(version, key)) is not None:
            return cached
        article = await self.store.get(tenant, article_id)
        if article is None:
            raise ArticleNotFound(article_id)
        self.article_cache.put(version, key, article)
        return article

    async def delete(self, tenant: str, article_id: str) -> DeleteOutcome:
        if await self.store.get(tenant, article_id) is None:
            return DeleteOutcome(article_id=article_id, deleted=False, chunks_removed=0)
        removed = await self.store.delete(tenant, article_id)
        return DeleteOutcome(article_id=article_id, deleted=True, chunks_removed=removed)

    async def categories(self, tenant: str) -> list[CategoryCount]:
        """Kept for the article table's version, which any write moves on."""
        key = ("categories", tenant)
        version = await self.store.articles_version() if self.article_cache.size else 0
        if (cached := self.article_cache.get(version, key)) is not None:
            return cached
        counts = await self.store.categories(tenant)
        listed = [CategoryCount(category=name, articles=n) for name, n in counts.items()]
        self.article_cache.put(version, key, listed)
        return listed

    async def list_category(self, tenant: str, category: str) -> CategoryArticles:
        rows = await self.store.titles_in(tenant, category)
        return CategoryArticles(
            category=category,
            articles=[ArticleSummary(id=i, title=t, uri=article_uri(i)) for i, t in rows],
        )

    async def search(
        self,
        tenant: str,
        query: str,
        *,
        filters: SearchFilters | None = None,
        prefer_category: str | None = None,
        limit: int = 5,
        read_first: bool = False,
    ) -> SearchResult:
        """Hybrid search; the best passage of each of the top ``limit`` articles, and with
        ``read_first`` the first one's whole article (what a reader opens next).

        ``prefer_category`` ranks that category's articles higher without leaving the others
        out: the top ``limit`` articles of the whole help center are rank-fused with the top
        ``limit`` within the category, so a guessed category helps when it is right, and
        when it is wrong the whole help center's first article still comes back (no article
        of a single ranking outscores it, and at most ``limit - 1`` are in both).
        """
        result = await self._search(tenant, query, filters or SearchFilters(),
                                    prefer_category, limit)
        if not (read_first and result.hits):
            return result
        try:
            first = await self.get(tenant, result.hits[0].article_id)
        except ArticleNotFound:  # deleted since the search's index was read
            return result
        return result.model_copy(update={"first_article": first})

    async def _search(self, tenant: str, query: str, filters: SearchFilters,
                      prefer_category: str | None, limit: int) -> SearchResult:
        if filters.category:
            prefer_category = None  # only that category can come back anyway
        key = (tenant, query, filters, prefer_category, limit)
        version = await self.store.chunks_version() if self.search_cache.size else 0
        if (cached := self.search_cache.get(version, key)) is not None:
            return cached
        vector = (await embed_soon(self.embedder, [query]))[0]
        candidates = limit * CANDIDATES_PER_HIT
        rows = await self.store.search(tenant, query, vector, filters, candidates)
        if prefer_category:
            within = replace(filters, category=prefer_category)
            preferred = await self.store.search(tenant, query, vector, within, candidates)
            rows = reciprocal_rank_fusion(
                [_best_per_article(rows)[:limit], _best_per_article(preferred)[:limit]],
                key="article_id")
        hits: list[SearchHit] = []
        seen: set[str] = set()
        for row in rows:
            if row["article_id"] in seen:
                continue
            seen.add(row["article_id"])
            hits.append(
                SearchHit(
                    article_id=row["article_id"],
                    title=row["title"],
                    heading=row["heading"],
                    text=row["text"],
                    category=row["category"],
                    score=round(float(row["_relevance_score"]), 6),
                    uri=article_uri(row["article_id"]),
                    url=row.get("url"),
                )
            )
            if len(hits) == limit:
                break
        result = SearchResult(query=query, hits=hits)
        self.search_cache.put(version, key, result)
        return result

    async def ready(self) -> bool:
        try:
            await self.store.count_articles()
        except Exception:  # not open, or the store went away: not ready, whatever the cause
            return False
        return True

    async def is_empty(self, tenant: str) -> bool:
        return await self.store.count_articles(tenant) == 0


def _best_per_article(rows: list[dict]) -> list[dict]:
    """Each article's first (best) passage, in rank order."""
    best: dict[str, dict] = {}
    for row in rows:
        best.setdefault(row["article_id"], row)
    return list(best.values())
