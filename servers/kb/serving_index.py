"""Searches answered from process memory, LanceDB kept as the store of record.

A tenant's passages are held as one normalised vector matrix (exact cosine, as LanceDB's flat
scan below its index threshold) and a BM25 index (bm25s over lower-case, ASCII-folded,
Snowball-stemmed words; unlike LanceDB's full-text index it keeps stop words), rank-fused as
the store does. A snapshot is built on a tenant's first search and rebuilt when the chunk
table's version moves: at once after this process's own writes, and for other processes'
writes within the store's ``refresh_seconds`` (LanceDB's own read consistency interval).

Everything else, and the search of a tenant too large to hold (``max_passages``), goes to the
store unchanged.
"""

from __future__ import annotations

import asyncio
import re
import time
import unicodedata
from dataclasses import dataclass
from functools import cache

import anyio.to_thread
import numpy as np
import pyarrow as pa

from servers.kb.article_index import SearchFilters, rank_fusion
from servers.kb.store import ArticleStore

# Runs of letters and digits, one character long too: "2FA" and "2 factor" both match.
WORD = re.compile(r"[^\W_]+")
COLUMNS = ("chunk_id", "article_id", "title", "heading", "text", "category", "url")


@cache
def _stemmer():
    import Stemmer  # PyStemmer: Snowball, as LanceDB's full-text index stems

    return Stemmer.Stemmer("english")


def _folded(text: str) -> str:
    """Lower case without accents ("Café" -> "cafe"), as LanceDB's ASCII folding."""
    if text.isascii():  # nothing to fold, and most queries are
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _tokens(text: str) -> list[str]:
    """Index terms: folded words, stemmed. Stop words stay (BM25's idf makes them weigh
    little), which cited the answering article more often on the offline engine's evals."""
    return _stemmer().stemWords(WORD.findall(_folded(text)))


@dataclass(slots=True)
class _Snapshot:
    """One tenant's passages at one table version, ready to search."""

    version: int
    rows: list[dict]
    vectors: np.ndarray  # (passages, dim), each row of unit length
    categories: np.ndarray
    products: np.ndarray
    tags: list[set[str]]
    bm25: object  # bm25s.BM25, or None when no passage has a word to index

    def mask(self, filters: SearchFilters) -> np.ndarray | None:
        if not (filters.category or filters.product or filters.tags):
            return None
        keep = np.ones(len(self.rows), dtype=bool)
        if filters.category:
            keep &= self.categories == filters.category
        if filters.product:
            keep &= self.products == filters.product
        if filters.tags:
            wanted = set(filters.tags)
            keep &= np.fromiter((bool(t & wanted) for t in self.tags), bool, len(self.tags))
        return keep

    def search(self, query: str, vector: np.ndarray, filters: SearchFilters,
               limit: int) -> list[dict]:
        keep = self.mask(filters)
        norm = float(np.linalg.norm(vector))
        similarity = self.vectors @ (vector.astype(np.float32) / (norm or 1.0))
        by_vector = _best(similarity, keep, limit, positive_only=False)
        by_text: list[int] = []
        if self.bm25 is not None:
            terms = _tokens(query)
            if terms:
                by_text = _best(self.bm25.get_scores(terms), keep, limit, positive_only=True)
        # Fused by row position (a passage's row is its chunk id here); only the fused
        # candidates are copied out.
        fused = rank_fusion([by_vector, by_text], limit=limit)
        return [{**self.rows[i], "_relevance_score": score} for i, score in fused]


def _best(scores: np.ndarray, keep: np.ndarray | None, limit: int,
          *, positive_only: bool) -> list[int]:
    """Indices of the ``limit`` highest scores, best first (ties in table order)."""
    scores = np.asarray(scores, dtype=np.float64)
    allowed = keep
    if positive_only:
        allowed = scores > 0 if keep is None else keep & (scores > 0)
    candidates = np.arange(len(scores)) if allowed is None else np.flatnonzero(allowed)
    if len(candidates) > limit:
        candidates = candidates[np.argpartition(-scores[candidates], limit - 1)[:limit]]
    # Best score first, then table order: lexsort's last key is its first.
    return candidates[np.lexsort((candidates, -scores[candidates]))].tolist()


def _build(version: int, table: pa.Table) -> _Snapshot:
    rows = [dict(zip(COLUMNS, values, strict=True))
            for values in zip(*(table.column(c).to_pylist() for c in COLUMNS), strict=True)]
    dim = table.schema.field("vector").type.list_size
    vectors = table.column("vector").combine_chunks().flatten().to_numpy(zero_copy_only=False)
    vectors = vectors.astype(np.float32).reshape(len(rows), dim)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    vectors /= np.where(norms == 0, 1.0, norms)
    bm25 = None
    tokens = [_tokens(row["text"]) for row in rows]
    if any(tokens):
        import bm25s

        bm25 = bm25s.BM25(k1=1.2, b=0.75)
        bm25.index(tokens, show_progress=False)
    return _Snapshot(
        version=version,
        rows=rows,
        vectors=vectors,
        categories=np.array(table.column("category").to_pylist(), dtype=object),
        products=np.array(table.column("product").to_pylist(), dtype=object),
        tags=[set(t or ()) for t in table.column("tags").to_pylist()],
        bm25=bm25,
    )


class ServingIndex:
    """An ``ArticleIndex``: the store, with its search served from memory."""

    def __init__(self, store: ArticleStore, *, max_passages: int) -> None:
        """``max_passages``: a tenant with more is searched in the store. Other processes'
        writes are looked for as often as the store does (its ``refresh_seconds``)."""
        self.store = store
        self.max_passages = max_passages
        self._seen: dict[str, tuple[int, float]] = {}  # table -> (version, when read)
        self._snapshots: dict[str, _Snapshot | int] = {}  # int: too large, at that version
        self._building: dict[str, asyncio.Lock] = {}

    def __getattr__(self, name: str):
        # Every read but search is the store's own.
        return getattr(self.store, name)

    async def chunks_version(self) -> int:
        """The chunk table's version as last seen: what the snapshots and the result cache
        follow."""
        return await self._last_seen("chunks", self.store.chunks_version)

    async def articles_version(self) -> int:
        """The article table's version as last seen: what articles read whole follow."""
        return await self._last_seen("articles", self.store.articles_version)

    async def _last_seen(self, table: str, read) -> int:
        """Read again after this process's writes, and as often as the store looks for other
        processes' (its ``refresh_seconds``)."""
        every = self.store.refresh_seconds
        held = self._seen.get(table)
        if held is None or (every is not None and time.monotonic() - held[1] >= every):
            held = (await read(), time.monotonic())
            self._seen[table] = held
        return held[0]

    def _changed(self) -> None:
        self._seen.clear()

    async def write_many(self, tenant, items, embedder, *, all_new=False) -> None:
        try:
            await self.store.write_many(tenant, items, embedder, all_new=all_new)
        finally:
            self._changed()

    async def delete(self, tenant: str, article_id: str) -> int:
        try:
            return await self.store.delete(tenant, article_id)
        finally:
            self._changed()

    async def refresh_indexes(self) -> None:
        await self.store.refresh_indexes()
        self._changed()

    async def upkeep(self) -> str:
        try:
            return await self.store.upkeep()
        finally:
            self._changed()

    async def prepare(self, tenant: str) -> None:
        """The tenant's snapshot, built now rather than on its first search."""
        await self._snapshot(tenant)

    async def search(self, tenant: str, query: str, vector: np.ndarray,
                     filters: SearchFilters, limit: int) -> list[dict]:
        snapshot = await self._snapshot(tenant)
        if snapshot is None:
            return await self.store.search(tenant, query, vector, filters, limit)
        return snapshot.search(query, vector, filters, limit)

    async def _snapshot(self, tenant: str) -> _Snapshot | None:
        version = await self.chunks_version()
        held = self._snapshots.get(tenant)
        if held is None or _version_of(held) != version:
            async with self._building.setdefault(tenant, asyncio.Lock()):
                held = self._snapshots.get(tenant)
                if held is None or _version_of(held) != version:
                    held = await self._load(tenant, version)
                    self._snapshots[tenant] = held
        return held if isinstance(held, _Snapshot) else None

    async def _load(self, tenant: str, version: int) -> _Snapshot | int:
        if await self.store.count_chunks(tenant) > self.max_passages:
            return version
        table = await self.store.passages_of(tenant, [*COLUMNS, "product", "tags", "vector"])
        return await anyio.to_thread.run_sync(_build, version, table)


def _version_of(held: _Snapshot | int) -> int:
    return held.version if isinstance(held, _Snapshot) else held
